"""One prologue for every command (and every free message): the message, who sent it, stop.

A handler decorated with `@command` receives a `Commanded` only when the update carries a
message, a chat and a sender; it never writes that check, the caller lookup or the
propagation stop itself. A handler that finds the command is not for this sender returns
`PASS_ON`, and the fallbacks answer as for any unknown command. Which chats a command listens
in stays with the `CommandHandler`'s filters; who may act is for the service to decide, in
its transaction.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from telegram import Message, Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop

from bot.runtime import Runtime
from bot.telegram.context import Caller, Ctx, caller_of
from bot.telegram.press import Handler


@dataclass(frozen=True)
class Commanded:
    """A command as it arrived: the message, its chat, the caller and what follows the word."""

    message: Message
    chat_id: int
    private: bool
    caller: Caller
    runtime: Runtime
    update: Update

    @property
    def args(self) -> str:
        """Everything typed after the command word, trimmed ("" when nothing)."""
        parts = (self.message.text or "").split(None, 1)
        return parts[1].strip() if len(parts) > 1 else ""

    @property
    def lang(self) -> str:
        """The sender's language as the content knows it."""
        return self.runtime.content.language(self.caller.lang)

    async def reply(self, key: str, **values: Any) -> None:
        """Answer with one of the content's interface texts, in the sender's language."""
        await self.reply_html(self.runtime.content.ui(key, self.lang, **values))

    async def reply_html(self, text: str, **markup: Any) -> Message:
        """Answer in the same chat with Telegram HTML (texts are escaped where they are made)."""
        return await self.message.reply_text(text, **markup)


class PassOn:
    """The type of PASS_ON."""


PASS_ON = PassOn()
"""Returned by a command handler that leaves the update to the fallbacks."""

CommandHandler_ = Callable[[Commanded, Ctx], Awaitable[PassOn | None]]


def command(handle: CommandHandler_) -> Handler:
    """Decorate a command handler (see the module doc); the update ends with it."""

    @functools.wraps(handle)
    async def handler(update: Update, context: Ctx) -> None:
        message, chat = update.effective_message, update.effective_chat
        if message is None or chat is None or update.effective_user is None:
            return
        caller = await caller_of(update, context)
        private = chat.type == ChatType.PRIVATE
        commanded = Commanded(message, chat.id, private, caller, context.runtime, update)
        if await handle(commanded, context) is PASS_ON:
            return
        raise ApplicationHandlerStop

    return handler


@dataclass(frozen=True)
class Incoming:
    """A message that is not a command (text, picture, recording), as it arrived.

    No caller lookup here: the services that take such messages read who sent them inside
    their own transaction (a child's words are on the hot path).
    """

    message: Message
    user_id: int
    chat_id: int
    runtime: Runtime
    update: Update

    @property
    def language_code(self) -> str | None:
        """The Telegram app's language, for when the database cannot tell."""
        user = self.update.effective_user
        return None if user is None else user.language_code


IncomingHandler = Callable[[Incoming, Ctx], Awaitable[PassOn | None]]


def incoming(handle: IncomingHandler) -> Handler:
    """Decorate a handler of free messages: it returns None when it took the message (the
    update ends there) or `PASS_ON` when the message is not its (later groups may take it)."""

    @functools.wraps(handle)
    async def handler(update: Update, context: Ctx) -> None:
        message, chat, user = update.effective_message, update.effective_chat, update.effective_user
        if message is None or chat is None or user is None:
            return
        arrived = Incoming(message, user.id, chat.id, context.runtime, update)
        if await handle(arrived, context) is PASS_ON:
            return
        raise ApplicationHandlerStop

    return handler
