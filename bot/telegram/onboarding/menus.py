"""The command menu each role sees, set per chat when a person's role changes."""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import TelegramError

from bot.content import ContentBundle

log = logging.getLogger(__name__)

# The command menu each role sees (descriptions: onboarding.cmd.<name> in the person's language).
VOLUNTEER_COMMANDS = (
    "newfamily",
    "family",
    "nickname",
    "alerts",
    "inbox",
    "note",
    "erase",
    "help",
    "stop",
    "resume",
)
ROLE_COMMANDS: dict[str, tuple[str, ...]] = {
    "stranger": ("start", "help"),
    "caregiver": ("next", "lessons", "voice", "help", "stop", "resume", "deleteme", "emergency"),
    "child": ("checkin", "checkin_time", "sharing", "help", "stop", "resume"),
    "parent": ("calltime", "next", "lessons", "help", "stop", "resume", "deleteme", "emergency"),
    "volunteer": VOLUNTEER_COMMANDS,
    "admin": ("invite", *VOLUNTEER_COMMANDS),  # a coordinator also invites volunteers
}


def commands_for(role: str, lang: str, content: ContentBundle) -> list[BotCommand]:
    """A role's command menu in one language."""
    return [
        BotCommand(name, content.ui_label(f"onboarding.cmd.{name}", lang))
        for name in ROLE_COMMANDS[role]
    ]


async def set_chat_commands(
    bot: Bot, content: ContentBundle, chat_id: int, role: str, lang: str
) -> None:
    """Show a person their role's commands (a menu is a convenience: failures are logged)."""
    try:
        await bot.set_my_commands(
            commands_for(role, lang, content),
            scope=BotCommandScopeChat(chat_id),
            language_code=None,
        )
    except TelegramError as exc:
        log.warning("could not set a chat's commands", extra={"error_type": type(exc).__name__})


async def reset_chat_commands(bot: Bot, chat_id: int) -> None:
    """After erasure a chat falls back to the strangers' menu."""
    try:
        await bot.delete_my_commands(scope=BotCommandScopeChat(chat_id))
    except TelegramError as exc:
        log.warning("could not reset a chat's commands", extra={"error_type": type(exc).__name__})


async def sync_default_commands(bot: Bot, content: ContentBundle) -> None:
    """The menu for everyone without a role (/start, /help): Chinese by default, English too."""
    await bot.set_my_commands(commands_for("stranger", "zh", content), language_code=None)
    await bot.set_my_commands(commands_for("stranger", "en", content), language_code="en")
