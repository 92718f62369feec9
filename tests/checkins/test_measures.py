"""WHO-5 every second week: cadence, scoring, storage and the well-being trend rules."""

from __future__ import annotations

import sqlite3
from datetime import datetime

import pytest

from bot.levels import RiskLevel
from bot.risk import assess_wellbeing
from bot.services.checkin_plan import base_of
from bot.simtelegram.harness import VOLUNTEER_CHAT_ID, Harness
from storage import alerts, measures
from storage.alerts import Alert
from storage.measures import Score
from tests.checkins.answering import answer_all, bases, latest_session
from tests.checkins.support import CHILD, SHANGHAI, advance_to, sessions
from tests.factories import FamilyIds, make_family

SATURDAYS = [datetime(2026, 1, day, 10, 1) for day in (10, 17, 24, 31)] + [
    datetime(2026, 2, 7, 10, 1),
    datetime(2026, 2, 14, 10, 1),
]
LOW = {f"who5_{n}": "1" for n in range(1, 6)}
"""Five items at "some of the time": raw 5, low at every age."""


async def _scores(h: Harness, child_id: int) -> list[Score]:
    return await h.runtime.db.run(lambda c: measures.of_child(c, child_id))


async def _alerts_of(h: Harness, child_id: int) -> list[Alert]:
    def read(conn: sqlite3.Connection) -> list[Alert]:
        ids = [r[0] for r in conn.execute("SELECT id FROM alerts WHERE person_id = ?", (child_id,))]
        return [a for a in (alerts.get(conn, i) for i in ids) if a is not None]

    return await h.runtime.db.run(read)


async def _weeks(
    h: Harness, ids: FamilyIds, count: int, who5: dict[str, str] | None = None
) -> None:
    """Run `count` Saturdays, answering each check-in (WHO-5 items from `who5` if given)."""
    for saturday in SATURDAYS[:count]:
        await advance_to(h, saturday)
        await answer_all(h, CHILD, who5)


async def test_who5_comes_every_second_week_after_a_weekly_start(harness: Harness) -> None:
    """The first check-in is weekly, then WHO-5 and weekly alternate week by week."""
    ids = await make_family(harness)
    await _weeks(harness, ids, 5)
    assert await bases(harness, ids.child_id) == ["weekly", "who5", "weekly", "who5", "weekly"]


async def test_a_missed_who5_week_comes_back_the_next_week(harness: Harness) -> None:
    """A WHO-5 week that never reached the child (the bot was down past the window) is
    offered again the following week."""
    ids = await make_family(harness)
    await _weeks(harness, ids, 1)
    await advance_to(harness, datetime(2026, 1, 17, 9, 0))
    harness.clock.set(datetime(2026, 1, 19, 11, 0, tzinfo=SHANGHAI))  # the bot was down
    await harness.run_all_jobs_now()
    await advance_to(harness, SATURDAYS[2])
    await answer_all(harness, CHILD)
    found = await sessions(harness, ids.child_id)
    assert [(s.period, base_of(s.set_id), s.status) for s in found] == [
        ("2026-W02", "weekly", "done"),
        ("2026-W03", "who5", "missed"),
        ("2026-W04", "who5", "done"),
    ]


async def test_who5_asks_mood_five_items_safety_and_the_rotating_question(
    harness: Harness,
) -> None:
    """A WHO-5 week asks the mood face, the five items, the safety question, one rotating
    question and the optional message, in that order."""
    ids = await make_family(harness)
    await _weeks(harness, ids, 1)
    await advance_to(harness, SATURDAYS[1])
    asked = await answer_all(harness, CHILD)
    assert asked[:6] == ["mood", "who5_1", "who5_2", "who5_3", "who5_4", "who5_5"]
    assert asked[6] == "safe"
    assert asked[7] in ("basics", "chores", "homework", "home_alone")
    assert asked[8:] == ["anything"]
    closing = harness.sim.bot_messages(CHILD)[-1]
    assert "这次的问题多" in closing.plain_text


async def test_the_score_is_the_sum_of_the_items_and_is_stored(harness: Harness) -> None:
    """The fifth WHO-5 answer stores the raw sum with the age band's cut-off."""
    ids = await make_family(harness)
    await _weeks(harness, ids, 1)
    await advance_to(harness, SATURDAYS[1])
    await answer_all(harness, CHILD, {"who5_1": "5", "who5_2": "3", "who5_3": "2", "who5_4": "0"})
    [score] = await _scores(harness, ids.child_id)
    session = await latest_session(harness, ids.child_id)
    assert (score.session_id, score.period, score.measure) == (session.id, "2026-W03", "who5")
    assert (score.raw, score.cutoff, score.low, score.age_band) == (14, 10, False, "10-12")


