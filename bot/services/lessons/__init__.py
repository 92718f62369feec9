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

Who may act on a press is decided in the press's own transaction (`as_taker`), as check-ins do.
"""

from __future__ import annotations

from bot.services.lessons._acting import (
    NOT_YOURS,
    NotYours,
    as_taker,
    taker,
)
from bot.services.lessons._model import (
    FOLLOW_UP_AFTER_SECONDS,
    FOLLOW_UP_ANSWERS,
    NUDGE_GAP_SECONDS,
    Chosen,
    Finished,
    FollowedUp,
    HelpOutcome,
    Learner,
    LessonScreen,
    Nudge,
    NudgeOutcome,
    Overview,
    Position,
    TrackProgress,
)
from bot.services.lessons._moves import (
    advance,
    answer_follow_up,
    choose,
    finish,
    overview,
    recording,
    resume,
)
from bot.services.lessons._order import (
    can_take_lessons,
    known_lesson,
    learner,
    lesson_order,
    tracks_for,
)
from bot.services.lessons._reminders import (
    claim_nudges,
    has_lesson_left,
    request_help,
    settle_nudges,
)

__all__ = [
    "FOLLOW_UP_AFTER_SECONDS",
    "FOLLOW_UP_ANSWERS",
    "NOT_YOURS",
    "NUDGE_GAP_SECONDS",
    "Chosen",
    "Finished",
    "FollowedUp",
    "HelpOutcome",
    "Learner",
    "LessonScreen",
    "NotYours",
    "Nudge",
    "NudgeOutcome",
    "Overview",
    "Position",
    "TrackProgress",
    "advance",
    "answer_follow_up",
    "as_taker",
    "can_take_lessons",
    "choose",
    "claim_nudges",
    "finish",
    "has_lesson_left",
    "known_lesson",
    "learner",
    "lesson_order",
    "overview",
    "recording",
    "request_help",
    "resume",
    "settle_nudges",
    "taker",
    "tracks_for",
]
