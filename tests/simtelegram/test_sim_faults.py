"""Injected faults reach PTB as the exceptions PTB itself derives from Telegram's answers."""

from __future__ import annotations

import datetime as dtm

import pytest
from telegram import Update
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import ChatMemberHandler, ContextTypes, MessageHandler, filters

from bot.simtelegram import Fault, SimTelegram

from .conftest import CHILD, GRANDMA, VOLUNTEER, VOLUNTEERS, PtbApp


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        (Fault.retry_after(7), RetryAfter),
        (Fault.forbidden(), Forbidden),
        (Fault.chat_migrated(-1001234), ChatMigrated),
        (Fault.bad_request("message to edit not found"), BadRequest),
        (Fault.server_error(), NetworkError),
        (Fault.network_error(), NetworkError),
        (Fault.timeout(), TimedOut),
    ],
)
async def test_fault_maps_to_ptb_exception(
    app: PtbApp, sim: SimTelegram, fault: Fault, expected: type[TelegramError]
) -> None:
    """Each fault kind raises exactly its PTB exception class and the call is logged as failed."""
    sim.fail_next("sendMessage", fault)
    with pytest.raises(TelegramError) as caught:
        await app.bot.send_message(GRANDMA, "hello")
    assert type(caught.value) is expected
    assert sim.calls[-1].ok is False
    assert sim.bot_messages(GRANDMA) == []


async def test_retry_after_carries_seconds(app: PtbApp, sim: SimTelegram) -> None:
    """RetryAfter tells the bot how long Telegram wants it to wait."""
    sim.fail_next("sendMessage", Fault.retry_after(7))
    with pytest.raises(RetryAfter) as caught:
        await app.bot.send_message(GRANDMA, "hello")
    assert caught.value.retry_after == dtm.timedelta(seconds=7)
    assert sim.calls[-1].error_code == 429


async def test_chat_migrated_carries_new_id(app: PtbApp, sim: SimTelegram) -> None:
    """An injected ChatMigrated names the supergroup to use instead."""
    sim.fail_next(None, Fault.chat_migrated(-1009999))
    with pytest.raises(ChatMigrated) as caught:
        await app.bot.send_message(VOLUNTEERS, "alert")
    assert caught.value.new_chat_id == -1009999


async def test_network_faults_come_from_the_transport(app: PtbApp, sim: SimTelegram) -> None:
    """A broken connection is PTB's "unknown error in HTTP implementation", not an answer."""
    sim.fail_next("sendMessage", Fault.network_error())
    with pytest.raises(NetworkError, match=r"(?i)Unknown error in HTTP implementation"):
        await app.bot.send_message(GRANDMA, "hello")
    assert sim.calls[-1].error_code is None


def test_bad_request_fault_gets_telegram_prefix() -> None:
    """Fault.bad_request adds "Bad Request: " when the caller leaves it out."""
    assert Fault.bad_request("x").description == "Bad Request: x"
    assert Fault.bad_request("Bad Request: x").description == "Bad Request: x"


async def test_fault_only_hits_matching_chat(app: PtbApp, sim: SimTelegram) -> None:
    """A fault bound to one chat leaves sends to other chats alone."""
    sim.fail_next("sendMessage", Fault.forbidden(), chat_id=CHILD)
    await app.bot.send_message(GRANDMA, "fine")
    with pytest.raises(Forbidden):
        await app.bot.send_message(CHILD, "fails")
    await app.bot.send_message(CHILD, "fine again")
    assert [m.text for m in sim.bot_messages(CHILD)] == ["fine again"]


async def test_fault_fires_the_given_number_of_times(app: PtbApp, sim: SimTelegram) -> None:
    """`times=2` fails two calls, then the method works again."""
    sim.fail_next("sendMessage", Fault.server_error(), times=2)
    for _ in range(2):
        with pytest.raises(NetworkError):
            await app.bot.send_message(GRANDMA, "x")
    await app.bot.send_message(GRANDMA, "third time")
    assert len(sim.bot_messages(GRANDMA)) == 1


