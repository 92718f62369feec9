"""Small key-value facts the bot learns at run time (e.g. the volunteer chat's new id)."""

from __future__ import annotations

import sqlite3

VOLUNTEER_CHAT_ID = "volunteer_chat_id"
LAST_DISPATCH_AT = "last_dispatch_at"


def migrated_volunteer_chat(conn: sqlite3.Connection) -> tuple[int, int] | None:
    """The volunteer chat's (old id, new id) after Telegram upgraded it, if it did."""
    value = get(conn, VOLUNTEER_CHAT_ID)
    if value is None or ":" not in value:
        return None
    old, _, new = value.partition(":")
    return int(old), int(new)


def record_volunteer_migration(conn: sqlite3.Connection, old_id: int, new_id: int) -> None:
    """Remember that the volunteer chat `old_id` now lives at `new_id`."""
    put(conn, VOLUNTEER_CHAT_ID, f"{old_id}:{new_id}")


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
