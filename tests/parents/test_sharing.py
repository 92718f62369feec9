"""Issue 15: a child may share only their weekly mood face with a parent, off by default."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.simtelegram.harness import Harness
from tests.alerts.desk import raise_and_post
from tests.checkins.answering import answer_all
from tests.parents.support import family, newest, parent_joins, rows, texts

REMINDER = "该给孩子打电话啦"


async def week_with_checkin(h: Harness, mood: str = "4") -> str:
    """The child answers this week's check-in; the Sunday reminder comes; its text."""
    await h.say("child", "/checkin")
    await answer_all(h, h.user_id("child"), {"mood": mood})
    h.clock.advance(datetime(2026, 1, 11, 12, 1, tzinfo=UTC) - h.clock.now())
    await h.run_all_jobs_now()
    return newest(h, "mother", REMINDER).plain_text


async def test_sharing_is_off_by_default(harness: Harness) -> None:
    """Without the child's choice the reminder holds no face."""
    await family(harness)
    await parent_joins(harness, day="星期日", time="20:00")
    reminder = await week_with_checkin(harness)
    assert "心情" not in reminder
    assert "🙂" not in reminder


async def test_the_child_explains_and_turns_it_on(harness: Harness) -> None:
    """/sharing explains it in a child's words; "turn on" makes the face appear, only the face."""
    await family(harness)
    await parent_joins(harness, day="星期日", time="20:00")
    await harness.say("child", "/sharing")
    assert "只有小脸" in texts(harness, "child")[-1]
    assert "现在：关着" in texts(harness, "child")[-1]
    await harness.press("child", "打开")
    assert await rows(harness, "SELECT enabled FROM mood_sharing") == [(1,)]
    reminder = await week_with_checkin(harness, mood="4")
    assert "小明这周的心情：🙂" in reminder


async def test_the_child_can_turn_it_off_again(harness: Harness) -> None:
    """Sharing changes any time: off again, no face."""
    await family(harness)
    await parent_joins(harness, day="星期日", time="20:00")
    await harness.say("child", "/sharing")
    await harness.press("child", "打开")
    await harness.say("child", "/sharing")
    await harness.press("child", "关掉")
    reminder = await week_with_checkin(harness)
    assert "心情" not in reminder


async def test_nothing_is_shared_while_an_alert_is_open(harness: Harness) -> None:
    """With an alert about the child open, the reminder carries no face."""
    ids = await family(harness)
    await parent_joins(harness, day="星期日", time="20:00")
    await harness.say("child", "/sharing")
    await harness.press("child", "打开")
    await raise_and_post(harness, ids.child_id)
    reminder = await week_with_checkin(harness)
    assert "心情" not in reminder


async def test_only_the_child_can_change_it(harness: Harness) -> None:
    """The same press from the parent's or the grandmother's account changes nothing."""
    ids = await family(harness)
    await parent_joins(harness)
    for who in ("mother", "grandma"):
        await harness.say(who, "/help")
        carrier = harness.sim.bot_messages(harness.user_id(who))[-1]
        forged = f"pa:share:{ids.child_id}:on"
        await harness.deliver(
            harness.sim.user_presses(harness.user_id(who), carrier.message_id, forged)
        )
    assert await rows(harness, "SELECT * FROM mood_sharing") == []


async def test_sharing_is_for_children(harness: Harness) -> None:
    """A parent typing /sharing is told it is the child's choice, and nothing changes."""
    await family(harness)
    await parent_joins(harness)
    await harness.say("mother", "/sharing")
    assert "给孩子自己用的" in texts(harness, "mother")[-1]
