"""Where a caregiver stands: lesson order, the stored progress (repaired), the next lesson."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from bot.content.models import PARENT_TRACK
from bot.services.lessons._model import FOLLOW_UP_AFTER_SECONDS, Learner, LessonScreen, Position
from storage import families, people
from storage import lessons as store
from storage import practice as practice_store
from storage import voice as voice_store
from storage.lessons import Progress
from storage.people import Person

if TYPE_CHECKING:
    from bot.content import ContentBundle, Lesson


def can_take_lessons(person: Person | None) -> bool:
    """Lessons are for active caregivers and parents (a paused one may still open them)."""
    return (
        person is not None and person.role in ("caregiver", "parent") and person.status == "active"
    )


def is_parent(conn: sqlite3.Connection, person_id: int) -> bool:
    """Whether the person takes the parents' track."""
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


def opened(conn: sqlite3.Connection, person_id: int, now: int) -> None:
    """Any lesson action counts as opening a lesson; it also proves the chat is reachable."""
    store.touch(conn, person_id, now)
    people.set_unreachable(conn, person_id, None)


def known_lesson(content: ContentBundle, lesson_id: str | None) -> Lesson | None:
    """The lesson with this id, None when it is not (or no longer) in the content."""
    if lesson_id is None:
        return None
    try:
        return content.lesson(lesson_id)
    except KeyError:
        return None


def current_progress(
    conn: sqlite3.Connection, content: ContentBundle, person_id: int, now: int
) -> Progress | None:
    """The unfinished lesson, repaired if the content changed since it was stored."""
    progress = store.current(conn, person_id)
    if progress is None:
        return None
    lesson = known_lesson(content, progress.lesson_id)
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
        and known_lesson(content, progress.follow_up_of) is None
    ):
        store.skip_follow_up(conn, person_id=person_id, lesson_id=progress.lesson_id, now=now)
        progress = store.current(conn, person_id)
    return progress


def position_of(content: ContentBundle, progress: Progress) -> Position:
    """The screen stored progress stands on."""
    lesson = content.lesson(progress.lesson_id)
    if progress.stage == "follow_up":
        return Position(
            LessonScreen.FOLLOW_UP, lesson, 0, known_lesson(content, progress.follow_up_of)
        )
    if progress.stage == "step":
        return Position(LessonScreen.STEP, lesson, progress.step)
    if progress.stage == "question":
        return Position(LessonScreen.QUESTION, lesson)
    return Position(LessonScreen.PRACTICE, lesson)


def next_lesson(conn: sqlite3.Connection, content: ContentBundle, person_id: int) -> Lesson | None:
    """The first lesson in the order that this person has not started."""
    taken = {p.lesson_id for p in store.all_of(conn, person_id)}
    order = lesson_order(content, parent=is_parent(conn, person_id))
    return next((lesson for lesson in order if lesson.id not in taken), None)


def pending_follow_up(
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
    return known_lesson(content, last.lesson_id)
