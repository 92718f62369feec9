"""Each periodic job's next due moment, for the simulation's clock (see bot.services.next_due).

Production never asks: APScheduler runs every job on its interval. The harness asks before
moving its clock, so it can jump over the minutes in which no job would do anything. A job
missing here is simply run on its interval (the hourly inbox prune and daily retention are).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from bot.config import Config
from bot.content import ContentBundle
from bot.services import next_due
from bot.telegram.checkins import UNRECORDED_KEY
from bot.telegram.context import App, app_runtime
from bot.telegram.store_faults import spill_of

DueFn = Callable[[App, datetime], Awaitable[datetime | None]]


def _moment(ts: int | None) -> datetime | None:
    return None if ts is None else datetime.fromtimestamp(ts, UTC)


def _stored(
    moment: Callable[[sqlite3.Connection, ContentBundle, Config, int], int | None],
) -> DueFn:
    """Ask a `bot.services.next_due` function, in the database's thread."""

    async def due(app: App, now: datetime) -> datetime | None:
        runtime = app_runtime(app)
        ts = int(now.timestamp())
        content, config = runtime.content, runtime.config
        return _moment(await runtime.db.run(lambda c: moment(c, content, config, ts)))

    return due


async def _dispatch(app: App, now: datetime) -> datetime | None:
    if app.bot_data.get(UNRECORDED_KEY):
        return now  # a sent check-in whose record failed: the next run records it
    return await _stored(next_due.dispatch)(app, now)


async def _store_kept(app: App, now: datetime) -> datetime | None:
    runtime = app_runtime(app)
    return now if spill_of(app, runtime).items else None


DUE: dict[str, DueFn] = {
    "outbox": _stored(next_due.outbox),
    "alerts.escalate": _stored(next_due.escalation),
    "alerts.digest": _stored(next_due.weekly_digest),
    "checkins.dispatch": _dispatch,
    "checkins.sweep": _stored(next_due.sweep),
    "store_faults.retry": _store_kept,
    "practice-follow-through": _stored(next_due.practice),
    "lesson-nudges": _stored(next_due.lesson_nudges),
    "reading.sweep": _stored(next_due.reading),
    "parents.remind": _stored(next_due.parent_reminders),
    "report.monthly": _stored(next_due.monthly_report),
}
"""Job name → its next due moment; every job that runs more often than hourly is here."""
