"""Rendering a check-in's messages: questions and their buttons, hand-over, intro, closing."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.callbacks import pack
from bot.content import CheckinQuestion, CheckinSet, QuestionType
from bot.outgoing import Outgoing
from bot.services import addressing, checkin_plan
from bot.services.checkins._base import (
    ANSWER,
    GO,
    SKIP,
    TALK,
    TIDY,
    Household,
)
from storage.checkins import Session
from storage.people import Person

if TYPE_CHECKING:
    from bot.content import ContentBundle


def nickname(content: ContentBundle, child: Person, age_band: str | None = None) -> str:
    """How the check-in addresses the child (a default fits their age band)."""
    return addressing.child_address(content, child.display_name, age_band, child.lang)


def weekday_name(content: ContentBundle, weekday: int, lang: str) -> str:
    """A weekday's name in the child's language (0 = Monday)."""
    return content.ui_label(f"checkins.weekday.{weekday}", lang)


@dataclass(frozen=True)
class Asked:
    """A question as rendered for one language: its text, and its buttons as rows of
    (label, callback data after the session id). Rendered once per process, not per answer."""

    text: str
    rows: tuple[tuple[tuple[str, str], ...], ...]
    labels: dict[str, str]
    replies: dict[str, str | None]


_ASKED: dict[tuple[ContentBundle, int, str], Asked] = {}

_ASKED_MAX = 512

_WIDEST_SESSION = "9" * 12
"""The longest session id a press may carry (`Callback.int_part` refuses longer ones)."""


def asked_in(content: ContentBundle, question: CheckinQuestion, lang: str) -> Asked:
    """The question rendered for `lang`, from the cache (keyed by the bundle, which holds the
    question alive, so the question's id cannot be reused while its entry exists)."""
    key = (content, id(question), lang)
    found = _ASKED.get(key)
    if found is not None:
        return found
    labels = {o.id: content.render_label(o.label, lang) for o in question.options}
    replies = {o.id: content.render(o.reply, lang) if o.reply else None for o in question.options}

    def button(label: str, option_id: str) -> tuple[str, str]:
        pack(ANSWER, _WIDEST_SESSION, question.id, option_id)  # raises if it could not fit
        return (label, f"{question.id}:{option_id}")

    rows: list[tuple[tuple[str, str], ...]]
    if question.type == QuestionType.FREE_TEXT:
        skip = question.skip_label or content.ui_text("checkins.skip")
        labels[SKIP] = content.render_label(skip, lang)
        rows = [(button(labels[SKIP], SKIP),)]
    elif question.type in (QuestionType.MOOD, QuestionType.YES_NO):
        rows = [tuple(button(labels[o.id], o.id) for o in question.options)]
    else:
        rows = [(button(labels[o.id], o.id),) for o in question.options]
    found = Asked(content.render(question.text, lang), tuple(rows), labels, replies)
    if len(_ASKED) >= _ASKED_MAX:  # bounded: a reloaded bundle's entries go in time
        _ASKED.clear()
    _ASKED[key] = found
    return found


def question_message(
    content: ContentBundle,
    question: CheckinQuestion,
    session_id: int,
    lang: str,
    *,
    before: Sequence[str] = (),
) -> Outgoing:
    """A question with its buttons; `before` are paragraphs shown above it (intro, reply)."""
    asked = asked_in(content, question, lang)
    head = f"{ANSWER}:{session_id}:"
    rows = tuple(tuple((label, head + tail) for label, tail in row) for row in asked.rows)
    return Outgoing("\n\n".join([*before, asked.text]), rows)


def handover_message(
    content: ContentBundle, home: Household, session_id: int, key: str
) -> Outgoing:
    """On a shared phone: ask the caregiver to hand the phone over, with the child's button."""
    lang = home.child.lang
    name = addressing.child_reference(content, home.child.display_name, lang)
    button = content.ui_label("checkins.handover_button", lang, nickname=name)
    return Outgoing(content.ui(key, lang, nickname=name), (((button, pack(GO, session_id)),),))


def first_message(
    content: ContentBundle, cset: CheckinSet, home: Household, session: Session
) -> Outgoing:
    """The session's first message: the hand-over request (shared phone) or intro + question."""
    if home.shared_phone:
        return handover_message(content, home, session.id, "checkins.handover")
    lang = home.child.lang
    question = cset.question(session.current_question or cset.questions[0].id)
    intro = content.render(
        cset.intro, lang, nickname=nickname(content, home.child, home.settings.age_band)
    )
    return question_message(content, question, session.id, lang, before=[intro])


def closing_message(
    content: ContentBundle,
    cset: CheckinSet,
    session_id: int,
    before: Sequence[str],
    *,
    name: str,
    lang: str,
    weekday: int,
    shared_phone: bool,
) -> Outgoing:
    """The last message, with the "talk to someone" and the tidy-up buttons."""
    closing = content.render(
        cset.closing, lang, nickname=name, weekday=weekday_name(content, weekday, lang)
    )
    key = "checkins.tidy_button_shared" if shared_phone else "checkins.tidy_button"
    return Outgoing(
        "\n\n".join([*before, closing]),
        (
            ((content.ui_label("checkins.talk_button", lang), pack(TALK, session_id)),),
            ((content.ui_label(key, lang), pack(TIDY, session_id)),),
        ),
    )


def check_set(content: ContentBundle, set_id: str) -> CheckinSet:
    """The questions a session asks: its set, with the week's rotating question when its plan
    names one (`bot.services.checkin_plan`); an unknown set falls back to `weekly`."""
    return checkin_plan.resolve(content, set_id)


def current_question_message(
    content: ContentBundle, home: Household, session: Session, *, before: Sequence[str] = ()
) -> Outgoing:
    """The current question, with the intro in front when nothing is answered yet."""
    cset = check_set(content, session.set_id)
    lang = home.child.lang
    question = cset.question(session.current_question or cset.questions[0].id)
    paragraphs = list(before)
    if session.status in ("sent", "pending"):
        paragraphs.append(
            content.render(
                cset.intro, lang, nickname=nickname(content, home.child, home.settings.age_band)
            )
        )
    return question_message(content, question, session.id, lang, before=paragraphs)


def answered_line(chosen: str) -> str:
    """The answer just given, shown above the reply where the question was (HTML)."""
    return f"✓ {html.escape(chosen, quote=False)}"
