"""The shared phone's hand-over, /checkin (this week's check-in now), the tidy-up press."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.domain import Refusal
from bot.outgoing import Outgoing
from bot.services import schedule
from bot.services.checkins._base import (
    Household,
    chat_children,
    household,
    pressed_session,
    refuse,
)
from bot.services.checkins._dispatch import (
    open_session_tx,
)
from bot.services.checkins._messages import (
    check_set,
    current_question_message,
    first_message,
    nickname,
)
from bot.services.checkins._tidy import Deletion, exchange_tx
from storage import checkins as repo
from storage import people

if TYPE_CHECKING:
    from bot.content import ContentBundle


@dataclass(frozen=True)
class Resume:
    """The message that (re)opens a check-in in a chat: intro + question, or the question."""

    session_id: int
    chat_id: int
    message: Outgoing


def take_phone_tx(
    conn: sqlite3.Connection,
    content: ContentBundle,
    *,
    user_id: int,
    chat_id: int,
    session_id: int,
    now: int,
) -> Resume | Refusal:
    """The child pressed "I'm …" on the shared phone: this chat now answers their check-in."""
    found = pressed_session(conn, session_id, user_id, chat_id)
    if isinstance(found, Refusal):
        return found
    session, home = found
    if not session.is_open or session.current_question is None:
        key = "checkins.already_finished" if session.status == "done" else "checkins.closed"
        return refuse(key, home)
    repo.set_checkin_state(
        conn, chat_id=chat_id, child_id=home.child.id, session_id=session.id, now=now
    )
    repo.touch(conn, session.id, now)
    return Resume(session.id, chat_id, current_question_message(content, home, session))


@dataclass(frozen=True)
class Early:
    """What /checkin did for one child."""

    child_id: int
    lang: str
    shared_phone: bool
    session_id: int | None = None
    note: str | None = None
    resume: Outgoing | None = None
    resume_session: int | None = None
    chat_id: int | None = None


def start_early_tx(
    conn: sqlite3.Connection, content: ContentBundle, *, user_id: int, chat_id: int, now: int
) -> list[Early] | None:
    """`/checkin`: open this week's check-in now (once per period); None if the caller has no
    check-in (not a child, not a caregiver with a child on their phone)."""
    children = chat_children(conn, user_id, chat_id)
    if children is None:
        return None
    done: list[Early] = []
    for child in children:
        home = household(conn, child.id)
        if home is None or home.settings.guardian_consent_at is None:
            continue
        people.set_unreachable(conn, child.id, None)  # they are writing to us right now
        period = schedule.period_of(now, home.zone)
        existing = repo.for_period(conn, child.id, period)
        lang = child.lang
        if existing is None:
            created = open_session_tx(
                conn, content, child_id=child.id, period=period, origin="early", due_at=now, now=now
            )
            done.append(Early(child.id, lang, home.shared_phone, session_id=created))
        elif existing.is_open:
            note = content.ui("checkins.already_open", lang)
            if home.shared_phone:
                first = first_message(content, check_set(content, existing.set_id), home, existing)
                resume = Outgoing("\n\n".join([note, first.text]), first.buttons)
            else:
                resume = current_question_message(content, home, existing, before=[note])
            done.append(
                Early(
                    child.id,
                    lang,
                    home.shared_phone,
                    resume=resume,
                    resume_session=existing.id,
                    chat_id=existing.chat_id or chat_id,
                )
            )
        elif existing.status == "pending":
            done.append(Early(child.id, lang, home.shared_phone, session_id=existing.id))
        else:
            name = nickname(content, child, home.settings.age_band)
            key = "checkins.already_done_shared" if home.shared_phone else "checkins.already_done"
            done.append(
                Early(child.id, lang, home.shared_phone, note=content.ui(key, lang, nickname=name))
            )
    return done or None


@dataclass(frozen=True)
class Tidy:
    """A tidy-up press accepted: whose exchange, and its messages to delete now."""

    home: Household
    deletion: Deletion


def tidy_tx(
    conn: sqlite3.Connection,
    *,
    user_id: int,
    chat_id: int,
    session_id: int,
    now: int,
    pressed_message: int | None = None,
) -> Tidy | Refusal:
    """The tidy-up button: the session's exchange is to be deleted, the pressed message (the
    closing, whose id an own phone's check-in did not record) with it."""
    found = pressed_session(conn, session_id, user_id, chat_id)
    if isinstance(found, Refusal):
        return found
    session, home = found
    if session.status not in ("done", "closed"):
        return refuse("basics.stale_button", home)
    if pressed_message is not None:
        repo.record_message(
            conn,
            session_id=session.id,
            chat_id=chat_id,
            message_id=pressed_message,
            kind="bot",
            now=now,
        )
    repo.request_tidy(conn, session.id, now)
    repo.clear_checkin_state(conn, chat_id, session.id)
    return Tidy(home, exchange_tx(conn, session.id))
