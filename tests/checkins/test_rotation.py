"""The monthly rotating question: one a week, in file order, in weekly and WHO-5 weeks alike."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.simtelegram.harness import Harness
from storage import checkins as repo
from tests.checkins.answering import answer_all
from tests.checkins.support import CHILD, advance_to, answers, sessions
from tests.factories import make_family

ROTATION = ("basics", "chores", "homework", "home_alone")


def _asked_rotating(asked: list[str]) -> str:
    [found] = [q for q in asked if q in ROTATION]
    return found


async def test_the_rotating_question_cycles_through_all_four_in_order(harness: Harness) -> None:
    """Over five weeks each rotating question comes once in file order, then the first again."""
    await make_family(harness)
    seen: list[str] = []
    first = datetime(2026, 1, 10, 10, 1)
    for week in range(5):
        await advance_to(harness, first + timedelta(weeks=week))
        seen.append(_asked_rotating(await answer_all(harness, CHILD)))
    start = ROTATION.index(seen[0])
    assert seen == [ROTATION[(start + n) % 4] for n in range(5)]


async def test_a_rotating_answer_is_stored_and_its_category_names_the_alert(
    harness: Harness,
) -> None:
    """A worrying rotating answer is stored like any answer and raises its own category."""
    ids = await make_family(harness)
    first = datetime(2026, 1, 10, 10, 1)
    for week in range(4):
        await advance_to(harness, first + timedelta(weeks=week))
        asked = await answer_all(
            harness,
            CHILD,
            {"basics": "often", "chores": "too_much", "homework": "no_one", "home_alone": "always"},
        )
        if "basics" in asked:
            break
    session = (await sessions(harness, ids.child_id))[-1]
    stored = {a.question_id: a for a in await answers(harness, session.id)}
    assert stored["basics"].option_id == "often"
    assert stored["basics"].level == 2
    assert stored["basics"].reasons == [{"category": "neglect", "code": "answer:basics:often"}]
    assert session.level == 2
    assert {"category": "neglect", "code": "answer:basics:often"} in session.reasons


async def test_the_plan_is_kept_in_the_session(harness: Harness) -> None:
    """A session's set id names its rotating question, so reminders ask the same questions."""
    ids = await make_family(harness)
    await advance_to(harness, datetime(2026, 1, 10, 10, 1))
    [session] = await sessions(harness, ids.child_id)
    base, _, extra = session.set_id.partition("+")
    assert base == "weekly"
    assert extra in ROTATION
    answered = await harness.runtime.db.run(lambda c: repo.answers(c, session.id))
    assert answered == []
