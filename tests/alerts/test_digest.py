"""The coordinators' weekly digest: the right numbers, once per week, with a chart."""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.levels import RiskLevel
from bot.services import digest
from bot.simtelegram.harness import Harness
from storage import families, lessons, outbox
from tests.alerts.desk import (
    ADMIN,
    add_coordinator,
    cards,
    checkin_answered,
    press_on,
    raise_alert,
    raise_and_post,
)
from tests.factories import FamilyIds, make_family

NEXT_MONDAY_0900 = datetime(2026, 1, 12, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai


async def a_week_of_work(h: Harness, family: FamilyIds) -> FamilyIds:
    """Check-ins, alerts of each kind, a finished lesson and a watch signal in 2026-W02."""
    second = await make_family(h, shared_phone=True, caregiver="stranger", suffix="2")
    await checkin_answered(h, family.child_id, "2026-W02", mood=4)
    await checkin_answered(h, second.child_id, "2026-W02", mood=None, status="closed")
    urgent = await raise_and_post(h, family.child_id, source="urgent")
    # An adult's own concern alert (the child's further signals would join the urgent alert).
    await raise_and_post(h, family.caregiver_id, source="concern", level=RiskLevel.CONCERN)
    await raise_alert(
        h, second.child_id, source="watch", level=RiskLevel.WATCH, category="low_mood"
    )
    h.clock.advance(timedelta(minutes=6))
    await press_on(h, "volunteer", cards(h, urgent)[0], "我来跟进")
    await h.say("volunteer", f"/resolve A-{urgent}")
    await h.press("volunteer", "误报")
    now = h.runtime.ts()

    def finish_lesson(c: sqlite3.Connection) -> None:
        who, lesson = family.caregiver_id, "stress-pause"
        lessons.start(c, person_id=who, lesson_id=lesson, version=1, follow_up_of=None, now=now)
        lessons.move(
            c,
            person_id=who,
            lesson_id=lesson,
            from_stage="step",
            from_step=0,
            to_stage="practice",
            to_step=0,
            now=now,
        )
        lessons.finish(c, person_id=who, lesson_id=lesson, now=now)
        for child in (family.child_id, second.child_id):  # keep the check-in scheduler out
            families.set_guardian_consent(c, child, None)

    await h.runtime.db.tx(finish_lesson)
    return second


async def test_digest_counts_last_week(h: Harness, family: FamilyIds) -> None:
    """Check-ins sent and answered, alerts by level and outcome, claim time, lessons, watch list."""
    await a_week_of_work(h, family)
    zone = h.config.locale.zone
    week = digest.week_of(date(2026, 1, 7), zone)
    assert week.period == "2026-W02"
    numbers = await h.runtime.db.run(lambda c: digest.collect_tx(c, week, zone))
    assert (numbers.checkins_sent, numbers.checkins_answered) == (2, 1)
    assert numbers.alerts_by_level == {int(RiskLevel.URGENT): 1, int(RiskLevel.CONCERN): 1}
    assert numbers.outcomes == {"false_alarm": 1}
    assert numbers.median_claim_seconds == 360
    assert numbers.lessons_completed == 1
    assert numbers.watch_children == ["C-TST2"]
    assert [w.label for w in numbers.history][-2:] == ["12-29", "01-05"]
    assert numbers.history[-1].urgent == 1
    text = digest.render(h.runtime.content, numbers, "en")
    for line in (
        "Weekly digest 2026-W02",
        "Check-ins: 2 sent, 1 answered (50%)",
        "Urgent 1",
        "Concern 1",
        "false alarm 1",
        "Median time to claim: 6 min",
        "Lessons completed by caregivers: 1",
        "Children to watch: C-TST2",
    ):
        assert line in text
    assert "小明" not in text


async def test_digest_goes_to_each_coordinator_once_with_a_chart(
    h: Harness, family: FamilyIds
) -> None:
    """Monday 09:00 brings last week's digest and chart to the admin; later runs send nothing."""
    coordinator = await add_coordinator(h)
    await a_week_of_work(h, family)
    h.clock.set(NEXT_MONDAY_0900 - timedelta(minutes=5))
    await h.run_all_jobs_now()
    assert h.sim.bot_messages(ADMIN) == []
    h.clock.set(NEXT_MONDAY_0900)
    await h.run_all_jobs_now()
    texts = [m for m in h.sim.bot_messages(ADMIN) if m.kind == "text"]
    photos = [m for m in h.sim.bot_messages(ADMIN) if m.kind == "photo"]
    assert len(texts) == 1
    assert "每周小结 2026-W02" in texts[0].plain_text
    assert len(photos) == 1
    key = f"digest:2026-W02:{coordinator}"
    assert await h.runtime.db.run(lambda c: outbox.get(c, key)) is not None
    await h.advance(timedelta(hours=2))
    await h.restart()
    await h.run_all_jobs_now()
    assert len(h.sim.bot_messages(ADMIN)) == 2


async def test_no_digest_for_a_week_before_anyone_joined(h: Harness, family: FamilyIds) -> None:
    """On the first Monday of a new installation there is no empty digest for last week."""
    await add_coordinator(h)
    await h.advance(timedelta(hours=1))
    assert h.sim.bot_messages(ADMIN) == []


async def test_coordinators_without_a_private_chat_miss_the_digest_in_the_log(
    h: Harness, family: FamilyIds, caplog: pytest.LogCaptureFixture
) -> None:
    """An admin with no private chat gets no digest; the log says so once, with a count."""
    await add_coordinator(h, chat_id=None)
    await a_week_of_work(h, family)
    h.clock.set(NEXT_MONDAY_0900)
    with caplog.at_level(logging.WARNING):
        await h.run_all_jobs_now()
        await h.advance(timedelta(minutes=30))
    assert h.sim.bot_messages(ADMIN) == []
    logged = [r for r in caplog.records if "miss the digest" in r.getMessage()]
    assert [r.__dict__["count"] for r in logged] == [1]


def test_due_week_is_last_week_from_monday_morning_on() -> None:
    """Before Monday 09:00 nothing is due; from then on the previous ISO week is."""
    zone = ZoneInfo("Asia/Shanghai")
    assert digest.due_week(NEXT_MONDAY_0900 - timedelta(seconds=1), zone) is None
    week = digest.due_week(NEXT_MONDAY_0900, zone)
    assert week is not None
    assert week.period == "2026-W02"
    later = digest.due_week(NEXT_MONDAY_0900 + timedelta(days=3), zone)
    assert later == week
