"""What a child writes outside a check-in question: stored, assessed, answered warmly.

A child may tell us something serious at any moment, not only when asked. Every such message
goes through the same risk rules as check-in answers, in the transaction that stores it: the
alert row (from `watch` up; posted from `concern` up) commits with the message or not at all.
The whole text is assessed, however long; at most 4096 characters of it are kept.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.levels import RiskLevel
from bot.services import crisis as crisis_svc
from bot.services.alerts import POSTED_LEVEL, raise_alert_tx
from bot.services.crisis import Crisis
from storage import checkins as repo
from storage import people
from storage.people import Person

if TYPE_CHECKING:
    from bot.content import ContentBundle
    from bot.risk import RiskRules

MAX_TEXT = 4096
CRISIS_SET = "weekly"
"""The check-in set whose `crisis` text answers an urgent message written outside a check-in."""


@dataclass(frozen=True)
class FreeMessage:
    """A stored message and the answer the child gets (the crisis text when urgent)."""

    message_id: int
    lang: str
    reply: str
    crisis: bool
    alert_id: int | None
    posted: bool
    """The alert was queued for the volunteer group (concern and up): post it at once."""
    send: Crisis | None = None
    """The crisis message, queued with the message, for this handler to send now."""


def crisis_text(content: ContentBundle, lang: str) -> str:
    """What a child who wrote something urgent outside a check-in reads at once."""
    return content.render(content.checkin(CRISIS_SET).crisis, lang)


def free_message_tx(
    conn: sqlite3.Connection,
    content: ContentBundle,
    rules: RiskRules,
    child: Person,
    text: str,
    now: int,
    *,
    chat_message_id: int | None = None,
    holder: str | None = None,
    crisis_message_id: int | None = None,
) -> FreeMessage:
    """Store and assess a child's message; raise the alert and queue the crisis message (when
    urgent) in the same transaction.

    `chat_message_id`: the Telegram message, so the same message handled again stores nothing
    new and only sends a crisis message that never went out. `holder`: the running bot that
    sends the crisis message at once. `crisis_message_id`: it went out already (stored late).
    """
    if chat_message_id is not None:
        before = repo.child_message_by_chat(conn, child.id, chat_message_id)
        if before is not None:
            return _handled_before(conn, content, child, before, now, holder)
    assessment = rules.assess_text(text, child.lang)
    people.set_unreachable(conn, child.id, None)  # they are writing to us right now
    reasons = [r.to_json() for r in assessment.reasons]
    message_id = repo.insert_child_message(
        conn,
        child_id=child.id,
        text=text[:MAX_TEXT],
        length=len(text),
        level=int(assessment.level),
        reasons=reasons,
        now=now,
        chat_message_id=chat_message_id,
    )
    alert_id = None
    if assessment.level > RiskLevel.NONE:
        alert_id = raise_alert_tx(
            conn,
            content,
            kind="risk",
            person_id=child.id,
            level=assessment.level,
            category=assessment.primary_category or "message",
            reasons=reasons,
            source=f"message:{message_id}",
            now=now,
        )
    urgent = assessment.level >= RiskLevel.URGENT
    send = None
    if urgent:
        reply = crisis_text(content, child.lang)
        send = _queue_crisis(conn, child, message_id, reply, now, holder, crisis_message_id)
    elif len(text) > MAX_TEXT:
        reply = content.ui("checkins.message_thanks_long", child.lang)
    else:
        reply = content.ui("checkins.message_thanks", child.lang)
    posted = alert_id is not None and assessment.level >= POSTED_LEVEL
    return FreeMessage(message_id, child.lang, reply, urgent, alert_id, posted, send)


def _queue_crisis(
    conn: sqlite3.Connection,
    child: Person,
    message_id: int,
    text: str,
    now: int,
    holder: str | None,
    sent_message_id: int | None = None,
) -> Crisis | None:
    if child.chat_id is None:  # pragma: no cover - a child who wrote to us has a chat
        return None
    return crisis_svc.queue_tx(
        conn,
        child_id=child.id,
        signal=f"msg:{message_id}",
        chat_id=child.chat_id,
        text=text,
        now=now,
        holder=holder,
        sent_message_id=sent_message_id,
    )


def _handled_before(
    conn: sqlite3.Connection,
    content: ContentBundle,
    child: Person,
    before: repo.ChildMessage,
    now: int,
    holder: str | None,
) -> FreeMessage:
    """The same message again (its update handled twice): only a crisis message that never
    went out is left to do; the thanks are said again (the first may never have arrived)."""
    urgent = before.level >= RiskLevel.URGENT
    if urgent:
        reply = crisis_text(content, child.lang)
        send = _queue_crisis(conn, child, before.id, reply, now, holder)
    else:
        long = before.length > MAX_TEXT
        reply = content.ui(
            "checkins.message_thanks_long" if long else "checkins.message_thanks", child.lang
        )
        send = None
    return FreeMessage(before.id, child.lang, reply, urgent, None, False, send)
