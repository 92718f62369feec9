"""The counts behind the coordinators' weekly digest."""

from __future__ import annotations

import sqlite3


def created_by_level(conn: sqlite3.Connection, start: int, end: int) -> dict[int, int]:
    """Alerts (not watch rows) created in [start, end), counted by level."""
    cur = conn.execute(
        "SELECT level, COUNT(*) FROM alerts WHERE status != 'watch'"
        " AND created_at >= ? AND created_at < ? GROUP BY level",
        (start, end),
    )
    return {int(r[0]): int(r[1]) for r in cur.fetchall()}


def resolved_by_outcome(conn: sqlite3.Connection, start: int, end: int) -> dict[str, int]:
    """Alerts resolved in [start, end), counted by outcome."""
    cur = conn.execute(
        "SELECT COALESCE(outcome, 'other'), COUNT(*) FROM alerts WHERE status = 'resolved'"
        " AND resolved_at >= ? AND resolved_at < ? GROUP BY 1",
        (start, end),
    )
    return {str(r[0]): int(r[1]) for r in cur.fetchall()}


def claim_delays(conn: sqlite3.Connection, start: int, end: int) -> list[int]:
    """Seconds from creation to claim, for alerts claimed in [start, end)."""
    cur = conn.execute(
        "SELECT claimed_at - created_at FROM alerts"
        " WHERE claimed_at IS NOT NULL AND claimed_at >= ? AND claimed_at < ? ORDER BY 1",
        (start, end),
    )
    return [int(r[0]) for r in cur.fetchall()]


def lessons_finished(conn: sqlite3.Connection, start: int, end: int) -> int:
    """Lessons caregivers finished in [start, end) (table from 0003_lessons.sql)."""
    row = conn.execute(
        "SELECT COUNT(*) FROM lesson_progress WHERE finished_at >= ? AND finished_at < ?",
        (start, end),
    ).fetchone()
    return int(row[0])


def first_person_at(conn: sqlite3.Connection) -> int | None:
    """When the first person row was created (a digest never covers a week before it)."""
    row = conn.execute("SELECT MIN(created_at) FROM people").fetchone()
    return None if row[0] is None else int(row[0])


# --- check-ins for the digest --------------------------------------------------------------


def checkins_in_period(conn: sqlite3.Connection, period: str) -> tuple[int, int]:
    """Check-ins of one period ('2026-W03') that reached a child, and how many got an answer
    (the monthly report asks about any month: an archived week's packed answers, storage/
    archive.py, count when one value is not a skip: one starting with anything but `-`)."""
    row = conn.execute(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN s.answers IS NOT NULL"
        " THEN (s.answers GLOB '[^-]*' OR s.answers GLOB '*;[^-]*')"
        " ELSE EXISTS (SELECT 1 FROM checkin_answers a WHERE a.session_id = s.id"
        " AND a.skipped = 0) END), 0) FROM checkin_sessions s"
        " WHERE s.period = ? AND s.status NOT IN ('pending', 'missed')",
        (period,),
    ).fetchone()
    return int(row[0]), int(row[1])


def watch_level_children(conn: sqlite3.Connection, period: str, start: int, end: int) -> list[str]:
    """Pseudonyms of children whose week stayed at watch level, from every source, sorted.

    Sources: watch rows of raise_alert_tx, check-in sessions of the period whose highest level
    was watch, and free messages assessed as watch.
    """
    cur = conn.execute(
        "SELECT DISTINCT p.pseudonym FROM people p WHERE p.id IN ("
        " SELECT person_id FROM alerts"
        " WHERE status = 'watch' AND created_at >= ? AND created_at < ?"
        " UNION SELECT child_id FROM checkin_sessions WHERE period = ? AND level = 1"
        " UNION SELECT child_id FROM child_messages WHERE level = 1 AND at >= ? AND at < ?"
        ") ORDER BY p.pseudonym",
        (start, end, period, start, end),
    )
    return [str(r[0]) for r in cur.fetchall()]
