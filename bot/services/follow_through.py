"""Follow-through after a lesson: the caregiver picks a day, Qiao asks then how it went.

The practice task ends with three big buttons (today / tomorrow / this weekend). Pressing one
finishes the lesson and stores a plan row with the moment to ask: the evening of that day in
the family's time zone (`[lessons] follow_through_time`). A periodic job asks the due rows
outside quiet hours, so a restart loses nothing and asks nothing twice. Each answer (went
well / hard / didn't try) gets the lesson's own tip (`practice_tips` in the lesson file) or,
for a lesson without tips, a general one from content/ui. A lesson planned this way is not
asked about again at the start of the next lesson.

Transport-free: every function takes an open connection (the caller runs it inside one
transaction) and returns what the chat should show, or None for a stale or forged press.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.content.models import PRACTICE_ANSWERS, Localized
from bot.services import lessons as lesson_service
from bot.services import schedule
from bot.services.delivery import SendOutcome
from bot.services.schedule import at_local, in_quiet_hours, local_time, minute_of
from storage import families, people
from storage import lessons as lesson_store
from storage import practice as store

if TYPE_CHECKING:
    from bot.config import QuietHoursConfig
    from bot.content import ContentBundle, Lesson

PLANS: tuple[str, ...] = store.PLANS
ANSWERS: tuple[str, ...] = store.ANSWERS

MIN_GAP_SECONDS = 3 * 3600
"""The question never comes sooner than this after the plan: "today" pressed in the late
afternoon is asked about the next evening instead."""

EXPIRE_AFTER_SECONDS = 3 * 86400
"""A question that could not be asked within this long after its moment (the caregiver
paused Qiao, or was unreachable) is dropped: asking about last month's task would confuse."""

SUNDAY = 6

_AS_FOLLOW_UP = {"went_well": "tried", "hard": "some", "not_tried": "not_yet"}
"""The answer as the lesson's follow-up (tried / a little / not yet), so progress reports and
the export read the same whichever way the caregiver was asked."""


@dataclass(frozen=True)
class Planned:
    """A finished lesson with its plan: when Qiao will ask."""

    finished: lesson_service.Finished
    plan: str
    due_at: int
    zone: ZoneInfo


@dataclass(frozen=True)
class Ask:
    """A due question claimed for sending, with the names its lesson text may use."""

    lesson: Lesson
    who: lesson_service.Learner
    chat_id: int

    @property
    def person_id(self) -> int:
        """The caregiver asked."""
        return self.who.person.id

    @property
    def pseudonym(self) -> str:
        """The caregiver's pseudonym, for logs."""
        return self.who.person.pseudonym


AskOutcome = SendOutcome
"""How sending one question went."""


@dataclass(frozen=True)
class Answered:
    """A recorded answer and the lesson it was about."""

    lesson: Lesson
    answer: str


def due_at(plan: str, now: int, where: ZoneInfo, ask_time: time) -> int:
    """When to ask about a plan made at `now`: the evening of the chosen day, local time.

    today → today; tomorrow → tomorrow; weekend → the coming Sunday (today on a Sunday).
    A moment less than MIN_GAP_SECONDS away moves to the next day.
    """
    if plan not in PLANS:
        raise ValueError(f"unknown practice plan {plan!r}")
    today = local_time(now, where).date()
    if plan == "today":
        day = today
    elif plan == "tomorrow":
        day = today + timedelta(days=1)
    else:
        day = today + timedelta(days=(SUNDAY - today.weekday()) % 7)
    return _not_too_soon(day, now, where, ask_time)


def _not_too_soon(day: date, now: int, where: ZoneInfo, ask_time: time) -> int:
    minute = minute_of(ask_time)
    moment = at_local(day, minute, where)
    while moment < now + MIN_GAP_SECONDS:
        day += timedelta(days=1)
        moment = at_local(day, minute, where)
    return moment


