"""Raising, counting, claiming, resolving and escalating alerts; notes; copies; coordinators."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from storage.alerts._rows import COLUMNS, OPEN, Alert, Note, PostedCopy, alert_from, alerts_from
from storage.rows import build_all


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
    return alert_from(
        conn.execute(
            f"SELECT {COLUMNS} FROM alerts WHERE person_id = ? AND kind = 'risk'"
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
        f"SELECT {COLUMNS} FROM alerts WHERE card_version > card_shown"
        " ORDER BY level DESC, id LIMIT ?",
        (limit,),
    )
    return alerts_from(cur)


def mark_card_shown(conn: sqlite3.Connection, alert_id: int, version: int) -> None:
    """The group's copies now show this version of the alert."""
    conn.execute(
        "UPDATE alerts SET card_shown = MAX(card_shown, ?) WHERE id = ?", (version, alert_id)
    )


def get(conn: sqlite3.Connection, alert_id: int) -> Alert | None:
    """An alert by id."""
    return alert_from(
        conn.execute(f"SELECT {COLUMNS} FROM alerts WHERE id = ?", (alert_id,)).fetchone()
    )


def open_alerts(conn: sqlite3.Connection) -> list[Alert]:
    """Alerts not yet resolved (open or claimed), most serious and oldest first."""
    cur = conn.execute(
        f"SELECT {COLUMNS} FROM alerts WHERE status IN ('open', 'claimed')"
        " ORDER BY level DESC, created_at, id"
    )
    return alerts_from(cur)


def unclaimed(conn: sqlite3.Connection, *, min_level: int) -> list[Alert]:
    """Open alerts nobody has taken, at or above a level, oldest first."""
    cur = conn.execute(
        f"SELECT {COLUMNS} FROM alerts WHERE status = 'open' AND level >= ?"
        " ORDER BY created_at, id",
        (min_level,),
    )
    return alerts_from(cur)


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
        "SELECT o.id AS outbox_id, o.dedupe_key, o.target, o.status, c.chat_id, c.message_id"
        " FROM outbox o"
        " JOIN card_alerts ca ON ca.outbox_id = o.id"
        " LEFT JOIN card_copies c ON c.outbox_id = o.id"
        " WHERE ca.alert_id = ? ORDER BY o.id, c.id",
        (alert_id,),
    )
    return build_all(PostedCopy, cur.fetchall())


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
