"""Parents working away: their settings, families, weekly call reports, sharing, call requests."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from storage import archive, people
from storage.families import Family
from storage.people import Person

CONTACT_OPTIONS = ("talked", "miss")
"""Answers to the weekly check-in's "parents" question that mean the child talked with them."""
ACTIVE_ALERT = ("open", "claimed")


@dataclass(frozen=True)
class Settings:
    """A parent's own time zone, quiet hours and weekly call slot."""

    person_id: int
    timezone: str
    quiet_start: int
    quiet_end: int
    call_weekday: int | None
    call_minute: int | None
    next_remind_at: int | None


def insert(
    conn: sqlite3.Connection,
    *,
    person_id: int,
    timezone: str,
    quiet_start: int,
    quiet_end: int,
    now: int,
) -> None:
    """A parent's settings row, written when they agree."""
    conn.execute(
        "INSERT INTO parents (person_id, timezone, quiet_start, quiet_end, consent_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (person_id, timezone, quiet_start, quiet_end, now),
    )


def settings(conn: sqlite3.Connection, person_id: int) -> Settings | None:
    """A parent's settings."""
    row = conn.execute(
        "SELECT person_id, timezone, quiet_start, quiet_end, call_weekday, call_minute,"
        " next_remind_at FROM parents WHERE person_id = ?",
        (person_id,),
    ).fetchone()
    return None if row is None else Settings(*row)


def set_zone(conn: sqlite3.Connection, person_id: int, timezone: str) -> None:
    """Where the parent lives now."""
    conn.execute("UPDATE parents SET timezone = ? WHERE person_id = ?", (timezone, person_id))


def set_quiet(conn: sqlite3.Connection, person_id: int, start: int, end: int) -> None:
    """When Qiao stays silent for this parent (local minutes)."""
    conn.execute(
        "UPDATE parents SET quiet_start = ?, quiet_end = ? WHERE person_id = ?",
        (start, end, person_id),
    )


def set_slot(
    conn: sqlite3.Connection, person_id: int, weekday: int, minute: int, next_at: int | None
) -> None:
    """The weekly call slot and the next reminder moment."""
    conn.execute(
        "UPDATE parents SET call_weekday = ?, call_minute = ?, next_remind_at = ?"
        " WHERE person_id = ?",
        (weekday, minute, next_at, person_id),
    )


def set_next(conn: sqlite3.Connection, person_id: int, at: int | None) -> None:
    """Move the next reminder."""
    conn.execute("UPDATE parents SET next_remind_at = ? WHERE person_id = ?", (at, person_id))


def due(conn: sqlite3.Connection, now: int, limit: int = 200) -> list[tuple[Person, Settings]]:
    """Active parents whose reminder is due."""
    cur = conn.execute(
        "SELECT person_id FROM parents WHERE next_remind_at IS NOT NULL AND next_remind_at <= ?"
        " ORDER BY next_remind_at LIMIT ?",
        (now, limit),
    )
    found: list[tuple[Person, Settings]] = []
    for (person_id,) in cur.fetchall():
        person = people.by_id(conn, int(person_id))
        setting = settings(conn, int(person_id))
        if person is not None and setting is not None:
            found.append((person, setting))
    return found


# --- families -----------------------------------------------------------------------------


def link(conn: sqlite3.Connection, parent_id: int, family_id: int, relation: str, now: int) -> bool:
    """The parent belongs to this family; False if they did already."""
    cur = conn.execute(
        "INSERT OR IGNORE INTO parent_families (parent_id, family_id, relation, joined_at)"
        " VALUES (?, ?, ?, ?)",
        (parent_id, family_id, relation, now),
    )
    return cur.rowcount > 0


def families_of(conn: sqlite3.Connection, parent_id: int) -> list[Family]:
    """The families a parent belongs to, oldest link first."""
    cur = conn.execute(
        "SELECT f.id, f.pseudonym, f.label, f.volunteer_id, f.timezone FROM families f"
        " JOIN parent_families pf ON pf.family_id = f.id WHERE pf.parent_id = ?"
        " ORDER BY pf.joined_at, f.id",
        (parent_id,),
    )
    return [Family(*row) for row in cur.fetchall()]


def parents_of(conn: sqlite3.Connection, family_id: int) -> list[tuple[Person, str]]:
    """A family's parents with their relation (mother, father, parent)."""
    cur = conn.execute(
        "SELECT parent_id, relation FROM parent_families WHERE family_id = ? ORDER BY joined_at",
        (family_id,),
    )
    found: list[tuple[Person, str]] = []
    for parent_id, relation in cur.fetchall():
        person = people.by_id(conn, int(parent_id))
        if person is not None:
            found.append((person, str(relation)))
    return found


def count_in_family(conn: sqlite3.Connection, family_id: int) -> int:
    """How many parents a family has."""
    row = conn.execute(
        "SELECT COUNT(*) FROM parent_families WHERE family_id = ?", (family_id,)
    ).fetchone()
    return int(row[0])


def only_in(conn: sqlite3.Connection, family_id: int) -> list[Person]:
    """Parents who belong to this family and no other (erased with it)."""
    cur = conn.execute(
        "SELECT parent_id FROM parent_families WHERE family_id = ? AND parent_id NOT IN"
        " (SELECT parent_id FROM parent_families WHERE family_id != ?)",
        (family_id, family_id),
    )
    found = [people.by_id(conn, int(r[0])) for r in cur.fetchall()]
    return [p for p in found if p is not None]


