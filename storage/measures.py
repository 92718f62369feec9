"""Scores of validated measures (WHO-5) kept per check-in session (0011_measures.sql)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from storage.rows import build


@dataclass(frozen=True)
class Score:
    """One completed measure: the raw score, the cut-off it was judged by, and when."""

    session_id: int
    child_id: int
    measure: str
    period: str
    raw: int
    cutoff: int
    low: bool
    age_band: str | None
    scored_at: int


_COLUMNS = "session_id, child_id, measure, period, raw, cutoff, low, age_band, scored_at"


def _score(row: sqlite3.Row) -> Score:
    return build(Score, row, low=bool)


def insert(conn: sqlite3.Connection, score: Score) -> bool:
    """Store a session's score once; False if the session already has one."""
    cur = conn.execute(
        f"INSERT INTO measure_scores ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT(session_id) DO NOTHING",
        (
            score.session_id,
            score.child_id,
            score.measure,
            score.period,
            score.raw,
            score.cutoff,
            int(score.low),
            score.age_band,
            score.scored_at,
        ),
    )
    return cur.rowcount > 0


def latest_before(
    conn: sqlite3.Connection, child_id: int, measure: str, period: str
) -> Score | None:
    """The child's most recent score of `measure` from a period before `period`."""
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM measure_scores WHERE child_id = ? AND measure = ?"
        " AND period < ? ORDER BY period DESC LIMIT 1",
        (child_id, measure, period),
    ).fetchone()
    return None if row is None else _score(row)


def since(conn: sqlite3.Connection, child_id: int, measure: str, first_period: str) -> list[Score]:
    """The child's scores of `measure` from `first_period` on, oldest first."""
    cur = conn.execute(
        f"SELECT {_COLUMNS} FROM measure_scores WHERE child_id = ? AND measure = ?"
        " AND period >= ? ORDER BY period",
        (child_id, measure, first_period),
    )
    return [_score(r) for r in cur.fetchall()]


def of_child(conn: sqlite3.Connection, child_id: int) -> list[Score]:
    """Every score of a child, oldest first (the family export)."""
    cur = conn.execute(
        f"SELECT {_COLUMNS} FROM measure_scores WHERE child_id = ? ORDER BY period, measure",
        (child_id,),
    )
    return [_score(r) for r in cur.fetchall()]


def item_answers(
    conn: sqlite3.Connection, session_id: int, question_ids: tuple[str, ...]
) -> dict[str, str]:
    """The options chosen so far for some questions of one session (question id → option id);
    asked while the session is live, never of an archived one (storage/archive.py)."""
    marks = ", ".join("?" for _ in question_ids)
    cur = conn.execute(
        "SELECT question_id, option_id FROM checkin_answers WHERE session_id = ?"
        f" AND option_id IS NOT NULL AND question_id IN ({marks})",
        (session_id, *question_ids),
    )
    return {str(r["question_id"]): str(r["option_id"]) for r in cur.fetchall()}


def last_delivered_period(
    conn: sqlite3.Connection, child_id: int, set_prefix: str, period: str
) -> str | None:
    """The latest earlier period whose session used a set starting with `set_prefix` and
    reached the child (not pending, not missed)."""
    row = conn.execute(
        "SELECT MAX(period) FROM checkin_sessions WHERE child_id = ? AND period < ?"
        " AND (set_id = ? OR set_id LIKE ?) AND status NOT IN ('pending', 'missed')",
        (child_id, period, set_prefix, f"{set_prefix}+%"),
    ).fetchone()
    return None if row is None or row[0] is None else str(row[0])


def has_earlier_session(conn: sqlite3.Connection, child_id: int, period: str) -> bool:
    """Whether the child had any check-in that reached them before `period`."""
    row = conn.execute(
        "SELECT 1 FROM checkin_sessions WHERE child_id = ? AND period < ?"
        " AND status NOT IN ('pending', 'missed') LIMIT 1",
        (child_id, period),
    ).fetchone()
    return row is not None
