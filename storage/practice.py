"""Practice plans: when a caregiver means to try a lesson's task, and how it went.

Each change is a compare-and-set on the stored status, so a repeated job run or a double
press that reaches the database changes nothing.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

PLANS = ("today", "tomorrow", "weekend")
ANSWERS = ("went_well", "hard", "not_tried")


@dataclass(frozen=True)
class Plan:
    """One caregiver's plan for one finished lesson's practice task."""

    person_id: int
    lesson_id: str
    plan: str
    planned_at: int
    due_at: int
    status: str
    asked_at: int | None
    answer: str | None
    answered_at: int | None


@dataclass(frozen=True)
class DuePlan:
    """A plan whose question is due, with what sending it needs."""

    person_id: int
    lesson_id: str
    due_at: int
    chat_id: int
    timezone: str | None


_COLUMNS = "person_id, lesson_id, plan, planned_at, due_at, status, asked_at, answer, answered_at"


def add(
    conn: sqlite3.Connection, *, person_id: int, lesson_id: str, plan: str, due_at: int, now: int
) -> bool:
    """Store a new plan; False (nothing changed) if this lesson already has one."""
    if plan not in PLANS:
        raise ValueError(f"unknown practice plan {plan!r}")
    cur = conn.execute(
        "INSERT INTO practice_plans (person_id, lesson_id, plan, planned_at, due_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (person_id, lesson_id, plan, now, due_at),
    )
    return cur.rowcount > 0


def get(conn: sqlite3.Connection, person_id: int, lesson_id: str) -> Plan | None:
    """The plan for one lesson, if the caregiver made one."""
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM practice_plans WHERE person_id = ? AND lesson_id = ?",
        (person_id, lesson_id),
    ).fetchone()
    return None if row is None else Plan(**dict(row))


def of_person(conn: sqlite3.Connection, person_id: int) -> list[Plan]:
    """Every plan of a caregiver, oldest first."""
    cur = conn.execute(
        f"SELECT {_COLUMNS} FROM practice_plans WHERE person_id = ? ORDER BY planned_at, rowid",
        (person_id,),
    )
    return [Plan(**dict(row)) for row in cur.fetchall()]


def due(conn: sqlite3.Connection, now: int) -> list[DuePlan]:
    """Planned questions due by `now` for active, unpaused, reachable caregivers."""
    cur = conn.execute(
        """
        SELECT pp.person_id, pp.lesson_id, pp.due_at, p.chat_id, f.timezone
          FROM practice_plans pp
          JOIN people p ON p.id = pp.person_id
          LEFT JOIN families f ON f.id = p.family_id
         WHERE pp.status = 'planned' AND pp.due_at <= ?
           AND p.role = 'caregiver' AND p.status = 'active' AND p.paused = 0
           AND p.unreachable_at IS NULL AND p.chat_id IS NOT NULL
         ORDER BY pp.due_at, pp.person_id
        """,
        (now,),
    )
    return [DuePlan(**dict(row)) for row in cur.fetchall()]


def set_status(
    conn: sqlite3.Connection,
    person_id: int,
    lesson_id: str,
    *,
    from_status: str,
    to_status: str,
    now: int | None = None,
) -> bool:
    """Move a plan on (claim, sent, refused, expired); `now` is kept as asked_at when given."""
    cur = conn.execute(
        "UPDATE practice_plans SET status = ?, asked_at = COALESCE(?, asked_at)"
        " WHERE person_id = ? AND lesson_id = ? AND status = ?",
        (to_status, now, person_id, lesson_id, from_status),
    )
    return cur.rowcount > 0


def record_answer(
    conn: sqlite3.Connection, *, person_id: int, lesson_id: str, answer: str, now: int
) -> bool:
    """Store how the practice went; False unless the question was asked and not yet answered."""
    if answer not in ANSWERS:
        raise ValueError(f"unknown practice answer {answer!r}")
    cur = conn.execute(
        "UPDATE practice_plans SET status = 'answered', answer = ?, answered_at = ?"
        " WHERE person_id = ? AND lesson_id = ? AND status = 'asked'",
        (answer, now, person_id, lesson_id),
    )
    return cur.rowcount > 0
