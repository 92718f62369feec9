"""Long polling that confirms to Telegram only what the inbox already stored.

PTB's Updater confirms a fetched batch with its next getUpdates while the batch still waits
in memory, so a crash loses it. This loop asks for updates, stores the batch in one
transaction, hands it to the Application, and only then moves the offset past it: the next
getUpdates is the confirmation. If the store fails, the offset stays and Telegram serves the
same updates again. The Application, its handlers, jobs and rate limiter are PTB's own.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sqlite3
from collections.abc import Callable

from telegram import Update
from telegram.error import Conflict, InvalidToken, RetryAfter, TelegramError

from bot.telegram import first_run, inbox
from bot.telegram.context import App
from bot.telegram.retry import backoff_seconds, retry_seconds

log = logging.getLogger(__name__)

POLL_SECONDS = 10
"""How long Telegram holds a getUpdates open when nothing is new (long polling)."""
BATCH = 100
IDLE_PAUSE = 0.1
"""Seconds to wait after an empty batch from a server that does not hold the request open."""


async def _pause(stop: asyncio.Event, seconds: float) -> None:
    """Sleep, but wake at once when the bot is stopping."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)


async def fetch(app: App, offset: int) -> tuple[Update, ...]:
    """One getUpdates, held open by Telegram for up to `POLL_SECONDS` while nothing is new."""
    batch: tuple[Update, ...] = await app.bot.get_updates(
        offset=offset,
        limit=BATCH,
        timeout=POLL_SECONDS,
        allowed_updates=list(Update.ALL_TYPES),
    )
    return batch


async def poll(app: App, stop: asyncio.Event) -> None:
    """Fetch, store, hand over, confirm — until `stop` is set. InvalidToken ends it."""
    offset = 0
    failures = 0
    while not stop.is_set():
        try:
            batch = await fetch(app, offset)
        except RetryAfter as exc:
            await _pause(stop, retry_seconds(exc))
            continue
        except InvalidToken:
            log.error("Telegram refused the bot token; polling stops")
            raise
        except Conflict:
            log.error("another poller or a webhook is active for this bot; retrying")
            failures += 1
            await _pause(stop, backoff_seconds(failures))
            continue
        except TelegramError as exc:  # NetworkError and TimedOut among them
            failures += 1
            log.warning("getUpdates failed; retrying", extra={"error_type": type(exc).__name__})
            await _pause(stop, min(backoff_seconds(failures), 60))
            continue
        if not batch:
            failures = 0
            await _pause(stop, IDLE_PAUSE)
            continue
        try:
            new = await inbox.receive(app, batch)
        except sqlite3.Error as exc:
            failures += 1
            log.error(
                "could not store updates; Telegram keeps them until they are stored",
                extra={"error_type": type(exc).__name__},
            )
            await _pause(stop, min(failures, 30))  # the disk may come back any moment
            continue
        failures = 0
        await inbox.hand_over(app, new)
        offset = max(u.update_id for u in batch) + 1


async def _drop_webhook(app: App, stop: asyncio.Event) -> None:
    """Polling needs no webhook set; pending updates are kept (they may hold a child's words)."""
    failures = 0
    while not stop.is_set():
        try:
            await app.bot.delete_webhook(drop_pending_updates=False)
            return
        except InvalidToken:
            raise
        except TelegramError as exc:
            failures += 1
            log.warning("deleteWebhook failed; retrying", extra={"error_type": type(exc).__name__})
            await _pause(stop, min(backoff_seconds(failures), 60))


async def serve(
    app: App,
    stop: asyncio.Event,
    *,
    ready: asyncio.Event | None = None,
    backoff: Callable[[int], float] = first_run.start_backoff,
) -> None:
    """Run the Application with inbox polling until `stop` is set (or the token is refused).

    Telegram out of reach at start is retried (`backoff`), one line each. Stored updates
    left from the last run are handed over before anything new is fetched. At a stop,
    updates not begun stay in the inbox for the next start.
    """
    if not await first_run.connect(app, stop, backoff=backoff):
        return
    try:
        if app.post_init is not None:
            await app.post_init(app)
        await app.start()
        poller: asyncio.Task[None] | None = None
        try:
            await inbox.hand_over(app, await inbox.waiting_updates(app))
            await _drop_webhook(app, stop)
            await first_run.check_desk_at_start(app)
            poller = asyncio.create_task(poll(app, stop), name="qiao-inbox-poll")
            if ready is not None:
                ready.set()
            stopping = asyncio.create_task(stop.wait())
            await asyncio.wait({poller, stopping}, return_when=asyncio.FIRST_COMPLETED)
            stopping.cancel()
        finally:
            if poller is not None:
                poller.cancel()
                await asyncio.gather(poller, return_exceptions=True)
            left = inbox.leave_queued(app)
            if left:
                log.info("updates left in the inbox for the next start", extra={"count": left})
            if app.running:
                await app.stop()
            if app.post_stop is not None:
                await app.post_stop(app)
        failure = poller.exception() if poller is not None and not poller.cancelled() else None
        if failure is not None:
            raise failure
    finally:
        await app.shutdown()
        if app.post_shutdown is not None:
            await app.post_shutdown(app)


def run(app: App) -> None:
    """Poll until SIGINT or SIGTERM (what systemd sends on `systemctl stop`)."""

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await serve(app, stop)

    try:
        asyncio.run(main())
    except InvalidToken:
        raise SystemExit(1) from None
