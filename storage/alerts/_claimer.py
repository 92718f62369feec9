"""What the claimer reads in private: the words behind an alert, moods, the open lesson."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from storage.alerts._rows import Alert

WORDS_WINDOW = 24 * 3600
"""The claimer sees what the person wrote in the day before the alert (and at its moment)."""


@dataclass(frozen=True)
class Written:
    """Something a child wrote (a check-in answer or a free message), with its risk level."""

    at: int
    text: str
    level: int


def words_behind(conn: sqlite3.Connection, alert: Alert, limit: int = 5) -> list[Written]:
    """The child's own words around an alert, oldest first (tables of 0004_checkins.sql).

    The alert is written in the same transaction as the words that raised it, so they carry
    its timestamp; earlier words of that day give the claimer their context. Words cleared
    by retention (text NULL) are gone for good; an archived week (storage/archive.py) holds
    no words, so reading the answer rows alone is complete.
    """
    start, end = alert.created_at - WORDS_WINDOW, alert.created_at
    cur = conn.execute(
        "SELECT at, text, level FROM ("
        " SELECT a.answered_at AS at, a.text AS text, a.level AS level FROM checkin_answers a"
        " JOIN checkin_sessions s ON s.id = a.session_id"
        " WHERE s.child_id = ? AND a.text IS NOT NULL AND a.answered_at BETWEEN ? AND ?"
        " UNION ALL"
        " SELECT m.at, m.text, m.level FROM child_messages m"
        " WHERE m.child_id = ? AND m.text IS NOT NULL AND m.at BETWEEN ? AND ?"
        ") ORDER BY at DESC LIMIT ?",
        (alert.person_id, start, end, alert.person_id, start, end, limit),
    )
    found = [Written(int(r["at"]), str(r["text"]), int(r["level"])) for r in cur.fetchall()]
    found.reverse()
    return found


def moods_by_period(conn: sqlite3.Connection, child_id: int, first_period: str) -> dict[str, int]:
    """The mood the child gave in each check-in period from `first_period` on ('2026-W03'),
    archived weeks (the mood in the session row, storage/archive.py) included."""
    cur = conn.execute(
        "SELECT period, MIN(mood) AS mood FROM ("
        " SELECT s.period, a.mood FROM checkin_sessions s"
        " JOIN checkin_answers a ON a.session_id = s.id AND a.mood IS NOT NULL"
        " WHERE s.child_id = ? AND s.period >= ?"
        " UNION ALL SELECT period, mood FROM checkin_sessions"
        " WHERE child_id = ? AND period >= ? AND mood IS NOT NULL"
        ") GROUP BY period",
        (child_id, first_period, child_id, first_period),
    )
    return {str(r["period"]): int(r["mood"]) for r in cur.fetchall()}


def help_lesson(conn: sqlite3.Connection, alert_id: int) -> str | None:
    """The lesson a caregiver had open when their help request raised this alert."""
    row = conn.execute(
        "SELECT lesson_id FROM help_requests WHERE alert_id = ? LIMIT 1", (alert_id,)
    ).fetchone()
    return None if row is None or row[0] is None else str(row[0])