def plan_practice(
    conn: sqlite3.Connection,
    content: ContentBundle,
    person_id: int,
    lesson_id: str,
    plan: str,
    *,
    now: int,
    ask_time: time,
    default_timezone: str,
) -> Planned | None:
    """A day picked under the practice task: finish the lesson and store when to ask.

    None (nothing changed) for an unknown plan or a lesson not at its practice task.
    """
    if plan not in PLANS:
        return None
    finished = lesson_service.finish(conn, content, person_id, lesson_id, now)
    if finished is None:
        return None
    person = people.by_id(conn, person_id)
    family = (
        families.get(conn, person.family_id)
        if person is not None and person.family_id is not None
        else None
    )
    family_zone = None if family is None else family.timezone
    where = schedule.zone_or(family_zone, default_timezone)
    moment = due_at(plan, now, where, ask_time)
    store.add(conn, person_id=person_id, lesson_id=lesson_id, plan=plan, due_at=moment, now=now)
    return Planned(finished, plan, moment, where)


def learner_of(conn: sqlite3.Connection, person_id: int) -> lesson_service.Learner | None:
    """The caregiver with the names lesson texts use (None if the row is gone)."""
    person = people.by_id(conn, person_id)
    return None if person is None else lesson_service.learner(conn, person)


def planned(conn: sqlite3.Connection, person_id: int, lesson_id: str) -> bool:
    """Tell whether the caregiver planned this lesson's practice (then it is asked by the job)."""
    return store.get(conn, person_id, lesson_id) is not None


def claim_due(
    conn: sqlite3.Connection,
    content: ContentBundle,
    *,
    now: datetime,
    quiet: QuietHoursConfig,
    default_timezone: str,
) -> list[Ask]:
    """Claim the questions due now (outside the family's quiet hours) before sending them.

    A due row whose lesson left the content, or that is days overdue, expires instead.
    """
    ts = int(now.timestamp())
    claimed: list[Ask] = []
    for row in store.due(conn, ts):
        lesson = _lesson(content, row.lesson_id)
        person = people.by_id(conn, row.person_id)
        if lesson is None or person is None or ts - row.due_at > EXPIRE_AFTER_SECONDS:
            store.set_status(
                conn, row.person_id, row.lesson_id, from_status="planned", to_status="expired"
            )
            continue
        where = schedule.zone_or(row.timezone, default_timezone)
        if in_quiet_hours(ts, where, quiet.start, quiet.end):
            continue
        if store.set_status(
            conn, row.person_id, row.lesson_id, from_status="planned", to_status="asking", now=ts
        ):
            who = lesson_service.learner(conn, person)
            claimed.append(Ask(lesson, who, row.chat_id))
    return claimed


def _lesson(content: ContentBundle, lesson_id: str) -> Lesson | None:
    try:
        return content.lesson(lesson_id)
    except KeyError:
        return None


def settle(conn: sqlite3.Connection, outcomes: list[tuple[Ask, AskOutcome]], now: int) -> None:
    """Record how each claimed question went; a blocked chat makes its caregiver unreachable."""
    for ask, outcome in outcomes:
        key = (ask.person_id, ask.lesson.id)
        if outcome is AskOutcome.SENT:
            store.set_status(conn, *key, from_status="asking", to_status="asked")
        elif outcome is AskOutcome.BLOCKED:
            store.set_status(conn, *key, from_status="asking", to_status="failed")
            people.set_unreachable(conn, ask.person_id, now)
        elif outcome is AskOutcome.FAILED:
            store.set_status(conn, *key, from_status="asking", to_status="failed")
        else:
            store.set_status(conn, *key, from_status="asking", to_status="planned")


def answer(
    conn: sqlite3.Connection,
    content: ContentBundle,
    person_id: int,
    lesson_id: str,
    value: str,
    now: int,
) -> Answered | None:
    """Record how the practice went; None unless this question was asked and is unanswered."""
    if value not in ANSWERS:
        return None
    try:
        lesson = content.lesson(lesson_id)
    except KeyError:
        return None
    if not store.record_answer(
        conn, person_id=person_id, lesson_id=lesson_id, answer=value, now=now
    ):
        return None
    lesson_store.record_follow_up(
        conn, person_id=person_id, lesson_id=lesson_id, answer=_AS_FOLLOW_UP[value], now=now
    )
    people.set_unreachable(conn, person_id, None)
    return Answered(lesson, value)


def practice_tip(lesson: Lesson, value: str) -> Localized | None:
    """The lesson's own tip for an answer (`practice_tips` in its file); None for no answer."""
    if value not in PRACTICE_ANSWERS:
        return None
    return lesson.practice_tips.for_answer(value)
