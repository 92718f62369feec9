"""One outbox item's send, and what each Telegram answer does to its row."""

from __future__ import annotations

import logging
import re
from typing import Any

from telegram import Bot, Message
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TimedOut,
)

from bot.services import crisis
from bot.services import outbox_results as results
from bot.telegram.context import App, app_runtime
from bot.telegram.keyboards import keyboard
from bot.telegram.retry import backoff_seconds, retry_seconds
from storage.outbox import OutboxItem

log = logging.getLogger(__name__)

_TAG = re.compile(r"<[^>]+>")

CARD_READ_TIMEOUT = 30.0
"""Seconds a card send may take: nothing waits on it, and a slow answer (common on the
routes these families use) is better awaited than sent again."""


async def send_one(app: App, item: OutboxItem, ts: int) -> str:
    """Try one item; a migrated volunteer chat is followed at most twice."""
    for _ in range(3):
        outcome = await _attempt(app, item, ts)
        if outcome != "migrated":
            return outcome
    return "retry"


async def _attempt(app: App, item: OutboxItem, ts: int) -> str:
    runtime = app_runtime(app)
    db = runtime.db
    payload = item.payload
    text = str(payload["text"])
    parse_mode: str | None = ParseMode.HTML
    if payload.get("plain"):
        text, parse_mode = _TAG.sub("", text), None
    if item.kind == crisis.KIND and not await db.tx(lambda c: results.claim_crisis(c, item, ts)):
        return "skip"  # the handler that queued it sent it, or is sending it
    chat_id = await _resolve(app, item.target)
    card = item.kind == "alert"
    try:
        message = await _send(app.bot, chat_id, payload, text, parse_mode, slow=card)
    except ChatMigrated as exc:
        new_id = exc.new_chat_id
        if item.target != results.VOLUNTEERS:
            await db.tx(lambda c: results.dead(c, item.id, error="chat migrated"))
            return "dead"
        await db.tx(lambda c: runtime.record_volunteer_migration(c, new_id))
        log.warning("volunteer chat migrated; outbox follows it", extra={"item": item.id})
        return "migrated"
    except RetryAfter as exc:
        at = ts + retry_seconds(exc)
        await db.tx(lambda c: results.later(c, item.id, at=at, error="retry after"))
        log.warning("flood control: outbox paused", extra={"until": at})
        return "halt"
    except (Forbidden, BadRequest) as exc:
        if item.target == results.VOLUNTEERS and _desk_unreachable(exc):
            # The bot was removed from the volunteer chat, or the chat id is wrong: keep the
            # alert and retry until an operator fixes it (qiao health reports the backlog).
            at = ts + backoff_seconds(item.attempts)
            await db.tx(lambda c: results.later(c, item.id, at=at, error="desk unreachable"))
            log.error("volunteer chat unreachable; alert kept for retry", extra={"item": item.id})
            return "retry"
        if isinstance(exc, BadRequest):
            return await _bad_request(app, item, exc, ts, plain=parse_mode is None)
        await db.tx(lambda c: results.blocked(c, item, chat_id, ts))
        log.info("outbox target blocked the bot", extra={"item": item.id})
        return "dead"
    except NetworkError as exc:  # includes TimedOut
        at, error = ts + backoff_seconds(item.attempts), type(exc).__name__
        if isinstance(exc, TimedOut):
            error = "TimedOut: may have arrived"  # the retry is the same card, same buttons
        await db.tx(lambda c: results.later(c, item.id, at=at, error=error))
        log.warning("network error: outbox item retried later", extra={"item": item.id})
        return "retry"
    sent_chat, sent_id = message.chat_id, message.message_id
    await db.tx(lambda c: results.delivered(c, item, chat_id=sent_chat, message_id=sent_id, now=ts))
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
    db = app_runtime(app).db
    reason = exc.message
    if plain:
        await db.tx(lambda c: results.dead(c, item.id, error=reason))
        log.error("outbox item rejected for good", extra={"item": item.id})
        return "dead"
    await db.tx(lambda c: results.as_plain_text(c, item, now=ts, error=reason))
    log.error("outbox item rejected; retrying as plain text", extra={"item": item.id})
    return "retry"


def _desk_unreachable(exc: Exception) -> bool:
    """Forbidden, or "chat not found", when posting to the volunteer chat."""
    return isinstance(exc, Forbidden) or "chat not found" in str(exc).lower()


async def _resolve(app: App, target: str) -> int:
    if target == results.VOLUNTEERS:
        runtime = app_runtime(app)
        chat_id: int = await runtime.volunteer_chat_id()
        return chat_id
    kind, _, value = target.partition(":")
    if kind != "chat":
        raise ValueError(f"unknown outbox target {target!r}")
    return int(value)
