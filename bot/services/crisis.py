"""The crisis message: queued with the signal that needs it, sent at once, never twice.

Order of writes: the answer or message that is urgent, its alert and its crisis message (an
outbox row) commit in one transaction. The row is held for the handler (`HOLD` seconds,
`holder` = the running bot), which sends it straight away, not behind the outbox drain, and
marks it sent. If the bot dies between the commit and the send, the same update handled again
after the restart takes the dead process's hold over and sends it; failing that, the outbox
drain sends it once the hold has passed. One dedupe key per child and signal means a signal
handled twice still queues one crisis message.

A message that belongs to a check-in exchange carries the session (`exchange`), so whoever
sends it (the handler or the drain) records it to be deleted with the exchange.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from storage import checkins as repo
from storage import outbox, people
from storage.outbox import OutboxItem

KIND = "crisis"
HOLD = 60
"""Seconds the drain leaves a crisis message to the handler that is sending it."""


@dataclass(frozen=True)
class Crisis:
    """A crisis message this handler must send now (it holds the outbox row)."""

    item_id: int
    chat_id: int
    text: str
    exchange: int | None
    """The check-in session whose exchange it belongs to, if any."""


def dedupe_key(child_id: int, signal: str) -> str:
    """One crisis message per child and signal (`checkin:<session>:<question>`, `msg:<id>`)."""
    return f"{KIND}:{child_id}:{signal}"


def queue_tx(
    conn: sqlite3.Connection,
    *,
    child_id: int,
    signal: str,
    chat_id: int,
    text: str,
    now: int,
    holder: str | None,
    exchange: int | None = None,
    sent_message_id: int | None = None,
) -> Crisis | None:
    """Queue the crisis message for a signal, held for `holder`; None when there is nothing for
    this handler to send (it went out before, or another live sender holds it).

    A signal handled a second time finds its row: still pending, it is claimed and returned
    (the first handling died before sending it). `sent_message_id`: the message went out
    without the database (see `bot.services.store_faults`); the row keeps it from going twice.
    """
    key = dedupe_key(child_id, signal)
    payload: dict[str, object] = {"text": text}
    if exchange is not None:
        payload["exchange"] = exchange
    created = outbox.enqueue(
        conn,
        dedupe_key=key,
        kind=KIND,
        target=outbox.chat_target(chat_id),
        payload=payload,
        now=now,
        held_until=now + HOLD,
        holder=holder,
    )
    item = outbox.get(conn, key)
    if item is None:  # pragma: no cover - the row was just written or found
        raise RuntimeError("crisis outbox row missing")
    if sent_message_id is not None:
        if created:
            sent_tx(conn, item, chat_id=chat_id, message_id=sent_message_id, now=now)
        return None
    if not created and not outbox.claim(conn, item.id, now=now, until=now + HOLD, holder=holder):
        return None
    return Crisis(item.id, chat_id, str(item.payload["text"]), _exchange(item))


def _exchange(item: OutboxItem) -> int | None:
    value = item.payload.get("exchange")
    return value if isinstance(value, int) else None


def sent_tx(
    conn: sqlite3.Connection, item: OutboxItem | Crisis, *, chat_id: int, message_id: int, now: int
) -> None:
    """The crisis message (or any outbox message of an exchange) went out: mark it, and record
    it as part of its check-in exchange so it is deleted with it."""
    item_id = item.item_id if isinstance(item, Crisis) else item.id
    exchange = item.exchange if isinstance(item, Crisis) else _exchange(item)
    outbox.mark_sent(conn, item_id, now=now, chat_id=chat_id, message_id=message_id)
    if exchange is not None:
        repo.record_message(
            conn, session_id=exchange, chat_id=chat_id, message_id=message_id, kind="bot", now=now
        )


def release_tx(conn: sqlite3.Connection, crisis: Crisis, *, at: int, error: str) -> None:
    """The handler could not send it: the outbox drain retries from `at` on."""
    outbox.retry_later(conn, crisis.item_id, at=at, error=error)


def blocked_tx(conn: sqlite3.Connection, crisis: Crisis, now: int) -> None:
    """The child blocked the bot: the message can never go; the chat's people are unreachable."""
    outbox.mark_dead(conn, crisis.item_id, error="forbidden")
    for person in people.in_chat(conn, crisis.chat_id):
        people.set_unreachable(conn, person.id, now)
