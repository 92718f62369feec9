"""Issue 15: both sides of the weekly contact in /family, and a watch item after three silent
weeks (not an alert card)."""

from __future__ import annotations

import contextlib
from datetime import timedelta

from bot.simtelegram.harness import VOLUNTEER_CHAT_ID, Harness
from tests.checkins.answering import answer_all
from tests.parents.support import family, newest, parent_joins, rows, texts

WEEK = timedelta(days=7)


async def test_family_view_shows_both_sides(harness: Harness) -> None:
    """The child says they talked and the parent says "not this week": /family shows ✓ / ✗."""
    await family(harness)
    await parent_joins(harness, day="星期一", time="20:00")
    await harness.say("child", "/checkin")
    await answer_all(harness, harness.user_id("child"), {"parents": "talked"})
    await harness.advance(timedelta(hours=12), step=timedelta(minutes=30))  # Monday 21:00
    await harness.press("mother", "这周没聊上")
    await harness.say("volunteer", "/family F-TST9")
    summary = newest(harness, "volunteer", "最近 8 周").plain_text
    assert "2026-W02：✓ / ✗" in summary
    assert summary.count("：— / —") == 7  # eight weeks in all, the older ones empty


async def test_the_child_not_talking_shows_as_a_cross(harness: Harness) -> None:
    """The check-in's "we didn't talk" is the child's side of the week."""
    await family(harness)
    await parent_joins(harness)
    await harness.say("child", "/checkin")
    await answer_all(harness, harness.user_id("child"), {"parents": "not_talked"})
    await harness.say("volunteer", "/family F-TST9")
    assert "2026-W02：✗ / —" in newest(harness, "volunteer", "最近 8 周").plain_text


async def silent_weeks(h: Harness, weeks: int) -> None:
    """Let weeks pass with nobody reporting contact, running the jobs every six hours."""
    await h.advance(weeks * WEEK, step=timedelta(hours=6))


async def test_three_silent_weeks_raise_a_watch_item(harness: Harness) -> None:
    """Nobody reports talking for three full weeks: one watch row, no card in the group."""
    ids = await family(harness)
    await parent_joins(harness)
    group_before = len(harness.sim.bot_messages(VOLUNTEER_CHAT_ID))
    await silent_weeks(harness, 3)
    assert await rows(harness, "SELECT COUNT(*) FROM alerts") == [(0,)]
    await silent_weeks(harness, 2)
    found = await rows(harness, "SELECT person_id, status, category FROM alerts")
    assert found == [(ids.child_id, "watch", "no_parent_contact")]
    assert len(harness.sim.bot_messages(VOLUNTEER_CHAT_ID)) == group_before
    await harness.say("volunteer", "/family F-TST9")
    assert "连续 3 周没人说联系上了" in texts(harness, "volunteer")[-1]


async def test_contact_on_either_side_keeps_it_quiet(harness: Harness) -> None:
    """A parent pressing "we talked" every week means no watch item."""
    await family(harness)
    await parent_joins(harness, day="星期日", time="20:00")
    for _ in range(5):
        await harness.advance(WEEK, step=timedelta(hours=6))
        with contextlib.suppress(LookupError):  # the reminder of the week, once it came
            await harness.press("mother", "我们聊过了")
    assert await rows(harness, "SELECT COUNT(*) FROM alerts") == [(0,)]
