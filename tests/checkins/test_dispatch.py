"""The dispatcher: check-ins come at the chosen time, once a week, through downtime and faults."""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.simtelegram import Fault, SimMessage
from bot.simtelegram.harness import Harness, sim_config
from storage import outbox, people
from tests.checkins.answering import answer_all
from tests.checkins.support import (
    CHILD,
    SHANGHAI,
    VOLUNTEER,
    advance_to,
    intro_messages,
    next_due,
    sessions,
)
from tests.factories import make_family


async def test_first_checkin_arrives_at_the_chosen_time(harness: Harness) -> None:
    """A newly active child is scheduled by the dispatcher and gets the intro on Saturday 10:00."""
    ids = await make_family(harness)
    await advance_to(harness, datetime(2026, 1, 10, 9, 58))
    assert intro_messages(harness, CHILD) == []
    assert await next_due(harness, ids.child_id) == int(
        datetime(2026, 1, 10, 10, 0, tzinfo=SHANGHAI).timestamp()
    )
    await advance_to(harness, datetime(2026, 1, 10, 10, 2))
    [intro] = intro_messages(harness, CHILD)
    assert datetime.fromtimestamp(intro.date, SHANGHAI).strftime("%a %H:%M") == "Sat 10:00"
    assert [b.text for b in intro.buttons] == ["😢", "🙁", "😐", "🙂", "😄"]
    [session] = await sessions(harness, ids.child_id)
    assert (session.period, session.status) == ("2026-W02", "sent")
    assert session.set_id.partition("+")[0] == "weekly"
    assert await next_due(harness, ids.child_id) == int(
        datetime(2026, 1, 17, 10, 0, tzinfo=SHANGHAI).timestamp()
    )


async def test_one_checkin_per_week_over_several_weeks(harness: Harness) -> None:
    """Three weeks of running jobs give exactly three sessions, one per ISO week."""
    ids = await make_family(harness)
    await harness.advance(timedelta(days=21))
    found = await sessions(harness, ids.child_id)
    assert [s.period for s in found] == ["2026-W02", "2026-W03", "2026-W04"]
    assert len(intro_messages(harness, CHILD)) == 3


async def test_downtime_inside_the_window_sends_once_on_return(harness: Harness) -> None:
    """Down from Saturday 09:00 to Sunday 10:00: the check-in comes once when the bot is back."""
    ids = await make_family(harness)
    await advance_to(harness, datetime(2026, 1, 10, 9, 0))
    await harness.stop()
    harness.clock.advance(timedelta(hours=25))
    await harness.start()
    await harness.run_all_jobs_now()
    [intro] = intro_messages(harness, CHILD)
    assert datetime.fromtimestamp(intro.date, SHANGHAI).strftime("%a %H:%M") == "Sun 10:00"
    await harness.advance(timedelta(days=5))
    assert len(intro_messages(harness, CHILD)) == 1
    [session] = await sessions(harness, ids.child_id)
    assert session.period == "2026-W02"


async def test_downtime_beyond_the_window_records_missed(harness: Harness) -> None:
    """Down 49 hours past the due time: nothing sent, the week is `missed`, next week comes."""
    ids = await make_family(harness)
    await advance_to(harness, datetime(2026, 1, 10, 9, 0))
    await harness.stop()
    harness.clock.advance(timedelta(hours=50))
    await harness.start()
    await harness.run_all_jobs_now()
    assert intro_messages(harness, CHILD) == []
    [missed] = await sessions(harness, ids.child_id)
    assert (missed.period, missed.status) == ("2026-W02", "missed")
    await advance_to(harness, datetime(2026, 1, 17, 10, 1))
    assert len(intro_messages(harness, CHILD)) == 1
    assert [s.status for s in await sessions(harness, ids.child_id)] == ["missed", "sent"]


class ProcessKilled(BaseException):
    """Raised where the process "dies": nothing in the bot catches a BaseException."""


@dataclass(frozen=True, slots=True)
class KillFault(Fault):
    """A fault that kills the process inside the send, before Telegram receives the message."""

    def transport_exception(self) -> Exception | None:
        raise ProcessKilled


