"""The answers of a check-in, and the mood trend read from them."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from storage.rows import build_all, from_json


@dataclass(frozen=True)
class Answer:
    """One stored answer."""

    session_id: int
    question_id: str
    option_id: str | None
    mood: int | None
    text: str | None
    skipped: bool
    level: int
    reasons: list[dict[str, Any]]
    answered_at: int


def insert_answer(
    conn: sqlite3.Connection,
    *,
    session_id: int,
    question_id: str,
    now: int,
    option_id: str | None = None,
    mood: int | None = None,
    text: str | None = None,
    skipped: bool = False,
    level: int = 0,
    reasons: list[dict[str, Any]] | None = None,
    position: int = 0,
) -> bool:
    """Store an answer once; False if this question was answered before (a repeated press)."""
    cur = conn.execute(
        "INSERT INTO checkin_answers (session_id, question_id, position, option_id, mood, text,"
        " skipped, level, reasons, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT(session_id, question_id) DO NOTHING",
        (
            session_id,
            question_id,
            position,
            option_id,
            mood,
            text,
            int(skipped),
            level,
            json.dumps(reasons or [], ensure_ascii=False),
            now,
        ),
    )
    return cur.rowcount > 0


def answer_to(conn: sqlite3.Connection, session_id: int, question_id: str) -> Answer | None:
    """The stored answer to one question of a session, if any."""
    return next((a for a in answers(conn, session_id) if a.question_id == question_id), None)


def answers(conn: sqlite3.Connection, session_id: int) -> list[Answer]:
    """A session's answers in the order given (a live session's: its readers act on the
    exchange under way, never on an archived week, storage/archive.py)."""
    cur = conn.execute(
        "SELECT session_id, question_id, option_id, mood, text, skipped, level, reasons,"
        " answered_at FROM checkin_answers WHERE session_id = ? ORDER BY answered_at, position",
        (session_id,),
    )
    return build_all(Answer, cur.fetchall(), skipped=bool, reasons=from_json)


def moods_before(
    conn: sqlite3.Connection, child_id: int, period: str, limit: int
) -> list[int | None]:
    """The mood of each of the child's earlier sessions, oldest first; None where none was given
    (an archived session keeps its mood in its own row: storage/archive.py)."""
    cur = conn.execute(
        "SELECT s.period, COALESCE(s.mood, (SELECT a.mood FROM checkin_answers a"
        " WHERE a.session_id = s.id AND a.mood IS NOT NULL LIMIT 1)) AS mood"
        " FROM checkin_sessions s"
        " WHERE s.child_id = ? AND s.period < ? AND s.status != 'pending'"
        " ORDER BY s.period DESC LIMIT ?",
        (child_id, period, limit),
    )
    moods = [r["mood"] for r in cur.fetchall()]
    moods.reverse()
    return moods
