"""The inbox: updates stored before Telegram is told they arrived, until they are handled.

Ingress (the polling loop, the webhook) stores a batch in one transaction and only then
confirms it to Telegram. A row waits (`handled_at IS NULL`) until its handling finished or its
first database change committed; on start, waiting rows are handled first, in arrival order.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

HANDLED = "handled"
GAVE_UP = "gave_up"


@dataclass(frozen=True)
class StoredUpdate:
    """One update as Telegram sent it, and how often its handling began."""

    update_id: int
    payload: dict[str, Any]
    attempts: int


@dataclass(frozen=True)
class InboxFacts:
    """What `qiao health` reads about the inbox."""

    waiting: int
    oldest_waiting_at: int | None
    gave_up: int
    last_gave_up_at: int | None


EMPTY = InboxFacts(0, None, 0, None)
"""The facts of an empty inbox (or of a database from before the inbox)."""


def store(conn: sqlite3.Connection, updates: Sequence[dict[str, Any]], *, now: int) -> list[int]:
    """Store updates not seen before; return the ids that are new (a redelivery is not).

    Every update must carry an integer `update_id`.
    """
    new: list[int] = []
    for update in updates:
        update_id = int(update["update_id"])
        cursor = conn.execute(
            "INSERT OR IGNORE INTO inbox (update_id, payload, received_at) VALUES (?, ?, ?)",
            (update_id, json.dumps(update, ensure_ascii=False, separators=(",", ":")), now),
        )
        if cursor.rowcount:
            new.append(update_id)
    return new


def waiting(conn: sqlite3.Connection) -> list[StoredUpdate]:
    """Every update not handled yet, in arrival order."""
    found = conn.execute(
        "SELECT update_id, payload, attempts FROM inbox WHERE handled_at IS NULL ORDER BY seq"
    ).fetchall()
    return [StoredUpdate(int(r[0]), json.loads(r[1]), int(r[2])) for r in found]


def begin(conn: sqlite3.Connection, update_id: int) -> None:
    """Handling of this update begins (once more): one more attempt."""
    conn.execute(
        "UPDATE inbox SET attempts = attempts + 1 WHERE update_id = ? AND handled_at IS NULL",
        (update_id,),
    )


def mark(conn: sqlite3.Connection, update_id: int, *, now: int, outcome: str = HANDLED) -> bool:
    """Mark one update handled (or given up); False when it was already marked or unknown."""
    cursor = conn.execute(
        "UPDATE inbox SET handled_at = ?, outcome = ? WHERE update_id = ? AND handled_at IS NULL",
        (now, outcome, update_id),
    )
    return cursor.rowcount > 0


def is_waiting(conn: sqlite3.Connection, update_id: int) -> bool:
    """The update is stored and not handled yet."""
    row = conn.execute(
        "SELECT 1 FROM inbox WHERE update_id = ? AND handled_at IS NULL", (update_id,)
    ).fetchone()
    return row is not None


def delete_handled(conn: sqlite3.Connection, *, handled_before: int, gave_up_before: int) -> int:
    """Delete handled rows handled before `handled_before`, given-up ones before
    `gave_up_before`; returns how many went."""
    cursor = conn.execute(
        "DELETE FROM inbox WHERE handled_at IS NOT NULL AND ("
        " (outcome = ? AND handled_at < ?) OR (outcome = ? AND handled_at < ?))",
        (HANDLED, handled_before, GAVE_UP, gave_up_before),
    )
    return int(cursor.rowcount)


def forget_chat(conn: sqlite3.Connection, chat_id: int) -> int:
    """Delete handled updates from a private chat (erasure); waiting ones are still handled."""
    cursor = conn.execute(
        "DELETE FROM inbox WHERE handled_at IS NOT NULL AND ? IN ("
        " json_extract(payload, '$.message.chat.id'),"
        " json_extract(payload, '$.edited_message.chat.id'),"
        " json_extract(payload, '$.callback_query.from.id'),"
        " json_extract(payload, '$.my_chat_member.chat.id'))",
        (chat_id,),
    )
    return int(cursor.rowcount)


def facts(conn: sqlite3.Connection) -> InboxFacts:
    """How many updates wait and since when; how many were given up and when last."""
    row = conn.execute(
        "SELECT COUNT(*), MIN(received_at) FROM inbox WHERE handled_at IS NULL"
    ).fetchone()
    gave_up = conn.execute(
        "SELECT COUNT(*), MAX(handled_at) FROM inbox WHERE outcome = ?", (GAVE_UP,)
    ).fetchone()
    return InboxFacts(int(row[0]), row[1], int(gave_up[0]), gave_up[1])
