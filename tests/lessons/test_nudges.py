"""Gentle reminders: after a week without lessons, outside quiet hours, once a week at most."""

from __future__ import annotations

import logging
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.simtelegram.harness import Harness, sim_config
from storage import lessons as store
from storage import people
from tests.factories import make_family
from tests.lessons.helpers import texts

SHANGHAI = ZoneInfo("Asia/Shanghai")
NUDGE = "有一阵子没学小课了"


async def idle(h: Harness, delta: timedelta) -> None:
    """Let time pass; the nudge job runs on its own 15-minute grid wherever it has work."""
    await h.advance(delta)


def nudges(h: Harness) -> list[datetime]:
    """Local send times of the reminders in the grandmother's chat."""
    return [
        datetime.fromtimestamp(m.date, SHANGHAI)
        for m in h.sim.bot_messages(h.user_id("grandma"))
        if NUDGE in m.plain_text
    ]


async def test_nudge_after_seven_idle_days_with_continue_button(harness: Harness) -> None:
    """Nothing for almost a week; then one reminder whose button resumes the lesson."""
    h = harness
    await make_family(h)
    await h.say("grandma", "/next")
    await idle(h, timedelta(days=6, hours=23))
    assert nudges(h) == []
    await idle(h, timedelta(hours=2))
    assert len(nudges(h)) == 1
    reminder = h.sim.last_bot_message(h.user_id("grandma"))
    assert reminder is not None
    assert reminder.plain_text.startswith("王奶奶，您好！")
    assert [b.text for b in reminder.buttons] == ["▶ 接着学", "🙋 找志愿者"]
    await h.press("grandma", "接着学")
    assert texts(h, "grandma")[-1].startswith("固定时间，固定地方（1/5）")


async def test_no_nudge_in_quiet_hours_it_comes_after_eight(harness: Harness) -> None:
    """A reminder due at 22:00 local waits for the morning and arrives between 08:00 and 08:15."""
    h = harness
    await idle(h, timedelta(hours=13))  # Monday 22:00 in Shanghai
    await make_family(h)
    await idle(h, timedelta(days=7, minutes=30))
    assert nudges(h) == []
    await idle(h, timedelta(hours=10))
    [sent] = nudges(h)
    assert (sent.hour, sent.minute // 16) == (8, 0)


async def test_at_most_one_nudge_while_idle_restart_included(harness: Harness) -> None:
    """Three idle weeks and a restart bring one reminder, not one per week or per start."""
    h = harness
    ids = await make_family(h)
    await idle(h, timedelta(days=8))
    await h.restart()
    await h.run_all_jobs_now()
    await idle(h, timedelta(days=14))
    assert len(nudges(h)) == 1
    assert [
        status
        for _, status in await h.runtime.db.run(lambda c: store.nudges_of(c, ids.caregiver_id))
    ] == ["sent"]


async def test_weekly_cap_holds_even_with_a_short_idle_setting(tmp_path: Path) -> None:
    """With nudges after 2 idle days, a second reminder still waits a full week after the first."""
    config = sim_config(tmp_path / "q.sqlite3", lessons={"nudge_after_days": 2})
    async with Harness(tmp_path, config=config) as h:
        await make_family(h)
        await idle(h, timedelta(days=2, hours=1))
        [first] = nudges(h)
        await h.say("grandma", "/next")  # opens a lesson: a new idle spell starts
        await idle(h, timedelta(days=4))
        assert len(nudges(h)) == 1
        await idle(h, timedelta(days=3))
        first_, second = nudges(h)
        assert first_ == first
        assert second - first >= timedelta(days=7)


async def test_paused_caregiver_gets_no_nudge(harness: Harness) -> None:
    """A caregiver who used /stop hears nothing from Qiao on its own."""
    h = harness
    ids = await make_family(h)
    await h.runtime.db.tx(lambda c: people.set_paused(c, ids.caregiver_id, True))
    await idle(h, timedelta(days=15))
    assert nudges(h) == []


async def test_no_nudge_after_every_lesson_is_done(harness: Harness) -> None:
    """With nothing left to take, there is nothing to remind about."""
    h = harness
    ids = await make_family(h)
    content = h.runtime.content
    now = h.runtime.ts()

    def finish_all(conn: sqlite3.Connection) -> None:
        for lesson in content.lessons:
            conn.execute(
                "INSERT INTO lesson_progress (person_id, lesson_id, version, stage, started_at,"
                " updated_at, finished_at) VALUES (?, ?, ?, 'done', ?, ?, ?)",
                (ids.caregiver_id, lesson.id, lesson.version, now, now, now),
            )

    await h.runtime.db.tx(finish_all)
    await idle(h, timedelta(days=10))
    assert nudges(h) == []


async def test_blocked_caregiver_becomes_unreachable_and_is_not_retried(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """A Forbidden reminder marks the caregiver unreachable, once, with no personal data logged."""
    h = harness
    ids = await make_family(h)
    h.sim.block(h.user_id("grandma"))
    with caplog.at_level(logging.INFO):
        await idle(h, timedelta(days=8))
    attempts = [
        call for call in h.sim.calls_to("sendMessage") if call.params.get("chat_id") == 1003
    ]
    assert len(attempts) == 1
    assert attempts[0].error_code == 403
    person = await h.runtime.db.run(lambda c: people.by_id(c, ids.caregiver_id))
    assert person is not None
    assert person.unreachable_at is not None
    assert "chat blocked" in caplog.text
    for private in ("王奶奶", "1003"):
        assert private not in caplog.text
    await idle(h, timedelta(days=14))
    assert len([c for c in h.sim.calls_to("sendMessage") if c.params.get("chat_id") == 1003]) == 1


async def test_resume_restarts_the_idle_clock(harness: Harness) -> None:
    """A caregiver back from a long pause is not reminded right after /resume."""
    h = harness
    await make_family(h)
    await h.say("grandma", "/next")
    await h.say("grandma", "/stop")
    await idle(h, timedelta(days=20))
    await h.say("grandma", "/resume")
    await idle(h, timedelta(days=6))
    assert nudges(h) == []
    await idle(h, timedelta(days=1, hours=12))
    assert len(nudges(h)) == 1
