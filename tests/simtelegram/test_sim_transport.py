"""PTB's own Bot and Application run against the simulated server through `BaseRequest`."""

from __future__ import annotations

import pytest
from telegram.error import BadRequest, EndPointNotFound, InvalidToken
from telegram.ext import ApplicationBuilder

from bot.simtelegram import SimTelegram

from .conftest import GRANDMA, VOLUNTEERS, PtbApp, build_app


async def test_initialize_reads_get_me(app: PtbApp, sim: SimTelegram) -> None:
    """initialize() succeeds because getMe answers with is_bot and the capability flags."""
    assert app.bot.username == "qiao_sim_bot"
    assert app.bot.id == 7000001
    assert app.bot.can_join_groups is True
    assert app.bot.can_read_all_group_messages is False
    assert [call.method for call in sim.calls] == ["getMe"]


def test_token_is_well_formed() -> None:
    """The fake token has Telegram's `<bot id>:<35 characters>` shape."""
    token = SimTelegram(bot_id=42).token
    bot_id, secret = token.split(":")
    assert bot_id == "42"
    assert len(secret) == 35
    assert secret.startswith("SIM")


@pytest.mark.parametrize("token", ["123:SIM2f8bf1997f5a93573edd9f39f1a0eec1", "7000001:short"])
async def test_wrong_token_is_rejected(sim: SimTelegram, token: str) -> None:
    """Another bot's or a malformed token gets Telegram's 401, which PTB reports as InvalidToken."""
    app = (
        ApplicationBuilder()
        .token(token)
        .request(sim.request())
        .get_updates_request(sim.request())
        .build()
    )
    with pytest.raises(InvalidToken):
        await app.initialize()


async def test_same_bot_other_secret_is_accepted(sim: SimTelegram) -> None:
    """A well-formed token for the simulated bot's id works, so a config's fake token does."""
    app = (
        ApplicationBuilder()
        .token("7000001:SIMULATEDtokenSIMULATEDtokenSIM")
        .request(sim.request())
        .get_updates_request(sim.request())
        .build()
    )
    await app.initialize()
    assert app.bot.id == 7000001
    await app.shutdown()


async def test_calls_are_recorded_with_params(app: PtbApp, sim: SimTelegram) -> None:
    """Every call is logged with its decoded parameters, outcome and the simulated time."""
    await app.bot.send_message(GRANDMA, "123")
    call = sim.calls_to("sendMessage")[0]
    assert call.ok is True
    assert call.params["chat_id"] == GRANDMA
    assert call.params["text"] == "123"
    assert call.at == 1_700_000_000.0


async def test_unknown_method_is_not_found(app: PtbApp, sim: SimTelegram) -> None:
    """A name that is no Bot API method gets Telegram's 404 (PTB: EndPointNotFound)."""
    with pytest.raises(EndPointNotFound):
        await app.bot.do_api_request("noSuchMethod", api_kwargs={"chat_id": GRANDMA})
    assert sim.calls_to("noSuchMethod")[0].error_code == 404


async def test_unsimulated_real_method_is_a_bad_request(app: PtbApp, sim: SimTelegram) -> None:
    """A real Bot API method the simulation lacks answers 400, so the bot stays alive."""
    # PTB lower-cases everything after the first letter of a Bad Request description.
    with pytest.raises(BadRequest, match=r"(?i)sendsticker is not simulated"):
        await app.bot.send_sticker(GRANDMA, "CAACAgIAAx")
    assert sim.calls_to("sendSticker")[0].error_code == 400


async def test_method_names_are_case_insensitive(app: PtbApp, sim: SimTelegram) -> None:
    """Telegram accepts any case in method names, and the log uses the usual spelling."""
    await app.bot.do_api_request("SENDMESSAGE", api_kwargs={"chat_id": GRANDMA, "text": "hi"})
    assert sim.last_bot_message(GRANDMA) is not None
    assert sim.calls[-1].method == "sendMessage"


async def test_get_chat_and_member(app: PtbApp, sim: SimTelegram) -> None:
    """getChat returns a ChatFullInfo PTB accepts; getChatMember knows group members."""
    info = await app.bot.get_chat(VOLUNTEERS)
    assert info.title == "志愿者"
    assert info.type == "group"
    member = await app.bot.get_chat_member(VOLUNTEERS, 1003)
    outsider = await app.bot.get_chat_member(VOLUNTEERS, GRANDMA)
    assert member.status == "member"
    assert outsider.status == "left"


async def test_second_application_shares_the_world(sim: SimTelegram) -> None:
    """Two applications on one server see the same chats (a restart keeps Telegram's state)."""
    first = build_app(sim)
    await first.initialize()
    await first.bot.send_message(GRANDMA, "before restart")
    await first.shutdown()
    second = build_app(sim)
    await second.initialize()
    await second.bot.send_message(GRANDMA, "after restart")
    await second.shutdown()
    assert [m.text for m in sim.bot_messages(GRANDMA)] == ["before restart", "after restart"]
