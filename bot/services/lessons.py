"""Lessons for grandparents: where each one is, what comes next, and what a press may change.

Transport-free: every function takes an open connection (the caller runs it inside one
transaction), the content and the time, and returns what the chat should show next, or None
when the request is stale (an old or repeated button) and must change nothing.

Lesson order is data: content/lessons/sequence.yaml lists every lesson once, so the NGO puts
safety first (warning signs, body safety and what to do when a child tells come within the
first four lessons) without a code change. A grandparent who already took some lessons keeps
them: the next lesson is the first in the sequence not yet started, whatever order the
earlier ones were taken in. Content without a sequence file falls back to interleaving the
tracks (the first lesson of every track, then the second, and so on).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.content.models import PARENT_TRACK
from bot.levels import RiskLevel
from bot.services.alerts import raise_alert_tx
from bot.services.delivery import SendOutcome
from storage import families, people
from storage import lessons as store
from storage import practice as practice_store
from storage import voice as voice_store
from storage.lessons import Progress
from storage.people import Person

if TYPE_CHECKING:
    from bot.config import QuietHoursConfig
    from bot.content import ContentBundle, Lesson, LessonOption

FOLLOW_UP_AFTER_SECONDS = 20 * 3600
"""A finished lesson's follow-up waits this long: asking "did you try it?" minutes after the
practice task was set would be silly, so two lessons taken back to back skip the question."""

FOLLOW_UP_ANSWERS: tuple[str, ...] = store.FOLLOW_UP_ANSWERS
"""The standard follow-up buttons: tried / tried a little / not yet."""

NUDGE_GAP_SECONDS = 7 * 86400
"""Never more than one reminder a week."""


class Screen(StrEnum):
    """What the chat shows at a position."""

    FOLLOW_UP = "follow_up"
    STEP = "step"
    QUESTION = "question"
    PRACTICE = "practice"
    ALL_DONE = "all_done"


@dataclass(frozen=True)
class Position:
    """Where a caregiver is: a screen of a lesson (no lesson once every lesson is done)."""

    screen: Screen
    lesson: Lesson | None = None
    step: int = 0
    follow_up_of: Lesson | None = None


@dataclass(frozen=True)
class Learner:
    """What lesson texts may name: the caregiver's form of address and the child's nickname."""

    person: Person
    name: str | None
    child: str | None
    voice: bool = False  # "read it to me": steps with a recording come as voice notes


@dataclass(frozen=True)
class TrackProgress:
    """How many lessons of a track a caregiver finished."""

    track: str
    done: int
    total: int


@dataclass(frozen=True)
class Overview:
    """Progress per track, in content order, and the lesson /next would show."""

    tracks: tuple[TrackProgress, ...]
    current: Lesson | None
    upcoming: Lesson | None
    started_any: bool


@dataclass(frozen=True)
class Chosen:
    """An answer to a lesson's question, and the practice task that follows it."""

    lesson: Lesson
    option: LessonOption
    position: Position


@dataclass(frozen=True)
class Finished:
    """A lesson just finished, with its track's progress and whether more lessons remain."""

    lesson: Lesson
    track: TrackProgress
    finished_count: int
    more: bool


@dataclass(frozen=True)
class FollowedUp:
    """A recorded follow-up answer, and where the new lesson goes on."""

    about: Lesson
    answer: str
    position: Position


class HelpOutcome(StrEnum):
    """What pressing "ask a volunteer" did."""

    RAISED = "raised"
    ALREADY_OPEN = "already_open"


@dataclass(frozen=True)
class Nudge:
    """A reminder claimed for sending: whom to send it to and in which language."""

    nudge_id: int
    person_id: int
    pseudonym: str
    chat_id: int
    lang: str
    name: str | None


def can_take_lessons(person: Person | None) -> bool:
    """Lessons are for active caregivers and parents (a paused one may still open them)."""
    return (
        person is not None and person.role in ("caregiver", "parent") and person.status == "active"
    )


def _is_parent(conn: sqlite3.Connection, person_id: int) -> bool:
    person = people.by_id(conn, person_id)
    return person is not None and person.role == "parent"


def tracks_for(content: ContentBundle, *, parent: bool) -> tuple[str, ...]:
    """A parent's one track, or the grandparents' tracks."""
    return (PARENT_TRACK,) if parent else content.tracks


def lesson_order(content: ContentBundle, *, parent: bool = False) -> tuple[Lesson, ...]:
    """Every lesson in the order they are offered: the sequence file's, else tracks interleaved;
    parents get their own track in its order."""
    if parent:
        return content.parent_lessons
    if content.sequence:
        return content.sequence
    by_track = [content.lessons_in(track) for track in content.tracks]
    longest = max((len(lessons) for lessons in by_track), default=0)
    return tuple(
        lessons[index] for index in range(longest) for lessons in by_track if index < len(lessons)
    )


