"""Families and the children in them."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from storage.rows import build_one


@dataclass(frozen=True)
class Family:
    """A household: its pseudonym, village or school label, volunteer and time zone."""

    id: int
    pseudonym: str
    label: str
    volunteer_id: int | None
    timezone: str


@dataclass(frozen=True)
class Child:
    """A child's check-in settings (their person row holds the rest)."""

    person_id: int
    family_id: int
    caregiver_id: int | None
    age_band: str | None
    shared_phone: bool
    guardian_consent_at: int | None
    checkin_weekday: int
    checkin_minute: int
    next_due_at: int | None


_FAMILY = "id, pseudonym, label, volunteer_id, timezone"
_CHILD = (
    "person_id, family_id, caregiver_id, age_band, shared_phone, guardian_consent_at,"
    " checkin_weekday, checkin_minute, next_due_at"
)


def _family(row: sqlite3.Row | None) -> Family | None:
    return build_one(Family, row)


def _child(row: sqlite3.Row | None) -> Child | None:
    return build_one(Child, row, shared_phone=bool)


def create(
    conn: sqlite3.Connection,
    *,
    pseudonym: str,
    label: str,
    volunteer_id: int | None,
    timezone: str,
    now: int,
) -> int:
    """Create a family and return its id."""
    cur = conn.execute(
        "INSERT INTO families (pseudonym, label, volunteer_id, timezone, created_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (pseudonym, label, volunteer_id, timezone, now),
    )
    if cur.lastrowid is None:  # only possible if the INSERT did not happen
        raise RuntimeError("insert into families returned no row id")
    return cur.lastrowid


def get(conn: sqlite3.Connection, family_id: int) -> Family | None:
    """A family by id."""
    return _family(
        conn.execute(f"SELECT {_FAMILY} FROM families WHERE id = ?", (family_id,)).fetchone()
    )


def by_pseudonym(conn: sqlite3.Connection, pseudonym: str) -> Family | None:
    """A family by its pseudonym (case-insensitive)."""
    row = conn.execute(
        f"SELECT {_FAMILY} FROM families WHERE pseudonym = ?", (pseudonym.strip().upper(),)
    ).fetchone()
    return _family(row)


def add_child(
    conn: sqlite3.Connection,
    *,
    person_id: int,
    family_id: int,
    caregiver_id: int | None,
    shared_phone: bool,
    checkin_weekday: int,
    checkin_minute: int,
    age_band: str | None = None,
) -> None:
    """Attach a child's check-in settings to an existing person row."""
    conn.execute(
        "INSERT INTO children (person_id, family_id, caregiver_id, age_band, shared_phone,"
        " checkin_weekday, checkin_minute) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            person_id,
            family_id,
            caregiver_id,
            age_band,
            int(shared_phone),
            checkin_weekday,
            checkin_minute,
        ),
    )


def child(conn: sqlite3.Connection, person_id: int) -> Child | None:
    """A child's settings by their person id."""
    return _child(
        conn.execute(f"SELECT {_CHILD} FROM children WHERE person_id = ?", (person_id,)).fetchone()
    )


def children_of(conn: sqlite3.Connection, family_id: int) -> list[Child]:
    """Every child in a family."""
    cur = conn.execute(
        f"SELECT {_CHILD} FROM children WHERE family_id = ? ORDER BY person_id", (family_id,)
    )
    return [c for c in (_child(r) for r in cur.fetchall()) if c is not None]


def set_guardian_consent(conn: sqlite3.Connection, person_id: int, at: int | None) -> None:
    """Record (or withdraw) the caregiver's consent for this child."""
    conn.execute("UPDATE children SET guardian_consent_at = ? WHERE person_id = ?", (at, person_id))


def set_next_due(conn: sqlite3.Connection, person_id: int, at: int | None) -> None:
    """Store when the child's next check-in is due (UTC seconds)."""
    conn.execute("UPDATE children SET next_due_at = ? WHERE person_id = ?", (at, person_id))


def set_slot(conn: sqlite3.Connection, person_id: int, weekday: int, minute: int) -> None:
    """Change the child's weekly check-in weekday and local time."""
    conn.execute(
        "UPDATE children SET checkin_weekday = ?, checkin_minute = ? WHERE person_id = ?",
        (weekday, minute, person_id),
    )


def of_volunteer(conn: sqlite3.Connection, volunteer_id: int, limit: int = 30) -> list[Family]:
    """A volunteer's families, newest first."""
    cur = conn.execute(
        f"SELECT {_FAMILY} FROM families WHERE volunteer_id = ? ORDER BY id DESC LIMIT ?",
        (volunteer_id, limit),
    )
    return [f for f in (_family(r) for r in cur.fetchall()) if f is not None]


def newest(conn: sqlite3.Connection, limit: int = 30) -> list[Family]:
    """The newest families of everyone (what an admin picks from)."""
    cur = conn.execute(f"SELECT {_FAMILY} FROM families ORDER BY id DESC LIMIT ?", (limit,))
    return [f for f in (_family(r) for r in cur.fetchall()) if f is not None]


def count(conn: sqlite3.Connection) -> int:
    """How many families exist."""
    return int(conn.execute("SELECT COUNT(*) FROM families").fetchone()[0])
