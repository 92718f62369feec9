"""The content shipped in content/: it passes the checker and renders in every language."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content import PRACTICE_ANSWERS, ContentBundle, Localized, QuestionType, load_content
from bot.content.check import inspect_content, phone_numbers, step_lengths
from bot.content.models import PARENT_TRACK
from bot.content.render import CHECKIN_NAMES, LESSON_NAMES, sample_values
from bot.content.telegram_html import validate
from bot.levels import RiskLevel

CONTENT = Path(__file__).resolve().parents[2] / "content"


@pytest.fixture(scope="module")
def shipped() -> ContentBundle:
    """The shipped content, loaded once (loading fails with every problem listed)."""
    return load_content(CONTENT)


def _lesson_texts(bundle: ContentBundle, lesson_id: str) -> list[tuple[Localized, bool]]:
    lesson = bundle.lesson(lesson_id)
    texts = [(lesson.title, False), (lesson.question.text, False)]
    texts += [(step.text, False) for step in lesson.steps]
    for option in lesson.question.options:
        texts += [(option.label, True), (option.feedback, False)]
    tips = [(lesson.practice_tips.for_answer(answer), False) for answer in PRACTICE_ANSWERS]
    return [*texts, (lesson.practice, False), (lesson.follow_up, False), *tips]


def _checkin_texts(bundle: ContentBundle, checkin_id: str) -> list[tuple[Localized, bool]]:
    checkin = bundle.checkin(checkin_id)
    texts = [(checkin.title, False), (checkin.intro, False)]
    for question in checkin.questions:
        texts.append((question.text, False))
        for option in question.options:
            texts.append((option.label, True))
            if option.reply is not None:
                texts.append((option.reply, False))
        if question.skip_label is not None:
            texts.append((question.skip_label, True))
    return [*texts, (checkin.closing, False), (checkin.crisis, False)]


def _render_all(
    bundle: ContentBundle, texts: list[tuple[Localized, bool]], names: tuple[str, ...]
) -> None:
    for lang in ("zh", "en"):
        values = sample_values(lang, names)
        for text, label in texts:
            assert lang in text, f"{text.origin}: no {lang} text"
            if label:
                assert bundle.render_label(text, lang, **values).strip()
            else:
                rendered = bundle.render(text, lang, **values)
                assert rendered.strip(), f"{text.origin}: empty in {lang}"
                assert validate(rendered) == [], f"{text.origin} ({lang})"


def test_shipped_content_has_lessons_in_four_tracks_and_two_checkins(
    shipped: ContentBundle,
) -> None:
    """At least 16 lessons in at least four tracks of four, and the weekly and follow-up sets."""
    full_tracks = [track for track in shipped.tracks if len(shipped.lessons_in(track)) >= 4]
    assert len(shipped.lessons) >= 16
    assert len(full_tracks) >= 4
    assert {"weekly", "followup"} <= set(shipped.checkins)


def test_shipped_lessons_are_thirty_or_more_in_a_sequence_with_short_steps(
    shipped: ContentBundle,
) -> None:
    """At least 30 lessons, all the grandparents' in the sequence file (the parents' track keeps
    its own order), and no step over 60 Han characters."""
    assert len(shipped.lessons) >= 30
    assert sorted(lesson.id for lesson in shipped.sequence) == sorted(
        lesson.id for lesson in shipped.lessons if lesson.track != PARENT_TRACK
    )
    lengths = step_lengths(inspect_content(CONTENT))
    assert len(lengths) == sum(len(lesson.steps) for lesson in shipped.lessons)
    assert max(length.han for length in lengths) <= 60
    assert max(length.seconds for length in lengths) <= 30


def test_every_shipped_lesson_renders_in_both_languages(shipped: ContentBundle) -> None:
    """Each text of each lesson renders in zh and en with sample names into valid Telegram HTML."""
    assert shipped.lessons
    for lesson in shipped.lessons:
        assert lesson.source
        _render_all(shipped, _lesson_texts(shipped, lesson.id), LESSON_NAMES)


def test_every_shipped_checkin_renders_in_both_languages(shipped: ContentBundle) -> None:
    """Each text of each check-in set renders in zh and en with sample names into valid HTML."""
    assert shipped.checkins
    for checkin_id in shipped.checkins:
        _render_all(shipped, _checkin_texts(shipped, checkin_id), CHECKIN_NAMES)


def test_shipped_crisis_messages_name_the_crisis_lines(shipped: ContentBundle) -> None:
    """Every crisis message gives 12356, Hope 24, 12355 and 110/120 in every language."""
    for checkin in shipped.checkins.values():
        for lang in checkin.crisis.languages:
            numbers = phone_numbers(checkin.crisis[lang])
            assert {"12356", "4001619995", "12355", "110", "120"} <= numbers, checkin.id


def test_weekly_checkin_asks_about_being_hurt_with_an_urgent_answer(
    shipped: ContentBundle,
) -> None:
    """The weekly set opens with the five faces and has urgent and concern answers."""
    weekly = shipped.checkin("weekly")
    assert weekly.questions[0].type is QuestionType.MOOD
    assert weekly.questions[-1].type is QuestionType.FREE_TEXT
    assert weekly.questions[-1].optional
    risks = {o.risk for q in weekly.questions for o in q.options}
    assert RiskLevel.URGENT in risks
    assert RiskLevel.CONCERN in risks
