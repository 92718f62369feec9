"""The onboarding feature's handlers: invitation links, consent, families, pausing, erasure.

Thin on purpose: each handler runs one service function of bot/services/onboarding or
bot/services/erasure.py in one transaction, and renders what it returns. The services check
who may act inside that transaction and return a `Refusal`; the handler's early role checks
only choose the calm text. Every button carries `ob:<kind>:<id>:<value>`; a press the
service refuses changes nothing.
"""

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from bot.telegram.callbacks import pattern
from bot.telegram.context import App, Ctx
from bot.telegram.jobs import PeriodicJob
from bot.telegram.onboarding.buttons import on_button
from bot.telegram.onboarding.family import erase, family, nickname
from bot.telegram.onboarding.links import invite, open_link
from bot.telegram.onboarding.menus import (
    ROLE_COMMANDS,
    commands_for,
    reset_chat_commands,
    set_chat_commands,
    sync_default_commands,
)
from bot.telegram.onboarding.newfamily import new_family
from bot.telegram.onboarding.self_service import deleteme, resume, stop
from bot.views.onboarding import ADDRESSES, AGE_BUTTONS, PREFIX

JOBS: list[PeriodicJob] = []

__all__ = [
    "ADDRESSES",
    "AGE_BUTTONS",
    "JOBS",
    "PREFIX",
    "ROLE_COMMANDS",
    "commands_for",
    "deleteme",
    "erase",
    "family",
    "invite",
    "new_family",
    "nickname",
    "on_button",
    "open_link",
    "register",
    "reset_chat_commands",
    "resume",
    "set_chat_commands",
    "stop",
    "sync_default_commands",
]


def register(app: App) -> None:
    """Add this feature's handlers to the Application (group 0, tried before the others)."""
    private = filters.ChatType.PRIVATE
    with_payload = filters.Regex(r"^/start(@\w+)?\s+\S")
    handlers: list[BaseHandler[Update, Ctx, None]] = [
        CommandHandler("start", open_link, filters=private & with_payload),
        CommandHandler("invite", invite),
        CommandHandler("newfamily", new_family),
        CommandHandler("family", family),
        CommandHandler("nickname", nickname),
        CommandHandler("erase", erase),
        CommandHandler("stop", stop, filters=private),
        CommandHandler("resume", resume, filters=private),
        CommandHandler("deleteme", deleteme, filters=private),
        CallbackQueryHandler(on_button, pattern=pattern(PREFIX)),
    ]
    for handler in handlers:
        app.add_handler(handler)
