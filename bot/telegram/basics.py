"""Handlers every person meets: the gate for unknown groups, /start, /help, and the fallbacks.

Feature routers are registered before these fallbacks, so anything a feature understands
never reaches them; what is left gets a calm answer or a logged skip.
"""

from __future__ import annotations

import contextlib
import logging

from telegram import Chat, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import (
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.domain import Role
from bot.telegram import first_run
from bot.telegram.command import Commanded, command
from bot.telegram.context import App, Caller, Ctx, caller_of

log = logging.getLogger(__name__)
MAX_TEXT = 4096
GUARD_GROUP = -10
FALLBACK_GROUP = 50


def register_guard(app: App) -> None:
    """The gate runs first, before every feature."""
    app.add_handler(TypeHandler(Update, gate), group=GUARD_GROUP)


def register_fallbacks(app: App) -> None:
    """What is left after every feature had its turn."""
    private = filters.ChatType.PRIVATE
    handlers = [
        CommandHandler("start", start, filters=private),
        CommandHandler("help", help_command),
        MessageHandler(private & filters.TEXT & ~filters.COMMAND, plain_text),
        MessageHandler(private & filters.COMMAND, unknown_command),
        MessageHandler(private & ~filters.TEXT & ~filters.StatusUpdate.ALL, non_text),
        CallbackQueryHandler(stale_button),
    ]
    for handler in handlers:
        app.add_handler(handler, group=FALLBACK_GROUP)


async def gate(update: Update, context: Ctx) -> None:
    """Drop updates from group chats other than the volunteer chat; follow its migration."""
    chat = update.effective_chat
    if chat is None or chat.type == ChatType.PRIVATE:
        if update.effective_user is None and update.callback_query is None and chat is None:
            log.info("update without chat or user skipped", extra={"update_id": update.update_id})
            raise ApplicationHandlerStop
        return
    runtime = context.runtime
    volunteer_chat = await runtime.volunteer_chat_id()
    message = update.effective_message
    if chat.id == volunteer_chat and message is not None and message.migrate_to_chat_id:
        new_id = message.migrate_to_chat_id
        await runtime.db.tx(lambda c: runtime.record_volunteer_migration(c, new_id))
        log.warning("volunteer chat migrated to a supergroup; new id stored")
        raise ApplicationHandlerStop
    if chat.id != volunteer_chat:
        if update.callback_query is not None:  # e.g. an old card in a migrated group
            with contextlib.suppress(TelegramError):
                await update.callback_query.answer()
        log.info("update from an unknown group chat ignored", extra={"chat_type": chat.type})
        raise ApplicationHandlerStop


def _both(context: Ctx, key: str) -> str:
    """A text in Chinese followed by English, for people whose language we do not know."""
    content = context.runtime.content
    return f"{content.ui(key, 'zh')}\n\n{content.ui(key, 'en')}"


def _text_for(caller: Caller, context: Ctx, stranger_key: str, known_key: str) -> str:
    """Strangers get the text in both languages; everyone else in their own language."""
    if caller.role == Role.STRANGER:
        return _both(context, stranger_key)
    return context.runtime.content.ui(known_key.format(role=caller.role), caller.lang)


async def _reply(update: Update, context: Ctx, stranger_key: str, known_key: str) -> None:
    """Answer a fallback update with `_text_for` its sender."""
    caller = await caller_of(update, context)
    message = update.effective_message
    if message is None:
        return
    text = _text_for(caller, context, stranger_key, known_key)
    await message.reply_text(text)


async def _reply_to(cmd: Commanded, context: Ctx, stranger_key: str, known_key: str) -> None:
    """Answer a command with `_text_for` its sender."""
    await cmd.reply_html(_text_for(cmd.caller, context, stranger_key, known_key))


@command
async def start(cmd: Commanded, context: Ctx) -> None:
    """Greet: strangers learn that Qiao works by invitation; nothing about them is stored."""
    caller, content = cmd.caller, cmd.runtime.content
    if caller.role == Role.STRANGER:
        await cmd.reply_html(_both(context, "basics.start_stranger"))
        return
    text = (
        content.ui("basics.start_known", caller.lang)
        + "\n\n"
        + content.ui(f"basics.help.{caller.role}", caller.lang)
    )
    await cmd.reply_html(text)


@command
async def help_command(cmd: Commanded, context: Ctx) -> None:
    """List what this person can do, for their role, in their language."""
    if not cmd.private and not cmd.caller.is_volunteer:
        return  # in the volunteer chat, only volunteers get an answer
    await _reply_to(cmd, context, "basics.help.stranger", "basics.help.{role}")


async def plain_text(update: Update, context: Ctx) -> None:
    """Text no feature was waiting for: a gentle pointer, or the invitation note for strangers."""
    message = update.effective_message
    too_long = message is not None and len(message.text or "") > MAX_TEXT
    known = "basics.too_long" if too_long else "basics.use_buttons"
    await _reply(update, context, "basics.start_stranger", known)


async def unknown_command(update: Update, context: Ctx) -> None:
    """A command this person cannot use here: say so and point to /help."""
    await _reply(update, context, "basics.start_stranger", "basics.unknown_command")


async def non_text(update: Update, context: Ctx) -> None:
    """Stickers, photos, voice, files, places: a short, kind reply; nothing is stored."""
    await _reply(update, context, "basics.non_text", "basics.non_text")


async def stale_button(update: Update, context: Ctx) -> None:
    """A press no feature accepted (old, foreign or forged): answer it and change nothing."""
    query = update.callback_query
    if query is None:
        return
    caller = await caller_of(update, context)
    content = context.runtime.content
    log.info("button press not accepted", extra={"update_id": update.update_id})
    await query.answer(content.ui("basics.stale_button", caller.lang), show_alert=False)


async def on_error(update: object, context: Ctx) -> None:
    """Log the failure without personal data, and never leave a person without an answer."""
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    if first_run.is_network(error):  # Telegram out of reach: one line, not a traceback
        log.warning(
            f"network error while handling an update ({first_run.reason(error)})",
            extra={"update_id": update_id, "error_type": type(error).__name__},
        )
    else:
        log.error(
            "handler failed",
            exc_info=error,
            extra={"update_id": update_id, "error_type": type(error).__name__},
        )
    if not isinstance(update, Update):
        return
    await _tell_about_error(update, context)  # never raises
    # Later handler groups (the fallbacks) must not answer a second time.
    raise ApplicationHandlerStop


async def _tell_about_error(update: Update, context: Ctx) -> None:
    """Send the calm error note to a private chat, if Telegram lets us."""
    chat = update.effective_chat
    if chat is None or chat.type != Chat.PRIVATE:
        return
    try:
        runtime = context.runtime
        caller = await caller_of(update, context)
        text = runtime.content.ui("basics.error", caller.lang)
        if update.callback_query is not None:
            with contextlib.suppress(TelegramError):
                await update.callback_query.answer()
        await context.bot.send_message(chat.id, text)
    except Exception:  # the error path itself must never raise
        log.warning("could not tell the person about an error", exc_info=True)
