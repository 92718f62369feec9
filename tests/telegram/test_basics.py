"""Bot basics: strangers, /help by role, unexpected input, unknown groups."""

from __future__ import annotations

import pytest

from bot.simtelegram.harness import UNKNOWN_GROUP_ID, VOLUNTEER_CHAT_ID, Harness
from bot.simtelegram.server import MediaKind
from storage import people
from tests.factories import make_family

STRANGER = 1005


async def count_people(h: Harness) -> int:
    return await h.runtime.db.run(people.count)


async def test_stranger_start_is_greeted_in_both_languages_and_stores_nothing(
    harness: Harness,
) -> None:
    """/start without an invitation explains, in Chinese and English, and writes no row."""
    await harness.say("stranger", "/start")
    reply = harness.sim.last_bot_message(STRANGER)
    assert reply is not None
    assert "邀请" in reply.plain_text
    assert "invitation" in reply.plain_text
    assert await count_people(harness) == 0


async def test_stranger_with_forged_payload_stores_nothing(harness: Harness) -> None:
    """A made-up deep-link payload is treated like any stranger's /start."""
    await harness.say("stranger", "/start AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
    reply = harness.sim.last_bot_message(STRANGER)
    assert reply is not None
    assert "invitation" in reply.plain_text
    assert await count_people(harness) == 0


@pytest.mark.parametrize("kind", ["sticker", "document", "location", "video"])
async def test_non_text_gets_a_kind_reply(harness: Harness, kind: MediaKind) -> None:
    """Stickers, files, videos and places get a short, kind answer."""
    await make_family(harness)
    await harness.deliver(harness.sim.user_sends_media(1003, kind))
    reply = harness.sim.last_bot_message(1003)
    assert reply is not None
    assert "这种消息我还看不了" in reply.plain_text


async def test_over_long_text_from_a_caregiver_gets_a_kind_reply(harness: Harness) -> None:
    """A 10,000-character text is answered with a request to send shorter parts."""
    await make_family(harness)
    await harness.say("grandma", "长" * 10_000)
    reply = harness.sim.last_bot_message(1003)
    assert reply is not None
    assert "太长" in reply.plain_text


async def test_unknown_group_is_ignored(harness: Harness) -> None:
    """Messages and commands in a group the bot does not serve get no answer at all."""
    before = len(harness.sim.calls)
    await harness.say("stranger", "/help", chat_id=UNKNOWN_GROUP_ID)
    await harness.say("stranger", "hello", chat_id=UNKNOWN_GROUP_ID)
    assert harness.sim.bot_messages(UNKNOWN_GROUP_ID) == []
    assert len(harness.sim.calls) == before
    assert await count_people(harness) == 0


async def test_help_lists_the_role_commands(harness: Harness) -> None:
    """Each role's /help names what that role can do, in its language."""
    await make_family(harness)
    await harness.say("admin", "/help")
    await harness.say("volunteer", "/help")
    await harness.say("grandma", "/help")
    await harness.say("child", "/help")
    texts: dict[str, str] = {}
    for who in ("admin", "volunteer", "grandma", "child"):
        reply = harness.sim.last_bot_message(harness.user_id(who))
        assert reply is not None
        texts[who] = reply.plain_text
    assert "/invite" in texts["admin"]
    assert "/newfamily" in texts["volunteer"]
    assert "/invite" not in texts["volunteer"]
    assert "/lessons" in texts["grandma"]
    assert "/newfamily" not in texts["grandma"]
    assert "/checkin" in texts["child"]
    assert "/lessons" not in texts["child"]


async def test_stranger_in_volunteer_group_gets_no_help(harness: Harness) -> None:
    """In the volunteer chat only volunteers get an answer to /help."""
    await harness.say("stranger", "/help", chat_id=VOLUNTEER_CHAT_ID)
    assert harness.sim.bot_messages(VOLUNTEER_CHAT_ID) == []


async def test_stale_button_is_answered_and_changes_nothing(harness: Harness) -> None:
    """A press on data no feature knows is answered with a short note."""
    await harness.say("stranger", "/start")
    message = harness.sim.last_bot_message(STRANGER)
    assert message is not None
    update = harness.sim.user_presses(STRANGER, message.message_id, "zz:forged:1")
    await harness.deliver(update)
    answer = harness.sim.callback_answer(update["callback_query"]["id"])
    assert answer is not None
    assert await count_people(harness) == 0


async def test_update_without_message_or_user_is_skipped(harness: Harness) -> None:
    """An update carrying nothing the bot understands is skipped without an answer."""
    before = len(harness.sim.calls)
    poll = {
        "id": "1",
        "question": "?",
        "options": [],
        "total_voter_count": 0,
        "is_closed": False,
        "is_anonymous": True,
        "type": "regular",
        "allows_multiple_answers": False,
        "allows_revoting": False,
        "members_only": False,
    }
    await harness.deliver(harness.sim.raw_update({"poll": poll}))
    assert len(harness.sim.calls) == before
