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
from bot.services.alerts import signal_tx
from bot.services.crisis import CRISIS_SET, crisis_text
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


def free_message_tx(
    conn: sqlite3.Connection,
    content: ContentBundle,
    rules: RiskRules,
    child: Person,
    text: str,
    now: int,
    *,
    options: Options | None = None,
) -> FreeMessage:
    """Store and assess a child's message; raise the alert in the same transaction."""
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
    )
    alert_id = None
    change = None
    if assessment.level > RiskLevel.NONE:
        change = signal_tx(
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
        alert_id = change.alert_id
    options = options or Options()
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
    if urgent:
        reply = crisis_text(
            content,
            child.lang,
            category=assessment.primary_category,
            duty_phone=options.duty_phone,
        )
    elif len(text) > MAX_TEXT:
        reply = content.ui("checkins.message_thanks_long", child.lang)
    else:
        reply = content.ui("checkins.message_thanks", child.lang)
    return FreeMessage(message_id, child.lang, reply, urgent, alert_id, posted)
