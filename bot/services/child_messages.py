"""What a child writes outside a check-in question: stored, assessed, answered warmly.

A child may tell us something serious at any moment, not only when asked. Every such message
goes through the same risk rules as check-in answers, in the transaction that stores it: the
alert row (from `watch` up; posted from `concern` up) commits with the message or not at all.
The whole text is assessed, however long; at most 4096 characters of it are kept.
It is also read together with the child's previous messages of the last half hour
(`bot.risk.context`), so a disclosure split across messages raises its alert.
A message that raised no posted alert goes on the family volunteer's reading list (when
`options.enabled`), so a person reads it even when the rules saw nothing.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.levels import RiskLevel
from bot.risk.context import (
    CONTEXT_MESSAGES,
    CONTEXT_WINDOW_SECONDS,
    Earlier,
    assess_in_context,
)
from bot.services import crisis as crisis_svc
from bot.services.alerts import Signal, signal_tx
from bot.services.crisis import Crisis
from bot.services.crisis_text import CRISIS_SET, crisis_text
from bot.services.reading import Options, add_child_words_tx
from storage import checkins as repo
from storage import people
from storage.people import Person

if TYPE_CHECKING:
    from bot.content import ContentBundle
    from bot.risk import RiskRules

MAX_TEXT = 4096
__all__ = ["CRISIS_SET", "MAX_TEXT", "FreeMessage", "free_message_tx"]


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


def free_message_tx(
    conn: sqlite3.Connection,
    content: ContentBundle,
    rules: RiskRules,
    child: Person,
    text: str,
    now: int,
    *,
    options: Options | None = None,
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
    options = options or Options()
    if chat_message_id is not None:
        before = repo.child_message_by_chat(conn, child.id, chat_message_id)
        if before is not None and before.text == text[:MAX_TEXT]:
            return _handled_before(conn, content, child, before, now, holder, options)
        if before is not None:  # an edit: new words are a new signal, never a replay to skip
            chat_message_id = None
    own = rules.assess_text(text, child.lang)
    earlier = [
        Earlier(m.text, RiskLevel(m.level))
        for m in repo.recent_child_messages(
            conn, child.id, now - CONTEXT_WINDOW_SECONDS, CONTEXT_MESSAGES - 1
        )
        if m.text is not None
    ]
    assessment = assess_in_context(rules.assess_text, text, own, earlier, child.lang)
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
    change = None
    if assessment.level > RiskLevel.NONE:
        change = signal_tx(
            conn,
            content,
            Signal(
                kind="risk",
                person_id=child.id,
                level=assessment.level,
                category=assessment.primary_category or "message",
                reasons=reasons,
                source=f"message:{message_id}",
                now=now,
            ),
        )
        alert_id = change.alert_id
    posted = change is not None and change.posted
    if options.enabled and not posted:
        add_child_words_tx(
            conn,
            child,
            kind="text",
            text=text,
            level=int(assessment.level),
            source=f"message:{message_id}",
            now=now,
        )
    # One crisis reply per open alert: again only if its level rises (an edit, a flood).
    urgent = change is not None and change.crisis_due
    send = None
    if urgent:
        reply = crisis_text(
            content,
            child.lang,
            category=assessment.primary_category,
            duty_phone=options.duty_phone,
        )
        send = _queue_crisis(conn, child, message_id, reply, now, holder, crisis_message_id)
    elif len(text) > MAX_TEXT:
        reply = content.ui("checkins.message_thanks_long", child.lang)
    else:
        reply = content.ui("checkins.message_thanks", child.lang)
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
    options: Options,
) -> FreeMessage:
    """The same message again (its update handled twice): only a crisis message that never
    went out is left to do; the thanks are said again (the first may never have arrived)."""
    urgent = before.level >= RiskLevel.URGENT
    if urgent:
        category = str(before.reasons[0]["category"]) if before.reasons else None
        reply = crisis_text(content, child.lang, category=category, duty_phone=options.duty_phone)
        send = _queue_crisis(conn, child, before.id, reply, now, holder)
    else:
        long = before.length > MAX_TEXT
        reply = content.ui(
            "checkins.message_thanks_long" if long else "checkins.message_thanks", child.lang
        )
        send = None
    return FreeMessage(before.id, child.lang, reply, urgent, None, False, send)
