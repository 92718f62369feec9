"""The alert row, its notes and posted copies as Python values, and how rows become them."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from storage.rows import build, from_json

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


COLUMNS = (
    "id, kind, person_id, family_id, level, category, reasons, source, lang, status,"
    " claimed_by, claimed_at, resolved_by, resolved_at, outcome, escalation, created_at,"
    " signals, last_signal_at, card_version, card_shown"
)


def alert_from(row: sqlite3.Row | None) -> Alert | None:
    if row is None:
        return None
    return build(Alert, row, reasons=from_json)


def alerts_from(cursor: sqlite3.Cursor) -> list[Alert]:
    return [a for a in (alert_from(r) for r in cursor.fetchall()) if a is not None]