class KillAfterSend:
    """A SimTelegram listener that kills the process right after Telegram stored a message."""

    def __init__(self, chat_id: int) -> None:
        self.chat_id = chat_id
        self.armed = False

    def __call__(self, action: str, message: SimMessage) -> None:
        if self.armed and action == "sent" and message.chat_id == self.chat_id:
            self.armed = False
            raise ProcessKilled


async def _kill_during_dispatch(h: Harness, point: str) -> None:
    """Run the world to the due minute with a crash injected at `point`."""
    if point == "before_session_write":
        await h.runtime.db.run(
            lambda c: c.execute(
                "CREATE TEMP TRIGGER die BEFORE INSERT ON checkin_sessions"
                " BEGIN SELECT RAISE(ABORT, 'process killed'); END"
            )
        )
    elif point == "after_session_write":
        h.sim.fail_next("sendMessage", KillFault("network", 0, "killed"), chat_id=CHILD)
    elif point == "after_send":
        killer = KillAfterSend(CHILD)
        h.sim.subscribe(killer)
        killer.armed = True
    elif point == "during_sent_write":
        await h.runtime.db.run(
            lambda c: c.execute(
                "CREATE TEMP TRIGGER die BEFORE UPDATE OF status ON checkin_sessions"
                " WHEN NEW.status = 'sent' BEGIN SELECT RAISE(ABORT, 'process killed'); END"
            )
        )
    with contextlib.suppress(ProcessKilled):
        await advance_to(h, datetime(2026, 1, 10, 10, 1))


@pytest.mark.parametrize(
    ("point", "sessions_before", "messages_before", "messages_after"),
    [
        ("before_session_write", 0, 0, 1),
        ("after_session_write", 1, 0, 1),
        ("after_send", 1, 1, 2),
        ("during_sent_write", 1, 1, 2),
        ("after_sent_write", 1, 1, 1),
    ],
)
async def test_a_crash_at_any_point_of_a_dispatch_never_makes_a_second_session(
    harness: Harness,
    caplog: pytest.LogCaptureFixture,
    point: str,
    sessions_before: int,
    messages_before: int,
    messages_after: int,
) -> None:
    """Killed before/after each write and restarted: one session, at most one duplicate message."""
    ids = await make_family(harness)
    await advance_to(harness, datetime(2026, 1, 10, 9, 59))
    with caplog.at_level(logging.CRITICAL):
        await _kill_during_dispatch(harness, point)
    assert len(await sessions(harness, ids.child_id)) == sessions_before
    assert len(intro_messages(harness, CHILD)) == messages_before
    await harness.restart()
    await harness.run_all_jobs_now()
    await harness.advance(timedelta(hours=2))
    [session] = await sessions(harness, ids.child_id)
    assert (session.period, session.status) == ("2026-W02", "sent")
    assert len(intro_messages(harness, CHILD)) == messages_after
    assert await next_due(harness, ids.child_id) == int(
        datetime(2026, 1, 17, 10, 0, tzinfo=SHANGHAI).timestamp()
    )
    await harness.press("child", "🙂")
    assert (await sessions(harness, ids.child_id))[0].status == "answering"


async def test_retry_after_is_obeyed(tmp_path: Path) -> None:
    """A 429 with retry_after=300 holds the dispatcher back five minutes, then it sends once."""
    config = sim_config(tmp_path / "qiao.sqlite3", rate_limits={"max_retries": 0})
    async with Harness(tmp_path, config=config) as h:
        ids = await make_family(h)
        await advance_to(h, datetime(2026, 1, 10, 9, 59))
        h.sim.fail_next("sendMessage", Fault.retry_after(300), chat_id=CHILD)
        await advance_to(h, datetime(2026, 1, 10, 10, 0))
        attempts = [c for c in h.sim.calls_to("sendMessage") if c.params.get("chat_id") == CHILD]
        assert [c.error_code for c in attempts] == [429]
        await advance_to(h, datetime(2026, 1, 10, 10, 4))
        attempts = [c for c in h.sim.calls_to("sendMessage") if c.params.get("chat_id") == CHILD]
        assert len(attempts) == 1  # nothing tried while Telegram asked us to wait
        assert [s.status for s in await sessions(h, ids.child_id)] == ["pending"]
        await advance_to(h, datetime(2026, 1, 10, 10, 6))
        assert len(intro_messages(h, CHILD)) == 1
        assert [s.status for s in await sessions(h, ids.child_id)] == ["sent"]


