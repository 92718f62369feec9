"""How long texts may be, and what a pass over the content folder collects."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from bot.content import telegram_html
from bot.content.models import (
    REQUIRED_LANGUAGES,
    CheckinSet,
    Lesson,
    Localized,
    Sequence,
)
from bot.content.problems import Problem
from bot.content.render import Renderer
from bot.content.schema import (
    DEFAULT_STEP_LIMIT,
)

CALLBACK_LIMIT = 64
"""Telegram's limit on a button's callback data, in bytes."""

SESSION_ID_SAMPLE = "9" * 10
"""The longest check-in session id the bot puts in callback data (up to 10 digits)."""

SKIP_OPTION_ID = "skip"
"""The option id the bot uses for the skip button of an optional free-text question."""

MESSAGE_LIMIT = 4096
"""Telegram's limit on one message, in characters after entity parsing."""

YAML_SUFFIXES = (".yml", ".YAML", ".YML", ".Yaml")
LESSON_FILE = re.compile(r"(?P<track>[a-z]+)-(?P<order>\d+)-[a-z0-9-]+\.yaml")
PHONE = re.compile(r"(?<![\d-])(\d{3,4}(?:-\d{3,4}){1,2}|\d{3,5})(?![\d-])")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
_INVISIBLE = re.compile(r"[\u200d\ufe0e\ufe0f\U0001f3fb-\U0001f3ff]")
_CJK_LANGUAGES = frozenset({"zh", "yue", "ja"})
T = TypeVar("T")


def is_cjk(lang: str) -> bool:
    return lang.split("-")[0] in _CJK_LANGUAGES


def _han_count(text: str) -> int:
    return len(_HAN.findall(text))


def _word_count(text: str) -> int:
    return len(text.split())


def _char_count(text: str) -> int:
    return len(_INVISIBLE.sub("", text.strip()))


READING_SPEED = 120
"""Han characters a minute that a grandparent with primary schooling reads (100–150)."""


def reading_seconds(han: int) -> int:
    """About how long `han` Chinese characters take to read, in whole seconds."""
    return round(han * 60 / READING_SPEED)


@dataclass(frozen=True)
class Limit:
    """How long a kind of text may be, counted one way for Chinese and another for the rest."""

    cjk: int
    cjk_unit: str
    other: int
    other_unit: str
    timed: bool = False  # a lesson step: say how long the Chinese takes to read

    def measure(self, lang: str, text: str) -> tuple[int, int, str]:
        """(count, maximum, unit) of `text` in `lang`."""
        if is_cjk(lang):
            return _UNITS[self.cjk_unit](text), self.cjk, self.cjk_unit
        return _UNITS[self.other_unit](text), self.other, self.other_unit


_UNITS: Mapping[str, Callable[[str], int]] = {
    "Chinese characters": _han_count,
    "words": _word_count,
    "characters": _char_count,
}

MESSAGE = Limit(150, "Chinese characters", 60, "words")
"""A step, a question, a feedback, a practice task: one idea, read in under 30 seconds."""
LABEL = Limit(14, "characters", 32, "characters")
"""A button: short enough to fit on a phone."""
TITLE = Limit(20, "characters", 48, "characters")
"""A title, which may also appear on a menu button."""
REPLY = Limit(100, "Chinese characters", 40, "words")
"""The short reply a child sees after an answer."""


@dataclass(frozen=True)
class Text:
    """One text to check: where it is in words, its allowed names, how it is shown, its limit."""

    where: str
    text: Localized
    names: tuple[str, ...] | None
    kind: str  # "html" (a message), "label" (a button: plain text) or "title" (both)
    limit: Limit | None


@dataclass
class Inspection:
    """What a pass over the content folder found: the items that could be built and the problems."""

    root: Path
    lessons: list[Lesson] = field(default_factory=list)
    checkins: list[CheckinSet] = field(default_factory=list)
    ui: dict[str, Localized] = field(default_factory=dict)
    languages: tuple[str, ...] = REQUIRED_LANGUAGES
    lesson_files: int = 0
    checkin_files: int = 0
    problems: list[Problem] = field(default_factory=list)
    renderer: Renderer = field(default_factory=Renderer)
    notes: list[str] = field(default_factory=list)
    """What the editor should know that is not a problem (steps without a recording)."""
    sequence: Sequence | None = None
    step_limit: int = DEFAULT_STEP_LIMIT


@dataclass(frozen=True)
class StepLength:
    """How long one lesson step is in Chinese: Han characters and about how long to read."""

    lesson_id: str
    number: int
    han: int
    seconds: int
    over: bool


def step_lengths(found: Inspection) -> list[StepLength]:
    """Every lesson step's Chinese length and reading time, in sequence (or track) order."""
    order = (
        {lesson_id: n for n, lesson_id in enumerate(found.sequence.lesson_ids)}
        if (found.sequence)
        else {}
    )
    lessons = sorted(found.lessons, key=lambda item: order.get(item.id, len(order)))
    lengths: list[StepLength] = []
    for lesson in lessons:
        for number, step in enumerate(lesson.steps, start=1):
            zh = step.text.texts.get("zh")
            if zh is None:
                continue
            han = _han_count(telegram_html.visible_text(zh))
            over = han > found.step_limit
            lengths.append(StepLength(lesson.id, number, han, reading_seconds(han), over))
    return lengths
