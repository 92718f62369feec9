"""Drains the outbox: sends what must arrive, obeying RetryAfter, following ChatMigrated.

Order of writes: the cause and its outbox row commit together; the send happens after; the
row is marked sent after Telegram confirms. A crash between send and mark re-sends the row
on restart: at-least-once, because losing an alert is worse than showing it twice.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from datetime import datetime, timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter

from bot.services import crisis
from bot.telegram.context import RUNTIME_KEY, App
from bot.telegram.jobs import PeriodicJob
from bot.telegram.retry import backoff_seconds, retry_seconds
from storage import outbox, people
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


async def drain(app: App, now: datetime) -> int:
    """Send every due outbox item; return how many were sent."""
    runtime = app.bot_data[RUNTIME_KEY]
    ts = int(now.timestamp())
    items = await runtime.db.run(lambda c: outbox.due(c, ts))
    sent = 0
    for item in items:
        outcome = await _send_one(app, item, ts)
        if outcome == "sent":
            sent += 1
        elif outcome == "halt":
            break
    return sent


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
    try:
        message = await app.bot.send_message(
            chat_id, text, parse_mode=parse_mode, reply_markup=keyboard(payload.get("buttons"))
        )
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
        await db.tx(lambda c: outbox.retry_later(c, item.id, at=at, error=error))
        log.warning("network error: outbox item retried later", extra={"item": item.id})
        return "retry"
    sent_chat, sent_id = message.chat_id, message.message_id
    await db.tx(  # a check-in's crisis message is recorded with its exchange, to be deleted
        lambda c: crisis.sent_tx(c, item, chat_id=sent_chat, message_id=sent_id, now=ts)
    )
    return "sent"


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