async def test_network_error_is_retried_next_run(harness: Harness) -> None:
    """A broken connection leaves the check-in pending; the next minute sends it."""
    ids = await make_family(harness)
    await advance_to(harness, datetime(2026, 1, 10, 9, 59))
    harness.sim.fail_next("sendMessage", Fault.network_error(), chat_id=CHILD)
    await advance_to(harness, datetime(2026, 1, 10, 10, 0))
    assert intro_messages(harness, CHILD) == []
    await advance_to(harness, datetime(2026, 1, 10, 10, 1))
    assert len(intro_messages(harness, CHILD)) == 1
    assert len(await sessions(harness, ids.child_id)) == 1


async def test_blocked_child_is_marked_unreachable_and_the_volunteer_told_once(
    harness: Harness,
) -> None:
    """Forbidden marks the child unreachable and queues one pseudonymous notice to the volunteer."""
    ids = await make_family(harness)
    harness.sim.block(CHILD)
    await advance_to(harness, datetime(2026, 1, 10, 10, 1))
    child = await harness.runtime.db.run(lambda c: people.by_id(c, ids.child_id))
    assert child is not None
    assert child.unreachable_at is not None
    notices = harness.sim.bot_messages(VOLUNTEER)
    assert len(notices) == 1
    assert ids.child_pseudonym in notices[0].plain_text
    assert "小明" not in notices[0].plain_text
    key = f"unreachable:{ids.child_id}:{child.unreachable_at}"
    item = await harness.runtime.db.run(lambda c: outbox.get(c, key))
    assert item is not None
    assert item.target == f"chat:{VOLUNTEER}"
    await harness.advance(timedelta(days=14))
    assert len(harness.sim.bot_messages(VOLUNTEER)) == 1
    attempts = [c for c in harness.sim.calls_to("sendMessage") if c.params.get("chat_id") == CHILD]
    assert len(attempts) == 1
    assert [s.status for s in await sessions(harness, ids.child_id)] == ["missed"]


async def test_quiet_hours_postpone_to_the_morning(harness: Harness) -> None:
    """A Saturday 22:00 slot falls in quiet hours: the check-in comes on Sunday at 08:00."""
    ids = await make_family(harness, minute=22 * 60)
    await advance_to(harness, datetime(2026, 1, 11, 7, 59))
    assert intro_messages(harness, CHILD) == []
    await advance_to(harness, datetime(2026, 1, 11, 8, 1))
    [intro] = intro_messages(harness, CHILD)
    assert datetime.fromtimestamp(intro.date, SHANGHAI).strftime("%a %H:%M") == "Sun 08:00"
    [session] = await sessions(harness, ids.child_id)
    assert session.period == "2026-W02"


async def test_paused_child_gets_nothing_until_resumed(harness: Harness) -> None:
    """A paused child gets no session and no message; after resuming the check-ins come again."""
    ids = await make_family(harness)
    await harness.runtime.db.tx(lambda c: people.set_paused(c, ids.child_id, True))
    await harness.advance(timedelta(days=13))
    assert intro_messages(harness, CHILD) == []
    assert await sessions(harness, ids.child_id) == []
    await harness.runtime.db.tx(lambda c: people.set_paused(c, ids.child_id, False))
    await advance_to(harness, datetime(2026, 1, 24, 10, 1))
    assert len(intro_messages(harness, CHILD)) == 1
    assert [s.period for s in await sessions(harness, ids.child_id)] == ["2026-W04"]


async def test_checkin_command_starts_the_week_early_once(harness: Harness) -> None:
    """/checkin on Monday opens this week's check-in; a second /checkin and Saturday add nothing."""
    ids = await make_family(harness)
    await harness.say("child", "/checkin")
    assert len(intro_messages(harness, CHILD)) == 1
    [session] = await sessions(harness, ids.child_id)
    assert (session.origin, session.period) == ("early", "2026-W02")
    await harness.say("child", "/checkin")
    assert "已经开始了" in harness.sim.bot_messages(CHILD)[-1].plain_text
    await answer_all(harness, CHILD)
    await harness.say("child", "/checkin")
    assert "已经做过啦" in harness.sim.bot_messages(CHILD)[-1].plain_text
    await advance_to(harness, datetime(2026, 1, 11, 12, 0))
    assert len(intro_messages(harness, CHILD)) == 1
    await advance_to(harness, datetime(2026, 1, 17, 10, 1))
    assert [s.period for s in await sessions(harness, ids.child_id)] == ["2026-W02", "2026-W03"]


