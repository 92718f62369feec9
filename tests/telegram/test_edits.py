"""bot/telegram/edits.py: "not modified" is done, a vanished message is a logged skip, and the
network is the caller's unless the edit is cosmetic."""

from __future__ import annotations

import logging

import pytest
from telegram.error import NetworkError

from bot.simtelegram import Fault
from bot.simtelegram.harness import Harness
from bot.telegram import edits

STRANGER = 1005


def stored_text(harness: Harness, message_id: int) -> tuple[str, bool]:
    """The stranger's message with this id as the simulated Telegram holds it: text, edited."""
    [found] = [m for m in harness.sim.bot_messages(STRANGER) if m.message_id == message_id]
    return found.plain_text, found.edited


async def sent_to_stranger(harness: Harness, text: str) -> int:
    """A message the bot sent into the stranger's private chat; its id."""
    await harness.say("stranger", "/start")
    message = await harness.app.bot.send_message(STRANGER, text, parse_mode="HTML")
    return int(message.message_id)


async def test_an_edit_that_changes_nothing_counts_as_done(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """Editing a message to the text it already shows returns True and logs nothing."""
    message_id = await sent_to_stranger(harness, "<b>已收到</b>")
    with caplog.at_level(logging.INFO, logger="bot.telegram.edits"):
        done = await edits.edit_text(
            harness.app.bot, STRANGER, message_id, "<b>已收到</b>", what="test message"
        )
    assert done
    assert not [r for r in caplog.records if r.name == "bot.telegram.edits"]
    assert stored_text(harness, message_id) == ("已收到", False)


async def test_an_edit_of_a_deleted_message_is_logged_and_skipped(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """A message that is gone gives False and one warning naming what was not edited."""
    message_id = await sent_to_stranger(harness, "旧的消息")
    await harness.app.bot.delete_message(STRANGER, message_id)
    with caplog.at_level(logging.WARNING, logger="bot.telegram.edits"):
        done = await edits.edit_text(
            harness.app.bot, STRANGER, message_id, "新的消息", what="test message"
        )
    assert not done
    assert [r.getMessage() for r in caplog.records] == ["test message not edited"]


async def test_a_network_error_reaches_the_caller_unless_the_edit_is_cosmetic(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """Without `tolerant` the network error propagates; with it, it is a logged skip."""
    message_id = await sent_to_stranger(harness, "第一版")
    bot = harness.app.bot
    harness.sim.fail_next("editMessageText", Fault.network_error())
    with pytest.raises(NetworkError):
        await edits.edit_text(bot, STRANGER, message_id, "第二版", what="test message")
    harness.sim.fail_next("editMessageText", Fault.network_error())
    with caplog.at_level(logging.WARNING, logger="bot.telegram.edits"):
        done = await edits.edit_text(
            bot, STRANGER, message_id, "第二版", what="test message", tolerant=True
        )
    assert not done
    assert [r.getMessage() for r in caplog.records] == ["test message not edited"]
    assert await edits.edit_text(bot, STRANGER, message_id, "第二版", what="test message")
    assert stored_text(harness, message_id) == ("第二版", True)
