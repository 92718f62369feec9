"""What a lesson press may change: resume, step on, answer, finish, follow up, overview.

Each returns what the chat shows next, or None when the request is stale (an old or
repeated button) and must change nothing.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from bot.services.lessons._model import (
    FOLLOW_UP_ANSWERS,
    Chosen,
    Finished,
    FollowedUp,
    LessonScreen,
    Overview,
    Position,
    TrackProgress,
)
from bot.services.lessons._order import (
    current_progress,
    is_parent,
    known_lesson,
    next_lesson,
    opened,
    pending_follow_up,
    position_of,
    tracks_for,
)
from storage import lessons as store

if TYPE_CHECKING:
    from bot.content import ContentBundle


def resume(conn: sqlite3.Connection, content: ContentBundle, person_id: int, now: int) -> Position:
    """Where /next goes: the open lesson's current screen, or the next lesson's first."""
    opened(conn, person_id, now)
    progress = current_progress(conn, content, person_id, now)
    if progress is not None:
        return position_of(content, progress)
    lesson = next_lesson(conn, content, person_id)
    if lesson is None:
        return Position(LessonScreen.ALL_DONE)
    about = pending_follow_up(conn, content, person_id, now)
    store.start(
        conn,
        person_id=person_id,
        lesson_id=lesson.id,
        version=lesson.version,
        follow_up_of=about.id if about else None,
        now=now,
    )
    if about is not None:
        return Position(LessonScreen.FOLLOW_UP, lesson, 0, about)
    return Position(LessonScreen.STEP, lesson, 0)


def advance(
    conn: sqlite3.Connection,
    content: ContentBundle,
    person_id: int,
    lesson_id: str,
    step: int,
    now: int,
) -> Position | None:
    """A press of next on step `step`: the following step or the question; None if not current."""
    progress = current_progress(conn, content, person_id, now)
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
    opened(conn, person_id, now)
    if last:
        return Position(LessonScreen.QUESTION, lesson)
    return Position(LessonScreen.STEP, lesson, to_step)


def choose(
    conn: sqlite3.Connection,
    content: ContentBundle,
    person_id: int,
    lesson_id: str,
    option_id: str,
    now: int,
) -> Chosen | None:
    """An answer to the open question; None if the question is not open or the option unknown."""
    progress = current_progress(conn, content, person_id, now)
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
    opened(conn, person_id, now)
    return Chosen(lesson, option, Position(LessonScreen.PRACTICE, lesson))


def _track_progress(
    conn: sqlite3.Connection, content: ContentBundle, person_id: int
) -> dict[str, TrackProgress]:
    done = {p.lesson_id for p in store.all_of(conn, person_id) if p.stage == "done"}
    result: dict[str, TrackProgress] = {}
    for track in tracks_for(content, parent=is_parent(conn, person_id)):
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
    progress = current_progress(conn, content, person_id, now)
    if progress is None or progress.lesson_id != lesson_id or progress.stage != "practice":
        return None
    if not store.finish(conn, person_id=person_id, lesson_id=lesson_id, now=now):
        return None
    opened(conn, person_id, now)
    lesson = content.lesson(lesson_id)
    tracks = _track_progress(conn, content, person_id)
    count = sum(t.done for t in tracks.values())
    more = next_lesson(conn, content, person_id) is not None
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
    progress = current_progress(conn, content, person_id, now)
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
    opened(conn, person_id, now)
    lesson = content.lesson(progress.lesson_id)
    return FollowedUp(about, answer, Position(LessonScreen.STEP, lesson, 0))


def overview(
    conn: sqlite3.Connection, content: ContentBundle, person_id: int, now: int
) -> Overview:
    """What /lessons shows: progress per track and the lesson /next continues with."""
    opened(conn, person_id, now)
    progress = current_progress(conn, content, person_id, now)
    current = known_lesson(content, progress.lesson_id) if progress else None
    upcoming = None if current else next_lesson(conn, content, person_id)
    tracks = _track_progress(conn, content, person_id)
    started = bool(store.all_of(conn, person_id))
    return Overview(tuple(tracks.values()), current, upcoming, started)


def recording(
    conn: sqlite3.Connection, content: ContentBundle, person_id: int, lesson_id: str, step: int
) -> Path | None:
    """The recording of a step the caregiver has reached (the 🔊 button); None otherwise."""
    lesson = known_lesson(content, lesson_id)
    progress = store.get(conn, person_id, lesson_id)
    if lesson is None or progress is None or not 0 <= step < len(lesson.steps):
        return None
    if progress.stage == "follow_up" or (progress.stage == "step" and step > progress.step):
        return None
    return lesson.steps[step].audio
