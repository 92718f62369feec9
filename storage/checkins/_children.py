"""A child with their check-in settings and family, and which children are due."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from storage.families import Child, Family
from storage.people import PERSON_TYPES, Person
from storage.rows import build, build_all, zipped


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
    values = tuple(row)
    person = build(Person, zipped(_PERSON, values[:11]), **PERSON_TYPES)
    settings = build(Child, zipped(_CHILD, values[:1] + values[11:19]), shared_phone=bool)
    return person, settings, build(Family, zipped(_FAMILY, values[19:24]))


_PERSON = (
    "id", "pseudonym", "role", "telegram_user_id", "chat_id", "display_name", "lang",
    "family_id", "status", "paused", "unreachable_at",
)  # fmt: skip
_CHILD = (
    "person_id", "family_id", "caregiver_id", "age_band", "shared_phone", "guardian_consent_at",
    "checkin_weekday", "checkin_minute", "next_due_at",
)  # fmt: skip
_FAMILY = ("id", "pseudonym", "label", "volunteer_id", "timezone")


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
        "SELECT c.person_id AS child_id, c.next_due_at, c.checkin_weekday, c.checkin_minute,"
        " f.timezone,"
        " p.paused, p.unreachable_at FROM children c JOIN people p ON p.id = c.person_id"
        " JOIN families f ON f.id = c.family_id WHERE c.next_due_at IS NOT NULL"
        " AND c.next_due_at <= ? AND p.status = 'active' AND c.guardian_consent_at IS NOT NULL"
        " ORDER BY c.next_due_at, c.person_id LIMIT ?",
        (now, limit),
    )
    return build_all(DueChild, cur.fetchall(), paused=bool)


def unscheduled_children(conn: sqlite3.Connection, *, limit: int = 500) -> list[DueChild]:
    """Up to `limit` active children with guardian consent who have no next check-in moment yet."""
    cur = conn.execute(
        "SELECT c.person_id AS child_id, 0 AS next_due_at, c.checkin_weekday, c.checkin_minute,"
        " f.timezone, p.paused,"
        " p.unreachable_at FROM children c JOIN people p ON p.id = c.person_id"
        " JOIN families f ON f.id = c.family_id WHERE c.next_due_at IS NULL"
        " AND p.status = 'active' AND c.guardian_consent_at IS NOT NULL ORDER BY c.person_id"
        " LIMIT ?",
        (limit,),
    )
    return build_all(DueChild, cur.fetchall(), paused=bool)