async def test_checkin_command_is_not_for_caregivers_with_children_of_their_own_phone(
    harness: Harness,
) -> None:
    """A caregiver whose child has a phone of their own is told the command is not theirs."""
    ids = await make_family(harness)
    await harness.say("grandma", "/checkin")
    assert "用不了" in harness.sim.bot_messages(1003)[-1].plain_text
    assert await sessions(harness, ids.child_id) == []


async def test_checkin_time_moves_the_next_checkin(harness: Harness) -> None:
    """/checkin_time → Monday → 19:00 stores the slot, and the check-in comes on Monday at 19:00."""
    ids = await make_family(harness)
    await harness.say("child", "/checkin_time")
    await harness.press("child", "星期一")
    await harness.press("child", "19:00")
    assert "星期一 19:00" in harness.sim.bot_messages(CHILD)[-1].plain_text
    assert await next_due(harness, ids.child_id) == int(
        datetime(2026, 1, 5, 19, 0, tzinfo=SHANGHAI).timestamp()
    )
    await advance_to(harness, datetime(2026, 1, 5, 19, 1))
    [intro] = intro_messages(harness, CHILD)
    assert datetime.fromtimestamp(intro.date, SHANGHAI).strftime("%a %H:%M") == "Mon 19:00"
    await advance_to(harness, datetime(2026, 1, 10, 10, 1))
    assert len(intro_messages(harness, CHILD)) == 1


async def test_another_persons_time_buttons_change_nothing(harness: Harness) -> None:
    """A forged time press for someone else's child is refused and the slot stays."""
    ids = await make_family(harness)
    await harness.say("child", "/checkin_time")
    message = harness.sim.bot_messages(CHILD)[-1]
    forged = f"cit:{ids.child_id}:0:480"
    await harness.deliver(harness.sim.user_presses(1005, message.message_id, forged, chat_id=CHILD))
    assert await next_due(harness, ids.child_id) is None
    await harness.deliver(
        harness.sim.user_presses(CHILD, message.message_id, f"cit:{ids.child_id}:0:123")
    )
    assert await next_due(harness, ids.child_id) is None


async def test_checkin_command_sends_a_checkin_held_by_quiet_hours(harness: Harness) -> None:
    """A child who asks at 22:30 gets the check-in that quiet hours were holding back, once."""
    ids = await make_family(harness, minute=22 * 60)
    await advance_to(harness, datetime(2026, 1, 10, 22, 30))
    assert [s.status for s in await sessions(harness, ids.child_id)] == ["pending"]
    await harness.say("child", "/checkin")
    [intro] = intro_messages(harness, CHILD)
    assert datetime.fromtimestamp(intro.date, SHANGHAI).strftime("%a %H:%M") == "Sat 22:30"
    await advance_to(harness, datetime(2026, 1, 11, 9, 0))
    assert len(intro_messages(harness, CHILD)) == 1
    assert [s.status for s in await sessions(harness, ids.child_id)] == ["sent"]


async def test_a_child_who_writes_again_is_reachable_again(harness: Harness) -> None:
    """A child who blocked and came back can use /checkin, which clears the unreachable mark."""
    ids = await make_family(harness)
    harness.sim.block(CHILD)
    await advance_to(harness, datetime(2026, 1, 10, 10, 1))
    harness.sim.unblock(CHILD)
    await advance_to(harness, datetime(2026, 1, 12, 9, 0))
    await harness.say("child", "/checkin")
    child = await harness.runtime.db.run(lambda c: people.by_id(c, ids.child_id))
    assert child is not None
    assert child.unreachable_at is None
    assert len(intro_messages(harness, CHILD)) == 1
    assert [s.status for s in await sessions(harness, ids.child_id)] == ["missed", "sent"]
