"""Lessons, check-ins and UI strings: loaded from content files, checked, and rendered.

NGO staff edit YAML files under content/; `load_content` reads and checks them all (every problem
as `file:line: message`), and the returned `ContentBundle` renders any text in any language.
"""

from bot.content.bundle import ContentBundle, load_content
from bot.content.check import check_content
from bot.content.models import (
    FALLBACK_LANGUAGE,
    PRACTICE_ANSWERS,
    REQUIRED_LANGUAGES,
    TRACKS,
    AnswerOption,
    CheckinQuestion,
    CheckinSet,
    Lesson,
    LessonOption,
    LessonQuestion,
    Localized,
    Origin,
    PracticeTips,
    QuestionType,
    Sequence,
    Step,
)
from bot.content.problems import ContentError, Problem

__all__ = [
    "FALLBACK_LANGUAGE",
    "PRACTICE_ANSWERS",
    "REQUIRED_LANGUAGES",
    "TRACKS",
    "AnswerOption",
    "CheckinQuestion",
    "CheckinSet",
    "ContentBundle",
    "ContentError",
    "Lesson",
    "LessonOption",
    "LessonQuestion",
    "Localized",
    "Origin",
    "PracticeTips",
    "Problem",
    "QuestionType",
    "Sequence",
    "Step",
    "check_content",
    "load_content",
]
