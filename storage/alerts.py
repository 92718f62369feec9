"""Alerts, their notes, and the read-only queries the alert desk and the digest need.

State changes are single conditional UPDATEs (`… WHERE id = ? AND status = 'open'`), so two
volunteers pressing at the same moment cannot both win: the row decides, not the handler.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

OPEN = "open"
CLAIMED = "claimed"
RESOLVED = "resolved"
WATCH = "watch"
ACTIVE_STATUSES = (OPEN, CLAIMED)


@dataclass(frozen=True)
class Alert:
    """One alert row."""

    id: int
    kind: str
    person_id: int
    family_id: int | None
    level: int
    category: str
    reasons: list[dict[str, Any]]
    source: str
    lang: str
    status: str
    claimed_by: int | None
    claimed_at: int | None
    resolved_by: int | None
    resolved_at: int | None
    outcome: str | None
    escalation: int
    created_at: int
    signals: int = 1
    """How many signals this alert took in (it stays one alert while it is open)."""
    last_signal_at: int | None = None
    card_version: int = 0
    card_shown: int = 0

    @property
    def code(self) -> str:
        """The short reference volunteers type, e.g. A-12."""
        return f"A-{self.id}"


@dataclass(frozen=True)
class Note:
    """A volunteer's note on an alert, with its author's pseudonym."""

    at: int
    author: str | None
    text: str


@dataclass(frozen=True)
class PostedCopy:
    """One outbox message that shows an alert (the group post, a re-post, a private copy)."""

    outbox_id: int
    dedupe_key: str
    target: str
    status: str
    chat_id: int | None
    message_id: int | None


_COLUMNS = (
    "id, kind, person_id, family_id, level, category, reasons, source, lang, status,"
    " claimed_by, claimed_at, resolved_by, resolved_at, outcome, escalation, created_at,"
    " signals, last_signal_at, card_version, card_shown"
)


def _alert(row: sqlite3.Row | None) -> Alert | None:
    if row is None:
        return None
    data = dict(row)
    data["reasons"] = json.loads(data["reasons"])
    return Alert(**data)


def _alerts(cursor: sqlite3.Cursor) -> list[Alert]:
    return [a for a in (_alert(r) for r in cursor.fetchall()) if a is not None]


def insert(
    conn: sqlite3.Connection,
    *,
    kind: str,
    person_id: int,
    family_id: int | None,
    level: int,
    category: str,
    reasons: list[dict[str, Any]],
    source: str,
    now: int,
    lang: str = "zh",
    status: str = OPEN,
) -> int | None:
    """Create an alert once per (person, source); None if that source already raised one."""
    cur = conn.execute(
        "INSERT INTO alerts (kind, person_id, family_id, level, category, reasons, source, lang,"
        " status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT(person_id, source) DO NOTHING",
        (
            kind,
            person_id,
            family_id,
            level,
            category,
            json.dumps(reasons),
            source,
            lang,
            status,
            now,
        ),
    )
    return cur.lastrowid if cur.rowcount > 0 else None


def open_risk_alert(conn: sqlite3.Connection, person_id: int) -> Alert | None:
    """The person's open or claimed risk alert (the newest, should there ever be two)."""
    return _alert(
        conn.execute(
            f"SELECT {_COLUMNS} FROM alerts WHERE person_id = ? AND kind = 'risk'"
            " AND status IN ('open', 'claimed') ORDER BY id DESC LIMIT 1",
            (person_id,),
        ).fetchone()
    )


def source_seen(conn: sqlite3.Connection, person_id: int, source: str) -> bool:
    """Whether this source already raised or updated an alert of this person."""
    row = conn.execute(
        "SELECT 1 FROM alert_signals WHERE person_id = ? AND source = ?"
        " UNION ALL SELECT 1 FROM alerts WHERE person_id = ? AND source = ? LIMIT 1",
        (person_id, source, person_id, source),
    ).fetchone()
    return row is not None


def add_signal(
    conn: sqlite3.Connection, alert_id: int, person_id: int, source: str, level: int, now: int
) -> bool:
    """Record one signal of an alert; False when this source was counted before."""
    cur = conn.execute(
        "INSERT INTO alert_signals (alert_id, person_id, source, level, at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT(person_id, source) DO NOTHING",
        (alert_id, person_id, source, level, now),
    )
    return cur.rowcount > 0


def count_signal(conn: sqlite3.Connection, alert_id: int, level: int, now: int) -> None:
    """One more signal: count it, keep the highest level, and mark the card out of date."""
    conn.execute(
        "UPDATE alerts SET signals = signals + 1, last_signal_at = ?, level = MAX(level, ?),"
        " card_version = card_version + 1 WHERE id = ?",
        (now, level, alert_id),
    )


def stale_cards(conn: sqlite3.Connection, limit: int = 20) -> list[Alert]:
    """Alerts whose posted cards show an older state than the alert has now, most urgent first."""
    cur = conn.execute(
        f"SELECT {_COLUMNS} FROM alerts WHERE card_version > card_shown"
        " ORDER BY level DESC, id LIMIT ?",
        (limit,),
    )
    return _alerts(cur)


def mark_card_shown(conn: sqlite3.Connection, alert_id: int, version: int) -> None:
    """The group's copies now show this version of the alert."""
    conn.execute(
        "UPDATE alerts SET card_shown = MAX(card_shown, ?) WHERE id = ?", (version, alert_id)
    )


