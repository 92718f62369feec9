"""Follow-through: the grandparent picks a day to try the practice, Qiao asks then how it went."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.services.follow_through import due_at, practice_tip
from bot.simtelegram import Fault
from bot.simtelegram.harness import Harness, sim_config
from storage import lessons as lesson_store
from storage import people
from storage import practice as plans
from tests.factories import make_family
from tests.lessons.helpers import press_data, take_whole_lesson, texts

LESSON = "homework-routine"
ASKED = "试得怎么样？"
SHANGHAI = ZoneInfo("Asia/Shanghai")
EVENING = time(19, 0)
# The harness starts on Monday 2026-01-05 at 09:00 in Shanghai (01:00 UTC).


def local(day: int, hour: int, minute: int = 0) -> int:
    """A moment in January 2026, Shanghai time, as Unix seconds."""
    return int(datetime(2026, 1, day, hour, minute, tzinfo=SHANGHAI).timestamp())


def asks(h: Harness, who: str = "grandma") -> list[str]:
    """The "how did it go?" questions in a persona's chat."""
    return [text for text in texts(h, who) if ASKED in text]


async def plan_of(h: Harness, person_id: int) -> plans.Plan:
    """The caregiver's plan for the first lesson."""
    found = await h.runtime.db.run(lambda c: plans.get(c, person_id, LESSON))
    assert found is not None
    return found


@pytest.mark.parametrize(
    ("plan", "now", "expected"),
    [
        ("today", local(5, 9), local(5, 19)),
        ("today", local(5, 17), local(6, 19)),  # too late in the day: the next evening
        ("tomorrow", local(5, 23), local(6, 19)),
        ("weekend", local(5, 9), local(11, 19)),  # Monday: the coming Sunday
        ("weekend", local(11, 10), local(11, 19)),  # Sunday morning: this evening
        ("weekend", local(11, 20), local(12, 19)),  # Sunday night: the next evening
    ],
)
def test_question_time_is_the_evening_of_the_chosen_day(plan: str, now: int, expected: int) -> None:
    """Today, tomorrow and the weekend map to that day's evening, never under 3 hours away."""
    assert due_at(plan, now, SHANGHAI, EVENING) == expected


@pytest.mark.parametrize(
    ("answer", "label", "as_follow_up"),
    [
        ("went_well", "挺顺利", "tried"),
        ("hard", "有点难", "some"),
        ("not_tried", "还没顾上试", "not_yet"),
    ],
)
async def test_today_is_asked_this_evening_and_the_answer_gets_a_tip(
    harness: Harness, answer: str, label: str, as_follow_up: str
) -> None:
    """Planned for today at 09:00: asked at 19:00, and each answer is stored and gets its tip."""
    h = harness
    ids = await make_family(h)
    await h.say("grandma", "/next")
    await take_whole_lesson(h, plan="今天就试")
    assert "今天 19:00 左右，我来问问您试得怎么样" in texts(h, "grandma")[-1]
    assert (await plan_of(h, ids.caregiver_id)).due_at == local(5, 19)

    await h.advance(timedelta(hours=9, minutes=55))
    assert asks(h) == []
    await h.advance(timedelta(minutes=10))
    [question] = asks(h)
    assert "连着试五天" in question
    assert [b.text for b in h.sim.bot_messages(h.user_id("grandma"))[-1].buttons] == [
        "挺顺利 👍",
        "有点难",
        "还没顾上试",
        "🙋 找志愿者",
    ]

    await h.press("grandma", label)
    reply = h.sim.last_bot_message(h.user_id("grandma"))
    assert reply is not None
    tip = h.runtime.content.lesson(LESSON).practice_tips.for_answer(answer)
    assert reply.plain_text == f"💡 {tip.get('zh')}"
    assert [b.text for b in reply.buttons] == ["▶ 接着学", "🙋 找志愿者"]
    assert f"✅ {label}" in texts(h, "grandma")[-2]
    stored = await plan_of(h, ids.caregiver_id)
    assert (stored.status, stored.answer) == ("answered", answer)
    row = await h.runtime.db.run(lambda c: lesson_store.get(c, ids.caregiver_id, LESSON))
    assert row is not None
    assert row.follow_up == as_follow_up


async def test_a_planned_lesson_is_not_asked_about_again_when_the_next_one_starts(
    harness: Harness,
) -> None:
    """Days later /next opens the next lesson's first step, not the old follow-up question."""
    h = harness
    await make_family(h)
    await h.say("grandma", "/next")
    await take_whole_lesson(h)
    h.clock.advance(timedelta(days=2))
    await h.say("grandma", "/next")
    assert texts(h, "grandma")[-1].startswith("这些信号，要当真（1/")


async def test_a_question_due_in_quiet_hours_waits_for_the_morning(tmp_path: Path) -> None:
    """With the question time set inside quiet hours, it comes when they end, once."""
    config = sim_config(tmp_path / "qiao.sqlite3", lessons={"follow_through_time": "21:30"})
    async with Harness(tmp_path, config=config) as h:
        await make_family(h)
        await h.say("grandma", "/next")
        await take_whole_lesson(h, plan="今天就试")
        h.clock.advance(timedelta(hours=13))  # 22:00: due since 21:30, but quiet
        await h.run_all_jobs_now()
        assert asks(h) == []
        await h.advance(timedelta(hours=9, minutes=50))  # 07:50
        assert asks(h) == []
        await h.advance(timedelta(minutes=20))  # 08:10
        assert len(asks(h)) == 1
        await h.advance(timedelta(hours=1))
        assert len(asks(h)) == 1