# --- the weekly call ----------------------------------------------------------------------


def record_call(
    conn: sqlite3.Connection, parent_id: int, family_id: int, period: str, talked: bool, now: int
) -> None:
    """What a parent said about one week (a later press replaces an earlier one)."""
    conn.execute(
        "INSERT INTO parent_calls (parent_id, family_id, period, talked, at) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (parent_id, family_id, period) DO UPDATE SET talked = excluded.talked,"
        " at = excluded.at",
        (parent_id, family_id, period, int(talked), now),
    )


def parent_reports(conn: sqlite3.Connection, family_id: int, period: str) -> list[bool]:
    """Each parent's report for one week ("we talked" is True)."""
    cur = conn.execute(
        "SELECT talked FROM parent_calls WHERE family_id = ? AND period = ?", (family_id, period)
    )
    return [bool(r[0]) for r in cur.fetchall()]


def child_reports(conn: sqlite3.Connection, family_id: int, period: str) -> list[str]:
    """The children's answers to the check-in's "parents" question in one week (option ids),
    an archived week's (storage/archive.py) included: the family view reaches eight weeks back."""
    cur = conn.execute(
        "SELECT a.option_id, NULL, NULL FROM checkin_answers a"
        " JOIN checkin_sessions s ON s.id = a.session_id"
        " JOIN children c ON c.person_id = s.child_id"
        " WHERE c.family_id = ? AND s.period = ? AND a.question_id = 'parents'"
        " AND a.option_id IS NOT NULL"
        " UNION ALL SELECT NULL, s.answers, l.questions FROM checkin_sessions s"
        " JOIN children c ON c.person_id = s.child_id"
        " LEFT JOIN checkin_layouts l ON l.id = s.layout"
        " WHERE c.family_id = ? AND s.period = ? AND s.answers IS NOT NULL",
        (family_id, period, family_id, period),
    )
    found = []
    for option, packed, questions in cur.fetchall():
        chosen = option if packed is None else archive.option_in(questions, packed, "parents")
        if chosen is not None:
            found.append(str(chosen))
    return found


def families_with_parents(conn: sqlite3.Connection) -> list[Family]:
    """Every family that has at least one parent."""
    cur = conn.execute(
        "SELECT DISTINCT f.id, f.pseudonym, f.label, f.volunteer_id, f.timezone FROM families f"
        " JOIN parent_families pf ON pf.family_id = f.id ORDER BY f.id"
    )
    return [Family(*row) for row in cur.fetchall()]


def all_families(conn: sqlite3.Connection) -> list[Family]:
    """Every family (the digest's contact rate covers them all)."""
    cur = conn.execute("SELECT id, pseudonym, label, volunteer_id, timezone FROM families")
    return [Family(*row) for row in cur.fetchall()]


def forget_calls_before(conn: sqlite3.Connection, period: str) -> int:
    """Retention: call reports of weeks before `period` go."""
    return int(conn.execute("DELETE FROM parent_calls WHERE period < ?", (period,)).rowcount)


# --- what a child shares -----------------------------------------------------------------


def sharing(conn: sqlite3.Connection, child_id: int) -> bool:
    """Whether the child shares their weekly mood face (off unless they turned it on)."""
    row = conn.execute(
        "SELECT enabled FROM mood_sharing WHERE child_id = ?", (child_id,)
    ).fetchone()
    return row is not None and bool(row[0])


def set_sharing(conn: sqlite3.Connection, child_id: int, enabled: bool, now: int) -> None:
    """The child's choice."""
    conn.execute(
        "INSERT INTO mood_sharing (child_id, enabled, changed_at) VALUES (?, ?, ?)"
        " ON CONFLICT (child_id) DO UPDATE SET enabled = excluded.enabled,"
        " changed_at = excluded.changed_at",
        (child_id, int(enabled), now),
    )


def alert_active(conn: sqlite3.Connection, child_id: int) -> bool:
    """Whether an alert about the child is open or claimed (nothing is shared then)."""
    row = conn.execute(
        "SELECT 1 FROM alerts WHERE person_id = ? AND status IN (?, ?) LIMIT 1",
        (child_id, *ACTIVE_ALERT),
    ).fetchone()
    return row is not None


def latest_mood(conn: sqlite3.Connection, child_id: int, since: int) -> int | None:
    """The mood face (1..5) of the child's newest check-in answered since `since` (the last
    week: younger than any archived check-in, storage/archive.py)."""
    row = conn.execute(
        "SELECT a.mood FROM checkin_answers a JOIN checkin_sessions s ON s.id = a.session_id"
        " WHERE s.child_id = ? AND a.question_id = 'mood' AND a.mood IS NOT NULL"
        " AND a.answered_at >= ? ORDER BY a.answered_at DESC LIMIT 1",
        (child_id, since),
    ).fetchone()
    return None if row is None else int(row[0])


# --- a volunteer's request ---------------------------------------------------------------


def add_request(
    conn: sqlite3.Connection, alert_id: int, parent_id: int, asked_by: int, now: int
) -> bool:
    """Record the request once per alert and parent; False if it was made before."""
    cur = conn.execute(
        "INSERT OR IGNORE INTO parent_call_requests (alert_id, parent_id, asked_by, at)"
        " VALUES (?, ?, ?, ?)",
        (alert_id, parent_id, asked_by, now),
    )
    return cur.rowcount > 0