def learner(conn: sqlite3.Connection, person: Person) -> Learner:
    """The caregiver with the names their lessons use; a child's name only if there is one child."""
    nickname = None
    if person.family_id is not None:
        mine = [
            c
            for c in families.children_of(conn, person.family_id)
            if c.caregiver_id in (person.id, None)
        ]
        if len(mine) == 1:
            child = people.by_id(conn, mine[0].person_id)
            nickname = child.display_name if child else None
    voice = voice_store.mode(conn, person.id) is True
    return Learner(person, person.display_name or None, nickname or None, voice)


# --- reading and moving ---------------------------------------------------------------------


def _opened(conn: sqlite3.Connection, person_id: int, now: int) -> None:
    """Any lesson action counts as opening a lesson; it also proves the chat is reachable."""
    store.touch(conn, person_id, now)
    people.set_unreachable(conn, person_id, None)


def _lesson(content: ContentBundle, lesson_id: str | None) -> Lesson | None:
    if lesson_id is None:
        return None
    try:
        return content.lesson(lesson_id)
    except KeyError:
        return None


def _current(
    conn: sqlite3.Connection, content: ContentBundle, person_id: int, now: int
) -> Progress | None:
    """The unfinished lesson, repaired if the content changed since it was stored."""
    progress = store.current(conn, person_id)
    if progress is None:
        return None
    lesson = _lesson(content, progress.lesson_id)
    if lesson is None:  # withdrawn from the content: nothing to resume
        store.drop(conn, person_id=person_id, lesson_id=progress.lesson_id)
        return None
    if progress.version != lesson.version:  # its meaning changed: take it again from the start
        store.restart(
            conn, person_id=person_id, lesson_id=lesson.id, version=lesson.version, now=now
        )
    elif progress.stage == "step" and progress.step >= len(lesson.steps):
        store.move(
            conn,
            person_id=person_id,
            lesson_id=lesson.id,
            from_stage="step",
            from_step=progress.step,
            to_stage="question",
            to_step=0,
            now=now,
        )
    progress = store.current(conn, person_id)
    if (
        progress is not None
        and progress.stage == "follow_up"
        and _lesson(content, progress.follow_up_of) is None
    ):
        store.skip_follow_up(conn, person_id=person_id, lesson_id=progress.lesson_id, now=now)
        progress = store.current(conn, person_id)
    return progress


def _position(content: ContentBundle, progress: Progress) -> Position:
    lesson = content.lesson(progress.lesson_id)
    if progress.stage == "follow_up":
        return Position(Screen.FOLLOW_UP, lesson, 0, _lesson(content, progress.follow_up_of))
    if progress.stage == "step":
        return Position(Screen.STEP, lesson, progress.step)
    if progress.stage == "question":
        return Position(Screen.QUESTION, lesson)
    return Position(Screen.PRACTICE, lesson)


def _next_lesson(conn: sqlite3.Connection, content: ContentBundle, person_id: int) -> Lesson | None:
    taken = {p.lesson_id for p in store.all_of(conn, person_id)}
    order = lesson_order(content, parent=_is_parent(conn, person_id))
    return next((lesson for lesson in order if lesson.id not in taken), None)


def _pending_follow_up(
    conn: sqlite3.Connection, content: ContentBundle, person_id: int, now: int
) -> Lesson | None:
    """The last finished lesson, if its practice was not asked about yet and had time to happen."""
    last = store.last_finished(conn, person_id)
    if last is None or last.follow_up is not None or last.finished_at is None:
        return None
    if now - last.finished_at < FOLLOW_UP_AFTER_SECONDS:
        return None
    if practice_store.get(conn, person_id, last.lesson_id) is not None:
        return None  # planned: asked at the time the caregiver chose (services/follow_through)
    return _lesson(content, last.lesson_id)


def resume(conn: sqlite3.Connection, content: ContentBundle, person_id: int, now: int) -> Position:
    """Where /next goes: the open lesson's current screen, or the next lesson's first."""
    _opened(conn, person_id, now)
    progress = _current(conn, content, person_id, now)
    if progress is not None:
        return _position(content, progress)
    lesson = _next_lesson(conn, content, person_id)
    if lesson is None:
        return Position(Screen.ALL_DONE)
    about = _pending_follow_up(conn, content, person_id, now)
    store.start(
        conn,
        person_id=person_id,
        lesson_id=lesson.id,
        version=lesson.version,
        follow_up_of=about.id if about else None,
        now=now,
    )
    if about is not None:
        return Position(Screen.FOLLOW_UP, lesson, 0, about)
    return Position(Screen.STEP, lesson, 0)