async def test_fault_for_any_method(app: PtbApp, sim: SimTelegram) -> None:
    """`method=None` fails whatever the bot calls next."""
    sim.fail_next(None, Fault.timeout())
    with pytest.raises(TimedOut):
        await app.bot.get_chat(GRANDMA)
    assert (await app.bot.get_chat(GRANDMA)).id == GRANDMA


async def test_block_is_persistent_until_unblock(app: PtbApp, sim: SimTelegram) -> None:
    """A blocked user refuses every send with Telegram's 403 until they unblock."""
    sim.block(GRANDMA)
    for _ in range(2):
        with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
            await app.bot.send_message(GRANDMA, "x")
    sim.unblock(GRANDMA)
    await app.bot.send_message(GRANDMA, "welcome back")
    assert [m.text for m in sim.bot_messages(GRANDMA)] == ["welcome back"]


async def test_user_who_never_started_cannot_be_messaged(app: PtbApp, sim: SimTelegram) -> None:
    """Telegram refuses a first message to someone who never opened the bot."""
    sim.add_user(2001, "Stranger", started=False)
    with pytest.raises(Forbidden, match=r"(?i)can't initiate conversation"):
        await app.bot.send_message(2001, "hello")
    sim.user_sends(2001, "/start")
    await app.bot.send_message(2001, "hello")


async def test_my_chat_member_update_blocks(app: PtbApp, sim: SimTelegram) -> None:
    """The block update reaches a ChatMemberHandler and later sends are Forbidden."""
    seen: list[str] = []

    async def on_member(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.my_chat_member is not None
        seen.append(update.my_chat_member.new_chat_member.status)

    app.add_handler(ChatMemberHandler(on_member, ChatMemberHandler.MY_CHAT_MEMBER))
    await app.process_update(Update.de_json(sim.my_chat_member(CHILD, blocked=True), app.bot))
    with pytest.raises(Forbidden):
        await app.bot.send_message(CHILD, "x")
    await app.process_update(Update.de_json(sim.my_chat_member(CHILD, blocked=False), app.bot))
    await app.bot.send_message(CHILD, "x")
    assert seen == ["kicked", "member"]


async def test_group_migration(app: PtbApp, sim: SimTelegram) -> None:
    """After migration the old id answers ChatMigrated and the new supergroup takes messages."""
    migrations: list[int] = []

    async def on_migrate(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        migrations.append(update.effective_message.migrate_to_chat_id or 0)

    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, on_migrate))
    update = sim.group_migrated(VOLUNTEERS, -1004001)
    await app.process_update(Update.de_json(update, app.bot))
    assert migrations == [-1004001]
    with pytest.raises(ChatMigrated) as caught:
        await app.bot.send_message(VOLUNTEERS, "alert")
    assert caught.value.new_chat_id == -1004001
    await app.bot.send_message(caught.value.new_chat_id, "alert")
    assert sim.chat(-1004001).kind == "supergroup"
    assert VOLUNTEER in sim.chat(-1004001).members
    assert [m.text for m in sim.bot_messages(-1004001)] == ["alert"]


async def test_left_group_refuses_sends(app: PtbApp, sim: SimTelegram) -> None:
    """After leaveChat the bot is no member, so sends to the group are Forbidden."""
    assert await app.bot.leave_chat(VOLUNTEERS) is True
    with pytest.raises(Forbidden, match=r"(?i)not a member of the group chat"):
        await app.bot.send_message(VOLUNTEERS, "x")


async def test_fault_in_handler_reaches_error_handler(app: PtbApp, sim: SimTelegram) -> None:
    """A fault raised while handling an update lands in the application's error handler."""
    errors: list[object] = []

    async def reply(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text("hi")

    async def on_error(_: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        errors.append(context.error)

    app.add_handler(MessageHandler(filters.TEXT, reply))
    app.add_error_handler(on_error)
    sim.fail_next("sendMessage", Fault.forbidden())
    await app.process_update(Update.de_json(sim.user_sends(GRANDMA, "hello"), app.bot))
    assert len(errors) == 1
    assert isinstance(errors[0], Forbidden)
