"""The sweep's steps: questions to send again, reminders, closing sessions left open."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.outgoing import Outgoing
from bot.services import schedule
from bot.services.checkins._base import (
    answering_here,
    household,
)
from bot.services.checkins._dispatch import PAGE
from bot.services.checkins._messages import (
    check_set,
    current_question_message,
    first_message,
    handover_message,
    nickname,
)
from storage import checkins as repo

if TYPE_CHECKING:
    from bot.config import Config
    from bot.content import ContentBundle


@dataclass(frozen=True)
class Reminder:
    """One reminder to send."""

    session_id: int
    child_id: int
    chat_id: int
    shared_phone: bool
    message: Outgoing


@dataclass(frozen=True)
class ReminderPage:
    """One page of sessions due for a reminder: what to send, and where the next page starts."""

    reminders: list[Reminder]
    last_id: int
    """The highest session id read (the next page reads ids above it)."""
    seen: int
    """Sessions read: fewer than the page size means this was the last page."""


def reminders_tx(
    conn: sqlite3.Connection,
    content: ContentBundle,
    config: Config,
    now: int,
    *,
    after: int = 0,
    limit: int = PAGE,
) -> ReminderPage:
    """Claim the one reminder of each unanswered session due for it, a page (ids above
    `after`) at a time.

    Quiet hours postpone it (the session is left for a later run); a paused or unreachable
    child gets none (the reminder is claimed without sending).
    """
    cutoff = now - config.checkins.reminder_after_hours * 3600
    quiet = config.quiet_hours
    found: list[Reminder] = []
    sessions = repo.due_for_reminder(conn, cutoff, after=after, limit=limit)
    for session in sessions:
        home = household(conn, session.child_id)
        if home is None or session.chat_id is None:
            continue
        if home.child.paused or home.child.unreachable_at is not None:
            repo.set_reminder(conn, session.id, now)
            continue
        if schedule.in_quiet_hours(now, home.zone, quiet.start, quiet.end):
            continue
        if not repo.set_reminder(conn, session.id, now):
            continue
        if home.shared_phone:
            message = handover_message(content, home, session.id, "checkins.reminder_shared")
        else:
            name = nickname(content, home.child, home.settings.age_band)
            note = content.ui("checkins.reminder", home.child.lang, nickname=name)
            message = current_question_message(content, home, session, before=[note])
        found.append(
            Reminder(session.id, home.child.id, session.chat_id, home.shared_phone, message)
        )
    last = sessions[-1].id if sessions else after
    return ReminderPage(found, last, len(sessions))


def reminder_sent_tx(
    conn: sqlite3.Connection, reminder: Reminder, message_id: int, now: int
) -> None:
    """Remember the reminder's message (a shared phone's is a hand-over message)."""
    _record_asked(
        conn, reminder.session_id, reminder.chat_id, message_id, reminder.shared_phone, now
    )


def _record_asked(
    conn: sqlite3.Connection,
    session_id: int,
    chat_id: int,
    message_id: int,
    handover: bool,
    now: int,
) -> None:
    """A message that asks the current question again: part of the exchange, and (unless it is
    a hand-over message) the message whose buttons answer the question."""
    repo.record_message(
        conn,
        session_id=session_id,
        chat_id=chat_id,
        message_id=message_id,
        kind="handover" if handover else "bot",
        now=now,
    )
    if not handover:
        repo.set_question_message(conn, session_id, message_id, now)


@dataclass(frozen=True)
class Resend:
    """A check-in question (or hand-over) sent again because the last one may not have arrived."""

    session_id: int
    chat_id: int
    handover: bool
    message: Outgoing


def stranded_tx(conn: sqlite3.Connection, session_id: int, at: int) -> None:
    """The message after an answer (or a resend) failed: the sweep sends the question from `at`."""
    repo.set_resend(conn, session_id, at)


def resends_tx(conn: sqlite3.Connection, content: ContentBundle, now: int) -> list[Resend]:
    """Claim the sessions whose current question must be sent again now (a failed edit or send
    after an answer, an unconfirmed first message): the first message again when nothing is
    answered yet, else the question with a short note (on a shared phone not handed over, the
    hand-over message). A finished, paused or unreachable one is let go."""
    found: list[Resend] = []
    for session in repo.due_for_resend(conn, now):
        repo.set_resend(conn, session.id, None)
        home = household(conn, session.child_id)
        if (
            home is None
            or not session.is_open
            or session.chat_id is None
            or home.child.paused
            or home.child.unreachable_at is not None
        ):
            continue
        if session.status == "sent":  # nothing answered: the first message, exactly as it was
            first = first_message(content, check_set(content, session.set_id), home, session)
            found.append(Resend(session.id, session.chat_id, home.shared_phone, first))
            continue
        if home.shared_phone and not answering_here(
            conn, session.chat_id, home.child.id, session.id
        ):
            message = handover_message(content, home, session.id, "checkins.handover")
            found.append(Resend(session.id, session.chat_id, True, message))
            continue
        note = content.ui("checkins.resend_note", home.child.lang)
        message = current_question_message(content, home, session, before=[note])
        found.append(Resend(session.id, session.chat_id, False, message))
    return found


def resent_tx(conn: sqlite3.Connection, resend: Resend, message_id: int, now: int) -> None:
    """Remember a resent message as part of the exchange (and as the question's message)."""
    _record_asked(conn, resend.session_id, resend.chat_id, message_id, resend.handover, now)


@dataclass(frozen=True)
class Closed:
    """A session closed by time: its open question is replaced by a short note (own phone)."""

    session_id: int
    chat_id: int | None
    question_message: int | None
    shared_phone: bool
    lang: str


def close_due_tx(
    conn: sqlite3.Connection, config: Config, now: int, *, limit: int = PAGE
) -> list[Closed]:
    """Close up to `limit` sessions open longer than `close_after_hours`, keeping what was
    answered; fewer than `limit` closed means none is left."""
    cutoff = now - config.checkins.close_after_hours * 3600
    closed: list[Closed] = []
    for session in repo.due_for_close(conn, cutoff, limit=limit):
        if not repo.close(conn, session.id, now):
            continue
        home = household(conn, session.child_id)
        shared = home.shared_phone if home else False
        if session.chat_id is not None:
            repo.clear_checkin_state(conn, session.chat_id, session.id)
        if shared:
            repo.request_tidy(conn, session.id, now)
        lang = home.child.lang if home else "zh"
        closed.append(Closed(session.id, session.chat_id, session.question_message, shared, lang))
    return closed


def release_reminder_tx(conn: sqlite3.Connection, session_id: int) -> None:
    """A reminder that could not be sent: let a later run try again."""
    repo.set_reminder(conn, session_id, None)


def record_resent_tx(
    conn: sqlite3.Connection,
    *,
    session_id: int,
    chat_id: int,
    message_id: int,
    shared_phone: bool,
    now: int,
) -> None:
    """A check-in message sent again (/checkin while one is open): part of the exchange."""
    repo.record_message(
        conn,
        session_id=session_id,
        chat_id=chat_id,
        message_id=message_id,
        kind="handover" if shared_phone else "bot",
        now=now,
    )
    if not shared_phone:
        repo.set_question_message(conn, session_id, message_id, now)
