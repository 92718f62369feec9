"""The messages of a check-in exchange, remembered so they can be deleted later."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True)
class ExchangeMessage:
    """A message of a check-in exchange that may still have to be deleted."""

    chat_id: int
    message_id: int
    kind: str
    at: int


def record_message(
    conn: sqlite3.Connection,
    *,
    session_id: int,
    chat_id: int,
    message_id: int,
    kind: str,
    now: int,
) -> None:
    """Remember a message of the exchange so it can be deleted later."""
    conn.execute(
        "INSERT INTO checkin_messages (chat_id, message_id, session_id, kind, at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT(chat_id, message_id) DO NOTHING",
        (chat_id, message_id, session_id, kind, now),
    )


def exchange_session(conn: sqlite3.Connection, chat_id: int, message_id: int) -> int | None:
    """The session a recorded message belongs to (a typed answer handled before), if any."""
    row = conn.execute(
        "SELECT session_id FROM checkin_messages WHERE chat_id = ? AND message_id = ?",
        (chat_id, message_id),
    ).fetchone()
    return None if row is None else int(row[0])


def undeleted_messages(
    conn: sqlite3.Connection, session_id: int, *, keep_handover: bool = False
) -> list[ExchangeMessage]:
    """The exchange's messages not yet deleted, oldest first."""
    sql = (
        "SELECT chat_id, message_id, kind, at FROM checkin_messages"
        " WHERE session_id = ? AND deleted_at IS NULL"
    )
    if keep_handover:
        sql += " AND kind != 'handover'"
    cur = conn.execute(sql + " ORDER BY at, message_id", (session_id,))
    return [ExchangeMessage(r["chat_id"], r["message_id"], r["kind"], r["at"]) for r in cur]


def mark_message_deleted(conn: sqlite3.Connection, chat_id: int, message_id: int, now: int) -> None:
    """A message that is gone (deleted, or Telegram will never let us delete it)."""
    conn.execute(
        "UPDATE checkin_messages SET deleted_at = ? WHERE chat_id = ? AND message_id = ?",
        (now, chat_id, message_id),
    )
