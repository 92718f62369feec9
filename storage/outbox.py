"""The outbox: messages written in the same transaction as their cause, sent and marked later."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from storage.rows import build, from_json

VOLUNTEERS = "volunteers"


@dataclass(frozen=True)
class OutboxItem:
    """One message waiting to be sent (or already sent)."""

    id: int
    dedupe_key: str
    kind: str
    target: str
    payload: dict[str, Any]
    status: str
    attempts: int
    next_attempt_at: int
    sent_chat_id: int | None
    sent_message_id: int | None
    priority: int = 0
    """Higher goes first (the background sender serves urgent cards before anything else)."""
    lane: str | None = None
    """Items of one lane (one alert, one person) take turns with other lanes."""


def chat_target(chat_id: int) -> str:
    """The target string for a private chat."""
    return f"chat:{chat_id}"


def enqueue(
    conn: sqlite3.Connection,
    *,
    dedupe_key: str,
    kind: str,
    target: str,
    payload: dict[str, Any],
    now: int,
    priority: int = 0,
    lane: str | None = None,
    held_until: int | None = None,
    holder: str | None = None,
) -> bool:
    """Queue a message once per dedupe key; False if that key was queued before.

    `held_until` and `holder`: the item is being sent by `holder` (a running bot) right now,
    and the drain leaves it alone until `held_until` (see `claim`).
    """
    return (
        add(
            conn,
            dedupe_key=dedupe_key,
            kind=kind,
            target=target,
            payload=payload,
            now=now,
            priority=priority,
            lane=lane,
            held_until=held_until,
            holder=holder,
        )
        is not None
    )


def claim(
    conn: sqlite3.Connection, item_id: int, *, now: int, until: int, holder: str | None
) -> bool:
    """Take a pending item to send it now, so no other sender sends it too; False if it was
    sent, given up, or is held by this same `holder` (or, for `holder` None, held at all).

    A hold by another holder is taken over: holders are running bots, and only one bot runs
    on a database, so another holder's hold is a dead process's.
    """
    cur = conn.execute(
        "UPDATE outbox SET next_attempt_at = ?, holder = ? WHERE id = ? AND status = 'pending'"
        " AND (next_attempt_at <= ? OR (? IS NOT NULL AND holder IS NOT ?))",
        (until, holder, item_id, now, holder, holder),
    )
    return cur.rowcount > 0


def add(
    conn: sqlite3.Connection,
    *,
    dedupe_key: str,
    kind: str,
    target: str,
    payload: dict[str, Any],
    now: int,
    priority: int = 0,
    lane: str | None = None,
    held_until: int | None = None,
    holder: str | None = None,
) -> int | None:
    """Queue a message once per dedupe key; its id, or None if that key was queued before."""
    cur = conn.execute(
        "INSERT INTO outbox (dedupe_key, kind, target, payload, next_attempt_at, created_at,"
        " priority, lane, holder) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT(dedupe_key) DO NOTHING",
        (
            dedupe_key,
            kind,
            target,
            json.dumps(payload, ensure_ascii=False),
            now if held_until is None else held_until,
            now,
            priority,
            lane,
            holder,
        ),
    )
    return cur.lastrowid if cur.rowcount > 0 else None


def _item(row: sqlite3.Row) -> OutboxItem:
    return build(OutboxItem, row, payload=from_json)


_COLUMNS = (
    "id, dedupe_key, kind, target, payload, status, attempts, next_attempt_at,"
    " sent_chat_id, sent_message_id, priority, lane"
)


def due(conn: sqlite3.Connection, now: int, limit: int = 50) -> list[OutboxItem]:
    """Pending items whose time has come, most urgent first, then oldest first."""
    cur = conn.execute(
        f"SELECT {_COLUMNS} FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?"
        " ORDER BY priority DESC, next_attempt_at, id LIMIT ?",
        (now, limit),
    )
    return [_item(r) for r in cur.fetchall()]


def by_id(conn: sqlite3.Connection, item_id: int) -> OutboxItem | None:
    """An item by its id."""
    row = conn.execute(f"SELECT {_COLUMNS} FROM outbox WHERE id = ?", (item_id,)).fetchone()
    return None if row is None else _item(row)


def pending_in_lane(conn: sqlite3.Connection, kind: str, lane: str) -> OutboxItem | None:
    """The oldest pending item of a kind in a lane (to fold a newer message into it)."""
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM outbox WHERE status = 'pending' AND kind = ? AND lane = ?"
        " ORDER BY id LIMIT 1",
        (kind, lane),
    ).fetchone()
    return None if row is None else _item(row)


def get(conn: sqlite3.Connection, dedupe_key: str) -> OutboxItem | None:
    """An item by its dedupe key."""
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM outbox WHERE dedupe_key = ?", (dedupe_key,)
    ).fetchone()
    return None if row is None else _item(row)


def mark_sent(
    conn: sqlite3.Connection, item_id: int, *, now: int, chat_id: int, message_id: int
) -> None:
    """Record a successful send and where the message landed."""
    conn.execute(
        "UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1,"
        " sent_chat_id = ?, sent_message_id = ?, last_error = NULL WHERE id = ?",
        (now, chat_id, message_id, item_id),
    )


def retry_later(conn: sqlite3.Connection, item_id: int, *, at: int, error: str) -> None:
    """Count a failed attempt and schedule the next one."""
    conn.execute(
        "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?"
        " WHERE id = ?",
        (at, error[:200], item_id),
    )


def mark_dead(conn: sqlite3.Connection, item_id: int, *, error: str) -> None:
    """Give up on an item that can never be delivered (e.g. the person blocked the bot)."""
    conn.execute(
        "UPDATE outbox SET status = 'dead', attempts = attempts + 1, last_error = ? WHERE id = ?",
        (error[:200], item_id),
    )


def backlog(conn: sqlite3.Connection) -> tuple[int, int | None]:
    """How many items are pending, and the oldest one's creation time."""
    row = conn.execute(
        "SELECT COUNT(*), MIN(created_at) FROM outbox WHERE status = 'pending'"
    ).fetchone()
    return int(row[0]), row[1]


def replace_payload(conn: sqlite3.Connection, item_id: int, payload: dict[str, Any]) -> None:
    """Store a changed payload (e.g. the plain-text fallback after a parse error)."""
    conn.execute(
        "UPDATE outbox SET payload = ? WHERE id = ?",
        (json.dumps(payload, ensure_ascii=False), item_id),
    )


def raise_priority(conn: sqlite3.Connection, item_id: int, priority: int) -> None:
    """Move a waiting item up (an alert whose level rose before its card was sent)."""
    conn.execute(
        "UPDATE outbox SET priority = MAX(priority, ?) WHERE id = ? AND status = 'pending'",
        (priority, item_id),
    )


def forget_payloads(conn: sqlite3.Connection, *, before: int, limit: int = 500) -> int:
    """Empty the payload of up to `limit` rows sent or given up, created before `before`.

    Only a pending row's payload is ever read (to send it, or to edit a card not yet sent);
    a card's later edits are rendered from its alerts. The row itself stays: its dedupe key
    still stops a replayed cause from queueing the message twice, and the alert desk still
    finds the card's copies through it. Returns how many payloads went (one retention batch).
    """
    cur = conn.execute(
        "UPDATE outbox SET payload = '{}' WHERE id IN (SELECT id FROM outbox"
        " INDEXED BY outbox_payloads WHERE payload != '{}' AND created_at < ?"
        " AND status IN ('sent', 'dead') ORDER BY created_at LIMIT ?)",
        (before, limit),
    )
    return int(cur.rowcount)
