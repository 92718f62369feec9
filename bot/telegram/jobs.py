"""Periodic jobs: the database says what is due; these run every interval and act on it."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from telegram.error import BadRequest, NetworkError

from bot.telegram.context import App, Ctx

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    """A job run every `interval` with the Application and the injected clock's time."""

    name: str
    interval: timedelta
    run: Callable[[App, datetime], Awaitable[object]]


def schedule(app: App, jobs: Sequence[PeriodicJob]) -> None:
    """Put each job on PTB's JobQueue (APScheduler 3) for a real, running bot."""
    queue = app.job_queue
    if queue is None:
        raise RuntimeError("python-telegram-bot was installed without the job-queue extra")
    for job in jobs:
        queue.run_repeating(
            _runner(job),
            interval=job.interval,
            first=timedelta(seconds=5),
            name=job.name,
            job_kwargs={"max_instances": 1, "coalesce": True, "misfire_grace_time": 300},
        )


def _runner(job: PeriodicJob) -> Callable[[Ctx], Coroutine[Any, Any, None]]:
    async def callback(context: Ctx) -> None:
        await run_job(context.application, job, context.runtime.now())

    return callback


async def run_job(app: App, job: PeriodicJob, now: datetime) -> None:
    """Run one job; a failure is logged and retried next interval, never raised."""
    try:
        await job.run(app, now)
    except NetworkError as exc:
        if isinstance(exc, BadRequest):  # Telegram answered: a bug of ours, with its traceback
            log.exception("periodic job failed", extra={"job": job.name})
            return
        log.warning(  # Telegram out of reach: one line; the next run retries
            f"periodic job met a network error ({type(exc).__name__}: {str(exc)[:120]})",
            extra={"job": job.name},
        )
    except Exception:  # a job must not die: the next run picks up what is still due
        log.exception("periodic job failed", extra={"job": job.name})
