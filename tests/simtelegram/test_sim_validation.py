"""Telegram's checks that matter to a bot: length, callback data, HTML, edits and deletes."""

from __future__ import annotations

import pytest
from telegram import (
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyKeyboardMarkup,
    Update,
)
from telegram.error import BadRequest

from bot.simtelegram import SimButton, SimTelegram

from .conftest import GRANDMA, VOLUNTEER, VOLUNTEERS, HandClock, PtbApp


def keyboard(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(d, callback_data=d)] for d in data])


async def test_text_limit_counts_characters_after_parsing(app: PtbApp, sim: SimTelegram) -> None:
    """4096 characters pass even with tags around them; 4097 are "message is too long"."""
    await app.bot.send_message(GRANDMA, "<b>" + "字" * 4096 + "</b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await app.bot.send_message(GRANDMA, "a" * 4097)
    assert len(sim.bot_messages(GRANDMA)) == 1
    assert sim.calls[-1].description == "Bad Request: message is too long"


@pytest.mark.parametrize("text", ["", "   \n ", "<b> </b>"])
async def test_empty_text_is_refused(app: PtbApp, text: str) -> None:
    """Text that is empty after parsing and trimming is "message text is empty"."""
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await app.bot.send_message(GRANDMA, text, parse_mode="HTML")


async def test_callback_data_is_limited_to_64_bytes(app: PtbApp, sim: SimTelegram) -> None:
    """64 bytes of callback data pass; 65 bytes, or 22 Chinese characters, do not."""
    await app.bot.send_message(GRANDMA, "ok", reply_markup=keyboard("x" * 64))
    stored = sim.last_bot_message(GRANDMA)
    assert stored is not None
    assert stored.buttons == [SimButton("x" * 64, "x" * 64)]
    for data in ("x" * 65, "好" * 22):
        with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
            await app.bot.send_message(GRANDMA, "no", reply_markup=keyboard(data))
    assert len(sim.bot_messages(GRANDMA)) == 1


@pytest.mark.parametrize(
    "source",
    [
        "1 < 2",
        "<div>x</div>",
        "<b>never closed",
        "<b><i>crossed</b></i>",
        "stray </b>",
        "<span>plain span</span>",
        "<br/>",
        '<a href="https://x.org"',
    ],
)
async def test_bad_html_cannot_be_parsed(app: PtbApp, sim: SimTelegram, source: str) -> None:
    """Unsupported, unclosed or crossed tags and bare "<" fail with "can't parse entities"."""
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await app.bot.send_message(GRANDMA, source, parse_mode="HTML")
    assert sim.bot_messages(GRANDMA) == []


async def test_html_becomes_plain_text_and_entities(app: PtbApp, sim: SimTelegram) -> None:
    """The recipient sees unescaped text; the bot gets Telegram's entities back."""
    sent = await app.bot.send_message(
        GRANDMA, '<b>奶奶</b> &lt;3 &amp; <a href="https://qiao.example/">看</a>', parse_mode="HTML"
    )
    assert sent.text == "奶奶 <3 & 看"
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [
        ("bold", 0, 2),
        ("text_link", 8, 1),
    ]
    stored = sim.last_bot_message(GRANDMA)
    assert stored is not None
    assert stored.plain_text == "奶奶 <3 & 看"
    assert stored.text is not None
    assert stored.text.startswith("<b>")


async def test_edit_not_modified(app: PtbApp, sim: SimTelegram) -> None:
    """Editing to the same text and keyboard is "message is not modified"."""
    sent = await app.bot.send_message(
        GRANDMA, "<b>Q1</b>", parse_mode="HTML", reply_markup=keyboard("a")
    )
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await app.bot.edit_message_text(
            "<b>Q1</b>", GRANDMA, sent.message_id, parse_mode="HTML", reply_markup=keyboard("a")
        )
    edited = await app.bot.edit_message_text(
        "<b>Q1</b>", GRANDMA, sent.message_id, parse_mode="HTML", reply_markup=keyboard("b")
    )
    assert not isinstance(edited, bool)
    assert edited.edit_date is not None
    stored = sim.last_bot_message(GRANDMA)
    assert stored is not None
    assert stored.edited
    assert [b.callback_data for b in stored.buttons] == ["b"]


async def test_edit_text_without_markup_removes_keyboard(app: PtbApp, sim: SimTelegram) -> None:
    """As on Telegram, an edit that omits reply_markup takes the buttons away."""
    sent = await app.bot.send_message(GRANDMA, "Q1", reply_markup=keyboard("a"))
    await app.bot.edit_message_text("Thanks", GRANDMA, sent.message_id)
    stored = sim.last_bot_message(GRANDMA)
    assert stored is not None
    assert (stored.plain_text, stored.buttons) == ("Thanks", [])


async def test_edit_reply_markup_rules(app: PtbApp, sim: SimTelegram) -> None:
    """editMessageReplyMarkup changes buttons and refuses a no-op change."""
    sent = await app.bot.send_message(GRANDMA, "Q1", reply_markup=keyboard("a"))
    await app.bot.edit_message_reply_markup(GRANDMA, sent.message_id, reply_markup=None)
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await app.bot.edit_message_reply_markup(GRANDMA, sent.message_id, reply_markup=None)
    stored = sim.last_bot_message(GRANDMA)
    assert stored is not None
    assert stored.buttons == []


async def test_edit_missing_or_foreign_message(app: PtbApp, sim: SimTelegram) -> None:
    """Unknown or deleted messages are "not found"; a user's message "can't be edited"."""
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await app.bot.edit_message_text("x", GRANDMA, 999)
    sent = await app.bot.send_message(GRANDMA, "bye")
    await app.bot.delete_message(GRANDMA, sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await app.bot.edit_message_text("x", GRANDMA, sent.message_id)
    users = sim.user_sends(GRANDMA, "hello")["message"]["message_id"]
    with pytest.raises(BadRequest, match=r"(?i)message can't be edited"):
        await app.bot.edit_message_text("x", GRANDMA, users)


async def test_delete_rules(app: PtbApp, sim: SimTelegram, clock: HandClock) -> None:
    """Own messages and private-chat user messages can go within 48 h; others cannot."""
    own = await app.bot.send_message(GRANDMA, "mine")
    users = sim.user_sends(GRANDMA, "theirs")["message"]["message_id"]
    assert await app.bot.delete_message(GRANDMA, own.message_id) is True
    assert await app.bot.delete_message(GRANDMA, users) is True
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await app.bot.delete_message(GRANDMA, own.message_id)
    in_group = sim.user_sends(VOLUNTEER, "hi all", chat_id=VOLUNTEERS)["message"]["message_id"]
    with pytest.raises(BadRequest, match=r"(?i)message can't be deleted"):
        await app.bot.delete_message(VOLUNTEERS, in_group)
    old = await app.bot.send_message(GRANDMA, "old")
    clock.advance(48 * 3600)
    with pytest.raises(BadRequest, match=r"(?i)message can't be deleted"):
        await app.bot.delete_message(GRANDMA, old.message_id)
    assert [m.plain_text for m in sim.messages(GRANDMA)] == ["old"]
    assert len(sim.messages(GRANDMA, include_deleted=True)) == 3


async def test_group_admin_may_delete_others(app: PtbApp, sim: SimTelegram) -> None:
    """A bot that is a group admin may delete members' messages."""
    sim.add_group(-4002, "coordinators", bot_is_admin=True)
    sim_id = sim.user_sends(VOLUNTEER, "oops", chat_id=-4002)["message"]["message_id"]
    assert await app.bot.delete_message(-4002, sim_id) is True


async def test_unknown_chat(app: PtbApp) -> None:
    """Sending to a chat Telegram does not know is "chat not found"."""
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await app.bot.send_message(555, "hello")


async def test_answer_callback_query_once(app: PtbApp, sim: SimTelegram) -> None:
    """A query is answered once; a second or unknown answer is Telegram's "query is too old"."""
    sent = await app.bot.send_message(GRANDMA, "Q", reply_markup=keyboard("a"))
    query = sim.user_presses(GRANDMA, sent.message_id, "a")["callback_query"]
    assert await app.bot.answer_callback_query(query["id"], text="收到") is True
    assert sim.callback_answer(query["id"]) == {"text": "收到", "show_alert": False, "url": None}
    for query_id in (query["id"], "12345"):
        with pytest.raises(BadRequest, match=r"(?i)query is too old"):
            await app.bot.answer_callback_query(query_id)


async def test_commands_per_scope_and_language(app: PtbApp, sim: SimTelegram) -> None:
    """setMyCommands is kept per scope and language; getMyCommands reads the same slot."""
    await app.bot.set_my_commands([BotCommand("start", "开始"), BotCommand("help", "帮助")])
    await app.bot.set_my_commands(
        [BotCommand("alerts", "open alerts")],
        scope=BotCommandScopeChat(VOLUNTEERS),
        language_code="en",
    )
    assert sim.my_commands() == [("start", "开始"), ("help", "帮助")]
    assert sim.my_commands(scope={"type": "chat", "chat_id": VOLUNTEERS}, language_code="en") == [
        ("alerts", "open alerts")
    ]
    fetched = await app.bot.get_my_commands()
    assert [c.command for c in fetched] == ["start", "help"]
    with pytest.raises(BadRequest, match=r"(?i)bot_command_invalid"):
        await app.bot.set_my_commands([BotCommand("Bad-Name", "x")])
    await app.bot.delete_my_commands()
    assert sim.my_commands() == []


async def test_chat_action_names(app: PtbApp) -> None:
    """sendChatAction accepts Telegram's action names only."""
    assert await app.bot.send_chat_action(GRANDMA, "typing") is True
    with pytest.raises(BadRequest, match=r"(?i)wrong parameter action"):
        await app.bot.send_chat_action(GRANDMA, "dancing")


async def test_reply_keyboard_is_kept_on_the_chat(app: PtbApp, sim: SimTelegram) -> None:
    """A reply keyboard is not part of the message JSON but shows under the chat's input."""
    sent = await app.bot.send_message(
        GRANDMA, "pick", reply_markup=ReplyKeyboardMarkup([["好", "不好"]])
    )
    assert sent.reply_markup is None
    assert sim.chat(GRANDMA).reply_keyboard == [["好", "不好"]]


async def test_reply_to_missing_message(app: PtbApp) -> None:
    """Replying to a message that does not exist is refused unless allowed."""
    with pytest.raises(BadRequest, match=r"(?i)message to be replied not found"):
        await app.bot.send_message(GRANDMA, "x", reply_to_message_id=404)
    sent = await app.bot.send_message(
        GRANDMA, "x", reply_to_message_id=404, allow_sending_without_reply=True
    )
    assert sent.reply_to_message is None


async def test_user_update_round_trips(app: PtbApp, sim: SimTelegram) -> None:
    """An injected message parses into PTB objects with the sender, chat and date."""
    update = Update.de_json(sim.user_sends(GRANDMA, "你好"), app.bot)
    assert update.message is not None
    assert update.message.text == "你好"
    assert update.message.from_user is not None
    assert update.message.from_user.first_name == "奶奶"
    assert update.message.chat.type == "private"
    assert int(update.message.date.timestamp()) == 1_700_000_000
