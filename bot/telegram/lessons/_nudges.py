"""The lesson reminder job: caregivers idle for a while get one nudge with the continue button."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from telegram import Bot

from bot.content import ContentBundle
from bot.services import lessons as svc
from bot.telegram.context import App, app_runtime
from bot.telegram.delivery import send_each, send_one, sent_count
from bot.telegram.jobs import PeriodicJob
from bot.views import lessons as views

log = logging.getLogger(__name__)

NUDGE_INTERVAL = timedelta(minutes=15)


async def send_nudges(app: App, now: datetime) -> int:
    """Remind caregivers who have not opened a lesson for a while; return how many arrived."""
    runtime = app_runtime(app)
    content, config = runtime.content, runtime.config
    nudges = await runtime.db.tx(
        lambda c: svc.claim_nudges(
            c,
            content,
            now=now,
            after_days=config.lessons.nudge_after_days,
            quiet=config.quiet_hours,
            default_timezone=config.locale.timezone,
        )
    )
    ts = int(now.timestamp())
    outcomes = await send_each(nudges, lambda nudge: _send_nudge(app.bot, content, nudge))
    await runtime.db.tx(lambda c: svc.settle_nudges(c, outcomes, ts))
    sent = sent_count(outcomes)
    if sent:
        log.info("lesson reminders sent", extra={"count": sent})
    return sent


async def _send_nudge(bot: Bot, content: ContentBundle, nudge: svc.Nudge) -> svc.NudgeOutcome:
    """Send one reminder with the continue button; say how it went."""
    message = views.nudge(content, nudge)
    return await send_one(
        bot, nudge.chat_id, message, what="lesson reminder", person=nudge.pseudonym
    )


JOBS: list[PeriodicJob] = [PeriodicJob("lesson-nudges", NUDGE_INTERVAL, send_nudges)]
