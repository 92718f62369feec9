"""The reading list's rows: what waits for a volunteer to read it, and what they read.

State changes are single conditional UPDATEs (`… AND status = 'unread'`), so a double press or
two volunteers at once cannot both mark an item read.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from storage.rows import build

OFFERED = "offered"
UNREAD = "unread"
READ = "read"


@dataclass(frozen=True)
class Item:
    """One reading-list row, with the pseudonyms a list shows."""

    id: int
    author_id: int
    family_id: int
    kind: str
    text: str | None
    file_id: str | None
    level: int
    source: str
    status: str
    at: int
    read_at: int | None
    author_pseudonym: str
    author_role: str
    family_pseudonym: str
    volunteer_id: int | None


_SELECT = (
    "SELECT r.id, r.author_id, r.family_id, r.kind, r.text, r.file_id, r.level, r.source,"
    " r.status, r.at, r.read_at, p.pseudonym AS author_pseudonym, p.role AS author_role,"
    " f.pseudonym AS family_pseudonym, f.volunteer_id"
    " FROM reading_items r JOIN people p ON p.id = r.author_id"
    " JOIN families f ON f.id = r.family_id"
)
_ORDER = " ORDER BY r.level DESC, r.at, r.id"
"""Most serious first, then the longest waiting."""


def _item(row: sqlite3.Row) -> Item:
    return build(Item, row)


def add(
    conn: sqlite3.Connection,
    *,
    author_id: int,
    family_id: int,
    kind: str,
    text: str | None,
    file_id: str | None,
    level: int,
    source: str,
    now: int,
    status: str = UNREAD,
) -> int | None:
    """Put an item on the list once per (author, source); None if it is there already."""
    cur = conn.execute(
        "INSERT INTO reading_items (author_id, family_id, kind, text, file_id, level, source,"
        " status, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT(author_id, source) DO NOTHING",
        (author_id, family_id, kind, text, file_id, level, source, status, now),
    )
    return int(cur.lastrowid) if cur.rowcount and cur.lastrowid is not None else None


def get(conn: sqlite3.Connection, item_id: int) -> Item | None:
    """One item by id."""
    row = conn.execute(f"{_SELECT} WHERE r.id = ?", (item_id,)).fetchone()
    return None if row is None else _item(row)


def unread_for_volunteer(conn: sqlite3.Connection, volunteer_id: int, limit: int) -> list[Item]:
    """Unread items of the families this volunteer looks after, in reading order."""
    cur = conn.execute(
        f"{_SELECT} WHERE r.status = 'unread' AND f.volunteer_id = ?{_ORDER} LIMIT ?",
        (volunteer_id, limit),
    )
    return [_item(row) for row in cur.fetchall()]


def unread_count_for_volunteer(conn: sqlite3.Connection, volunteer_id: int) -> int:
    """How many items wait for this volunteer."""
    row = conn.execute(
        "SELECT COUNT(*) FROM reading_items r JOIN families f ON f.id = r.family_id"
        " WHERE r.status = 'unread' AND f.volunteer_id = ?",
        (volunteer_id,),
    ).fetchone()
    return int(row[0])


def volunteers_with_unread(conn: sqlite3.Connection) -> list[tuple[int, int, str, int]]:
    """(volunteer id, chat id, language, unread count) for every volunteer with unread items."""
    cur = conn.execute(
        "SELECT v.id, v.chat_id, v.lang, COUNT(*) FROM reading_items r"
        " JOIN families f ON f.id = r.family_id JOIN people v ON v.id = f.volunteer_id"
        " WHERE r.status = 'unread' AND v.chat_id IS NOT NULL AND v.status = 'active'"
        " GROUP BY v.id ORDER BY v.id"
    )
    return [(int(r[0]), int(r[1]), str(r[2]), int(r[3])) for r in cur.fetchall()]


def late(conn: sqlite3.Connection, *, before: int) -> list[Item]:
    """Unread items waiting since before `before` that the coordinators were not told about."""
    cur = conn.execute(
        f"{_SELECT} WHERE r.status = 'unread' AND r.late_at IS NULL AND r.at < ?{_ORDER}",
        (before,),
    )
    return [_item(row) for row in cur.fetchall()]


def mark_late(conn: sqlite3.Connection, item_ids: list[int], now: int) -> None:
    """Record that the coordinators were told about these items."""
    conn.executemany(
        "UPDATE reading_items SET late_at = ? WHERE id = ? AND late_at IS NULL",
        [(now, item_id) for item_id in item_ids],
    )


def mark_read(conn: sqlite3.Connection, item_id: int, *, reader_id: int, now: int) -> bool:
    """Mark an unread item read; False if it was not unread (read already, or only offered)."""
    cur = conn.execute(
        "UPDATE reading_items SET status = 'read', read_at = ?, read_by = ?"
        " WHERE id = ? AND status = 'unread'",
        (now, reader_id, item_id),
    )
    return cur.rowcount > 0


def accept_offer(conn: sqlite3.Connection, item_id: int, *, now: int) -> bool:
    """An adult said "send it": the offered item joins the list, waiting from now."""
    cur = conn.execute(
        "UPDATE reading_items SET status = 'unread', at = ? WHERE id = ? AND status = 'offered'",
        (now, item_id),
    )
    return cur.rowcount > 0


def drop_offer(conn: sqlite3.Connection, item_id: int) -> bool:
    """An adult said "don't send": the offered words are deleted at once."""
    cur = conn.execute("DELETE FROM reading_items WHERE id = ? AND status = 'offered'", (item_id,))
    return cur.rowcount > 0


def drop_stale_offers(conn: sqlite3.Connection, *, before: int) -> int:
    """Offers nobody answered since before `before` are deleted: unsent words are not kept."""
    cur = conn.execute("DELETE FROM reading_items WHERE status = 'offered' AND at < ?", (before,))
    return int(cur.rowcount)


def forget_before(conn: sqlite3.Connection, *, before: int, limit: int | None = None) -> int:
    """Retention: delete items (their words and file ids) written before `before`, the
    oldest `limit` of them when given (one batch of the daily job)."""
    if limit is None:
        cur = conn.execute("DELETE FROM reading_items WHERE at < ?", (before,))
    else:
        cur = conn.execute(
            "DELETE FROM reading_items WHERE id IN (SELECT id FROM reading_items"
            " WHERE at < ? ORDER BY at LIMIT ?)",
            (before, limit),
        )
    return int(cur.rowcount)


def read_delays(conn: sqlite3.Connection, start: int, end: int) -> list[int]:
    """Seconds from arrival to reading, for items read in [start, end)."""
    cur = conn.execute(
        "SELECT read_at - at FROM reading_items WHERE status = 'read'"
        " AND read_at >= ? AND read_at < ?",
        (start, end),
    )
    return [max(0, int(row[0])) for row in cur.fetchall()]
