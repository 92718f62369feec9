"""Which questions a child's check-in asks this week: the set, the WHO-5 cadence, the rotation.

A session stores its plan in `set_id`: the base set's id, then `+` and the rotating question
when one is asked (`weekly+basics`, `who5+chores`, `followup`). Set ids never contain `+`,
so the plan reads back unambiguously, and every later step (answers, reminders, /checkin)
rebuilds the same questions from it: a content change between weeks never shifts a session
that is already open.

- `followup` after a period whose answers reached concern (short, no rotation);
- else `who5` every second week: when no WHO-5 reached the child in the previous period.
  A WHO-5 week that was missed comes back the next week; a child's very first check-in is
  the ordinary weekly one (a gentle start);
- else `weekly`.
- Weekly and WHO-5 sets ask one rotating question (content/checkins/weekly.yaml `rotating`),
  chosen by the week: week number since 1970-01-05 modulo the number of rotating questions,
  so four questions come round once every four weeks, in file order, whatever the set.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from bot.content import CheckinQuestion, CheckinSet, QuestionType
from bot.content.measures import WHO5_SET
from bot.levels import RiskLevel
from storage import checkins as repo
from storage import measures

if TYPE_CHECKING:
    from bot.content import ContentBundle

WEEKLY, FOLLOWUP = "weekly", "followup"
SEPARATOR = "+"
WHO5_EVERY_WEEKS = 2
_EPOCH_MONDAY = date(1970, 1, 5)

_PLANS: dict[tuple[ContentBundle, str], CheckinSet] = {}
_PLANS_MAX = 256


def week_index(period: str) -> int:
    """Weeks from 1970-01-05 to the Monday of an ISO week such as `2026-W03`."""
    year, _, week = period.partition("-W")
    monday = date.fromisocalendar(int(year), int(week), 1)
    return (monday - _EPOCH_MONDAY).days // 7


def rotating_question(content: ContentBundle, period: str) -> CheckinQuestion | None:
    """The rotating question of a period (None when the weekly set has none)."""
    try:
        rotation = content.checkin(WEEKLY).rotating
    except KeyError:
        return None
    if not rotation:
        return None
    return rotation[week_index(period) % len(rotation)]


def who5_due(conn: sqlite3.Connection, content: ContentBundle, child_id: int, period: str) -> bool:
    """WHO-5 this period: the set exists, the child has had a check-in before, and none of the
    last `WHO5_EVERY_WEEKS - 1` periods brought them a WHO-5."""
    if WHO5_SET not in content.checkins:
        return False
    if not measures.has_earlier_session(conn, child_id, period):
        return False
    last = measures.last_delivered_period(conn, child_id, WHO5_SET, period)
    return last is None or week_index(period) - week_index(last) >= WHO5_EVERY_WEEKS


def choose_plan(
    conn: sqlite3.Connection, content: ContentBundle, child_id: int, period: str
) -> str:
    """The plan id for a child's session in `period` (see the module docstring)."""
    earlier = repo.before_period(conn, child_id, period, 1, skip_missed=True)
    if earlier and earlier[0].level >= RiskLevel.CONCERN and FOLLOWUP in content.checkins:
        return FOLLOWUP
    base = WHO5_SET if who5_due(conn, content, child_id, period) else WEEKLY
    extra = rotating_question(content, period)
    return base if extra is None else f"{base}{SEPARATOR}{extra.id}"


def resolve(content: ContentBundle, plan_id: str) -> CheckinSet:
    """The questions of a plan: the base set with its rotating question before the last one.

    An unknown base falls back to `weekly` and an unknown rotating question is left out, so a
    session started before a content change still runs. The composed set is cached per bundle,
    so its questions keep their identity (the rendered-question cache relies on it).
    """
    key = (content, plan_id)
    found = _PLANS.get(key)
    if found is not None:
        return found
    base_id, _, extra_id = plan_id.partition(SEPARATOR)
    try:
        base = content.checkin(base_id)
    except KeyError:
        base = content.checkin(WEEKLY)
    composed = base
    extra = _rotating_by_id(content, extra_id) if extra_id else None
    if extra is not None and all(q.id != extra.id for q in base.questions):
        questions = list(base.questions)
        last = questions[-1] if questions else None
        at = (
            len(questions) - 1
            if last is not None and last.type is QuestionType.FREE_TEXT
            else len(questions)
        )
        questions.insert(at, extra)
        composed = replace(base, questions=tuple(questions))
    if len(_PLANS) >= _PLANS_MAX:
        _PLANS.clear()
    _PLANS[key] = composed
    return composed


def _rotating_by_id(content: ContentBundle, question_id: str) -> CheckinQuestion | None:
    try:
        rotation = content.checkin(WEEKLY).rotating
    except KeyError:
        return None
    return next((q for q in rotation if q.id == question_id), None)


def base_of(plan_id: str) -> str:
    """The base set of a plan id (`who5+chores` → `who5`)."""
    return plan_id.partition(SEPARATOR)[0]
