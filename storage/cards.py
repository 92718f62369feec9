"""Cards in the outbox: which alerts a card shows, and every message known to show it.

A card is an outbox row of kind `alert`. An ordinary card shows one alert; a shared card
(posted when more alerts wait than the group's budget allows) shows several. Each message
that shows a card is one copy: the confirmed send, and copies learned later (a send whose
answer was lost shows up when someone presses its button).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass


def link(conn: sqlite3.Connection, outbox_id: int, alert_ids: Sequence[int]) -> None:
    """Record that this card shows these alerts, in this order."""
    conn.executemany(
        "INSERT INTO card_alerts (outbox_id, alert_id, position) VALUES (?, ?, ?)"
        " ON CONFLICT(outbox_id, alert_id) DO NOTHING",
        [(outbox_id, alert_id, n) for n, alert_id in enumerate(alert_ids)],
    )


def alerts_on(conn: sqlite3.Connection, outbox_id: int) -> list[int]:
    """The alerts a card shows, in their order on it."""
    cur = conn.execute(
        "SELECT alert_id FROM card_alerts WHERE outbox_id = ? ORDER BY position, alert_id",
        (outbox_id,),
    )
    return [int(r[0]) for r in cur.fetchall()]


def record_copy(
    conn: sqlite3.Connection, outbox_id: int, chat_id: int, message_id: int, now: int
) -> bool:
    """Remember one message showing a card; False when it was known already."""
    cur = conn.execute(
        "INSERT INTO card_copies (outbox_id, chat_id, message_id, at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT(chat_id, message_id) DO NOTHING",
        (outbox_id, chat_id, message_id, now),
    )
    return cur.rowcount > 0


def card_of_message(conn: sqlite3.Connection, chat_id: int, message_id: int) -> int | None:
    """The card (outbox id) a known message shows, if it is one."""
    row = conn.execute(
        "SELECT outbox_id FROM card_copies WHERE chat_id = ? AND message_id = ?",
        (chat_id, message_id),
    ).fetchone()
    return None if row is None else int(row[0])


def newest_card_in(conn: sqlite3.Connection, alert_id: int, target: str) -> int | None:
    """The newest sent or pending card for a target that shows this alert."""
    row = conn.execute(
        "SELECT o.id FROM outbox o JOIN card_alerts ca ON ca.outbox_id = o.id"
        " WHERE ca.alert_id = ? AND o.target = ? AND o.status IN ('sent', 'pending')"
        " ORDER BY (o.status = 'sent') DESC, o.id DESC LIMIT 1",
        (alert_id, target),
    ).fetchone()
    return None if row is None else int(row[0])


@dataclass(frozen=True)
class Copy:
    """One message showing a card."""

    chat_id: int
    message_id: int


def copies(conn: sqlite3.Connection, outbox_id: int) -> list[Copy]:
    """Every known message showing a card, oldest first."""
    cur = conn.execute(
        "SELECT chat_id, message_id FROM card_copies WHERE outbox_id = ? ORDER BY id",
        (outbox_id,),
    )
    return [Copy(int(r[0]), int(r[1])) for r in cur.fetchall()]
