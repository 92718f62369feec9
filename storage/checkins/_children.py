"""A child with their check-in settings and family, and which children are due."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from storage.families import Child, Family
from storage.people import Person


@dataclass(frozen=True)
class DueChild:
    """A child whose check-in moment has come, with what the dispatcher needs to decide."""

    child_id: int
    next_due_at: int
    checkin_weekday: int
    checkin_minute: int
    timezone: str
    paused: bool
    unreachable_at: int | None


_HOUSEHOLD = (
    "SELECT p.id, p.pseudonym, p.role, p.telegram_user_id, p.chat_id, p.display_name, p.lang,"
    " p.family_id, p.status, p.paused, p.unreachable_at, c.family_id, c.caregiver_id,"
    " c.age_band, c.shared_phone, c.guardian_consent_at, c.checkin_weekday, c.checkin_minute,"
    " c.next_due_at, f.id, f.pseudonym, f.label, f.volunteer_id, f.timezone"
    " FROM children c JOIN people p ON p.id = c.person_id JOIN families f ON f.id = c.family_id"
)


def _household(row: sqlite3.Row | tuple[Any, ...]) -> tuple[Person, Child, Family]:
    person = Person(
        id=row[0],
        pseudonym=row[1],
        role=row[2],
        telegram_user_id=row[3],
        chat_id=row[4],
        display_name=row[5],
        lang=row[6],
        family_id=row[7],
        status=row[8],
        paused=bool(row[9]),
        unreachable_at=row[10],
    )
    settings = Child(
        person_id=row[0],
        family_id=row[11],
        caregiver_id=row[12],
        age_band=row[13],
        shared_phone=bool(row[14]),
        guardian_consent_at=row[15],
        checkin_weekday=row[16],
        checkin_minute=row[17],
        next_due_at=row[18],
    )
    return person, settings, Family(row[19], row[20], row[21], row[22], row[23])


def household(conn: sqlite3.Connection, child_id: int) -> tuple[Person, Child, Family] | None:
    """A child's person row, check-in settings and family, in one read."""
    row = conn.execute(_HOUSEHOLD + " WHERE c.person_id = ?", (child_id,)).fetchone()
    return None if row is None else _household(row)


def households(
    conn: sqlite3.Connection, child_ids: list[int]
) -> dict[int, tuple[Person, Child, Family]]:
    """Several children's households at once (a page of the dispatcher), by child id."""
    if not child_ids:
        return {}
    cur = conn.execute(
        _HOUSEHOLD + " WHERE c.person_id IN (SELECT value FROM json_each(?))",
        (json.dumps(child_ids),),
    )
    return {row[0]: _household(row) for row in cur}


def due_children(conn: sqlite3.Connection, now: int, *, limit: int = 500) -> list[DueChild]:
    """Up to `limit` active children with guardian consent whose next check-in moment has come,
    longest due first (the dispatcher moves each one's moment on, so the next page is new)."""
    cur = conn.execute(
        "SELECT c.person_id, c.next_due_at, c.checkin_weekday, c.checkin_minute, f.timezone,"
        " p.paused, p.unreachable_at FROM children c JOIN people p ON p.id = c.person_id"
        " JOIN families f ON f.id = c.family_id WHERE c.next_due_at IS NOT NULL"
        " AND c.next_due_at <= ? AND p.status = 'active' AND c.guardian_consent_at IS NOT NULL"
        " ORDER BY c.next_due_at, c.person_id LIMIT ?",
        (now, limit),
    )
    return [
        DueChild(
            child_id=r["person_id"],
            next_due_at=r["next_due_at"],
            checkin_weekday=r["checkin_weekday"],
            checkin_minute=r["checkin_minute"],
            timezone=r["timezone"],
            paused=bool(r["paused"]),
            unreachable_at=r["unreachable_at"],
        )
        for r in cur.fetchall()
    ]


def unscheduled_children(conn: sqlite3.Connection, *, limit: int = 500) -> list[DueChild]:
    """Up to `limit` active children with guardian consent who have no next check-in moment yet."""
    cur = conn.execute(
        "SELECT c.person_id, c.checkin_weekday, c.checkin_minute, f.timezone, p.paused,"
        " p.unreachable_at FROM children c JOIN people p ON p.id = c.person_id"
        " JOIN families f ON f.id = c.family_id WHERE c.next_due_at IS NULL"
        " AND p.status = 'active' AND c.guardian_consent_at IS NOT NULL ORDER BY c.person_id"
        " LIMIT ?",
        (limit,),
    )
    return [
        DueChild(
            child_id=r["person_id"],
            next_due_at=0,
            checkin_weekday=r["checkin_weekday"],
            checkin_minute=r["checkin_minute"],
            timezone=r["timezone"],
            paused=bool(r["paused"]),
            unreachable_at=r["unreachable_at"],
        )
        for r in cur.fetchall()
    ]
