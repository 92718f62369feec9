"""The audit trail: who did what, in pseudonyms and counts, never personal data."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class AuditRow:
    """One audit entry."""

    at: int
    actor: str | None
    action: str
    subject: str | None
    detail: dict[str, Any]


def record(
    conn: sqlite3.Connection,
    *,
    at: int,
    action: str,
    actor: str | None = None,
    subject: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Append an audit row; `detail` must hold pseudonyms, ids and counts only."""
    conn.execute(
        "INSERT INTO audit_log (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)",
        (at, actor, action, subject, json.dumps(detail or {}, ensure_ascii=False, sort_keys=True)),
    )


def list_actions(conn: sqlite3.Connection, action: str | None = None) -> list[AuditRow]:
    """Audit rows, oldest first, optionally of one action."""
    if action is None:
        cur = conn.execute("SELECT at, actor, action, subject, detail FROM audit_log ORDER BY id")
    else:
        cur = conn.execute(
            "SELECT at, actor, action, subject, detail FROM audit_log WHERE action = ? ORDER BY id",
            (action,),
        )
    return [
        AuditRow(r["at"], r["actor"], r["action"], r["subject"], json.loads(r["detail"]))
        for r in cur.fetchall()
    ]
