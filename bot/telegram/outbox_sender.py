"""The one background sender: drains the outbox, obeying RetryAfter, following ChatMigrated.

Handlers commit and return: they only `wake` the sender, so the update loop never waits on
the volunteer group's rate limit. Exactly one drain runs at a time (a lock: the minute job,
a handler's wake-up and a budget timer queue behind each other, and each re-reads what is
due). The group's limit is ours: a token bucket (`[alerts] group_posts_per_minute`, burst
`group_burst`) paces posts and card edits below PTB's AIORateLimiter, so that limiter never
holds an urgent card behind other traffic; `bot.services.sending` orders the work (urgent
first, lanes taking turns) and packs waiting cards into shared ones when the budget is short.

Order of writes: the cause and its outbox row commit together; the send happens after; the
row is marked sent after Telegram confirms. A crash between send and mark re-sends the row
on restart: at-least-once, because losing an alert is worse than showing it twice. A card
send that timed out may have arrived: its retry is the same card (same alert, same buttons),
and a copy we never heard of is learned when someone presses it, then edited with the rest.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot.services import alerts as desk
from bot.services import crisis, sending
from bot.services.alerts import Card
from bot.telegram.context import RUNTIME_KEY, App
from bot.telegram.jobs import PeriodicJob
from bot.telegram.retry import backoff_seconds, retry_seconds
from storage import alerts as alerts_repo
from storage import cards as cards_repo
from storage import outbox, people
from storage.alerts import Alert
from storage.outbox import OutboxItem

log = logging.getLogger(__name__)
_TAG = re.compile(r"<[^>]+>")


def keyboard(buttons: list[list[list[str]]] | None) -> InlineKeyboardMarkup | None:
    """Build an inline keyboard from stored [[label, callback data], …] rows."""
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(label, callback_data=data) for label, data in row]
            for row in buttons
        ]
    )


CARD_READ_TIMEOUT = 30.0
"""Seconds a card send may take: nothing waits on it, and a slow answer (common on the
routes these families use) is better awaited than sent again."""
SENDER_KEY = "outbox.sender"
EDIT_GAP = 20.0
"""Seconds between two edits of one alert's cards: a child's flood becomes one edit, not 100."""
KEEP_FOR_CARDS = 1
"""Budget edits never take: the next new card always finds room."""


@dataclass
class Bucket:
    """The group's budget: `rate` posts a minute, up to `burst` at once (the injected clock)."""

    rate: float
    burst: float
    tokens: float = -1.0
    at: float = 0.0

    def _fill(self, now: float) -> None:
        if self.tokens < 0 and self.at == 0.0:
            self.tokens, self.at = self.burst, now
            return
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate / 60.0)
        self.at = max(self.at, now)

    def available(self, now: float) -> int:
        """Whole posts the group may take now."""
        self._fill(now)
        return max(0, int(self.tokens))

    def take(self, now: float) -> bool:
        """Spend one post if there is one."""
        self._fill(now)
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True

    def spend(self, now: float) -> None:
        """Spend one unconditionally (a card edit that must go out with its alert)."""
        self._fill(now)
        self.tokens -= 1

    def seconds_to_next(self, now: float) -> float:
        """How long until one more post is allowed."""
        self._fill(now)
        return max(0.0, (1 - self.tokens) * 60.0 / self.rate)


@dataclass
class Sender:
    """The single drain: its lock, its group budget, its wake-up task and its timer."""

    bucket: Bucket
    timers: bool
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    task: asyncio.Task[None] | None = None
    again: bool = False
    timer: asyncio.TimerHandle | None = None
    drains: int = 0
    """How many drains ran (the tests' witness that wake-ups were coalesced)."""
    shown_at: dict[int, float] = field(default_factory=dict)
    """When each alert's card was last posted or edited (injected clock)."""
    shown_level: dict[int, int] = field(default_factory=dict)
    """The level each alert's cards showed then: a rise is edited at once."""

    def holds(self, alert: Alert, moment: float) -> bool:
        """An alert's cards were just shown at this level: let the next edit wait."""
        at = self.shown_at.get(alert.id)
        recent = at is not None and moment - at < EDIT_GAP
        return recent and alert.level <= self.shown_level.get(alert.id, 0)

    def shown(self, alert_id: int, level: int, moment: float) -> None:
        """Note that an alert's cards now show this level."""
        self.shown_at[alert_id] = moment
        self.shown_level[alert_id] = max(level, self.shown_level.get(alert_id, 0))


