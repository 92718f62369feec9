"""The one place that wires Qiao: builds the PTB Application, its handlers and its jobs."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import AIORateLimiter, ApplicationBuilder, Defaults
from telegram.request import BaseRequest

from bot.clock import Clock
from bot.config import Config
from bot.runtime import Runtime, open_runtime
from bot.telegram import (
    alerts,
    basics,
    checkins,
    emergency,
    follow_through,
    inbox,
    lessons,
    maintenance,
    onboarding,
    outbox_sender,
    parents,
    reading,
    report,
    talk,
    voice,
)
from bot.telegram.context import CONTEXT_TYPES, RUNTIME_KEY, App, app_runtime
from bot.telegram.jobs import PeriodicJob, schedule

log = logging.getLogger(__name__)
FEATURES = (
    onboarding,
    parents,
    lessons,
    checkins,
    alerts,
    maintenance,
    voice,
    follow_through,
    talk,
    reading,
    emergency,
    report,
)
SETUP_KEY = "qiao.setup"


@dataclass(frozen=True)
class _Setup:
    config: Config
    clock: Clock
    content_root: Path | None
    schedule_jobs: bool


def all_jobs() -> list[PeriodicJob]:
    """Every periodic job of every feature, plus the outbox drain."""
    jobs = [outbox_sender.JOB, inbox.JOB]
    for feature in FEATURES:
        jobs.extend(feature.JOBS)
    return jobs


def build_application(
    config: Config,
    clock: Clock,
    *,
    request: BaseRequest | None = None,
    updates_request: BaseRequest | None = None,
    content_root: Path | None = None,
    schedule_jobs: bool = True,
) -> App:
    """Build the Application; the database and content open in post_init, close at shutdown."""
    builder = (
        ApplicationBuilder()
        .application_class(inbox.InboxApplication)
        .context_types(CONTEXT_TYPES)
        .defaults(Defaults(parse_mode=ParseMode.HTML))  # every text Qiao writes is Telegram HTML
        .token(config.require_token())
        .base_url(config.telegram.base_url)
        .base_file_url(config.telegram.base_file_url)
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(updates_request or request)
    limits = config.rate_limits
    if limits.enabled:
        limiter: Any = AIORateLimiter(  # PTB types the builder for limiters without per-call args
            overall_max_rate=limits.overall_per_second,
            overall_time_period=1,
            group_max_rate=limits.group_per_minute,
            group_time_period=60,
            max_retries=limits.max_retries,
        )
        builder = builder.rate_limiter(limiter)
    app = cast(App, builder.build())
    app.bot_data[SETUP_KEY] = _Setup(config, clock, content_root, schedule_jobs)
    basics.register_guard(app)
    for feature in FEATURES:
        feature.register(app)
    basics.register_fallbacks(app)
    app.add_error_handler(basics.on_error)
    return app


async def _post_init(app: App) -> None:
    setup: _Setup = app.bot_data[SETUP_KEY]
    runtime = await open_runtime(setup.config, setup.clock, content_root=setup.content_root)
    app.bot_data[RUNTIME_KEY] = runtime
    try:
        await onboarding.sync_default_commands(app.bot, runtime.content)
    except TelegramError:  # only the command menu: never a reason not to start
        log.warning("could not set the default command menu; will retry at next start")
    outbox_sender.install(app, timers=setup.schedule_jobs)
    if setup.schedule_jobs:
        schedule(app, all_jobs())


async def _post_shutdown(app: App) -> None:
    await outbox_sender.shutdown(app)
    runtime = app.bot_data.pop(RUNTIME_KEY, None)
    if isinstance(runtime, Runtime):
        await runtime.db.close()


async def start_offline(app: App) -> Runtime:
    """Initialise without polling (tests, demo, benchmarks): the caller feeds updates."""
    await app.initialize()
    if app.post_init is not None:
        try:
            await app.post_init(app)
        except BaseException:
            await stop_offline(app)
            raise
    return app_runtime(app)


async def stop_offline(app: App) -> None:
    """The counterpart of start_offline."""
    await app.shutdown()
    if app.post_shutdown is not None:
        await app.post_shutdown(app)