async def test_a_half_answered_who5_stores_no_score(harness: Harness) -> None:
    """Until all five items are answered there is no score, and nothing is assessed."""
    ids = await make_family(harness)
    await _weeks(harness, ids, 1)
    await advance_to(harness, SATURDAYS[1])
    for label in ("🙂", "所有时间", "偶尔"):
        await harness.press("child", label)
    assert await _scores(harness, ids.child_id) == []
    assert await _alerts_of(harness, ids.child_id) == []


async def test_a_low_score_raises_a_concern_for_the_volunteers(harness: Harness) -> None:
    """A raw score at or below the cut-off raises a posted `low_wellbeing` concern alert."""
    ids = await make_family(harness)
    await _weeks(harness, ids, 1)
    await advance_to(harness, SATURDAYS[1])
    await answer_all(harness, CHILD, LOW)
    [alert] = await _alerts_of(harness, ids.child_id)
    assert (alert.level, alert.category, alert.status) == (
        RiskLevel.CONCERN,
        "low_wellbeing",
        alerts.OPEN,
    )
    assert {"category": "low_wellbeing", "code": "trend:who5_low"} in alert.reasons
    assert alert.source.endswith(":who5_5")
    card = harness.sim.bot_messages(VOLUNTEER_CHAT_ID)[-1].plain_text
    assert "身心状态分数低" in card
    assert ids.child_pseudonym in card
    assert "小明" not in card
    [score] = await _scores(harness, ids.child_id)
    assert score.low
    session = await latest_session(harness, ids.child_id)
    assert session.level == RiskLevel.CONCERN


async def test_a_drop_of_ten_points_is_a_watch_with_its_reason(harness: Harness) -> None:
    """From 20 to 17 raw (80 to 68 on 0–100) is a drop worth a watch, kept for the digest."""
    ids = await make_family(harness)
    await _weeks(harness, ids, 3)
    await advance_to(harness, SATURDAYS[3])
    await answer_all(harness, CHILD, {"who5_1": "3", "who5_2": "3", "who5_3": "3"})
    [first, second] = await _scores(harness, ids.child_id)
    assert (first.raw, second.raw) == (20, 17)
    [alert] = await _alerts_of(harness, ids.child_id)
    assert (alert.level, alert.category, alert.status) == (
        RiskLevel.WATCH,
        "wellbeing_drop",
        alerts.WATCH,
    )
    assert alert.reasons == [{"category": "wellbeing_drop", "code": "trend:who5_drop"}]


async def test_the_next_week_after_a_low_score_is_the_follow_up(harness: Harness) -> None:
    """A low WHO-5 makes the next check-in the short follow-up, like any concern."""
    ids = await make_family(harness)
    await _weeks(harness, ids, 1)
    await advance_to(harness, SATURDAYS[1])
    await answer_all(harness, CHILD, LOW)
    await advance_to(harness, SATURDAYS[2])
    assert (await latest_session(harness, ids.child_id)).set_id == "followup"


@pytest.mark.parametrize(
    ("band", "raw", "low"),
    [("10-12", 10, True), ("10-12", 11, False), ("13-16", 9, True), ("13-16", 10, False)],
)
def test_the_cut_off_depends_on_the_age_band(band: str, raw: int, low: bool) -> None:
    """Low well-being is raw ≤ 10 at 10–12 and raw ≤ 9 at 13–16."""
    found = assess_wellbeing(raw, previous=None, age_band=band)
    assert (found.level == RiskLevel.CONCERN) is low
    assert (found.primary_category == "low_wellbeing") is low


def test_an_unknown_age_uses_the_higher_cut_off_and_small_drops_pass() -> None:
    """Without an age band raw 10 is low; a fall of 2 raw points (8 on 0–100) is no drop."""
    assert assess_wellbeing(10, previous=None, age_band=None).level == RiskLevel.CONCERN
    assert assess_wellbeing(18, previous=20, age_band="13-16").level == RiskLevel.NONE
    assert assess_wellbeing(17, previous=20, age_band="13-16").level == RiskLevel.WATCH
    with pytest.raises(ValueError, match="outside"):
        assess_wellbeing(26, previous=None, age_band=None)
