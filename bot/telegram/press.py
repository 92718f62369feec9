"""One prologue for every button press: decode, refuse what we never sent, answer, stop.

Callback data is untrusted. A handler decorated with `@press(prefix, arity)` receives a
`Pressed` only when the data decodes with exactly that arity (or one of a tuple of arities,
for a prefix whose actions carry different numbers of parts) and passes the handler's own
shape check; anything else gets the calm "this button is no longer valid" pop-up and goes no
further. Whatever the handler does, the update ends there (`ApplicationHandlerStop`), so no
fallback answers a press twice. Who may act is for the service to decide, in its transaction.
"""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from telegram import CallbackQuery, Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop

from bot.callbacks import Callback, CallbackDataError, unpack
from bot.runtime import Runtime
from bot.telegram import edits
from bot.telegram.context import Caller, Ctx, caller_of

log = logging.getLogger(__name__)

STALE = "basics.stale_button"


@dataclass(frozen=True)
class Pressed:
    """A well-formed press: the query, who pressed (looked up once), where, and its data."""

    query: CallbackQuery
    caller: Caller
    user_id: int
    chat_id: int
    data: Callback
    runtime: Runtime
    update: Update

    @property
    def update_id(self) -> int:
        """The update's id, for log lines."""
        return self.update.update_id

    @property
    def lang(self) -> str:
        """The presser's language as the content knows it."""
        return self.runtime.content.language(self.caller.lang)

    async def answer(self, key: str | None = None, lang: str | None = None) -> None:
        """Close the button's spinner, with a pop-up from the content when `key` is given; a
        failure here is cosmetic (the press has been handled)."""
        text = None if key is None else self.runtime.content.ui_label(key, lang or self.lang)
        with contextlib.suppress(TelegramError):
            await self.query.answer(text)

    async def edit_text(self, text: str, **markup: Any) -> None:
        """Replace the pressed message's text; "not modified" and a vanished message are fine
        (bot.telegram.edits)."""
        await edits.edit_query_text(self.query, text, what="pressed message", **markup)

    async def edit_markup(self, markup: Any) -> None:
        """Replace the pressed message's buttons; "not modified" and a vanished one are fine."""
        await edits.edit_query_markup(self.query, markup, what="pressed message")


PressHandler = Callable[[Pressed, Ctx], Awaitable[None]]
Handler = Callable[[Update, Ctx], Coroutine[Any, Any, None]]


def final(handle: Handler) -> Handler:
    """An update this handler took is finished: fallbacks in later groups must not answer it
    again (the one way Qiao stops propagation)."""

    @functools.wraps(handle)
    async def handler(update: Update, context: Ctx) -> None:
        await handle(update, context)
        raise ApplicationHandlerStop

    return handler


def _unpack(data: str | None, prefix: str, arity: int | tuple[int, ...]) -> Callback:
    """Decode with the one arity, or with whichever of several the data has."""
    arities = (arity,) if isinstance(arity, int) else arity
    count = len(data.split(":")) - 1 if data else 0
    return unpack(data, prefix, count if count in arities else arities[0])


def press(
    prefix: str,
    arity: int | tuple[int, ...],
    *,
    valid: Callable[[Callback], bool] | None = None,
    stale: str = STALE,
) -> Callable[[PressHandler], Handler]:
    """Decorate a press handler for `prefix` data with `arity` parts, or any of a tuple of
    counts (see the module doc).

    `valid` checks the parts' shape (numbers, known choices); `stale` names the pop-up for data
    that fails it.
    """

    def wrap(handle: PressHandler) -> Handler:
        @functools.wraps(handle)
        async def handler(update: Update, context: Ctx) -> None:
            query = update.callback_query
            user, chat = update.effective_user, update.effective_chat
            if query is None or user is None or chat is None:
                return
            runtime = context.runtime
            caller = await caller_of(update, context)
            try:
                data = _unpack(query.data, prefix, arity)
                if valid is not None and not valid(data):
                    raise CallbackDataError("parts out of shape")
            except CallbackDataError:
                log.info("press with data we never sent", extra={"update_id": update.update_id})
                lang = runtime.content.language(caller.lang)
                with contextlib.suppress(TelegramError):
                    await query.answer(runtime.content.ui_label(stale, lang))
                raise ApplicationHandlerStop from None
            pressed = Pressed(query, caller, user.id, chat.id, data, runtime, update)
            await handle(pressed, context)
            raise ApplicationHandlerStop

        return handler

    return wrap


def number_parts(*indexes: int) -> Callable[[Callback], bool]:
    """A `valid` check: the parts at these indexes are non-negative integers."""

    def check(data: Callback) -> bool:
        try:
            for index in indexes:
                data.int_part(index)
        except CallbackDataError:
            return False
        return True

    return check
