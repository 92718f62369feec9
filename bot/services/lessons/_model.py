"""The lesson service's data: screens, positions, progress and the reminders it claims."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from bot.services.delivery import SendOutcome
from storage import lessons as store
from storage.people import Person

if TYPE_CHECKING:
    from bot.content import Lesson, LessonOption

FOLLOW_UP_AFTER_SECONDS = 20 * 3600
"""A finished lesson's follow-up waits this long: asking "did you try it?" minutes after the
practice task was set would be silly, so two lessons taken back to back skip the question."""

FOLLOW_UP_ANSWERS: tuple[str, ...] = store.FOLLOW_UP_ANSWERS
"""The standard follow-up buttons: tried / tried a little / not yet."""

NUDGE_GAP_SECONDS = 7 * 86400
"""Never more than one reminder a week."""


class LessonScreen(StrEnum):
    """What the chat shows at a position."""

    FOLLOW_UP = "follow_up"
    STEP = "step"
    QUESTION = "question"
    PRACTICE = "practice"
    ALL_DONE = "all_done"


@dataclass(frozen=True)
class Position:
    """Where a caregiver is: a screen of a lesson (no lesson once every lesson is done)."""

    screen: LessonScreen
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


NudgeOutcome = SendOutcome
"""How sending one reminder went."""
