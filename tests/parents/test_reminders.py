"""Issue 15: the weekly call reminder, in the parent's own time zone and outside quiet hours."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.simtelegram.harness import Harness
from tests.parents.support import (
    TOKYO,
    family,
    newest,
    parent_joins,
    parent_link,
    rows,
    texts,
)

REMINDER = "该给孩子打电话啦"


async def jump_to(h: Harness, moment: datetime) -> None:
    """Move the clock to a moment (as after a quiet stretch) and run the jobs once."""
    h.clock.advance(moment - h.clock.now())
    await h.run_all_jobs_now()


def reminders(h: Harness, who: str = "mother") -> list[str]:
    """The reminders a parent received."""
    return [t for t in texts(h, who) if REMINDER in t]


async def test_reminder_comes_at_the_parents_local_time(harness: Harness) -> None:
    """Sunday 20:00 in Tokyo is 11:00 UTC: nothing before it, the reminder right after it."""
    await family(harness)
    await parent_joins(harness, zone=TOKYO, day="星期日", time="20:00")
    await jump_to(harness, datetime(2026, 1, 11, 10, 55, tzinfo=UTC))
    assert reminders(harness) == []
    await jump_to(harness, datetime(2026, 1, 11, 11, 1, tzinfo=UTC))
    assert len(reminders(harness)) == 1


async def test_reminder_due_in_quiet_hours_waits_for_their_end(harness: Harness) -> None:
    """A reminder that fell due while the bot was down arrives at the end of quiet hours."""
    await family(harness)
    # Shanghai, quiet 21:00–08:00, Sunday 20:00 (12:00 UTC).
    await parent_joins(harness, quiet=0, day="星期日", time="20:00")
    await jump_to(harness, datetime(2026, 1, 11, 14, 0, tzinfo=UTC))  # 22:00 local, quiet
    assert reminders(harness) == []
    await jump_to(harness, datetime(2026, 1, 11, 23, 50, tzinfo=UTC))  # 07:50 local, still quiet
    assert reminders(harness) == []
    await jump_to(harness, datetime(2026, 1, 12, 0, 1, tzinfo=UTC))  # 08:01 local
    assert len(reminders(harness)) == 1


async def test_call_times_inside_quiet_hours_are_not_offered(harness: Harness) -> None:
    """A parent asleep by day after night shifts is offered no call time between 08:00 and 16:00."""
    await family(harness)
    await parent_joins(harness, quiet=2, time="20:00")
    await harness.say("mother", "/calltime")
    await harness.press("mother", "星期六")
    offered = [b.text for b in newest(harness, "mother", "几点打").buttons]
    assert "08:00" not in offered
    assert "12:00" not in offered
    assert "20:00" in offered


async def test_calltime_moves_the_reminder(harness: Harness) -> None:
    """/calltime stores a new slot, and the reminder follows it."""
    await family(harness)
    await parent_joins(harness, day="星期日", time="20:00")
    await harness.say("mother", "/calltime")
    await harness.press("mother", "星期三")
    await harness.press("mother", "19:00")
    assert "星期三 19:00" in texts(harness, "mother")[-1]
    await jump_to(harness, datetime(2026, 1, 7, 11, 1, tzinfo=UTC))  # Wednesday 19:01 local
    assert len(reminders(harness)) == 1


async def test_reminder_has_a_starter_for_the_season_and_age(harness: Harness) -> None:
    """In January's exam weeks a 10–12-year-old's parent gets the all-ages exam starter."""
    await family(harness)
    await parent_joins(harness, day="星期日", time="20:00")
    await jump_to(harness, datetime(2026, 1, 11, 12, 1, tzinfo=UTC))
    (reminder,) = reminders(harness)
    assert "快考试了" in reminder


async def test_a_paused_parent_gets_no_reminder(harness: Harness) -> None:
    """After /stop nothing comes; after /resume the next week's reminder does."""
    await family(harness)
    await parent_joins(harness, day="星期日", time="20:00")
    await harness.say("mother", "/stop")
    await jump_to(harness, datetime(2026, 1, 11, 12, 1, tzinfo=UTC))
    assert reminders(harness) == []
    await harness.say("mother", "/resume")
    await jump_to(harness, datetime(2026, 1, 18, 12, 1, tzinfo=UTC))
    assert len(reminders(harness)) == 1


async def test_a_parent_of_two_families_gets_one_reminder_per_family(harness: Harness) -> None:
    """A parent whose children live with different carers is reminded to call each."""
    await family(harness)
    await family(
        harness,
        caregiver="volunteer2",
        child="stranger",
        volunteer="admin",
        suffix="2",
        label="西村小学",
    )
    await parent_joins(harness, day="星期日", time="20:00")
    await harness.say("mother", f"/start {await parent_link(harness, 'F-TST2', who='admin')}")
    await jump_to(harness, datetime(2026, 1, 11, 12, 1, tzinfo=UTC))
    assert len(reminders(harness)) == 2


async def test_a_restart_sends_no_reminder_twice(harness: Harness) -> None:
    """The reminder is an outbox row with a weekly key: a restart after it changes nothing."""
    await family(harness)
    await parent_joins(harness, day="星期日", time="20:00")
    await jump_to(harness, datetime(2026, 1, 11, 12, 1, tzinfo=UTC))
    await harness.restart()
    await harness.run_all_jobs_now()
    assert len(reminders(harness)) == 1


async def test_we_talked_is_recorded_for_the_week(harness: Harness) -> None:
    """Pressing "we talked" stores the parent's side of that week; a later answer replaces it."""
    await family(harness)
    await parent_joins(harness, day="星期日", time="20:00")
    await jump_to(harness, datetime(2026, 1, 11, 12, 1, tzinfo=UTC))
    reminder = newest(harness, "mother", REMINDER)
    later = reminder.buttons[1].callback_data or ""  # "not this week", pressed later on a copy
    await harness.press("mother", "我们聊过了")
    assert await rows(harness, "SELECT period, talked FROM parent_calls") == [("2026-W02", 1)]
    await harness.deliver(
        harness.sim.user_presses(harness.user_id("mother"), reminder.message_id, later)
    )
    assert await rows(harness, "SELECT period, talked FROM parent_calls") == [("2026-W02", 0)]


async def test_a_forged_report_for_another_family_is_refused(harness: Harness) -> None:
    """A "we talked" press naming a family the parent does not belong to changes nothing."""
    await family(harness)
    other = await family(
        harness,
        caregiver="volunteer2",
        child="stranger",
        volunteer="admin",
        suffix="2",
        label="西村小学",
    )
    await parent_joins(harness)
    carrier = harness.sim.bot_messages(harness.user_id("mother"))[-1]
    forged = f"pa:talk:{other.family_id}:y.2026-W02"
    await harness.deliver(
        harness.sim.user_presses(harness.user_id("mother"), carrier.message_id, forged)
    )
    assert await rows(harness, "SELECT * FROM parent_calls") == []


async def test_a_blocked_parent_is_marked_unreachable(harness: Harness) -> None:
    """A parent who blocked Qiao: the reminder is given up and the parent marked unreachable."""
    await family(harness)
    await parent_joins(harness, day="星期日", time="20:00")
    harness.sim.block(harness.user_id("mother"))
    await jump_to(harness, datetime(2026, 1, 11, 12, 1, tzinfo=UTC))
    found = await rows(
        harness, "SELECT unreachable_at IS NOT NULL FROM people WHERE role = 'parent'"
    )
    assert found == [(1,)]
    assert (await rows(harness, "SELECT status FROM outbox WHERE kind = 'parent'")) == [("dead",)]
