"""The public content API: loading, ordering, lookups, rendering and language fallback."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import MappingProxyType

import jinja2
import pytest

from bot.content import (
    ContentBundle,
    ContentError,
    Localized,
    Origin,
    Problem,
    QuestionType,
    check_content,
    load_content,
)
from bot.levels import RiskLevel

FIXTURES = Path(__file__).parent / "fixtures"


def _text(**texts: str) -> Localized:
    return Localized(MappingProxyType(texts), Origin("test.yaml", 1))


@pytest.fixture
def bundle() -> ContentBundle:
    """The valid fixture, loaded."""
    return load_content(FIXTURES / "valid")


def test_load_content_raises_with_every_problem() -> None:
    """A broken folder raises ContentError whose problems print as file:line: message."""
    root = FIXTURES / "step_too_long"
    with pytest.raises(ContentError) as caught:
        load_content(root)
    assert [str(p) for p in caught.value.problems] == [
        f"{root}/lessons/homework-01-routine.yaml:8: step 1 text (en): is too long: "
        "61 words, at most 60",
        f"{root}/lessons/homework-01-routine.yaml:8: step 1 text (zh): is too long: "
        "151 Chinese characters (about 76 s to read), at most 60",
    ]
    assert "2 content problems" in str(caught.value)


def test_check_content_returns_problems_instead_of_raising() -> None:
    """check_content lists problems as values; the Problem string has the file:line form."""
    problems = check_content(FIXTURES / "missing_source")
    assert problems == [
        Problem(
            f"{FIXTURES / 'missing_source'}/lessons/homework-01-routine.yaml",
            1,
            "missing required field 'source'",
        )
    ]


def test_lessons_are_ordered_by_track_then_order(tmp_path: Path) -> None:
    """Lessons come in the fixed track order, then by their order within the track."""
    source = (FIXTURES / "valid" / "lessons" / "homework-01-routine.yaml").read_text("utf-8")
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    shutil.copytree(FIXTURES / "valid" / "audio", tmp_path / "audio")
    for track, order, lesson_id in [
        ("safety", 1, "safety-one"),
        ("homework", 2, "homework-two"),
        ("stress", 1, "stress-one"),
        ("homework", 1, "homework-one"),
    ]:
        text = (
            source.replace("id: homework-routine", f"id: {lesson_id}")
            .replace("track: homework", f"track: {track}")
            .replace("order: 1", f"order: {order}")
        )
        (lessons / f"{track}-{order:02d}-x.yaml").write_text(text, "utf-8")
    loaded = load_content(tmp_path)
    assert [lesson.id for lesson in loaded.lessons] == [
        "homework-one",
        "homework-two",
        "stress-one",
        "safety-one",
    ]
    assert loaded.tracks == ("homework", "stress", "safety")
    assert [lesson.id for lesson in loaded.lessons_in("homework")] == [
        "homework-one",
        "homework-two",
    ]
    assert loaded.lessons_in("feelings") == ()


def test_lookups_return_typed_items(bundle: ContentBundle) -> None:
    """Lessons, check-ins, questions and options are found by id with their parsed values."""
    lesson = bundle.lesson("homework-routine")
    assert (lesson.version, lesson.track, lesson.order) == (1, "homework", 1)
    assert lesson.source == "PLH tips on routines"
    assert lesson.steps[0].audio == FIXTURES / "valid" / "audio" / "step-one.ogg"
    assert lesson.question.option("b").label.get("en") == "Talk first"
    checkin = bundle.checkin("weekly")
    assert set(bundle.checkins) == {"weekly"}
    mood = checkin.question("mood")
    assert mood.type is QuestionType.MOOD
    assert [o.risk for o in mood.options] == [
        RiskLevel.CONCERN,
        RiskLevel.WATCH,
        RiskLevel.NONE,
        RiskLevel.NONE,
        RiskLevel.NONE,
    ]
    anything = checkin.question("anything")
    assert anything.optional is True
    assert anything.options == ()
    assert bundle.languages == ("zh", "en")
    with pytest.raises(KeyError):
        bundle.lesson("no-such-lesson")
    with pytest.raises(KeyError):
        mood.option("6")


def test_render_escapes_values_for_telegram_html(bundle: ContentBundle) -> None:
    """A value with < & > is escaped, while the template's own tags stay markup."""
    text = _text(zh="<b>{{ name }}</b>，您好", en="Hello <b>{{ name }}</b>")
    assert bundle.render(text, "en", name="<Tom & Jerry>") == (
        "Hello <b>&lt;Tom &amp; Jerry&gt;</b>"
    )


def test_render_label_is_plain_text(bundle: ContentBundle) -> None:
    """Button labels are not parsed by Telegram, so values go in unescaped."""
    text = _text(zh="给{{ child }}", en="For {{ child }}")
    assert bundle.render_label(text, "en", child="A&B") == "For A&B"


def test_missing_value_raises(bundle: ContentBundle) -> None:
    """Rendering a text without a name it needs fails loudly instead of leaving a hole."""
    with pytest.raises(jinja2.UndefinedError):
        bundle.render(_text(zh="{{ name }}您好", en="Hi {{ name }}"), "zh")


def test_unknown_language_falls_back_to_chinese(bundle: ContentBundle) -> None:
    """A language the content lacks gets Chinese; a regional code gets its base language."""
    text = _text(zh="您好", en="Hello")
    assert bundle.render(text, "fr") == "您好"
    assert bundle.render(text, "en-US") == "Hello"
    assert bundle.language(None) == "zh"
    assert text.get("de") == "您好"


def test_ui_strings_render_with_values(bundle: ContentBundle) -> None:
    """A UI string renders by key and language; an unknown key raises KeyError."""
    assert bundle.ui("start.hello", "en", name="Wang") == "Hello, Wang!"
    assert bundle.ui("start.hello", "zh", name="王奶奶") == "王奶奶，您好！"
    with pytest.raises(KeyError):
        bundle.ui("start.nope", "zh")


def test_sandbox_blocks_unsafe_attribute_access(bundle: ContentBundle) -> None:
    """Templates run sandboxed: reaching into Python internals is refused."""
    text = _text(zh="{{ name.__class__.__mro__ }}", en="x")
    with pytest.raises(jinja2.exceptions.SecurityError):
        bundle.render(text, "zh", name="x")


def test_checker_reports_sandbox_violation_in_a_lesson(tmp_path: Path) -> None:
    """A template that breaks the sandbox is a content problem, not a crash of the checker."""
    shutil.copytree(FIXTURES / "valid", tmp_path / "c")
    path = tmp_path / "c" / "lessons" / "homework-01-routine.yaml"
    text = path.read_text("utf-8").replace(
        "{zh: 第二步。, en: Step two.}", '{zh: "{{ name.__class__ }}", en: Step two.}'
    )
    path.write_text(text, "utf-8")
    problems = check_content(tmp_path / "c")
    assert len(problems) == 1
    assert problems[0].line == 10
    assert problems[0].message.startswith("step 2 text (zh): cannot render: ")


def test_rendered_text_passed_into_another_text_is_not_escaped_twice(
    bundle: ContentBundle,
) -> None:
    """A rendered message used as a value in another message keeps its tags and entities."""
    inner = bundle.render(_text(zh="<b>紧急</b> &amp; {{ x }}", en="x"), "zh", x="<1>")
    outer = bundle.render(_text(zh="{{ level }}：{{ who }}", en="x"), "zh", level=inner, who="<2>")
    assert outer == "<b>紧急</b> &amp; &lt;1&gt;：&lt;2&gt;"
