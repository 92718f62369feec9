"""Retention: children's own words are kept only as long as they are needed.

After `[retention] child_text_days` a check-in answer's text and a free message's text are
blanked, and reading-list items (words, and the file ids of pictures and recordings) are
deleted; the levels, reasons and mood scores stay, so trends and the digest still work. A
child with an alert still open or claimed keeps their words until it is resolved (reading-list
items do not wait: the alert desk does not show them). The audit log records how many texts
went, never which.

Parents' weekly call reports ("we talked" / "not this week") are kept `CALL_REPORT_WEEKS`:
the volunteer's family view shows eight weeks, the no-contact watch three.

The ids of check-in exchange messages (kept to delete an exchange from the chat) go after
`EXCHANGE_IDS_DAYS`: Telegram lets a bot delete a message for 48 hours only, and unpruned
they would be the largest table after a year.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime

from storage import audit, maintenance, reading
from storage import parents as parents_repo

log = logging.getLogger(__name__)
DAY = 24 * 60 * 60
CALL_REPORT_WEEKS = 26
EXCHANGE_IDS_DAYS = 3
"""Days the message ids of a check-in exchange are kept: Telegram's 48-hour deletion window
and a day's margin for a deletion retried after downtime."""


def apply_tx(conn: sqlite3.Connection, *, now: int, days: int) -> int:
    """Blank texts older than `days` and audit the count, forget old exchange message ids;
    returns how many texts went."""
    if days < 1:
        raise ValueError(f"[retention] child_text_days must be at least 1, got {days}")
    deleted = maintenance.clear_child_texts(conn, before=now - days * DAY)
    deleted += reading.forget_before(conn, before=now - days * DAY)
    audit.record(
        conn, at=now, action="retention", actor="system", detail={"texts_deleted": deleted}
    )
    pruned = maintenance.prune_exchange_messages(conn, before=now - EXCHANGE_IDS_DAYS * DAY)
    year, week, _ = datetime.fromtimestamp(now - CALL_REPORT_WEEKS * 7 * DAY, UTC).isocalendar()
    pruned += parents_repo.forget_calls_before(conn, f"{year}-W{week:02d}")
    log.info(
        "retention",
        extra={"texts_deleted": deleted, "days": days, "exchange_ids_deleted": pruned},
    )
    return deleted
