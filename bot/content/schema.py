"""The shape of each content file: required and optional fields, their types, ids and counts.

Builds the frozen models from located YAML and reports every deviation with its line, so a
typo in a field name ("qestion") is caught rather than silently ignored.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import TypeVar

from bot.content.audio import conventional_path
from bot.content.loader import YEntry, YMap, YNode, YScalar, YSeq, describe
from bot.content.models import (
    PRACTICE_ANSWERS,
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
from bot.content.problems import Problem
from bot.levels import RiskLevel

ITEM_ID = re.compile(r"[a-z0-9-]{3,40}")
OPTION_ID = re.compile(r"[a-z0-9_]{1,16}")
LANGUAGE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")
UI_KEY = re.compile(r"[a-z0-9_.]+")
AUDIENCES: tuple[str, ...] = ("child", "caregiver")

MIN_STEPS, MAX_STEPS = 3, 6
MIN_LESSON_OPTIONS, MAX_LESSON_OPTIONS = 2, 4
MIN_CHOICE_OPTIONS, MAX_CHOICE_OPTIONS = 2, 6
MOOD_IDS: tuple[str, ...] = ("1", "2", "3", "4", "5")
YES_NO_IDS: tuple[str, ...] = ("yes", "no")

_ITEM_ID_RULE = "3 to 40 of a-z, 0-9 and -"
_OPTION_ID_RULE = "1 to 16 of a-z, 0-9 and _"
_TEXTS = "texts by language (zh: …, en: …)"
_T = TypeVar("_T")


class Reader:
    """Reads typed values out of one file's tree, collecting problems instead of stopping."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def add(self, line: int, where: str, message: str) -> None:
        """Record a problem; `where` names the part of the file in words ("step 2 text")."""
        self.problems.append(Problem(self.file, line, f"{where}: {message}" if where else message))

    def origin(self, node: YNode) -> Origin:
        """Where `node` is, with the line of each of its fields when it is a mapping."""
        if isinstance(node, YMap):
            fields = {key: entry.key_line for key, entry in node.entries.items()}
            return Origin(self.file, node.line, MappingProxyType(fields))
        return Origin(self.file, node.line)

    def fields(
        self,
        node: YNode,
        where: str,
        required: tuple[str, ...],
        optional: tuple[str, ...] = (),
        what: str = "a mapping of fields",
    ) -> YMap | None:
        """Check that `node` is a mapping with all `required` fields and no unknown ones."""
        if not isinstance(node, YMap):
            self.add(node.line, where, f"must be {what}, not {describe(node)}")
            return None
        known = required + optional
        for key, entry in node.entries.items():
            if key not in known:
                self.add(entry.key_line, where, _unknown_field(key, known))
        for name in required:
            if name not in node.entries:
                self.add(node.line, where, f"missing required field '{name}'")
        return node

    def text(self, node: YNode, where: str) -> str | None:
        """Plain text; an unquoted number or yes/no is taken as the text it was written as."""
        if not isinstance(node, YScalar):
            self.add(node.line, where, f"must be text, not {describe(node)}")
            return None
        if node.value is None or not node.raw.strip():
            self.add(node.line, where, "is empty")
            return None
        if isinstance(node.value, str):
            return node.value
        if isinstance(node.value, bool | int | float | date):
            return node.raw
        self.add(node.line, where, f"must be text, not {describe(node)}")
        return None

    def identifier(
        self, node: YNode, where: str, pattern: re.Pattern[str], rule: str
    ) -> str | None:
        """An id made of the characters `pattern` allows."""
        value = self.text(node, where)
        if value is None:
            return None
        if not pattern.fullmatch(value):
            self.add(node.line, where, f"'{value}' is not a valid id (use {rule})")
            return None
        return value

    def integer(self, node: YNode, where: str, minimum: int = 1) -> int | None:
        """A whole number no smaller than `minimum`."""
        if (
            not isinstance(node, YScalar)
            or isinstance(node.value, bool)
            or not isinstance(node.value, int)
        ):
            self.add(node.line, where, f"must be a whole number, not {describe(node)}")
            return None
        if node.value < minimum:
            self.add(node.line, where, f"must be at least {minimum}, not {node.value}")
            return None
        return node.value

    def boolean(self, node: YNode, where: str) -> bool | None:
        """true or false."""
        if not isinstance(node, YScalar) or not isinstance(node.value, bool):
            self.add(node.line, where, f"must be true or false, not {describe(node)}")
            return None
        return node.value

    def sequence(self, node: YNode, where: str) -> YSeq | None:
        """A list."""
        if not isinstance(node, YSeq):
            self.add(node.line, where, f"must be a list, not {describe(node)}")
            return None
        return node

    def localized(self, node: YNode, where: str) -> Localized | None:
        """A text a person sees, one entry per language code."""
        if not isinstance(node, YMap):
            self.add(node.line, where, f"must be {_TEXTS}, not {describe(node)}")
            return None
        if not node.entries:
            self.add(node.line, where, f"must be {_TEXTS}, not empty")
            return None
        texts: dict[str, str] = {}
        lines: dict[str, int] = {}
        ok = True
        for lang, entry in node.entries.items():
            if not LANGUAGE.fullmatch(lang):
                hint = ""
                if isinstance(entry.value, YScalar) and entry.value.value is None:
                    hint = "; if a comma split the text, put the whole text in quotes"
                message = f"'{lang}' is not a language code (like zh or en){hint}"
                self.add(entry.key_line, where, message)
                ok = False
                continue
            text = self.text(entry.value, f"{where} ({lang})")
            if text is None:
                ok = False
                continue
            texts[lang] = text
            lines[lang] = entry.value.line
        if not ok:
            return None
        return Localized(MappingProxyType(texts), self.origin(node), MappingProxyType(lines))


