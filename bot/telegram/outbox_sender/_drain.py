"""The single drain: woken by handlers, paced by the budget, bringing stale cards up to date."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timedelta

from telegram.error import (
    BadRequest,
    NetworkError,
)

from bot.services import alerts as desk
from bot.services import outbox_results as results
from bot.services import sending
from bot.telegram.context import RUNTIME_KEY, App, app_runtime
from bot.telegram.jobs import PeriodicJob
from bot.telegram.outbox_sender._attempt import send_one
from bot.telegram.outbox_sender._budget import EDIT_GAP, KEEP_FOR_CARDS, Bucket, Sender
from bot.telegram.outbox_sender._cards import edit_card

log = logging.getLogger(__name__)

SENDER_KEY = "outbox.sender"


def install(app: App, *, timers: bool) -> Sender:
    """Create the application's sender (`timers`: wake itself when budget frees; production)."""
    runtime = app_runtime(app)
    cfg = runtime.config.alerts
    sender = Sender(Bucket(cfg.group_posts_per_minute, cfg.group_burst), timers)
    app.bot_data[SENDER_KEY] = sender
    return sender


def sender_of(app: App) -> Sender:
    """The application's sender (made on first use when `install` was not called)."""
    found = app.bot_data.get(SENDER_KEY)
    if isinstance(found, Sender):
        return found
    return install(app, timers=False)


def wake(app: App) -> None:
    """Ask for a drain soon, without waiting for it: handlers call this after committing."""
    sender = sender_of(app)
    if sender.task is not None and not sender.task.done():
        sender.again = True
        return
    sender.task = asyncio.get_running_loop().create_task(_run(app, sender))


async def _run(app: App, sender: Sender) -> None:
    while True:
        sender.again = False
        runtime = app.bot_data.get(RUNTIME_KEY)
        if runtime is None:
            return
        try:
            await drain(app, runtime.now())
        except NetworkError as exc:  # one line; the minute job drains again
            if isinstance(exc, BadRequest):
                log.exception("background drain failed")
            else:
                log.warning("background drain met a network error", extra={"error": str(exc)[:120]})
        except Exception:  # the minute job drains again; a wake-up must never crash the bot
            log.exception("background drain failed")
        if not sender.again:
            return


async def settle(app: App) -> None:
    """Wait until the wake-ups asked for so far are done (tests, the demo, shutdown)."""
    sender = app.bot_data.get(SENDER_KEY)
    while isinstance(sender, Sender) and sender.task is not None and not sender.task.done():
        await asyncio.shield(sender.task)


async def shutdown(app: App) -> None:
    """Stop the timer and let a running drain finish before the database closes."""
    sender = app.bot_data.get(SENDER_KEY)
    if not isinstance(sender, Sender):
        return
    if sender.timer is not None:
        sender.timer.cancel()
        sender.timer = None
    with contextlib.suppress(Exception):
        await settle(app)


def _arm(app: App, sender: Sender, delay: float) -> None:
    """Wake the sender again after `delay` seconds (real time; production only)."""
    if not sender.timers:
        return
    loop = asyncio.get_running_loop()
    due = loop.time() + max(0.05, delay)
    if sender.timer is not None and not sender.timer.cancelled():
        if sender.timer.when() <= due and sender.timer.when() > loop.time():
            return
        sender.timer.cancel()
    sender.timer = loop.call_later(due - loop.time(), wake, app)


async def drain(app: App, now: datetime) -> int:
    """Send every due outbox item the budget allows; return how many were sent.

    Runs under the sender's lock: two drains never send the same row.
    """
    sender = sender_of(app)
    async with sender.lock:
        sender.drains += 1
        return await _drain(app, sender, now)


async def _drain(app: App, sender: Sender, now: datetime) -> int:
    runtime = app_runtime(app)
    ts, moment = int(now.timestamp()), now.timestamp()
    budget = sender.bucket.available(moment)
    plan = await runtime.db.tx(lambda c: sending.plan_tx(c, runtime.content, ts, budget))
    if plan.shared:
        log.info("alerts packed into shared cards", extra={"cards": plan.shared})
    sent = 0
    waiting = False
    for item in plan.items:
        if sending.is_group(item) and not sender.bucket.take(moment):
            waiting = True
            continue
        outcome = await send_one(app, item, ts)
        if outcome == "sent":
            sent += 1
            for alert_id in item.payload.get("alert_ids", []):
                level = -(-item.priority // desk.PRIORITY_STEP)  # a re-post's too
                sender.shown(int(alert_id), level, moment)
        elif outcome == "halt":
            return sent
    waiting = await _edit_stale(app, sender, moment) or waiting
    if waiting:
        _arm(app, sender, sender.bucket.seconds_to_next(moment))
    return sent


async def _edit_stale(app: App, sender: Sender, moment: float) -> bool:
    """Bring cards that fell behind (new signals) up to date; True if some must wait.

    Edits spend the group budget too, but never its last post (kept for a new card), and
    one alert's cards are edited at most once every EDIT_GAP seconds unless its level rose.
    """
    runtime = app_runtime(app)
    room = sender.bucket.available(moment) - KEEP_FOR_CARDS
    if room >= 1:
        stale = await runtime.db.tx(
            lambda c: desk.stale_cards_tx(
                c, runtime.content, room, lambda a: sender.holds(a, moment)
            )
        )
        for item in stale:
            sender.shown(item.alert.id, item.alert.level, moment)
            for edit in item.edits:
                sender.bucket.spend(moment)
                await edit_card(app.bot, edit.chat_id, edit.message_id, edit.card)
    left = await runtime.db.run(lambda c: results.cards_to_refresh(c, 50))
    if not left:
        return False
    held = [a for a in left if sender.holds(a, moment)]
    if len(held) == len(left):
        soonest = min(sender.shown_at[a.id] for a in held) + EDIT_GAP
        _arm(app, sender, soonest - moment)
        return False
    return True


JOB = PeriodicJob("outbox", timedelta(minutes=1), drain)
