""" "I'd like to talk to someone": the child's button on a check-in's closing message.

A press raises a `concern` alert (category `wants_to_talk`) in the same transaction that
checks it, so the request is never lost, and raises the session's level, so the next
week brings the short follow-up check-in. One request per check-in: a second press gets a
calm "we already told a volunteer", never a second alert.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.levels import RiskLevel
from bot.services.alerts import POSTED_LEVEL, Signal, raise_alert_tx
from bot.services.checkins import TALK, Refusal, pressed_session
from storage import checkins as repo

if TYPE_CHECKING:
    from bot.content import ContentBundle

__all__ = ["CATEGORY", "TALK", "TalkReply", "reply_sent_tx", "talk_tx"]
CATEGORY = "wants_to_talk"
LEVEL = RiskLevel.CONCERN


@dataclass(frozen=True)
class TalkReply:
    """An accepted request: the warm reply to send, and whether an alert awaits posting."""

    session_id: int
    chat_id: int
    shared_phone: bool
    text: str
    post_alert: bool


def talk_tx(
    conn: sqlite3.Connection,
    content: ContentBundle,
    *,
    user_id: int,
    chat_id: int,
    session_id: int,
    now: int,
) -> TalkReply | Refusal:
    """The talk button, checked against presser and session: alert raised, reply rendered."""
    found = pressed_session(conn, session_id, user_id, chat_id)
    if isinstance(found, Refusal):
        return found
    session, home = found
    lang = home.child.lang
    reasons: list[dict[str, object]] = [{"category": CATEGORY, "code": "button:talk"}]
    alert_id = raise_alert_tx(
        conn,
        content,
        Signal(
            kind="risk",
            person_id=home.child.id,
            level=LEVEL,
            category=CATEGORY,
            reasons=reasons,
            source=f"talk:{session.id}",
            now=now,
        ),
    )
    if alert_id is None:
        text = content.ui("checkins.talk_again", lang)
        return TalkReply(session.id, chat_id, home.shared_phone, text, post_alert=False)
    repo.raise_level(conn, session.id, int(LEVEL), reasons)
    text = content.ui("checkins.talk_reply", lang)
    return TalkReply(session.id, chat_id, home.shared_phone, text, LEVEL >= POSTED_LEVEL)


def reply_sent_tx(conn: sqlite3.Connection, reply: TalkReply, message_id: int, now: int) -> None:
    """The reply is part of the check-in's exchange (deleted with it on a shared phone)."""
    repo.record_message(
        conn,
        session_id=reply.session_id,
        chat_id=reply.chat_id,
        message_id=message_id,
        kind="bot",
        now=now,
    )
