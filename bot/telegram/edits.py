"""Editing a sent message that may already say it, or may be gone: the one place that knows.

Telegram refuses two kinds of edit with a `BadRequest`, and neither is a failure of ours:
"message is not modified" (a double press, a card that is already current) means the message
already shows what we wanted; any other refusal of an edit (the message was deleted, is too
old to edit, or sits in a chat that moved) means there is nothing left to fix. Both end the
edit calmly and the caller goes on: the change it reports was committed before.

Other Telegram errors (the network, flood control) stay the caller's, unless it says the
edit is cosmetic where it happens (`tolerant=True`, e.g. one copy of a card in the sender's
loop, which must not stop the other copies): then they are logged and skipped too.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import Any

from telegram import Bot, CallbackQuery, InlineKeyboardMarkup
from telegram.error import BadRequest, TelegramError

log = logging.getLogger(__name__)


def not_modified(exc: BadRequest) -> bool:
    """Telegram's answer to an edit that would change nothing."""
    return "not modified" in exc.message.lower()


async def edited(call: Awaitable[object], *, what: str, tolerant: bool = False) -> bool:
    """Await one edit; True when the message now shows it (edited, or it already did).

    `what` names the message in the log line ("alert card", "pressed message").
    """
    try:
        await call
    except BadRequest as exc:
        if not_modified(exc):
            return True
        log.warning("%s not edited", what, extra={"reason": exc.message[:80]})
        return False
    except TelegramError as exc:
        if not tolerant:
            raise
        log.warning("%s not edited", what, extra={"error_type": type(exc).__name__})
        return False
    return True


async def edit_text(
    bot: Bot,
    chat_id: int,
    message_id: int,
    text: str,
    *,
    what: str,
    markup: InlineKeyboardMarkup | None = None,
    tolerant: bool = False,
) -> bool:
    """Replace a sent message's HTML text (and its buttons: none when `markup` is None)."""
    call = bot.edit_message_text(text, chat_id=chat_id, message_id=message_id, reply_markup=markup)
    return await edited(call, what=what, tolerant=tolerant)


async def edit_query_text(
    query: CallbackQuery, text: str, *, what: str, tolerant: bool = False, **markup: Any
) -> bool:
    """Replace the pressed message's HTML text (`markup`: reply_markup or api_kwargs)."""
    call = query.edit_message_text(text, **markup)
    return await edited(call, what=what, tolerant=tolerant)


async def edit_query_markup(
    query: CallbackQuery, markup: InlineKeyboardMarkup | None, *, what: str
) -> bool:
    """Replace the pressed message's buttons (None removes them).

    Always cosmetic: the press was decided and stored before, and a button left behind is
    refused as stale when pressed again, so any Telegram error here is logged and skipped.
    """
    call = query.edit_message_reply_markup(reply_markup=markup)
    return await edited(call, what=what, tolerant=True)
