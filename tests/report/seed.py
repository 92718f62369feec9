"""A hand-countable November 2026 for the monthly report, written as the features write it.

Expected figures (Asia/Shanghai month 2026-11, weeks W45–W48):
families 3 (2 new), children 3 (2 new); lessons 2; check-ins W45 3 reached / 2 answered,
W46 1/1, W47 0/0, W48 0/0 (a missed one does not count); alerts urgent self_harm 1,
concern bullying 2 (a watch row and an October alert do not count); minutes to claim
6, 20, 2 → median 6, p90 20; to resolve 60, 30 → median 45, p90 60; unreachable: F-TSTC (南村).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.levels import RiskLevel
from bot.simtelegram.harness import Harness, Persona
from storage import alerts, lessons, people
from tests.alerts.desk import checkin_answered, raise_alert
from tests.factories import FamilyIds, make_family

START = datetime(2026, 10, 20, 2, 0, tzinfo=UTC)
CHILD_WORDS = "我不想上学了，没人跟我玩"
MINUTE = 60


def at(month: int, day: int, hour: int = 2) -> datetime:
    """A UTC moment in 2026 (02:00 UTC is 10:00 in Shanghai)."""
    return datetime(2026, month, day, hour, 0, tzinfo=UTC)


def move_to(h: Harness, moment: datetime) -> None:
    """Set the hand-moved clock (forward only) without running jobs."""
    h.clock.advance(moment - h.clock.now())


def persona(h: Harness, name: str, user_id: int) -> None:
    """One more simulated user the factories can name."""
    h.personas[name] = Persona(name, user_id, name)
    h.sim.add_user(user_id, name)


@dataclass(frozen=True)
class Seeded:
    """The seeded families."""

    a: FamilyIds
    b: FamilyIds
    c: FamilyIds


async def _claim_resolve(
    h: Harness, alert_id: int, claim_after: int, resolve_after: int | None, by: int
) -> None:
    base = h.runtime.ts()

    def write(conn: sqlite3.Connection) -> None:
        assert alerts.claim(conn, alert_id, by, base + claim_after * MINUTE)
        if resolve_after is not None:
            at_ = base + resolve_after * MINUTE
            assert alerts.resolve(conn, alert_id, by, "handled", at_)

    await h.runtime.db.tx(write)


async def _finish_lesson(h: Harness, person_id: int, lesson_id: str) -> None:
    now = h.runtime.ts()

    def write(conn: sqlite3.Connection) -> None:
        who, which = person_id, lesson_id
        lessons.start(conn, person_id=who, lesson_id=which, version=1, follow_up_of=None, now=now)
        lessons.move(
            conn,
            person_id=who,
            lesson_id=which,
            from_stage="step",
            from_step=0,
            to_stage="practice",
            to_step=0,
            now=now,
        )
        lessons.finish(conn, person_id=who, lesson_id=which, now=now)

    await h.runtime.db.tx(write)


async def seed_november(h: Harness, *, december: bool = True) -> Seeded:
    """Write the month described in this module's docstring (the harness starts at START);
    `december`: also a family that joins on 2 December (the clock ends there)."""
    for name, uid in (("gb", 2001), ("cb", 2002), ("gc", 2003), ("gd", 2005), ("cd", 2006)):
        persona(h, name, uid)
    a = await make_family(h, suffix="A", label="东村")
    await checkin_answered(h, a.child_id, "2026-W44", mood=2)
    move_to(h, at(10, 31))
    october = await raise_alert(h, a.caregiver_id, source="october")
    assert october is not None
    await _finish_lesson(h, a.caregiver_id, "stress-pause")
    move_to(h, at(11, 1, 0))  # 08:00 on 1 November: the claim falls in November
    await _claim_resolve(h, october, 0, None, a.volunteer_id)

    move_to(h, at(11, 3))
    b = await make_family(h, caregiver="gb", child="cb", suffix="B", label="西村")
    c = await make_family(h, caregiver="gc", shared_phone=True, suffix="C", label="南村")
    await checkin_answered(h, a.child_id, "2026-W45", mood=4, text=CHILD_WORDS)
    await checkin_answered(h, b.child_id, "2026-W45", mood=3)
    await checkin_answered(h, c.child_id, "2026-W45", mood=None, status="closed")

    move_to(h, at(11, 5))
    first = await raise_alert(h, a.child_id, source="urgent", category="self_harm")
    assert first is not None
    await _claim_resolve(h, first, 6, 60, a.volunteer_id)

    move_to(h, at(11, 10))
    await checkin_answered(h, a.child_id, "2026-W46", mood=5)
    second = await raise_alert(
        h, b.child_id, source="bully", level=RiskLevel.CONCERN, category="bullying"
    )
    assert second is not None
    await _claim_resolve(h, second, 20, None, b.volunteer_id)

    move_to(h, at(11, 12))
    third = await raise_alert(
        h, c.caregiver_id, source="adult", level=RiskLevel.CONCERN, category="bullying"
    )
    assert third is not None
    await _claim_resolve(h, third, 2, 30, c.volunteer_id)
    await raise_alert(h, c.child_id, source="watch", level=RiskLevel.WATCH, category="low_mood")
    await _finish_lesson(h, b.caregiver_id, "stress-pause")
    await _finish_lesson(h, a.caregiver_id, "homework-help")

    move_to(h, at(11, 20))
    unreachable_at = h.runtime.ts()
    await h.runtime.db.tx(lambda conn: people.set_unreachable(conn, c.caregiver_id, unreachable_at))
    move_to(h, at(11, 24))
    await checkin_answered(h, b.child_id, "2026-W48", mood=None, status="missed")

    if not december:
        return Seeded(a, b, c)
    move_to(h, at(12, 2))
    d = await make_family(h, caregiver="gd", child="cd", suffix="D", label="北村")
    await checkin_answered(h, d.child_id, "2026-W49", mood=3)
    move_to(h, h.clock.now() + timedelta(hours=1))
    return Seeded(a, b, c)
