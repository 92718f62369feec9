"""What children write outside a check-in question (their free messages)."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from storage.rows import build_all, build_one, from_json


@dataclass(frozen=True)
class ChildMessage:
    """One stored free message of a child."""

    id: int
    child_id: int
    text: str | None
    length: int
    level: int
    reasons: list[dict[str, Any]]
    at: int


def insert_child_message(
    conn: sqlite3.Connection,
    *,
    child_id: int,
    text: str,
    length: int,
    level: int,
    reasons: list[dict[str, Any]],
    now: int,
    chat_message_id: int | None = None,
) -> int:
    """Store what a child wrote outside a check-in question; returns its id.

    `chat_message_id` is the Telegram message it came in (one row per message: see
    `child_message_by_chat`)."""
    cur = conn.execute(
        "INSERT INTO child_messages (child_id, text, length, level, reasons, at, chat_message_id)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            child_id,
            text,
            length,
            level,
            json.dumps(reasons, ensure_ascii=False),
            now,
            chat_message_id,
        ),
    )
    if cur.lastrowid is None:  # only possible if the INSERT did not happen
        raise RuntimeError("insert into child_messages returned no row id")
    return cur.lastrowid


def child_message_by_chat(
    conn: sqlite3.Connection, child_id: int, chat_message_id: int
) -> ChildMessage | None:
    """The stored message that came in this Telegram message (the update handled before)."""
    row = conn.execute(
        "SELECT id, child_id, text, length, level, reasons, at FROM child_messages"
        " WHERE child_id = ? AND chat_message_id = ?",
        (child_id, chat_message_id),
    ).fetchone()
    return build_one(ChildMessage, row, reasons=from_json)


def child_messages(conn: sqlite3.Connection, child_id: int) -> list[ChildMessage]:
    """A child's free messages, oldest first."""
    cur = conn.execute(
        "SELECT id, child_id, text, length, level, reasons, at FROM child_messages"
        " WHERE child_id = ? ORDER BY at, id",
        (child_id,),
    )
    return build_all(ChildMessage, cur.fetchall(), reasons=from_json)


def recent_child_messages(
    conn: sqlite3.Connection, child_id: int, since: int, limit: int
) -> list[ChildMessage]:
    """A child's free messages stored at or after `since`: the last `limit`, oldest first.

    Read before a new message is assessed, so split disclosures can be read together.
    """
    cur = conn.execute(
        "SELECT id, child_id, text, length, level, reasons, at FROM child_messages"
        " WHERE child_id = ? AND at >= ? ORDER BY at DESC, id DESC LIMIT ?",
        (child_id, since, limit),
    )
    return build_all(ChildMessage, cur.fetchall(), reasons=from_json)[::-1]
