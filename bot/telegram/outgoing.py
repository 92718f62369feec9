"""Sending and editing the one message model (`bot.outgoing.Outgoing`).

Every feature's view returns `Outgoing` (text, rows of `(label, callback data)`, maybe a voice
file); this module turns it into Bot API calls, with keyboards from `bot.telegram.keyboards`.
Edits go through `bot.telegram.edits`, which knows "message is not modified" and vanished
messages.
"""

from __future__ import annotations

from collections.abc import Iterable

from telegram import Message

from bot.outgoing import Outgoing
from bot.telegram import voice
from bot.telegram.context import App
from bot.telegram.edits import edited
from bot.telegram.keyboards import api_markup, keyboard


async def send(app: App, chat_id: int, out: Outgoing) -> Message:
    """Send one message; with a voice file, as that voice note when it can carry the text.

    A voice note that cannot go out (no file, too long a caption, Telegram refuses it) falls
    back to the text with its buttons: bot.telegram.voice decides.
    """
    if out.voice is not None:
        spoken = await voice.send_step(
            app, app.bot, chat_id, out.voice, out.text, keyboard(out.buttons)
        )
        if spoken is not None:
            return spoken
    sent: Message = await app.bot.send_message(
        chat_id, out.text, api_kwargs=api_markup(out.buttons)
    )
    return sent


async def send_all(app: App, chat_id: int, messages: Iterable[Outgoing]) -> None:
    """Send messages in order."""
    for out in messages:
        await send(app, chat_id, out)


async def edit(app: App, chat_id: int, message_id: int, out: Outgoing, *, what: str) -> bool:
    """Edit a sent message into `out`; False when it cannot be edited (e.g. it was deleted)."""
    call = app.bot.edit_message_text(
        out.text, chat_id, message_id, api_kwargs=api_markup(out.buttons)
    )
    return await edited(call, what=what)