def get(conn: sqlite3.Connection, alert_id: int) -> Alert | None:
    """An alert by id."""
    return _alert(
        conn.execute(f"SELECT {_COLUMNS} FROM alerts WHERE id = ?", (alert_id,)).fetchone()
    )


def open_alerts(conn: sqlite3.Connection) -> list[Alert]:
    """Alerts not yet resolved (open or claimed), most serious and oldest first."""
    cur = conn.execute(
        f"SELECT {_COLUMNS} FROM alerts WHERE status IN ('open', 'claimed')"
        " ORDER BY level DESC, created_at, id"
    )
    return _alerts(cur)


def unclaimed(conn: sqlite3.Connection, *, min_level: int) -> list[Alert]:
    """Open alerts nobody has taken, at or above a level, oldest first."""
    cur = conn.execute(
        f"SELECT {_COLUMNS} FROM alerts WHERE status = 'open' AND level >= ?"
        " ORDER BY created_at, id",
        (min_level,),
    )
    return _alerts(cur)


def claim(conn: sqlite3.Connection, alert_id: int, person_id: int, now: int) -> bool:
    """Take an open alert; False when it was not open (someone was quicker, or it is closed)."""
    cur = conn.execute(
        "UPDATE alerts SET status = 'claimed', claimed_by = ?, claimed_at = ?"
        " WHERE id = ? AND status = 'open'",
        (person_id, now, alert_id),
    )
    return cur.rowcount == 1


def resolve(
    conn: sqlite3.Connection, alert_id: int, person_id: int, outcome: str, now: int
) -> bool:
    """Close an open or claimed alert with an outcome; False when it was already closed."""
    cur = conn.execute(
        "UPDATE alerts SET status = 'resolved', resolved_by = ?, resolved_at = ?, outcome = ?"
        " WHERE id = ? AND status IN ('open', 'claimed')",
        (person_id, now, outcome, alert_id),
    )
    return cur.rowcount == 1


def raise_escalation(conn: sqlite3.Connection, alert_id: int, stage: int) -> bool:
    """Move an unclaimed alert to an escalation stage once; False if already there or taken."""
    cur = conn.execute(
        "UPDATE alerts SET escalation = ? WHERE id = ? AND status = 'open' AND escalation < ?",
        (stage, alert_id, stage),
    )
    return cur.rowcount == 1


def add_note(
    conn: sqlite3.Connection, alert_id: int, author_id: int | None, text: str, now: int
) -> int:
    """Store a volunteer's note and return its id."""
    cur = conn.execute(
        "INSERT INTO alert_notes (alert_id, author_id, text, at) VALUES (?, ?, ?, ?)",
        (alert_id, author_id, text, now),
    )
    if cur.lastrowid is None:  # only possible if the INSERT did not happen
        raise RuntimeError("insert into alert_notes returned no row id")
    return cur.lastrowid


def notes(conn: sqlite3.Connection, alert_id: int) -> list[Note]:
    """An alert's notes, oldest first, with their authors' pseudonyms."""
    cur = conn.execute(
        "SELECT n.at, p.pseudonym AS author, n.text FROM alert_notes n"
        " LEFT JOIN people p ON p.id = n.author_id WHERE n.alert_id = ? ORDER BY n.at, n.id",
        (alert_id,),
    )
    return [Note(r["at"], r["author"], r["text"]) for r in cur.fetchall()]


def note_count(conn: sqlite3.Connection, alert_id: int) -> int:
    """How many notes an alert has."""
    row = conn.execute("SELECT COUNT(*) FROM alert_notes WHERE alert_id = ?", (alert_id,))
    return int(row.fetchone()[0])


def posted_copies(conn: sqlite3.Connection, alert_id: int) -> list[PostedCopy]:
    """Every message showing this alert, oldest first: one row per known copy of each card.

    A card not sent yet (or whose copies are all unknown) appears once with no message id.
    """
    cur = conn.execute(
        "SELECT o.id, o.dedupe_key, o.target, o.status, c.chat_id, c.message_id FROM outbox o"
        " JOIN card_alerts ca ON ca.outbox_id = o.id"
        " LEFT JOIN card_copies c ON c.outbox_id = o.id"
        " WHERE ca.alert_id = ? ORDER BY o.id, c.id",
        (alert_id,),
    )
    return [
        PostedCopy(
            r["id"],
            r["dedupe_key"],
            r["target"],
            r["status"],
            r["chat_id"],
            r["message_id"],
        )
        for r in cur.fetchall()
    ]


@dataclass(frozen=True)
class Coordinator:
    """An admin as the alert desk reaches them: pseudonym and private chat (None if unknown)."""

    id: int
    pseudonym: str
    chat_id: int | None
    lang: str
    telegram_user_id: int | None


def coordinators(conn: sqlite3.Connection, admin_user_ids: Iterable[int]) -> list[Coordinator]:
    """Coordinators with a people row: role admin, or an admin listed in the config."""
    ids = sorted(set(admin_user_ids))
    marks = ", ".join("?" for _ in ids) or "NULL"
    cur = conn.execute(
        "SELECT id, pseudonym, chat_id, lang, telegram_user_id FROM people"
        f" WHERE status != 'declined' AND (role = 'admin' OR telegram_user_id IN ({marks}))"
        " ORDER BY id",
        ids,
    )
    return [
        Coordinator(r["id"], r["pseudonym"], r["chat_id"], r["lang"], r["telegram_user_id"])
        for r in cur.fetchall()
    ]


# --- the digest --------------------------------------------------------------------------


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


# --- what the claimer reads in private ---------------------------------------------------

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
