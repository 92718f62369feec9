"""The desk's periodic work: escalating unclaimed alerts, and the coordinators' weekly digest."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from telegram.error import TelegramError

from bot.services import alerts as svc
from bot.services import charts, digest
from bot.telegram.context import App, app_runtime
from bot.telegram.jobs import PeriodicJob
from bot.telegram.outbox_sender import drain

log = logging.getLogger(__name__)

_DIGEST_LOGGED = "alerts.digest_unreachable_logged"


async def escalate(app: App, now: datetime) -> None:
    """Re-post or hand on unclaimed alerts whose time has come (each stage once)."""
    runtime = app_runtime(app)
    report = await runtime.db.tx(
        lambda c: svc.escalate_tx(
            c,
            runtime.content,
            runtime.config.alerts,
            runtime.config.people.admins,
            int(now.timestamp()),
        )
    )
    if report.unreachable_coordinators:
        log.warning(
            "coordinators without a private chat with the bot were not told",
            extra={"count": report.unreachable_coordinators},
        )
    if report.reposts or report.private:
        log.info(
            "unclaimed alerts escalated",
            extra={"reposts": report.reposts, "private": report.private},
        )
        await drain(app, now)


async def weekly_digest(app: App, now: datetime) -> None:
    """Queue last week's digest for each coordinator once, send it, and follow with a chart."""
    runtime = app_runtime(app)
    content = runtime.content
    queued = await runtime.db.tx(
        lambda c: digest.queue_tx(
            c,
            content,
            now=now,
            zone=runtime.config.locale.zone,
            admin_user_ids=runtime.config.people.admins,
        )
    )
    if queued is None:
        return
    if queued.unreachable and app.bot_data.get(_DIGEST_LOGGED) != queued.week.period:
        app.bot_data[_DIGEST_LOGGED] = queued.week.period  # once a week, not every run
        log.warning(
            "coordinators without a private chat miss the digest",
            extra={"count": queued.unreachable},
        )
    if queued.digest is None:
        return
    await drain(app, now)
    png = await asyncio.to_thread(charts.digest_chart, queued.digest.history)
    for chat_id, lang in queued.recipients:
        caption = content.ui("alerts.digest.chart_caption", lang)
        try:
            await app.bot.send_photo(chat_id, png, caption=caption)
        except TelegramError as exc:  # the chart is a bonus; the numbers went by the outbox
            log.warning("digest chart not sent", extra={"error_type": type(exc).__name__})
    log.info("weekly digest queued", extra={"week": queued.week.period})


JOBS: list[PeriodicJob] = [
    PeriodicJob("alerts.escalate", timedelta(minutes=1), escalate),
    PeriodicJob("alerts.digest", timedelta(minutes=10), weekly_digest),
]