async def test_the_question_follows_the_familys_time_zone(harness: Harness) -> None:
    """A family on Xinjiang time (UTC+6) is asked at 19:00 there, 21:00 in Beijing."""
    h = harness
    ids = await make_family(h)
    await h.runtime.db.tx(
        lambda c: c.execute(
            "UPDATE families SET timezone = 'Asia/Urumqi' WHERE id = ?", (ids.family_id,)
        )
    )
    await h.say("grandma", "/next")
    await take_whole_lesson(h, plan="今天就试")
    due = datetime(2026, 1, 5, 19, 0, tzinfo=ZoneInfo("Asia/Urumqi"))
    assert (await plan_of(h, ids.caregiver_id)).due_at == int(due.timestamp())
    assert datetime.fromtimestamp(int(due.timestamp()), UTC).hour == 13


async def test_a_plan_survives_a_restart_and_is_asked_once(harness: Harness) -> None:
    """The due row is in the database: after a restart the job asks it, and only once."""
    h = harness
    ids = await make_family(h)
    await h.say("grandma", "/next")
    await take_whole_lesson(h, plan="明天试")
    await h.restart()
    h.clock.advance(timedelta(days=1, hours=10, minutes=5))  # Tuesday 19:05
    await h.run_all_jobs_now()
    await h.restart()
    await h.run_all_jobs_now()
    await h.advance(timedelta(minutes=30))
    assert len(asks(h)) == 1
    assert (await plan_of(h, ids.caregiver_id)).status == "asked"


async def test_stale_foreign_and_forged_follow_through_presses_change_nothing(
    harness: Harness,
) -> None:
    """A second answer, the child's press, unknown data or a press before the question: pop-ups."""
    h = harness
    ids = await make_family(h)
    await h.say("grandma", "/next")
    await take_whole_lesson(h, plan="今天就试")
    early = await press_data(h, "grandma", f"ft:ans:{LESSON}:hard")
    assert early is not None
    assert early["text"] == "这个按钮已经用过了，请看最新的消息。"
    replan = await press_data(h, "grandma", f"ft:plan:{LESSON}:tomorrow")
    assert replan is not None
    assert replan["text"] == "这个按钮已经用过了，请看最新的消息。"
    await h.advance(timedelta(hours=10, minutes=5))
    [question] = [m for m in h.sim.bot_messages(h.user_id("grandma")) if ASKED in m.plain_text]

    await h.say("child", "/help")
    foreign = await press_data(h, "child", f"ft:ans:{LESSON}:went_well")
    assert foreign is not None
    assert foreign["text"] == "这个按钮是给这位家长用的。"
    forged = await press_data(h, "grandma", f"ft:ans:{LESSON}:maybe", message=question)
    assert forged is not None
    assert forged["text"] == "这个按钮已经用过了，请看最新的消息。"
    assert (await plan_of(h, ids.caregiver_id)).status == "asked"

    await h.press("grandma", "挺顺利")
    again = await press_data(h, "grandma", f"ft:ans:{LESSON}:hard", message=question)
    assert again is not None
    assert again["text"] == "这个按钮已经用过了，请看最新的消息。"
    stored = await plan_of(h, ids.caregiver_id)
    assert (stored.status, stored.answer) == ("answered", "went_well")


async def test_a_blocked_chat_marks_the_grandparent_unreachable(harness: Harness) -> None:
    """Forbidden when asking: the plan is closed and the caregiver marked unreachable."""
    h = harness
    ids = await make_family(h)
    await h.say("grandma", "/next")
    await take_whole_lesson(h, plan="今天就试")
    h.sim.fail_next("sendMessage", Fault.forbidden(), chat_id=h.user_id("grandma"))
    await h.advance(timedelta(hours=10, minutes=5))
    assert (await plan_of(h, ids.caregiver_id)).status == "failed"
    person = await h.runtime.db.run(lambda c: people.by_id(c, ids.caregiver_id))
    assert person is not None
    assert person.unreachable_at is not None


async def test_a_network_error_is_retried_on_the_next_run(harness: Harness) -> None:
    """A passing failure puts the question back; the next run asks it."""
    h = harness
    ids = await make_family(h)
    await h.say("grandma", "/next")
    await take_whole_lesson(h, plan="今天就试")
    h.clock.advance(timedelta(hours=10, minutes=1))
    h.sim.fail_next("sendMessage", Fault.network_error(), chat_id=h.user_id("grandma"))
    await h.run_all_jobs_now()
    assert (await plan_of(h, ids.caregiver_id)).status == "planned"
    await h.advance(timedelta(minutes=5))
    assert len(asks(h)) == 1


async def test_a_paused_grandparent_is_not_asked_and_an_old_question_is_dropped(
    harness: Harness,
) -> None:
    """While paused nothing is asked; resumed days later, the stale question expires unasked."""
    h = harness
    ids = await make_family(h)
    await h.say("grandma", "/next")
    await take_whole_lesson(h, plan="今天就试")
    await h.say("grandma", "/stop")
    await h.advance(timedelta(days=4))
    await h.say("grandma", "/resume")
    await h.advance(timedelta(hours=1))
    assert asks(h) == []
    assert (await plan_of(h, ids.caregiver_id)).status == "expired"


def test_a_lessons_own_tip_answers_each_practice_answer(harness: Harness) -> None:
    """Each answer to "how did it go?" gets the tip written for it in the lesson's file."""
    lesson = harness.runtime.content.lesson(LESSON)
    assert practice_tip(lesson, "hard") == lesson.practice_tips.hard
    assert practice_tip(lesson, "went_well") == lesson.practice_tips.went_well
    assert practice_tip(lesson, "not_tried") == lesson.practice_tips.not_tried
    assert practice_tip(lesson, "forged") is None
