"""Sends a crisis message at once, from the handler that queued it (see bot.services.crisis).

The row is already committed with the answer or message, so whatever happens here the outbox
has it: a failed send hands it to the drain, a crash leaves it for the restarted bot.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime
from functools import partial

from telegram.error import Forbidden, RetryAfter, TelegramError

from bot.runtime import Runtime
from bot.services import crisis as svc
from bot.telegram.context import App
from bot.telegram.retry import retry_seconds

log = logging.getLogger(__name__)
HOLDER_KEY = "crisis.holder"
"""bot_data: this running bot's holder token (a fresh one for every start)."""


def holder(app: App) -> str:
    """The token that marks crisis messages this running bot is sending."""
    token = app.bot_data.get(HOLDER_KEY)
    if not isinstance(token, str):
        token = secrets.token_hex(8)
        app.bot_data[HOLDER_KEY] = token
    return token


async def send_now(app: App, runtime: Runtime, crisis: svc.Crisis, now: datetime) -> int | None:
    """Send the crisis message and mark it sent; on failure the outbox drain retries it."""
    ts = int(now.timestamp())
    try:
        message = await app.bot.send_message(crisis.chat_id, crisis.text)
    except Forbidden:
        await runtime.db.tx(partial(svc.blocked_tx, crisis=crisis, now=ts))
        log.info("crisis message not delivered: the chat blocked the bot")
        return None
    except RetryAfter as exc:
        at = ts + retry_seconds(exc)
        await runtime.db.tx(partial(svc.release_tx, crisis=crisis, at=at, error="retry after"))
        log.warning("crisis message queued for retry after flood control")
        return None
    except TelegramError as exc:
        error = type(exc).__name__
        await runtime.db.tx(partial(svc.release_tx, crisis=crisis, at=ts, error=error))
        log.warning("crisis message queued for retry after a failed send")
        return None
    message_id: int = message.message_id
    try:
        await runtime.db.tx(
            partial(svc.sent_tx, item=crisis, chat_id=crisis.chat_id, message_id=message_id, now=ts)
        )
    except Exception:  # sent: a failed mark can only mean one more copy after the hold
        log.exception("crisis message sent but not marked")
    return message_id
