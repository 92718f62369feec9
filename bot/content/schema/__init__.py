"""The shape of each content file: required and optional fields, their types, ids and counts.

Builds the frozen models from located YAML and reports every deviation with its line, so a
typo in a field name ("qestion") is caught rather than silently ignored.
"""

from __future__ import annotations

from bot.content.schema._checkins import build_checkin
from bot.content.schema._lessons import build_lesson
from bot.content.schema._reader import (
    AUDIENCES,
    ITEM_ID,
    LANGUAGE,
    MAX_CHOICE_OPTIONS,
    MAX_LESSON_OPTIONS,
    MAX_STEPS,
    MIN_CHOICE_OPTIONS,
    MIN_LESSON_OPTIONS,
    MIN_STEPS,
    MOOD_IDS,
    OPTION_ID,
    UI_KEY,
    YES_NO_IDS,
    Reader,
)
from bot.content.schema._ui_sequence import (
    DEFAULT_STEP_LIMIT,
    SEQUENCE_FILE,
    build_sequence,
    build_ui,
)

__all__ = [
    "AUDIENCES",
    "DEFAULT_STEP_LIMIT",
    "ITEM_ID",
    "LANGUAGE",
    "MAX_CHOICE_OPTIONS",
    "MAX_LESSON_OPTIONS",
    "MAX_STEPS",
    "MIN_CHOICE_OPTIONS",
    "MIN_LESSON_OPTIONS",
    "MIN_STEPS",
    "MOOD_IDS",
    "OPTION_ID",
    "SEQUENCE_FILE",
    "UI_KEY",
    "YES_NO_IDS",
    "Reader",
    "build_checkin",
    "build_lesson",
    "build_sequence",
    "build_ui",
]
