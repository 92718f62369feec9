"""The follow-up question before the next lesson, for a lesson finished without a plan (before
follow-through existed): asked once when the next lesson starts."""

from __future__ import annotations

from datetime import timedelta

from bot.simtelegram.harness import Harness
from tests.factories import make_family
from tests.lessons.helpers import HELP, finish_without_a_plan, press_data, progress, texts


async def test_follow_up_is_asked_at_the_next_lesson_and_recorded(harness: Harness) -> None:
    """Days after a lesson, the next one opens with its follow-up; the answer is stored."""
    h = harness
    ids = await make_family(h)
    await h.say("grandma", "/next")
    await finish_without_a_plan(h)
    await h.advance(timedelta(days=3))
    await h.say("grandma", "/next")
    asked = h.sim.last_bot_message(h.user_id("grandma"))
    assert asked is not None
    assert "上次说好跟孩子一起定下写作业的时间和地方，您试了吗？" in asked.plain_text
    assert [b.text for b in asked.buttons] == ["试了 👍", "试了一点", "还没有", "🙋 找志愿者"]

    await h.press("grandma", "还没有")
    marked = next(
        m for m in h.sim.bot_messages(h.user_id("grandma")) if m.message_id == asked.message_id
    )
    assert marked.buttons == []
    assert "✅ 还没有" in marked.plain_text
    reply, first_step = texts(h, "grandma")[-2:]
    assert reply.startswith("没关系！")
    assert first_step.startswith("这些信号，要当真（1/")
    rows = {row.lesson_id: row for row in await progress(h, ids.caregiver_id)}
    assert rows["homework-routine"].follow_up == "not_yet"
    assert rows["homework-routine"].followed_up_at == h.runtime.ts()
    assert (rows["safety-signs"].stage, rows["safety-signs"].step) == ("step", 0)


async def test_follow_up_survives_a_restart_and_is_asked_once(harness: Harness) -> None:
    """An unanswered follow-up is asked again after a restart; once answered, never again."""
    h = harness
    await make_family(h)
    await h.say("grandma", "/next")
    await finish_without_a_plan(h)
    await h.advance(timedelta(days=2))
    await h.say("grandma", "/next")
    await h.restart()
    await h.say("grandma", "/next")
    assert "您试了吗？" in texts(h, "grandma")[-1]
    await h.press("grandma", "试了 👍")
    assert texts(h, "grandma")[-2].startswith("太好了！")
    await h.say("grandma", "/next")
    assert texts(h, "grandma")[-1].startswith("这些信号，要当真（1/")


async def test_back_to_back_lessons_skip_the_follow_up(harness: Harness) -> None:
    """Going straight on to the next lesson does not ask about a task set minutes ago."""
    h = harness
    ids = await make_family(h)
    await h.say("grandma", "/next")
    await finish_without_a_plan(h)
    await h.say("grandma", "/next")
    assert texts(h, "grandma")[-1].startswith("这些信号，要当真（1/")
    rows = {row.lesson_id: row for row in await progress(h, ids.caregiver_id)}
    assert rows["homework-routine"].follow_up is None
    assert rows["safety-signs"].follow_up_of is None


async def test_stale_follow_up_button_changes_nothing(harness: Harness) -> None:
    """A second press on the follow-up buttons keeps the first answer."""
    h = harness
    ids = await make_family(h)
    await h.say("grandma", "/next")
    await finish_without_a_plan(h)
    await h.advance(timedelta(days=2))
    await h.say("grandma", "/next")
    asked = h.sim.last_bot_message(h.user_id("grandma"))
    assert asked is not None
    assert HELP in asked.buttons[-1].text
    await h.press("grandma", "试了一点")
    answer = await press_data(h, "grandma", "ls:fu:homework-routine:tried", message=asked)
    assert answer is not None
    assert "已经用过" in answer.get("text", "")
    rows = {row.lesson_id: row for row in await progress(h, ids.caregiver_id)}
    assert rows["homework-routine"].follow_up == "some"
