"""Retention: children's own words are kept only as long as they are needed.

After `[retention] child_text_days` a check-in answer's text and a free message's text are
blanked, and reading-list items (words, and the file ids of pictures and recordings) are
deleted; the levels, reasons and mood scores stay, so trends and the digest still work. A
child with an alert still open or claimed keeps their words until it is resolved (reading-list
items do not wait: the alert desk does not show them). The audit log records how many texts
went, never which.

The ids of check-in exchange messages (kept to delete an exchange from the chat) go after
`EXCHANGE_IDS_DAYS`: Telegram lets a bot delete a message for 48 hours only, and unpruned
they would be the largest table after a year.

Parents' weekly call reports ("we talked" / "not this week") are kept `CALL_REPORT_WEEKS`.

Outbox rows keep their payload (the message text: pseudonyms, village label, category) for
`OUTBOX_PAYLOAD_DAYS` after they were queued; once sent nothing reads it again, and over a year
the cards' texts were the largest part of the file.

A finished check-in older than `archive.ARCHIVE_WEEKS` whose words are gone is archived: its
answers packed into its session row (storage/archive.py), about a fifth of their rows' size.

The daily job (`run_batched`) works in small batches, each its own short transaction, and
yields to the event loop between them: the first run over a year of history blanks millions
of texts, and an urgent answer arriving meanwhile must wait for one batch, not the run.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial

from storage import Database, archive, audit, maintenance, outbox, reading
from storage import parents as parents_repo

log = logging.getLogger(__name__)
DAY = 24 * 60 * 60
CALL_REPORT_WEEKS = 26
"""Weeks a parent's call report is kept (the family view shows 8, the watch rule needs 3)."""
EXCHANGE_IDS_DAYS = 3
"""Days the message ids of a check-in exchange are kept: Telegram's 48-hour deletion window
and a day's margin for a deletion retried after downtime."""
OUTBOX_PAYLOAD_DAYS = 30
"""Days a sent outbox row keeps its message text (time enough to look into a delivery)."""
BATCH = 500
"""Rows one batch transaction changes: a few milliseconds of the connection's time."""
ARCHIVE_BATCH = 100
"""Check-ins one archiving transaction packs (each deletes its five to eight answer rows):
about as long as a batch of 500 texts."""


@dataclass(frozen=True)
class Outcome:
    """What a retention run did."""

    texts_deleted: int
    exchange_ids_deleted: int
    batches: int
    archived: int = 0
    """Check-ins archived (storage/archive.py)."""


def archive_before(now: int) -> int:
    """Check-ins due before this moment may be archived."""
    return now - archive.ARCHIVE_WEEKS * 7 * DAY


def _check(days: int) -> None:
    if days < 1:
        raise ValueError(f"[retention] child_text_days must be at least 1, got {days}")


def forget_calls_tx(conn: sqlite3.Connection, *, now: int) -> int:
    """Parents' call reports of weeks older than `CALL_REPORT_WEEKS`."""
    year, week, _ = datetime.fromtimestamp(now - CALL_REPORT_WEEKS * 7 * DAY, UTC).isocalendar()
    return parents_repo.forget_calls_before(conn, f"{year}-W{week:02d}")


def finish_tx(conn: sqlite3.Connection, *, now: int, days: int, deleted: int, pruned: int) -> None:
    """Audit the run's count of texts (never which) and log it."""
    audit.record(
        conn, at=now, action="retention", actor="system", detail={"texts_deleted": deleted}
    )
    log.info(
        "retention",
        extra={"texts_deleted": deleted, "days": days, "exchange_ids_deleted": pruned},
    )


def apply_tx(conn: sqlite3.Connection, *, now: int, days: int) -> int:
    """Everything in one transaction (for a database no bot is using): blank texts older than
    `days`, audit the count, forget old exchange message ids and sent messages' payloads,
    archive old check-ins; returns how many texts went."""
    _check(days)
    deleted = maintenance.clear_child_texts(conn, before=now - days * DAY)
    deleted += reading.forget_before(conn, before=now - days * DAY)
    pruned = maintenance.prune_exchange_messages(conn, before=now - EXCHANGE_IDS_DAYS * DAY)
    pruned += forget_calls_tx(conn, now=now)
    while outbox.forget_payloads(conn, before=now - OUTBOX_PAYLOAD_DAYS * DAY, limit=BATCH):
        pass
    after: tuple[int, int] | None = (-1, -1)
    while after is not None:
        _, after = archive.archive_batch(conn, before=archive_before(now), after=after)
    finish_tx(conn, now=now, days=days, deleted=deleted, pruned=pruned)
    return deleted


async def run_batched(db: Database, *, now: int, days: int, batch: int = BATCH) -> Outcome:
    """The same work as `apply_tx`, a batch per transaction, yielding between batches."""
    _check(days)
    before = now - days * DAY
    deleted = pruned = batches = 0
    cursor: maintenance.TextCursor | None = maintenance.TextCursor()
    while cursor is not None:
        cleared, cursor = await db.tx(
            partial(maintenance.clear_texts_batch, before=before, cursor=cursor, limit=batch)
        )
        deleted += cleared
        batches += 1
        await asyncio.sleep(0)
    while True:
        gone = await db.tx(lambda c: reading.forget_before(c, before=before, limit=batch))
        deleted += gone
        batches += 1
        await asyncio.sleep(0)
        if gone < batch:
            break
    exchange_before = now - EXCHANGE_IDS_DAYS * DAY
    while True:
        went = await db.tx(
            lambda c: maintenance.prune_exchange_batch(c, before=exchange_before, limit=batch)
        )
        pruned += went
        batches += 1
        await asyncio.sleep(0)
        if went < batch:
            break
    payloads_before = now - OUTBOX_PAYLOAD_DAYS * DAY
    while True:
        emptied = await db.tx(
            lambda c: outbox.forget_payloads(c, before=payloads_before, limit=batch)
        )
        batches += 1
        await asyncio.sleep(0)
        if emptied < batch:
            break
    archived = 0
    after: tuple[int, int] | None = (-1, -1)
    while after is not None:  # after the texts: a week whose words just went is archived now
        went, after = await db.tx(
            partial(
                archive.archive_batch,
                before=archive_before(now),
                after=after,
                limit=min(batch, ARCHIVE_BATCH),
            )
        )
        archived += went
        batches += 1
        await asyncio.sleep(0)
    pruned += await db.tx(lambda c: forget_calls_tx(c, now=now))
    total = deleted
    await db.tx(lambda c: finish_tx(c, now=now, days=days, deleted=total, pruned=pruned))
    return Outcome(deleted, pruned, batches + 1, archived)