def advance(
    conn: sqlite3.Connection,
    content: ContentBundle,
    person_id: int,
    lesson_id: str,
    step: int,
    now: int,
) -> Position | None:
    """A press of next on step `step`: the following step or the question; None if not current."""
    progress = _current(conn, content, person_id, now)
    if (
        progress is None
        or progress.lesson_id != lesson_id
        or progress.stage != "step"
        or progress.step != step
    ):
        return None
    lesson = content.lesson(lesson_id)
    last = step + 1 >= len(lesson.steps)
    to_stage, to_step = ("question", 0) if last else ("step", step + 1)
    moved = store.move(
        conn,
        person_id=person_id,
        lesson_id=lesson_id,
        from_stage="step",
        from_step=step,
        to_stage=to_stage,
        to_step=to_step,
        now=now,
    )
    if not moved:
        return None
    _opened(conn, person_id, now)
    if last:
        return Position(Screen.QUESTION, lesson)
    return Position(Screen.STEP, lesson, to_step)


def choose(
    conn: sqlite3.Connection,
    content: ContentBundle,
    person_id: int,
    lesson_id: str,
    option_id: str,
    now: int,
) -> Chosen | None:
    """An answer to the open question; None if the question is not open or the option unknown."""
    progress = _current(conn, content, person_id, now)
    if progress is None or progress.lesson_id != lesson_id or progress.stage != "question":
        return None
    lesson = content.lesson(lesson_id)
    try:
        option = lesson.question.option(option_id)
    except KeyError:
        return None
    if not store.record_answer(
        conn, person_id=person_id, lesson_id=lesson_id, option_id=option.id, now=now
    ):
        return None
    _opened(conn, person_id, now)
    return Chosen(lesson, option, Position(Screen.PRACTICE, lesson))


def _track_progress(
    conn: sqlite3.Connection, content: ContentBundle, person_id: int
) -> dict[str, TrackProgress]:
    done = {p.lesson_id for p in store.all_of(conn, person_id) if p.stage == "done"}
    result: dict[str, TrackProgress] = {}
    for track in tracks_for(content, parent=_is_parent(conn, person_id)):
        lessons = content.lessons_in(track)
        count = sum(1 for lesson in lessons if lesson.id in done)
        result[track] = TrackProgress(track, count, len(lessons))
    return result


def finish(
    conn: sqlite3.Connection,
    content: ContentBundle,
    person_id: int,
    lesson_id: str,
    now: int,
) -> Finished | None:
    """The practice task acknowledged: the lesson is done; None unless it was at that task."""
    progress = _current(conn, content, person_id, now)
    if progress is None or progress.lesson_id != lesson_id or progress.stage != "practice":
        return None
    if not store.finish(conn, person_id=person_id, lesson_id=lesson_id, now=now):
        return None
    _opened(conn, person_id, now)
    lesson = content.lesson(lesson_id)
    tracks = _track_progress(conn, content, person_id)
    count = sum(t.done for t in tracks.values())
    more = _next_lesson(conn, content, person_id) is not None
    return Finished(lesson, tracks[lesson.track], count, more)


def answer_follow_up(
    conn: sqlite3.Connection,
    content: ContentBundle,
    person_id: int,
    about_id: str,
    answer: str,
    now: int,
) -> FollowedUp | None:
    """Record how last lesson's practice went and open the new lesson; None if not asked now."""
    if answer not in FOLLOW_UP_ANSWERS:
        return None
    progress = _current(conn, content, person_id, now)
    if progress is None or progress.stage != "follow_up" or progress.follow_up_of != about_id:
        return None
    about = content.lesson(about_id)
    moved = store.move(
        conn,
        person_id=person_id,
        lesson_id=progress.lesson_id,
        from_stage="follow_up",
        from_step=progress.step,
        to_stage="step",
        to_step=0,
        now=now,
    )
    if not moved:
        return None
    store.record_follow_up(conn, person_id=person_id, lesson_id=about_id, answer=answer, now=now)
    _opened(conn, person_id, now)
    lesson = content.lesson(progress.lesson_id)
    return FollowedUp(about, answer, Position(Screen.STEP, lesson, 0))


