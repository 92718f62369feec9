"""Lessons, check-ins and UI strings once loaded: frozen, so no handler can change them.

Every object remembers where it came from (`Origin`), so a problem found later — by the checker or
while rendering a message in production — can still name the file and line an NGO editor must fix.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType

from bot.levels import RiskLevel

TRACKS: tuple[str, ...] = ("homework", "stress", "feelings", "connection", "safety", "parents")
"""Lesson tracks in the order the bot offers them."""

PARENT_TRACK = "parents"
"""The track for parents working away: offered to parents only, in its own `order`, and not
listed in the grandparents' sequence file."""

FALLBACK_LANGUAGE = "zh"
"""The first language of every family: used when a text or a person's language is unknown."""

REQUIRED_LANGUAGES: tuple[str, ...] = ("zh", "en")
"""Every text must exist at least in these languages."""

_NO_LINES: Mapping[str, int] = MappingProxyType({})


@dataclass(frozen=True)
class Origin:
    """A place in a content file: `file` as shown to the editor, 1-based `line`, and field lines."""

    file: str
    line: int
    fields: Mapping[str, int] = field(default_factory=lambda: _NO_LINES, compare=False, repr=False)

    def at(self, name: str) -> Origin:
        """The place of one field of this object (or of the object if the field is absent)."""
        return Origin(self.file, self.fields.get(name, self.line))

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Localized:
    """One text a person sees, as a Jinja2 template source per language code."""

    texts: Mapping[str, str]
    origin: Origin = field(compare=False)
    lines: Mapping[str, int] = field(default_factory=lambda: _NO_LINES, compare=False, repr=False)

    def get(self, lang: str) -> str:
        """The template source for `lang`, or the Chinese one when `lang` is missing."""
        text = self.texts.get(lang)
        if text is None:
            text = self.texts.get(FALLBACK_LANGUAGE)
        if text is None:
            text = next(iter(self.texts.values()), "")
        return text

    @property
    def languages(self) -> tuple[str, ...]:
        """The language codes this text is written in, in file order."""
        return tuple(self.texts)

    def line_of(self, lang: str) -> int:
        """The line where the text of `lang` starts (the mapping's line if it is missing)."""
        return self.lines.get(lang, self.origin.line)

    def __contains__(self, lang: object) -> bool:
        return lang in self.texts

    def __getitem__(self, lang: str) -> str:
        return self.texts[lang]

    def __iter__(self) -> Iterator[str]:
        return iter(self.texts)

    def __len__(self) -> int:
        return len(self.texts)


@dataclass(frozen=True)
class Step:
    """One lesson message: one idea, readable in under 30 seconds, optionally with a voice file."""

    text: Localized
    audio: Path | None
    origin: Origin = field(compare=False)


@dataclass(frozen=True)
class LessonOption:
    """A button answer to the lesson's question and the kind feedback that follows it."""

    id: str
    label: Localized
    feedback: Localized
    origin: Origin = field(compare=False)


@dataclass(frozen=True)
class LessonQuestion:
    """The lesson's one question, answered with 2 to 4 buttons."""

    text: Localized
    options: tuple[LessonOption, ...]
    origin: Origin = field(compare=False)

    def option(self, option_id: str) -> LessonOption:
        """The option with this id; KeyError for an unknown (possibly forged) id."""
        for option in self.options:
            if option.id == option_id:
                return option
        raise KeyError(option_id)


PRACTICE_ANSWERS: tuple[str, ...] = ("went_well", "hard", "not_tried")
"""How a practice task can have gone, in the order the buttons show them."""


@dataclass(frozen=True)
class PracticeTips:
    """What to say once the grandparent tells how the week's practice went: one text per answer.

    The follow-through asks "how did it go?" and answers with the tip for the answer given.
    """

    went_well: Localized
    hard: Localized
    not_tried: Localized
    origin: Origin = field(compare=False)

    def for_answer(self, answer: str) -> Localized:
        """The tip for `went_well`, `hard` or `not_tried`; KeyError for anything else."""
        if answer not in PRACTICE_ANSWERS:
            raise KeyError(answer)
        tip: Localized = getattr(self, answer)
        return tip


@dataclass(frozen=True)
class Lesson:
    """A bite-size lesson for a grandparent: steps, a question, a practice task, a follow-up."""

    id: str
    version: int
    track: str
    order: int
    source: str
    title: Localized
    steps: tuple[Step, ...]
    question: LessonQuestion
    practice: Localized
    follow_up: Localized
    practice_tips: PracticeTips
    origin: Origin = field(compare=False)


@dataclass(frozen=True)
class Sequence:
    """The order lessons are offered in (ids), and the longest a step may be in Han characters."""

    lesson_ids: tuple[str, ...]
    step_limit: int
    origin: Origin = field(compare=False)


class QuestionType(StrEnum):
    """How a check-in question is answered."""

    MOOD = "mood"
    CHOICE = "choice"
    YES_NO = "yes_no"
    FREE_TEXT = "free_text"


@dataclass(frozen=True)
class AnswerOption:
    """A check-in button answer: its risk level drives alerts, `reply` is what the child sees."""

    id: str
    label: Localized
    risk: RiskLevel
    reply: Localized | None
    origin: Origin = field(compare=False)
    category: str | None = None
    """The risk category an alert from this option names (e.g. neglect); None: "answer"."""


@dataclass(frozen=True)
class CheckinQuestion:
    """One check-in question; free-text questions have no options."""

    id: str
    type: QuestionType
    text: Localized
    options: tuple[AnswerOption, ...]
    optional: bool
    skip_label: Localized | None
    origin: Origin = field(compare=False)

    def option(self, option_id: str) -> AnswerOption:
        """The option with this id; KeyError for an unknown (possibly forged) id."""
        for option in self.options:
            if option.id == option_id:
                return option
        raise KeyError(option_id)


@dataclass(frozen=True)
class CheckinSet:
    """A check-in: questions in order, a closing message, the crisis message for urgent answers."""

    id: str
    version: int
    audience: str
    title: Localized
    intro: Localized
    questions: tuple[CheckinQuestion, ...]
    closing: Localized
    crisis: Localized
    origin: Origin = field(compare=False)
    rotating: tuple[CheckinQuestion, ...] = ()
    """Questions asked one a week in turn (the monthly rotation), before the last question."""

    def question(self, question_id: str) -> CheckinQuestion:
        """The question with this id; KeyError for an unknown (possibly forged) id."""
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(question_id)
