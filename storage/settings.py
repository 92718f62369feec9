"""Small key-value facts the bot learns at run time (e.g. the volunteer chat's new id)."""

from __future__ import annotations

import sqlite3

VOLUNTEER_CHAT_ID = "volunteer_chat_id"
LAST_DISPATCH_AT = "last_dispatch_at"


def get(conn: sqlite3.Connection, key: str) -> str | None:
    """Read a setting, or None."""
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def put(conn: sqlite3.Connection, key: str, value: str) -> None:
    """Write a setting."""
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?, ?)"
        " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, value),
    )
