"""Housekeeping jobs of a running bot: the daily retention run. No handlers."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.ops import retention
from bot.telegram.context import App, app_runtime
from bot.telegram.jobs import PeriodicJob


def register(app: App) -> None:
    """Maintenance answers no updates; it is a feature only for its jobs."""


async def run_retention(app: App, now: datetime) -> int:
    """Blank children's texts past the retention period, a small batch per transaction."""
    runtime = app_runtime(app)
    days = runtime.config.retention.child_text_days
    ts = int(now.timestamp())
    outcome = await retention.run_batched(runtime.db, now=ts, days=days)
    await runtime.db.checkpoint()  # blanked words leave the -wal file too (secure_delete is on)
    return outcome.texts_deleted


JOBS: list[PeriodicJob] = [PeriodicJob("retention", timedelta(days=1), run_retention)]
