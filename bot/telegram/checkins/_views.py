"""Sending and editing a check-in's messages: the keyboard as Bot API JSON, settled buttons."""

from __future__ import annotations

import json
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, User

from bot.services import checkins as svc
from bot.telegram.context import App
from bot.telegram.edits import edited

log = logging.getLogger(__name__)


def markup(out: svc.Outgoing) -> dict[str, str] | None:
    """The message's inline keyboard as Bot API `api_kwargs`, serialised here in one step.

    Building PTB's InlineKeyboardMarkup and InlineKeyboardButton objects only for PTB to turn
    them back into the same JSON costs more than the rest of Qiao's Python on an answer;
    `api_kwargs` is PTB's documented way to pass a parameter as the Bot API takes it.
    """
    if not out.buttons:
        return None
    keyboard = [
        [{"text": label, "callback_data": data} for label, data in row] for row in out.buttons
    ]
    return {"reply_markup": json.dumps({"inline_keyboard": keyboard}, ensure_ascii=False)}


async def send(app: App, chat_id: int, out: svc.Outgoing) -> Message:
    """Send `out` (Telegram HTML, with its buttons)."""
    message: Message = await app.bot.send_message(chat_id, out.text, api_kwargs=markup(out))
    return message


async def edit(app: App, chat_id: int, message_id: int, out: svc.Outgoing) -> bool:
    """Edit a message into `out`; False when it cannot be edited (e.g. the child deleted it)."""
    call = app.bot.edit_message_text(out.text, chat_id, message_id, api_kwargs=markup(out))
    return await edited(call, what="check-in message")


async def settle_buttons(
    app: App, reply: svc.AnswerFollowUp, message_id: int, keep: str | None
) -> None:
    """The answered question keeps one inert button showing the choice (a press is refused)."""
    settled = (
        InlineKeyboardMarkup([[InlineKeyboardButton(f"✓ {reply.chosen}", callback_data=keep)]])
        if keep is not None
        else None
    )
    call = app.bot.edit_message_reply_markup(reply.chat_id, message_id, reply_markup=settled)
    await edited(call, what="answered question's buttons")  # the answer stands either way


def user_lang(user: User) -> str:
    """The language to use when the database cannot tell: the Telegram app's, zh by default."""
    return "en" if (user.language_code or "").startswith("en") else "zh"
