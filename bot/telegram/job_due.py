"""Each periodic job's next due moment, for the simulation's clock (see bot.services.next_due).

Production never asks: APScheduler runs every job on its interval. The harness asks before
moving its clock, so it can jump over the minutes in which no job would do anything. A job
missing here is simply run on its interval (the hourly inbox prune and daily retention are).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from functools import partial

from bot.runtime import Runtime
from bot.services import next_due
from bot.telegram.checkins import UNRECORDED_KEY
from bot.telegram.context import RUNTIME_KEY, App
from bot.telegram.store_faults import spill_of

DueFn = Callable[[App, datetime], Awaitable[datetime | None]]


def _runtime(app: App) -> Runtime:
    runtime: Runtime = app.bot_data[RUNTIME_KEY]
    return runtime


def _moment(ts: int | None) -> datetime | None:
    return None if ts is None else datetime.fromtimestamp(ts, UTC)


async def _outbox(app: App, now: datetime) -> datetime | None:
    ts = int(now.timestamp())
    return _moment(await _runtime(app).db.run(partial(next_due.outbox, now=ts)))


async def _escalate(app: App, now: datetime) -> datetime | None:
    runtime = _runtime(app)
    return _moment(await runtime.db.run(partial(next_due.escalation, config=runtime.config)))


async def _digest(app: App, now: datetime) -> datetime | None:
    runtime = _runtime(app)
    ts = int(now.timestamp())
    return _moment(
        await runtime.db.run(partial(next_due.weekly_digest, config=runtime.config, now=ts))
    )


async def _dispatch(app: App, now: datetime) -> datetime | None:
    if app.bot_data.get(UNRECORDED_KEY):
        return now  # a sent check-in whose record failed: the next run records it
    runtime = _runtime(app)
    ts = int(now.timestamp())
    return _moment(await runtime.db.run(partial(next_due.dispatch, config=runtime.config, now=ts)))


async def _sweep(app: App, now: datetime) -> datetime | None:
    runtime = _runtime(app)
    ts = int(now.timestamp())
    return _moment(await runtime.db.run(partial(next_due.sweep, config=runtime.config, now=ts)))


async def _store_kept(app: App, now: datetime) -> datetime | None:
    runtime = _runtime(app)
    return now if spill_of(app, runtime).items else None


async def _practice(app: App, now: datetime) -> datetime | None:
    runtime = _runtime(app)
    ts = int(now.timestamp())
    return _moment(await runtime.db.run(partial(next_due.practice, config=runtime.config, now=ts)))


async def _nudges(app: App, now: datetime) -> datetime | None:
    runtime = _runtime(app)
    ts = int(now.timestamp())
    found = await runtime.db.run(
        partial(next_due.lesson_nudges, content=runtime.content, config=runtime.config, now=ts)
    )
    return _moment(found)


async def _reading(app: App, now: datetime) -> datetime | None:
    runtime = _runtime(app)
    ts = int(now.timestamp())
    return _moment(await runtime.db.run(partial(next_due.reading, config=runtime.config, now=ts)))


DUE: dict[str, DueFn] = {
    "outbox": _outbox,
    "alerts.escalate": _escalate,
    "alerts.digest": _digest,
    "checkins.dispatch": _dispatch,
    "checkins.sweep": _sweep,
    "store_faults.retry": _store_kept,
    "practice-follow-through": _practice,
    "lesson-nudges": _nudges,
    "reading.sweep": _reading,
}
"""Job name → its next due moment; every job that runs more often than hourly is here."""
