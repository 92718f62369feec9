"""Voice mode per caregiver and the Telegram file ids of uploaded step recordings."""

from __future__ import annotations

import sqlite3


def mode(conn: sqlite3.Connection, person_id: int) -> bool | None:
    """True when the caregiver chose "read it to me", False for text, None if never asked."""
    row = conn.execute(
        "SELECT enabled FROM voice_mode WHERE person_id = ?", (person_id,)
    ).fetchone()
    return None if row is None else bool(row[0])


def set_mode(conn: sqlite3.Connection, person_id: int, enabled: bool, now: int) -> None:
    """Store the caregiver's choice (the latest one wins)."""
    conn.execute(
        "INSERT INTO voice_mode (person_id, enabled, changed_at) VALUES (?, ?, ?)"
        " ON CONFLICT(person_id) DO UPDATE SET enabled = excluded.enabled,"
        " changed_at = excluded.changed_at",
        (person_id, int(enabled), now),
    )


def file_id(conn: sqlite3.Connection, path: str, sha256: str) -> str | None:
    """Telegram's id for this exact recording, if it was uploaded before."""
    row = conn.execute(
        "SELECT file_id FROM voice_files WHERE path = ? AND sha256 = ?", (path, sha256)
    ).fetchone()
    return None if row is None else str(row[0])


def remember_file(conn: sqlite3.Connection, path: str, sha256: str, file_id: str, now: int) -> None:
    """Keep the id Telegram gave an upload (replacing one Telegram no longer accepts)."""
    conn.execute(
        "INSERT INTO voice_files (path, sha256, file_id, uploaded_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT(path, sha256) DO UPDATE SET file_id = excluded.file_id,"
        " uploaded_at = excluded.uploaded_at",
        (path, sha256, file_id, now),
    )


def forget_file(conn: sqlite3.Connection, path: str, sha256: str) -> None:
    """Drop an id Telegram refused (another bot's, or expired): the next send uploads again."""
    conn.execute("DELETE FROM voice_files WHERE path = ? AND sha256 = ?", (path, sha256))


def uploads(conn: sqlite3.Connection) -> int:
    """How many recordings have a stored file id."""
    return int(conn.execute("SELECT COUNT(*) FROM voice_files").fetchone()[0])
