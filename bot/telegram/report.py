"""The monthly report job: on the 1st (09:00, the admins' time) last month's report goes to
every coordinator's private chat as a document, through the outbox like everything else."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from bot.services import report, report_delivery
from bot.telegram.context import App, app_runtime
from bot.telegram.jobs import PeriodicJob
from bot.telegram.outbox_sender import drain
from storage.report import snapshot

log = logging.getLogger(__name__)
_DONE = "report.month_done"
_WARNED = "report.unreachable_logged"


def register(app: App) -> None:
    """No handlers: the report has only its job."""
    del app


async def monthly_report(app: App, now: datetime) -> None:
    """Queue last month's report for each coordinator who has not had it, then send."""
    runtime = app_runtime(app)
    zone = runtime.config.locale.zone
    month = report.due_month(now, zone)
    if app.bot_data.get(_DONE) == month.label:
        return
    admins = runtime.config.people.admins
    waiting = await runtime.db.run(lambda c: report_delivery.waiting_tx(c, month, admins))
    if waiting is None:
        app.bot_data[_DONE] = month.label
        return
    if waiting.unreachable and app.bot_data.get(_WARNED) != month.label:
        app.bot_data[_WARNED] = month.label  # once a month; they get it once they say /start
        log.warning(
            "coordinators without a private chat miss the monthly report",
            extra={"count": waiting.unreachable},
        )
    if waiting.coordinators:
        figures = await runtime.db.run(lambda c: snapshot(c, lambda s: report.collect_tx(s, month)))
        images = await asyncio.to_thread(report.chart_images, figures)
        html = report.render_html(figures, images, generated=now.astimezone(zone))
        content = runtime.content
        captions = {
            lang: content.ui("alerts.report.caption", lang, month=month.label)
            for lang in ("zh", "en")
        }
        ts = runtime.ts()
        queued = await runtime.db.tx(
            lambda c: report_delivery.queue_tx(
                c,
                month,
                waiting.coordinators,
                html=html,
                csv_text=report.to_csv(figures),
                captions=captions,
                now=ts,
            )
        )
        log.info("monthly report queued", extra={"month": month.label, "documents": queued})
        await drain(app, now)
    if not waiting.unreachable:
        app.bot_data[_DONE] = month.label


JOBS: list[PeriodicJob] = [PeriodicJob("report.monthly", timedelta(minutes=30), monthly_report)]