def install(app: App, *, timers: bool) -> Sender:
    """Create the application's sender (`timers`: wake itself when budget frees; production)."""
    runtime = app.bot_data[RUNTIME_KEY]
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
    runtime = app.bot_data[RUNTIME_KEY]
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
        outcome = await _send_one(app, item, ts)
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
    runtime = app.bot_data[RUNTIME_KEY]
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
    left = await runtime.db.run(lambda c: alerts_repo.stale_cards(c, 50))
    if not left:
        return False
    held = [a for a in left if sender.holds(a, moment)]
    if len(held) == len(left):
        soonest = min(sender.shown_at[a.id] for a in held) + EDIT_GAP
        _arm(app, sender, soonest - moment)
        return False
    return True


async def edit_card(bot: Bot, chat_id: int, message_id: int, card: Card) -> None:
    """Edit one copy of a card; a copy that cannot be edited is logged and skipped."""
    try:
        await bot.edit_message_text(
            card.text,
            chat_id=chat_id,
            message_id=message_id,
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard(card.buttons),
        )
    except BadRequest as exc:
        if "not modified" not in exc.message.lower():
            log.warning("alert card not edited", extra={"reason": exc.message[:80]})
    except TelegramError as exc:  # an old copy in a migrated group, flood control, …
        log.warning("alert card not edited", extra={"error_type": type(exc).__name__})


async def _send_one(app: App, item: OutboxItem, ts: int) -> str:
    """Try one item; a migrated volunteer chat is followed at most twice."""
    for _ in range(3):
        outcome = await _attempt(app, item, ts)
        if outcome != "migrated":
            return outcome
    return "retry"


async def _attempt(app: App, item: OutboxItem, ts: int) -> str:
    runtime = app.bot_data[RUNTIME_KEY]
    db = runtime.db
    payload = item.payload
    text = str(payload["text"])
    parse_mode: str | None = ParseMode.HTML
    if payload.get("plain"):
        text, parse_mode = _TAG.sub("", text), None
    if item.kind == crisis.KIND and not await db.tx(
        lambda c: outbox.claim(c, item.id, now=ts, until=ts + crisis.HOLD, holder=None)
    ):
        return "skip"  # the handler that queued it sent it, or is sending it
    chat_id = await _resolve(app, item.target)
    card = item.kind == "alert"
    try:
        message = await _send(app.bot, chat_id, payload, text, parse_mode, slow=card)
    except ChatMigrated as exc:
        new_id = exc.new_chat_id
        if item.target != outbox.VOLUNTEERS:
            await db.tx(lambda c: outbox.mark_dead(c, item.id, error="chat migrated"))
            return "dead"
        await db.tx(lambda c: runtime.record_volunteer_migration(c, new_id))
        log.warning("volunteer chat migrated; outbox follows it", extra={"item": item.id})
        return "migrated"
    except RetryAfter as exc:
        at = ts + retry_seconds(exc)
        await db.tx(lambda c: outbox.retry_later(c, item.id, at=at, error="retry after"))
        log.warning("flood control: outbox paused", extra={"until": at})
        return "halt"
    except (Forbidden, BadRequest) as exc:
        if item.target == outbox.VOLUNTEERS and _desk_unreachable(exc):
            # The bot was removed from the volunteer chat, or the chat id is wrong: keep the
            # alert and retry until an operator fixes it (qiao health reports the backlog).
            at = ts + backoff_seconds(item.attempts)
            await db.tx(lambda c: outbox.retry_later(c, item.id, at=at, error="desk unreachable"))
            log.error("volunteer chat unreachable; alert kept for retry", extra={"item": item.id})
            return "retry"
        if isinstance(exc, BadRequest):
            return await _bad_request(app, item, exc, ts, plain=parse_mode is None)
        await db.tx(lambda c: _forbidden(c, item, chat_id, ts))
        log.info("outbox target blocked the bot", extra={"item": item.id})
        return "dead"
    except NetworkError as exc:  # includes TimedOut
        at, error = ts + backoff_seconds(item.attempts), type(exc).__name__
        if isinstance(exc, TimedOut):
            error = "TimedOut: may have arrived"  # the retry is the same card, same buttons
        await db.tx(lambda c: outbox.retry_later(c, item.id, at=at, error=error))
        log.warning("network error: outbox item retried later", extra={"item": item.id})
        return "retry"
    sent_chat, sent_id = message.chat_id, message.message_id

    def mark(c: sqlite3.Connection) -> None:
        # a check-in's crisis message is recorded with its exchange, to be deleted with it
        crisis.sent_tx(c, item, chat_id=sent_chat, message_id=sent_id, now=ts)
        if card:
            cards_repo.record_copy(c, item.id, sent_chat, sent_id, ts)

    await db.tx(mark)
    return "sent"


