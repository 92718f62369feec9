"""A send that arrives but whose answer is lost, and a user editing their message."""

from __future__ import annotations

import pytest
from telegram import Update
from telegram.error import TimedOut
from telegram.ext import ContextTypes, MessageHandler, filters

from bot.simtelegram import Fault, SimTelegram

from .conftest import GRANDMA, VOLUNTEERS, PtbApp


async def test_delivered_timeout_sends_the_message_and_raises_timed_out(
    app: PtbApp, sim: SimTelegram
) -> None:
    """The message is in the chat, yet PTB raises TimedOut, as when Telegram's answer is late."""
    sim.fail_next("sendMessage", Fault.delivered_timeout(), chat_id=VOLUNTEERS)
    with pytest.raises(TimedOut):
        await app.bot.send_message(VOLUNTEERS, "card")
    [arrived] = sim.bot_messages(VOLUNTEERS)
    assert arrived.plain_text == "card"
    assert sim.calls_to("sendMessage")[-1].ok is False
    await app.bot.send_message(VOLUNTEERS, "card")
    assert [m.plain_text for m in sim.bot_messages(VOLUNTEERS)] == ["card", "card"]


async def test_user_edits_reach_the_bot_as_an_edited_message(app: PtbApp, sim: SimTelegram) -> None:
    """An edit changes the stored text and arrives as `edited_message` with the same id."""
    seen: list[tuple[bool, int, str]] = []

    async def record(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message is not None
        seen.append((update.edited_message is not None, message.message_id, message.text or ""))

    app.add_handler(MessageHandler(filters.TEXT, record))
    first = sim.user_sends(GRANDMA, "你好")
    await app.process_update(Update.de_json(first, app.bot))
    message_id = first["message"]["message_id"]
    edited = sim.user_edits(GRANDMA, message_id, "你好呀")
    await app.process_update(Update.de_json(edited, app.bot))
    assert seen == [(False, message_id, "你好"), (True, message_id, "你好呀")]
    assert sim.messages(GRANDMA)[-1].plain_text == "你好呀"
    assert edited["edited_message"]["edit_date"] >= edited["edited_message"]["date"]
