"""Retention: children's own words are kept only as long as they are needed.

After `[retention] child_text_days` a check-in answer's text and a free message's text are
blanked; the levels, reasons and mood scores stay, so trends and the digest still work. A
child with an alert still open or claimed keeps their words until it is resolved. The audit
log records how many texts went, never which.
"""

from __future__ import annotations

import logging
import sqlite3

from storage import audit, maintenance

log = logging.getLogger(__name__)
DAY = 24 * 60 * 60


def apply_tx(conn: sqlite3.Connection, *, now: int, days: int) -> int:
    """Blank texts older than `days` and audit the count; returns how many went."""
    if days < 1:
        raise ValueError(f"[retention] child_text_days must be at least 1, got {days}")
    deleted = maintenance.clear_child_texts(conn, before=now - days * DAY)
    audit.record(
        conn, at=now, action="retention", actor="system", detail={"texts_deleted": deleted}
    )
    log.info("retention", extra={"texts_deleted": deleted, "days": days})
    return deleted
