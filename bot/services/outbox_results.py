"""What each Telegram answer does to an outbox row: the sender's writes, in one place.

The background sender (bot/telegram/outbox_sender/) knows Telegram's errors; this module knows
the rows. Each function is one transaction's worth of writes, so the sender never writes
storage itself.
"""

from __future__ import annotations

import sqlite3

from bot.services import crisis
from storage import alerts, outbox, people
from storage import cards as cards_repo
from storage.alerts import Alert
from storage.outbox import OutboxItem

VOLUNTEERS = outbox.VOLUNTEERS
"""The target of everything posted to the volunteer chat (followed when the group migrates)."""


def claim_crisis(conn: sqlite3.Connection, item: OutboxItem, now: int) -> bool:
    """Take a queued crisis text for sending; False while its handler holds or sent it."""
    return outbox.claim(conn, item.id, now=now, until=now + crisis.HOLD, holder=None)


def delivered(
    conn: sqlite3.Connection, item: OutboxItem, *, chat_id: int, message_id: int, now: int
) -> None:
    """Telegram accepted it: mark it sent (a card also records this copy, to edit later)."""
    # a check-in's crisis message is recorded with its exchange, to be deleted with it
    crisis.sent_tx(conn, item, chat_id=chat_id, message_id=message_id, now=now)
    if item.kind == "alert":
        cards_repo.record_copy(conn, item.id, chat_id, message_id, now)


def later(conn: sqlite3.Connection, item_id: int, *, at: int, error: str) -> None:
    """A passing failure: try again at `at`."""
    outbox.retry_later(conn, item_id, at=at, error=error)


def dead(conn: sqlite3.Connection, item_id: int, *, error: str) -> None:
    """Telegram will never take this one (the reason stays on the row for `qiao health`)."""
    outbox.mark_dead(conn, item_id, error=error)


def as_plain_text(conn: sqlite3.Connection, item: OutboxItem, *, now: int, error: str) -> None:
    """Markup Telegram could not parse: send the same words once more without it, now."""
    outbox.replace_payload(conn, item.id, {**item.payload, "plain": True})
    outbox.retry_later(conn, item.id, at=now, error=error)


def blocked(conn: sqlite3.Connection, item: OutboxItem, chat_id: int, now: int) -> None:
    """The person blocked the bot: the item is dead and everyone in that chat unreachable."""
    outbox.mark_dead(conn, item.id, error="forbidden")
    for person in people.in_chat(conn, chat_id):
        people.set_unreachable(conn, person.id, now)


def cards_to_refresh(conn: sqlite3.Connection, limit: int) -> list[Alert]:
    """Alerts whose posted cards still show an older state, most urgent first."""
    return alerts.stale_cards(conn, limit)