def _unknown_field(key: str, known: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    if close:
        return f"unknown field '{key}' (did you mean '{close[0]}'?)"
    return f"unknown field '{key}' (allowed: {', '.join(known)})"


def _choices(value: str, allowed: tuple[str, ...]) -> str:
    """A hint after "'x' is not a …": the closest allowed value, or the whole list."""
    close = difflib.get_close_matches(value, allowed, n=1, cutoff=0.6)
    if close:
        return f" (did you mean '{close[0]}'?)"
    return f" (allowed: {', '.join(allowed)})"


def _get(node: YMap, name: str) -> YNode | None:
    entry: YEntry | None = node.entries.get(name)
    return entry.value if entry is not None else None


def _required(
    node: YMap, name: str, where: str, read: Callable[[YNode, str], _T | None]
) -> _T | None:
    """Read a field that `fields()` already reported if missing."""
    value = _get(node, name)
    return read(value, _join(where, name)) if value is not None else None


def _join(where: str, name: str) -> str:
    return f"{where} {name}" if where else name


def build_lesson(tree: YNode, reader: Reader, root: Path) -> Lesson | None:
    """A lesson from one file's tree, or None (with problems recorded) if its shape is wrong."""
    node = reader.fields(
        tree,
        "",
        (
            "id",
            "version",
            "track",
            "order",
            "source",
            "title",
            "steps",
            "question",
            "practice",
            "follow_up",
            "practice_tips",
        ),
    )
    if node is None:
        return None
    before = len(reader.problems)
    lesson_id = _required(
        node, "id", "", lambda n, w: reader.identifier(n, w, ITEM_ID, _ITEM_ID_RULE)
    )
    version = _required(node, "version", "", reader.integer)
    track = _required(node, "track", "", reader.text)
    track_node = _get(node, "track")
    if track is not None and track not in TRACKS and track_node is not None:
        reader.add(track_node.line, "track", f"'{track}' is not a track{_choices(track, TRACKS)}")
    order = _required(node, "order", "", reader.integer)
    source = _required(node, "source", "", reader.text)
    title = _required(node, "title", "", reader.localized)
    steps = _steps(node, reader, root, lesson_id)
    question = _lesson_question(node, reader)
    practice = _required(node, "practice", "", reader.localized)
    follow_up = _required(node, "follow_up", "", reader.localized)
    tips = _practice_tips(node, reader)
    if (
        len(reader.problems) > before
        or lesson_id is None
        or version is None
        or track is None
        or order is None
        or source is None
        or title is None
        or steps is None
        or question is None
        or practice is None
        or follow_up is None
        or tips is None
    ):
        return None
    return Lesson(
        lesson_id,
        version,
        track,
        order,
        " ".join(source.split()),
        title,
        steps,
        question,
        practice,
        follow_up,
        tips,
        reader.origin(node),
    )


def _practice_tips(node: YMap, reader: Reader) -> PracticeTips | None:
    """The three answers to "how did the practice go?": went_well, hard, not_tried."""
    tips_node = _get(node, "practice_tips")
    if tips_node is None:
        return None
    tips = reader.fields(tips_node, "practice_tips", PRACTICE_ANSWERS)
    if tips is None:
        return None
    texts = [_required(tips, name, "practice_tips", reader.localized) for name in PRACTICE_ANSWERS]
    went_well, hard, not_tried = texts
    if went_well is None or hard is None or not_tried is None:
        return None
    return PracticeTips(went_well, hard, not_tried, reader.origin(tips))


def _steps(
    node: YMap, reader: Reader, root: Path, lesson_id: str | None = None
) -> tuple[Step, ...] | None:
    seq_node = _get(node, "steps")
    if seq_node is None:
        return None
    seq = reader.sequence(seq_node, "steps")
    if seq is None:
        return None
    if not MIN_STEPS <= len(seq.items) <= MAX_STEPS:
        reader.add(
            seq.line,
            "steps",
            f"a lesson needs {MIN_STEPS} to {MAX_STEPS} steps, this one has {len(seq.items)}",
        )
    steps: list[Step] = []
    for number, item in enumerate(seq.items, start=1):
        where = f"step {number}"
        step = reader.fields(item, where, ("text",), ("audio",), "a mapping with text (and audio)")
        if step is None:
            continue
        text = _required(step, "text", where, reader.localized)
        audio = None
        audio_node = _get(step, "audio")
        if audio_node is not None:
            rel = reader.text(audio_node, f"{where} audio")
            audio = root / rel if rel is not None else None
        elif lesson_id is not None:  # by convention: audio/<lesson id>/<step>.ogg
            found = conventional_path(root, lesson_id, number)
            audio = found if found.is_file() else None
        if text is not None:
            steps.append(Step(text, audio, reader.origin(step)))
    return tuple(steps)


def _lesson_question(node: YMap, reader: Reader) -> LessonQuestion | None:
    q_node = _get(node, "question")
    if q_node is None:
        return None
    question = reader.fields(q_node, "question", ("text", "options"))
    if question is None:
        return None
    text = _required(question, "text", "question", reader.localized)
    options_node = _get(question, "options")
    options: list[LessonOption] = []
    seq = reader.sequence(options_node, "question options") if options_node is not None else None
    if seq is not None:
        if not MIN_LESSON_OPTIONS <= len(seq.items) <= MAX_LESSON_OPTIONS:
            reader.add(
                seq.line,
                "question options",
                f"a question needs {MIN_LESSON_OPTIONS} to {MAX_LESSON_OPTIONS} options, "
                f"this one has {len(seq.items)}",
            )
        seen: dict[str, int] = {}
        for number, item in enumerate(seq.items, start=1):
            option = _lesson_option(item, number, reader, seen)
            if option is not None:
                options.append(option)
    if text is None or seq is None:
        return None
    return LessonQuestion(text, tuple(options), reader.origin(question))


def _option_id(
    node: YMap, prefix: str, number: int, reader: Reader, seen: dict[str, int]
) -> tuple[str | None, str]:
    """Read an option's id, check it is unique in its question, and name the option by it."""
    where = _join(prefix, f"option {number}")
    option_id = _required(
        node, "id", where, lambda n, w: reader.identifier(n, w, OPTION_ID, _OPTION_ID_RULE)
    )
    if option_id is None:
        return None, where
    id_line = node.entries["id"].value.line
    if option_id in seen:
        reader.add(
            id_line, where, f"id '{option_id}' is used twice (first at line {seen[option_id]})"
        )
    seen.setdefault(option_id, id_line)
    return option_id, _join(prefix, f"option '{option_id}'")


def _lesson_option(
    item: YNode, number: int, reader: Reader, seen: dict[str, int]
) -> LessonOption | None:
    node = reader.fields(item, f"option {number}", ("id", "label", "feedback"))
    if node is None:
        return None
    option_id, where = _option_id(node, "", number, reader, seen)
    label = _required(node, "label", where, reader.localized)
    feedback = _required(node, "feedback", where, reader.localized)
    if option_id is None or label is None or feedback is None:
        return None
    return LessonOption(option_id, label, feedback, reader.origin(node))


def build_checkin(tree: YNode, reader: Reader) -> CheckinSet | None:
    """A check-in set from one file's tree, or None (with problems recorded)."""
    node = reader.fields(
        tree,
        "",
        ("id", "version", "audience", "title", "intro", "questions", "closing", "crisis"),
        ("rotating",),
    )
    if node is None:
        return None
    before = len(reader.problems)
    set_id = _required(node, "id", "", lambda n, w: reader.identifier(n, w, ITEM_ID, _ITEM_ID_RULE))
    version = _required(node, "version", "", reader.integer)
    audience = _required(node, "audience", "", reader.text)
    audience_node = _get(node, "audience")
    if audience is not None and audience not in AUDIENCES and audience_node is not None:
        reader.add(
            audience_node.line,
            "audience",
            f"'{audience}' is not an audience{_choices(audience, AUDIENCES)}",
        )
    title = _required(node, "title", "", reader.localized)
    intro = _required(node, "intro", "", reader.localized)
    questions = _questions(node, reader)
    rotating = _rotating(node, reader, questions or ())
    closing = _required(node, "closing", "", reader.localized)
    crisis = _required(node, "crisis", "", reader.localized)
    if (
        len(reader.problems) > before
        or set_id is None
        or version is None
        or audience is None
        or title is None
        or intro is None
        or questions is None
        or closing is None
        or crisis is None
    ):
        return None
    return CheckinSet(
        set_id,
        version,
        audience,
        title,
        intro,
        questions,
        closing,
        crisis,
        reader.origin(node),
        rotating,
    )


def _rotating(
    node: YMap, reader: Reader, questions: tuple[CheckinQuestion, ...]
) -> tuple[CheckinQuestion, ...]:
    """The optional `rotating` list: button questions asked one a week in turn.

    Their ids share the set's id space (a session stores answers by question id), and a
    rotating question is never free text (it goes before the set's last question).
    """
    seq_node = _get(node, "rotating")
    if seq_node is None:
        return ()
    seq = reader.sequence(seq_node, "rotating")
    if seq is None:
        return ()
    if not seq.items:
        reader.add(seq.line, "rotating", "list at least one question, or leave the field out")
    seen: dict[str, int] = {q.id: q.origin.at("id").line for q in questions}
    found: list[CheckinQuestion] = []
    for number, item in enumerate(seq.items, start=1):
        question = _checkin_question(item, number, reader, seen, prefix="rotating question")
        if question is None:
            continue
        if question.type is QuestionType.FREE_TEXT:
            reader.add(
                question.origin.line,
                f"rotating question '{question.id}'",
                "a rotating question is answered with buttons, not free_text",
            )
            continue
        found.append(question)
    return tuple(found)


def _questions(node: YMap, reader: Reader) -> tuple[CheckinQuestion, ...] | None:
    seq_node = _get(node, "questions")
    if seq_node is None:
        return None
    seq = reader.sequence(seq_node, "questions")
    if seq is None:
        return None
    if not seq.items:
        reader.add(seq.line, "questions", "a check-in needs at least one question")
    seen: dict[str, int] = {}
    questions: list[CheckinQuestion] = []
    for number, item in enumerate(seq.items, start=1):
        question = _checkin_question(item, number, reader, seen)
        if question is not None:
            questions.append(question)
    return tuple(questions)


def _checkin_question(
    item: YNode, number: int, reader: Reader, seen: dict[str, int], prefix: str = "question"
) -> CheckinQuestion | None:
    where = f"{prefix} {number}"
    node = reader.fields(item, where, ("id", "type", "text"), ("options", "optional", "skip_label"))
    if node is None:
        return None
    question_id = _required(
        node, "id", where, lambda n, w: reader.identifier(n, w, OPTION_ID, _OPTION_ID_RULE)
    )
    if question_id is not None:
        id_line = node.entries["id"].value.line
        if question_id in seen:
            reader.add(
                id_line,
                where,
                f"id '{question_id}' is used twice (first at line {seen[question_id]})",
            )
        seen.setdefault(question_id, id_line)
        where = f"{prefix} '{question_id}'"
    kind = _question_type(node, where, reader)
    text = _required(node, "text", where, reader.localized)
    options = _answer_options(node, where, kind, reader)
    optional_node = _get(node, "optional")
    optional = (
        reader.boolean(optional_node, f"{where} optional") if optional_node is not None else False
    )
    skip_node = _get(node, "skip_label")
    skip_label = (
        reader.localized(skip_node, f"{where} skip_label") if skip_node is not None else None
    )
    if (
        kind is not None
        and kind is not QuestionType.FREE_TEXT
        and (optional or skip_node is not None)
    ):
        reader.add(
            node.line, where, "only free_text questions can be optional or have a skip_label"
        )
    if kind is QuestionType.FREE_TEXT and optional and skip_node is None:
        reader.add(node.line, where, "an optional question needs a skip_label (the skip button)")
    if question_id is None or kind is None or text is None or options is None or optional is None:
        return None
    return CheckinQuestion(
        question_id, kind, text, options, optional, skip_label, reader.origin(node)
    )


def _question_type(node: YMap, where: str, reader: Reader) -> QuestionType | None:
    value = _required(node, "type", where, reader.text)
    if value is None:
        return None
    try:
        return QuestionType(value)
    except ValueError:
        allowed = tuple(t.value for t in QuestionType)
        reader.add(
            node.entries["type"].value.line,
            f"{where} type",
            f"'{value}' is not a question type{_choices(value, allowed)}",
        )
        return None


def _answer_options(
    node: YMap, where: str, kind: QuestionType | None, reader: Reader
) -> tuple[AnswerOption, ...] | None:
    options_node = _get(node, "options")
    if kind is QuestionType.FREE_TEXT:
        if options_node is not None:
            reader.add(options_node.line, where, "a free_text question has no options")
            return None
        return ()
    if options_node is None:
        if kind is not None:
            reader.add(node.line, where, "missing required field 'options'")
        return None
    seq = reader.sequence(options_node, f"{where} options")
    if seq is None:
        return None
    seen: dict[str, int] = {}
    options: list[AnswerOption] = []
    ok = True
    for number, item in enumerate(seq.items, start=1):
        option = _answer_option(item, where, number, reader, seen)
        ok = ok and option is not None
        if option is not None:
            options.append(option)
    if ok and kind is not None and not _option_count_ok(seq, where, kind, options, reader):
        return None
    return tuple(options) if ok else None


def _option_count_ok(
    seq: YSeq, where: str, kind: QuestionType, options: list[AnswerOption], reader: Reader
) -> bool:
    ids = tuple(option.id for option in options)
    if kind is QuestionType.MOOD and ids != MOOD_IDS:
        reader.add(
            seq.line,
            where,
            'a mood question needs exactly five options with ids "1" to "5" in order (1 = worst)',
        )
        return False
    if kind is QuestionType.YES_NO and sorted(ids) != sorted(YES_NO_IDS):
        reader.add(
            seq.line, where, "a yes_no question needs exactly two options with ids 'yes' and 'no'"
        )
        return False
    if kind is QuestionType.CHOICE and not MIN_CHOICE_OPTIONS <= len(ids) <= MAX_CHOICE_OPTIONS:
        reader.add(
            seq.line,
            where,
            f"a choice question needs {MIN_CHOICE_OPTIONS} to {MAX_CHOICE_OPTIONS} options, "
            f"this one has {len(ids)}",
        )
        return False
    return True


def _answer_option(
    item: YNode, question: str, number: int, reader: Reader, seen: dict[str, int]
) -> AnswerOption | None:
    node = reader.fields(
        item, f"{question} option {number}", ("id", "label", "risk"), ("reply", "category")
    )
    if node is None:
        return None
    option_id, where = _option_id(node, question, number, reader, seen)
    label = _required(node, "label", where, reader.localized)
    risk = _required(node, "risk", where, lambda n, w: _risk(n, w, reader))
    reply_node = _get(node, "reply")
    reply = reader.localized(reply_node, f"{where} reply") if reply_node is not None else None
    category_node = _get(node, "category")
    category = (
        reader.identifier(category_node, f"{where} category", OPTION_ID, _OPTION_ID_RULE)
        if category_node is not None
        else None
    )
    if option_id is None or label is None or risk is None:
        return None
    if (reply_node is not None and reply is None) or (category_node is not None and not category):
        return None
    return AnswerOption(option_id, label, risk, reply, reader.origin(node), category)


def _risk(node: YNode, where: str, reader: Reader) -> RiskLevel | None:
    value = reader.text(node, where)
    if value is None:
        return None
    try:
        return RiskLevel.parse(value)
    except ValueError as exc:
        reader.add(node.line, where, str(exc))
        return None


def build_ui(tree: YNode, reader: Reader) -> Mapping[str, tuple[Localized, int]]:
    """UI strings from one file: `key: {zh: …, en: …}` entries, each with the line of its key."""
    if not isinstance(tree, YMap):
        reader.add(tree.line, "", f"must be a mapping of keys to texts, not {describe(tree)}")
        return {}
    strings: dict[str, tuple[Localized, int]] = {}
    for key, entry in tree.entries.items():
        if not UI_KEY.fullmatch(key):
            reader.add(entry.key_line, "", f"'{key}' is not a valid key (use a-z, 0-9, _ and .)")
            continue
        text = reader.localized(entry.value, key)
        if text is not None:
            strings[key] = (text, entry.key_line)
    return strings


DEFAULT_STEP_LIMIT = 60
"""The most Han characters one lesson step may have unless the sequence file says otherwise:
about 30 seconds for a reader with primary schooling (~120 characters a minute)."""

SEQUENCE_FILE = "sequence.yaml"
"""The file in content/lessons/ that lists the order of lessons (it is not a lesson itself)."""


def build_sequence(tree: YNode, reader: Reader) -> tuple[Sequence, dict[str, int]] | None:
    """The lesson order and step limit from the sequence file, with the line of each listed id.

    Ids listed twice are reported here; whether every id exists and every lesson is listed
    needs the lessons, so `check` does that.
    """
    node = reader.fields(tree, "", ("lessons",), ("step_limit",))
    if node is None:
        return None
    limit_node = _get(node, "step_limit")
    limit = DEFAULT_STEP_LIMIT
    if limit_node is not None:
        limit = reader.integer(limit_node, "step_limit", minimum=10) or DEFAULT_STEP_LIMIT
    seq_node = _get(node, "lessons")
    seq = reader.sequence(seq_node, "lessons") if seq_node is not None else None
    ids: list[str] = []
    lines: dict[str, int] = {}
    for number, item in enumerate(seq.items if seq is not None else (), start=1):
        where = f"lessons item {number}"
        lesson_id = reader.identifier(item, where, ITEM_ID, _ITEM_ID_RULE)
        if lesson_id is None:
            continue
        if lesson_id in lines:
            reader.add(
                item.line,
                where,
                f"'{lesson_id}' is listed twice (first at line {lines[lesson_id]}); "
                "list every lesson once",
            )
            continue
        lines[lesson_id] = item.line
        ids.append(lesson_id)
    if seq is None:
        return None
    return Sequence(tuple(ids), limit, reader.origin(node)), lines
