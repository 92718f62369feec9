"""What the sweep reads and claims: questions to resend, reminders, closing, tidy-ups."""

from __future__ import annotations

import sqlite3

from storage.checkins._sessions import COLUMNS, Session, session_rows


def due_for_reminder(
    conn: sqlite3.Connection, sent_before: int, *, after: int = 0, limit: int = 100
) -> list[Session]:
    """Sessions with no reminder yet that were sent before `sent_before` with nothing answered,
    or were left half-answered since then (so the questions after, the safety question among
    them, are asked once more before the session closes); a page of ids above `after`."""
    # Two reads along the live (status, sent_at) index, one per status: an OR of the two
    # would make SQLite walk the whole table by id (the index is partial, `answers IS NULL`).
    live = "FROM checkin_sessions WHERE answers IS NULL AND reminder_at IS NULL AND id > ?"
    cur = conn.execute(
        f"SELECT {COLUMNS} {live} AND status = 'sent' AND sent_at <= ?"
        f" UNION ALL SELECT {COLUMNS} {live} AND status = 'answering' AND last_activity_at <= ?"
        " ORDER BY id LIMIT ?",
        (after, sent_before, after, sent_before, limit),
    )
    return session_rows(cur)


def set_resend(conn: sqlite3.Connection, session_id: int, at: int | None) -> None:
    """Ask the sweep to send the current question again from `at` on (None: no need)."""
    conn.execute("UPDATE checkin_sessions SET resend_at = ? WHERE id = ?", (at, session_id))


def due_for_resend(conn: sqlite3.Connection, now: int, limit: int = 500) -> list[Session]:
    """Sessions whose current question must be sent again now (a failed send or edit)."""
    cur = conn.execute(
        f"SELECT {COLUMNS} FROM checkin_sessions WHERE resend_at IS NOT NULL AND resend_at <= ?"
        " ORDER BY resend_at, id LIMIT ?",
        (now, limit),
    )
    return session_rows(cur)


def set_reminder(conn: sqlite3.Connection, session_id: int, at: int | None) -> bool:
    """Claim (or release) the session's one reminder; False if it was already claimed."""
    if at is None:
        cur = conn.execute(
            "UPDATE checkin_sessions SET reminder_at = NULL WHERE id = ?", (session_id,)
        )
    else:
        cur = conn.execute(
            "UPDATE checkin_sessions SET reminder_at = ? WHERE id = ? AND reminder_at IS NULL",
            (at, session_id),
        )
    return cur.rowcount > 0


def due_for_close(conn: sqlite3.Connection, sent_before: int, *, limit: int = 100) -> list[Session]:
    """Open sessions sent before `sent_before` (the oldest `limit`): they close, keeping what
    was answered, so the next call reads the next page."""
    cur = conn.execute(
        f"SELECT {COLUMNS} FROM checkin_sessions WHERE status IN ('sent', 'answering')"
        " AND answers IS NULL AND sent_at <= ? ORDER BY sent_at, id LIMIT ?",
        (sent_before, limit),
    )
    return session_rows(cur)


def close(conn: sqlite3.Connection, session_id: int, now: int) -> bool:
    """Close an open session; False if it had finished already."""
    cur = conn.execute(
        "UPDATE checkin_sessions SET status = 'closed', closed_at = ?, current_question = NULL"
        " WHERE id = ? AND status IN ('sent', 'answering')",
        (now, session_id),
    )
    return cur.rowcount > 0


def request_tidy(conn: sqlite3.Connection, session_id: int, now: int) -> None:
    """Ask for the session's exchange to be deleted (kept until every delete was tried)."""
    conn.execute(
        "UPDATE checkin_sessions SET tidy_at = COALESCE(tidy_at, ?) WHERE id = ?",
        (now, session_id),
    )


def awaiting_tidy(conn: sqlite3.Connection, *, since: int = 0) -> list[Session]:
    """Sessions asked to be tidied (at `since` or later) that still have messages to delete.

    `since` bounds the read to recent requests along the `tidy_at` index: older exchanges are
    past Telegram's 48-hour deletion window and their message ids are pruned.
    """
    cur = conn.execute(
        f"SELECT {COLUMNS} FROM checkin_sessions s WHERE tidy_at >= ? AND EXISTS"
        " (SELECT 1 FROM checkin_messages m WHERE m.session_id = s.id AND m.deleted_at IS NULL)"
        " ORDER BY tidy_at, id",
        (since,),
    )
    return session_rows(cur)


def idle_shared_sessions(conn: sqlite3.Connection, idle_before: int) -> list[Session]:
    """Open sessions on a shared phone, idle since `idle_before`, with answers still visible."""
    cur = conn.execute(
        f"SELECT {COLUMNS} FROM checkin_sessions s WHERE status IN ('sent', 'answering')"
        " AND answers IS NULL AND last_activity_at <= ? AND EXISTS (SELECT 1 FROM children c"
        " WHERE c.person_id = s.child_id AND c.shared_phone = 1) AND EXISTS"
        " (SELECT 1 FROM checkin_messages m WHERE m.session_id = s.id AND m.deleted_at IS NULL"
        " AND m.kind != 'handover') ORDER BY s.id",
        (idle_before,),
    )
    return session_rows(cur)


SENT_BEFORE_FINISHED = 7 * 24 * 60 * 60
"""A session finishes (answered, or closed by the sweep) within days of being sent: the
sweep's read of finished sessions starts this long before the finishing window."""


def finished_shared_untidied(
    conn: sqlite3.Connection, finished_before: int, *, finished_since: int = 0
) -> list[Session]:
    """Finished sessions on a shared phone not yet asked to be tidied, finished between
    `finished_since` and `finished_before`.

    Read along the `(status, sent_at)` index from a week before `finished_since` (a session
    finishes within days of being sent), so the sweep reads the last few weeks, not every
    finished session ever (own-phone sessions are never tidied by time and would otherwise be
    walked every five minutes).
    """
    cur = conn.execute(
        f"SELECT {COLUMNS} FROM checkin_sessions s INDEXED BY checkin_sessions_status"
        " WHERE status IN ('done', 'closed') AND answers IS NULL AND sent_at >= ?"
        " AND tidy_at IS NULL AND closed_at >= ? AND closed_at <= ?"
        " AND EXISTS (SELECT 1 FROM children c WHERE c.person_id = s.child_id"
        " AND c.shared_phone = 1) ORDER BY s.id",
        (finished_since - SENT_BEFORE_FINISHED, finished_since, finished_before),
    )
    return session_rows(cur)
