"""Injected updates are real Update JSON: they reach PTB handlers and getUpdates serves them."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import Conflict
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.simtelegram import SimTelegram

from .conftest import CHILD, GRANDMA, VOLUNTEER, VOLUNTEERS, PtbApp


async def feed(app: PtbApp, update: dict[str, Any]) -> None:
    await app.process_update(Update.de_json(update, app.bot))


async def test_button_press_reaches_callback_handler(app: PtbApp, sim: SimTelegram) -> None:
    """A press arrives with data, presser and the message as stored, and can be answered."""
    seen: list[tuple[str | None, int, str]] = []

    async def on_press(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        assert isinstance(query.message, Message)
        assert isinstance(query.message.reply_markup, InlineKeyboardMarkup)
        seen.append(
            (query.data, query.from_user.id, query.message.reply_markup.inline_keyboard[0][0].text)
        )
        await query.answer()

    app.add_handler(CallbackQueryHandler(on_press, pattern=r"^mood:"))
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("😊", callback_data="mood:5")]])
    sent = await app.bot.send_message(CHILD, "今天怎么样？", reply_markup=markup)
    update = sim.user_presses(CHILD, sent.message_id, "mood:5")
    await feed(app, update)
    assert seen == [("mood:5", CHILD, "😊")]
    assert sim.callback_answer(update["callback_query"]["id"]) is not None
    assert update["callback_query"]["chat_instance"]


async def test_press_on_deleted_message_is_inaccessible(app: PtbApp, sim: SimTelegram) -> None:
    """A press on a message that is gone carries an inaccessible message (date 0)."""
    accessible: list[bool] = []

    async def on_press(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.callback_query is not None
        assert update.callback_query.message is not None
        accessible.append(update.callback_query.message.is_accessible)

    app.add_handler(CallbackQueryHandler(on_press))
    sent = await app.bot.send_message(
        CHILD,
        "Q",
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("a", callback_data="a")]]),
    )
    await app.bot.delete_message(CHILD, sent.message_id)
    await feed(app, sim.user_presses(CHILD, sent.message_id, "a"))
    assert accessible == [False]


def test_press_on_unknown_message_is_a_test_error(sim: SimTelegram) -> None:
    """Pressing a button of a message the bot never sent is a mistake in the test itself."""
    with pytest.raises(LookupError):
        sim.user_presses(CHILD, 77, "a")


@pytest.mark.parametrize(
    ("kind", "media_filter"),
    [
        ("sticker", filters.Sticker.ALL),
        ("photo", filters.PHOTO),
        ("voice", filters.VOICE),
        ("document", filters.Document.ALL),
        ("location", filters.LOCATION),
        ("video", filters.VIDEO),
        ("animation", filters.ANIMATION),
        ("contact", filters.CONTACT),
    ],
)
async def test_media_reaches_matching_filter(
    app: PtbApp, sim: SimTelegram, kind: Any, media_filter: filters.BaseFilter
) -> None:
    """Each media kind matches its PTB filter and not the text filter."""
    hits: list[str] = []

    async def on_media(_: Update, __: ContextTypes.DEFAULT_TYPE) -> None:
        hits.append("media")

    async def on_text(_: Update, __: ContextTypes.DEFAULT_TYPE) -> None:
        hits.append("text")

    app.add_handler(MessageHandler(filters.TEXT, on_text))
    app.add_handler(MessageHandler(media_filter, on_media), group=1)
    await feed(app, sim.user_sends_media(GRANDMA, kind))
    assert hits == ["media"]
    assert sim.messages(GRANDMA)[-1].kind == kind


async def test_commands_with_payload_and_bot_name(app: PtbApp, sim: SimTelegram) -> None:
    """/start PAYLOAD gives args; /help@ourbot works in a group, /help@otherbot does not."""
    calls: list[tuple[str, list[str]]] = []

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        calls.append(("start", list(context.args or [])))

    async def help_(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_chat is not None
        calls.append(("help", [str(update.effective_chat.id)]))

    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("help", help_))
    await feed(app, sim.user_sends(GRANDMA, "/start inv_AB12"))
    await feed(app, sim.user_sends(VOLUNTEER, "/help@qiao_sim_bot", chat_id=VOLUNTEERS))
    await feed(app, sim.user_sends(VOLUNTEER, "/help@other_bot", chat_id=VOLUNTEERS))
    assert calls == [("start", ["inv_AB12"]), ("help", [str(VOLUNTEERS)])]


async def test_channel_post_reaches_handler(app: PtbApp, sim: SimTelegram) -> None:
    """A channel post arrives as `channel_post` from the channel itself."""
    posts: list[str] = []

    async def on_post(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.channel_post is not None
        posts.append(update.channel_post.text or "")

    app.add_handler(MessageHandler(filters.UpdateType.CHANNEL_POST, on_post))
    sim.add_group(-1007001, "news", kind="channel")
    await feed(app, sim.channel_post(-1007001, "通知"))
    assert posts == ["通知"]


async def test_get_updates_offset_semantics(app: PtbApp, sim: SimTelegram) -> None:
    """Updates stay until a later offset confirms them; limit and negative offsets apply."""
    ids = [sim.user_sends(GRANDMA, str(n))["update_id"] for n in range(4)]
    assert ids == sorted(ids)
    assert len(set(ids)) == 4
    assert [u.update_id for u in await app.bot.get_updates()] == ids
    assert [u.update_id for u in await app.bot.get_updates(limit=1)] == ids[:1]
    assert [u.update_id for u in await app.bot.get_updates(offset=ids[1])] == ids[1:]
    assert [u.update_id for u in await app.bot.get_updates()] == ids[1:]
    assert [u.update_id for u in await app.bot.get_updates(offset=-1)] == ids[3:]
    assert await app.bot.get_updates(offset=ids[3] + 1) == ()
    assert sim.pending_updates == 0


async def test_allowed_updates_filters(app: PtbApp, sim: SimTelegram) -> None:
    """Update kinds left out of allowed_updates are dropped."""
    sim.user_sends(GRANDMA, "text")
    sim.my_chat_member(GRANDMA, blocked=True)
    served = await app.bot.get_updates(allowed_updates=["my_chat_member"])
    assert [u.my_chat_member is not None for u in served] == [True]


async def test_raw_update_ids(sim: SimTelegram) -> None:
    """raw_update keeps a given update_id, adds one when missing, and later ids stay larger."""
    kept = sim.raw_update({"update_id": 200_000_000, "message": {"junk": True}})
    added = sim.raw_update({"poll": None})
    after = sim.user_sends(GRANDMA, "hi")
    assert kept["update_id"] == 200_000_000
    assert added["update_id"] == 200_000_001
    assert after["update_id"] == 200_000_002


async def test_webhook_blocks_get_updates(app: PtbApp, sim: SimTelegram) -> None:
    """While a webhook is set getUpdates is a Conflict; deleteWebhook can drop the queue."""
    sim.user_sends(GRANDMA, "hi")
    await app.bot.set_webhook("https://qiao.example/hook", secret_token="s3cret_token")
    assert sim.webhook_url == "https://qiao.example/hook"
    assert (await app.bot.get_webhook_info()).pending_update_count == 1
    with pytest.raises(Conflict):
        await app.bot.get_updates()
    await app.bot.delete_webhook(drop_pending_updates=True)
    assert await app.bot.get_updates() == ()


async def test_long_polling_delivers(sim: SimTelegram) -> None:
    """The Updater's polling loop fetches injected updates and hands them to handlers."""
    from .conftest import build_app

    app = build_app(sim)
    got = asyncio.Event()

    async def on_text(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        got.set()

    app.add_handler(MessageHandler(filters.TEXT, on_text))
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0.0)
    sim.user_sends(GRANDMA, "hello")
    await asyncio.wait_for(got.wait(), timeout=5)
    await app.updater.stop()
    await app.stop()
    await app.shutdown()
    assert sim.pending_updates == 0
    assert sim.calls_to("deleteWebhook")