async def _send(
    bot: Bot,
    chat_id: int,
    payload: dict[str, Any],
    text: str,
    parse_mode: str | None,
    *,
    slow: bool,
) -> Message:
    """A message, or a file (`document`: the monthly report) with the text as its caption."""
    document = payload.get("document")
    if isinstance(document, dict):
        return await bot.send_document(
            chat_id,
            str(document["content"]).encode("utf-8"),
            filename=str(document["filename"]),
            caption=text or None,
            parse_mode=parse_mode if text else None,
            read_timeout=CARD_READ_TIMEOUT,
            write_timeout=CARD_READ_TIMEOUT,
        )
    if slow:
        return await bot.send_message(
            chat_id,
            text,
            parse_mode=parse_mode,
            reply_markup=keyboard(payload.get("buttons")),
            read_timeout=CARD_READ_TIMEOUT,
        )
    return await bot.send_message(
        chat_id, text, parse_mode=parse_mode, reply_markup=keyboard(payload.get("buttons"))
    )


async def _bad_request(app: App, item: OutboxItem, exc: BadRequest, ts: int, *, plain: bool) -> str:
    """Markup Telegram cannot parse is re-sent once as plain text; anything else is dead."""
    db = app.bot_data[RUNTIME_KEY].db
    reason = exc.message
    if plain:
        await db.tx(lambda c: outbox.mark_dead(c, item.id, error=reason))
        log.error("outbox item rejected for good", extra={"item": item.id})
        return "dead"
    fallback_payload = {**item.payload, "plain": True}

    def fallback(c: sqlite3.Connection) -> None:
        outbox.replace_payload(c, item.id, fallback_payload)
        outbox.retry_later(c, item.id, at=ts, error=reason)

    await db.tx(fallback)
    log.error("outbox item rejected; retrying as plain text", extra={"item": item.id})
    return "retry"


def _desk_unreachable(exc: Exception) -> bool:
    """Forbidden, or "chat not found", when posting to the volunteer chat."""
    return isinstance(exc, Forbidden) or "chat not found" in str(exc).lower()


async def _resolve(app: App, target: str) -> int:
    if target == outbox.VOLUNTEERS:
        runtime = app.bot_data[RUNTIME_KEY]
        chat_id: int = await runtime.volunteer_chat_id()
        return chat_id
    kind, _, value = target.partition(":")
    if kind != "chat":
        raise ValueError(f"unknown outbox target {target!r}")
    return int(value)


def _forbidden(conn: sqlite3.Connection, item: OutboxItem, chat_id: int, ts: int) -> None:
    outbox.mark_dead(conn, item.id, error="forbidden")
    for person in people.in_chat(conn, chat_id):
        people.set_unreachable(conn, person.id, ts)


JOB = PeriodicJob("outbox", timedelta(minutes=1), drain)
