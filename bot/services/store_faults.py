"""A child's press or message when SQLite cannot store it: what still happens, free of Telegram.

The risk rules run in memory, so the level (and so the crisis message) needs no database.
The signal itself is kept (`storage.spill`) and stored later by the same transaction that
would have stored it at once, with its original time: the answer or message, the alert and
the crisis message's outbox row (marked sent when the crisis message already went out). An
answer stored late leaves its next question to the check-in sweep (`resend_at`).
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from bot.levels import RiskLevel
from bot.risk import assess_answer
from bot.services import checkins
from bot.services.alerts import level_label
from storage import checkins as repo
from storage import people

if TYPE_CHECKING:
    from bot.content import ContentBundle
    from bot.risk import RiskRules


@dataclass(frozen=True)
class Kept:
    """A press (`question_id` set) or a text (`text` set) that could not be stored yet."""

    user_id: int
    chat_id: int
    now: int
    session_id: int | None = None
    question_id: str | None = None
    option_id: str | None = None
    pressed_message: int | None = None
    message_id: int | None = None
    text: str | None = None
    crisis_message_id: int | None = None
    """The crisis message went out without the database (its Telegram message id)."""

    def to_json(self) -> dict[str, Any]:
        """For the spill file."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Kept:
        """From a spill file line."""
        return cls(**data)


def press_level(content: ContentBundle, question_id: str, option_id: str) -> RiskLevel:
    """A button answer's level from the content alone (the highest over the check-in sets that
    have this question and option; the mood trend needs the database and is left out)."""
    level = RiskLevel.NONE
    for cset in content.checkins.values():
        for question in cset.questions:
            if question.id != question_id:
                continue
            for option in question.options:
                if option.id == option_id:
                    found = assess_answer(option.risk, question.id, option.id).level
                    level = max(level, found)
    return level


def text_level(rules: RiskRules, text: str, lang: str) -> RiskLevel:
    """A text's level from the phrase rules alone."""
    return rules.assess_text(text, lang).level


@dataclass(frozen=True)
class Subject:
    """Whom a kept signal is about, as far as the database can still be read."""

    pseudonym: str
    lang: str


def subject(conn: sqlite3.Connection, kept: Kept) -> Subject | None:
    """The child a press or text speaks for (a read only: for the degraded card and the
    crisis message's language); None when it is nobody's check-in or message."""
    child_id: int | None = None
    if kept.session_id is not None:
        found = repo.answering(conn, kept.session_id)
        child_id = found.child_id if found is not None else None
    else:
        person = people.by_telegram_user(conn, kept.user_id)
        if person is not None and person.role == "child":
            child_id = person.id
        else:
            state = repo.chat_state(conn, kept.chat_id)
            if state is not None and state.state == repo.STATE:
                child_id = state.person_id
    child = people.by_id(conn, child_id) if child_id is not None else None
    if child is None or child.role != "child":
        return None
    return Subject(child.pseudonym, child.lang)


def degraded_card(content: ContentBundle, who: Subject, level: RiskLevel, lang: str) -> str:
    """The volunteer group's card while storage fails: pseudonym, level, "storage failing"."""
    return content.ui(
        "alerts.degraded_card",
        lang,
        level=level_label(content, int(level), lang),
        person=who.pseudonym,
    )


def store_tx(
    conn: sqlite3.Connection, content: ContentBundle, rules: RiskRules, kept: Kept
) -> None:
    """Store a kept signal now, as its handler would have (at its own time)."""
    if kept.text is not None and kept.message_id is not None:
        result = checkins.text_tx(
            conn,
            content,
            rules,
            user_id=kept.user_id,
            chat_id=kept.chat_id,
            message_id=kept.message_id,
            text=kept.text,
            now=kept.now,
            crisis_message_id=kept.crisis_message_id,
        )
    elif kept.session_id is not None and kept.question_id and kept.option_id:
        result = checkins.answer_button_tx(
            conn,
            content,
            rules,
            user_id=kept.user_id,
            chat_id=kept.chat_id,
            session_id=kept.session_id,
            question_id=kept.question_id,
            option_id=kept.option_id,
            now=kept.now,
            pressed_message=kept.pressed_message,
            crisis_message_id=kept.crisis_message_id,
        )
    else:
        return
    if isinstance(result, checkins.AnswerFollowUp):  # the child still waits for the next question
        checkins.stranded_tx(conn, result.session_id, kept.now)
