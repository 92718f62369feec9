"""The emergency card: the numbers to call (with honest hours) and the warning signs, one screen.

Shown once to a grandparent right after their consent at onboarding, and again to anyone who
sends /emergency in a private chat: the numbers are public and a stranger who asks gets them
too, in Chinese and English. The text lives in content/ui/emergency.yaml.
"""

from __future__ import annotations

import logging

from telegram import Bot
from telegram.error import TelegramError
from telegram.ext import CommandHandler, filters

from bot.content import ContentBundle
from bot.domain import Role
from bot.telegram.command import Commanded, command
from bot.telegram.context import App, Ctx
from bot.telegram.jobs import PeriodicJob

log = logging.getLogger(__name__)
JOBS: list[PeriodicJob] = []
CARD_KEY = "emergency.card"


def card_text(content: ContentBundle, lang: str | None) -> str:
    """The card in one language; both (zh, then en) when the language is unknown (None)."""
    if lang is None:
        return f"{content.ui(CARD_KEY, 'zh')}\n\n{content.ui(CARD_KEY, 'en')}"
    return content.ui(CARD_KEY, lang)


async def send_card(bot: Bot, content: ContentBundle, chat_id: int, lang: str) -> bool:
    """Send the card; a Telegram failure is logged, never raised (it must not undo onboarding)."""
    try:
        await bot.send_message(chat_id, card_text(content, lang))
    except TelegramError as exc:
        log.warning("emergency card not sent", extra={"error_type": type(exc).__name__})
        return False
    return True


@command
async def emergency_command(cmd: Commanded, context: Ctx) -> None:
    """/emergency: the card in the person's language (both languages for a stranger)."""
    lang = None if cmd.caller.role == Role.STRANGER else cmd.caller.lang
    await cmd.reply_html(card_text(cmd.runtime.content, lang))


def register(app: App) -> None:
    """Add /emergency for private chats."""
    app.add_handler(
        CommandHandler("emergency", emergency_command, filters=filters.ChatType.PRIVATE)
    )
