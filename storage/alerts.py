"""Alerts and their notes."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any


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
    status: str
    claimed_by: int | None
    claimed_at: int | None
    resolved_at: int | None
    outcome: str | None
    escalation: int
    created_at: int

    @property
    def code(self) -> str:
        """The short reference volunteers type, e.g. A-12."""
        return f"A-{self.id}"


_COLUMNS = (
    "id, kind, person_id, family_id, level, category, reasons, source, status, claimed_by,"
    " claimed_at, resolved_at, outcome, escalation, created_at"
)


def _alert(row: sqlite3.Row | None) -> Alert | None:
    if row is None:
        return None
    data = dict(row)
    data["reasons"] = json.loads(data["reasons"])
    return Alert(**data)


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
) -> int | None:
    """Create an alert once per (person, source); None if that source already raised one."""
    cur = conn.execute(
        "INSERT INTO alerts (kind, person_id, family_id, level, category, reasons, source,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(person_id, source) DO NOTHING",
        (kind, person_id, family_id, level, category, json.dumps(reasons), source, now),
    )
    return cur.lastrowid if cur.rowcount > 0 else None


def get(conn: sqlite3.Connection, alert_id: int) -> Alert | None:
    """An alert by id."""
    return _alert(
        conn.execute(f"SELECT {_COLUMNS} FROM alerts WHERE id = ?", (alert_id,)).fetchone()
    )


def open_alerts(conn: sqlite3.Connection) -> list[Alert]:
    """Alerts not yet resolved, most serious and oldest first."""
    cur = conn.execute(
        f"SELECT {_COLUMNS} FROM alerts WHERE status != 'resolved' ORDER BY level DESC, created_at"
    )
    return [a for a in (_alert(r) for r in cur.fetchall()) if a is not None]