def overview(
    conn: sqlite3.Connection, content: ContentBundle, person_id: int, now: int
) -> Overview:
    """What /lessons shows: progress per track and the lesson /next continues with."""
    _opened(conn, person_id, now)
    progress = _current(conn, content, person_id, now)
    current = _lesson(content, progress.lesson_id) if progress else None
    upcoming = None if current else _next_lesson(conn, content, person_id)
    tracks = _track_progress(conn, content, person_id)
    started = bool(store.all_of(conn, person_id))
    return Overview(tuple(tracks.values()), current, upcoming, started)


def recording(
    conn: sqlite3.Connection, content: ContentBundle, person_id: int, lesson_id: str, step: int
) -> Path | None:
    """The recording of a step the caregiver has reached (the 🔊 button); None otherwise."""
    lesson = _lesson(content, lesson_id)
    progress = store.get(conn, person_id, lesson_id)
    if lesson is None or progress is None or not 0 <= step < len(lesson.steps):
        return None
    if progress.stage == "follow_up" or (progress.stage == "step" and step > progress.step):
        return None
    return lesson.steps[step].audio


# --- asking a volunteer ---------------------------------------------------------------------


def request_help(
    conn: sqlite3.Connection, content: ContentBundle, person_id: int, now: int
) -> HelpOutcome:
    """Raise a help request for the volunteer group, unless one is still open."""
    if store.open_help_request(conn, person_id):
        return HelpOutcome.ALREADY_OPEN
    progress = store.current(conn, person_id)
    request_id = store.insert_help_request(
        conn, person_id=person_id, lesson_id=progress.lesson_id if progress else None, now=now
    )
    alert_id = raise_alert_tx(
        conn,
        content,
        kind="help_request",
        person_id=person_id,
        level=RiskLevel.CONCERN,
        category="help_request",
        reasons=[],
        source=f"help:{request_id}",
        now=now,
    )
    store.set_help_alert(conn, request_id, alert_id)
    return HelpOutcome.RAISED


# --- nudges ---------------------------------------------------------------------------------


def _zone(name: str | None, default: str) -> ZoneInfo:
    for candidate in (name, default):
        if not candidate:
            continue
        try:
            return ZoneInfo(candidate)
        except (ZoneInfoNotFoundError, ValueError):
            continue
    return ZoneInfo("UTC")


def has_lesson_left(conn: sqlite3.Connection, content: ContentBundle, person_id: int) -> bool:
    """Whether a caregiver has a lesson under way or one still to take (else no reminder)."""
    return (
        store.current(conn, person_id) is not None
        or _next_lesson(conn, content, person_id) is not None
    )


def claim_nudges(
    conn: sqlite3.Connection,
    content: ContentBundle,
    *,
    now: datetime,
    after_days: int,
    quiet: QuietHoursConfig,
    default_timezone: str,
) -> list[Nudge]:
    """Pick the caregivers due a reminder now and record each nudge before it is sent.

    Due: idle for `after_days`, not reminded since they last opened a lesson nor within a
    week, not paused or unreachable, outside quiet hours in their family's time zone, and
    with a lesson left to take.
    """
    ts = int(now.timestamp())
    candidates = store.nudge_candidates(
        conn,
        inactive_before=ts - after_days * 86400,
        nudged_before=ts - NUDGE_GAP_SECONDS,
    )
    claimed: list[Nudge] = []
    for candidate in candidates:
        local = now.astimezone(_zone(candidate.timezone, default_timezone))
        if quiet.contains(local.time()):
            continue
        if not has_lesson_left(conn, content, candidate.person_id):
            continue
        nudge_id = store.record_nudge(conn, candidate.person_id, ts)
        claimed.append(
            Nudge(
                nudge_id=nudge_id,
                person_id=candidate.person_id,
                pseudonym=candidate.pseudonym,
                chat_id=candidate.chat_id,
                lang=candidate.lang,
                name=candidate.display_name,
            )
        )
    return claimed


NudgeOutcome = SendOutcome
"""How sending one reminder went."""


def settle_nudges(
    conn: sqlite3.Connection, outcomes: list[tuple[Nudge, NudgeOutcome]], now: int
) -> None:
    """Record how each claimed reminder went; a blocked chat makes its caregiver unreachable."""
    for nudge, outcome in outcomes:
        if outcome is NudgeOutcome.SENT:
            store.set_nudge_status(conn, nudge.nudge_id, "sent")
        elif outcome is NudgeOutcome.BLOCKED:
            store.set_nudge_status(conn, nudge.nudge_id, "forbidden")
            people.set_unreachable(conn, nudge.person_id, now)
        elif outcome is NudgeOutcome.FAILED:
            store.set_nudge_status(conn, nudge.nudge_id, "failed")
        else:
            store.forget_nudge(conn, nudge.nudge_id)
