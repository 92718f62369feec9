"""Every rule the content must follow, checked in one pass over the content folder.

Structural rules (fields, types, counts) live in `schema`; here are the rules that need the
whole folder or the rendered text: unique ids and orders, file names, every language present,
templates that compile and render, Telegram HTML, lengths, button data, audio files and the
crisis numbers. Nothing here raises for a content mistake: each one becomes a `Problem`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import jinja2

from bot.content import starters, telegram_html
from bot.content.audio import AUDIO_FOLDER, MAX_SECONDS, AudioError, inspect_opus
from bot.content.loader import YNode, read_yaml
from bot.content.measures import check_measures
from bot.content.models import (
    PARENT_TRACK,
    PRACTICE_ANSWERS,
    REQUIRED_LANGUAGES,
    TRACKS,
    CheckinSet,
    Lesson,
    Localized,
    Origin,
    QuestionType,
    Sequence,
)
from bot.content.problems import Problem
from bot.content.render import CHECKIN_NAMES, LESSON_NAMES, Renderer, sample_values
from bot.content.schema import (
    DEFAULT_STEP_LIMIT,
    SEQUENCE_FILE,
    Reader,
    build_checkin,
    build_lesson,
    build_sequence,
    build_ui,
)

CALLBACK_LIMIT = 64
"""Telegram's limit on a button's callback data, in bytes."""

SESSION_ID_SAMPLE = "9" * 10
"""The longest check-in session id the bot puts in callback data (up to 10 digits)."""

SKIP_OPTION_ID = "skip"
"""The option id the bot uses for the skip button of an optional free-text question."""

MESSAGE_LIMIT = 4096
"""Telegram's limit on one message, in characters after entity parsing."""

_YAML_SUFFIXES = (".yml", ".YAML", ".YML", ".Yaml")
_LESSON_FILE = re.compile(r"(?P<track>[a-z]+)-(?P<order>\d+)-[a-z0-9-]+\.yaml")
_PHONE = re.compile(r"(?<![\d-])(\d{3,4}(?:-\d{3,4}){1,2}|\d{3,5})(?![\d-])")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
_INVISIBLE = re.compile(r"[\u200d\ufe0e\ufe0f\U0001f3fb-\U0001f3ff]")
_CJK_LANGUAGES = frozenset({"zh", "yue", "ja"})
_T = TypeVar("_T")


def _is_cjk(lang: str) -> bool:
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
        if _is_cjk(lang):
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


def check_content(root: Path) -> list[Problem]:
    """Every problem in the content folder `root`, in file and line order (empty if all is well)."""
    return inspect_content(root).problems


def inspect_content(root: Path, *, step_limit: int | None = None) -> Inspection:
    """Read and check the whole content folder; never raises for a content mistake.

    `step_limit` (Han characters per lesson step) overrides the sequence file's `step_limit`.
    """
    found = Inspection(root)
    shown_root = str(root)
    if not root.is_dir():
        what = "is a file, not the content folder" if root.exists() else "no such folder"
        found.problems.append(Problem(shown_root, 0, what))
        return found
    ui_origins: dict[str, str] = {}
    for path in _files(root, "lessons", found):
        found.lesson_files += 1
        lesson = _read(path, root, found, lambda tree, r: build_lesson(tree, r, root))
        if lesson is not None:
            found.lessons.append(lesson)
    for path in _files(root, "checkins", found):
        found.checkin_files += 1
        item = _read(path, root, found, build_checkin)
        if item is not None:
            found.checkins.append(item)
    for path in _files(root, "ui", found):
        strings = _read(path, root, found, build_ui)
        for key, (text, key_line) in (strings or {}).items():
            if key in ui_origins:
                message = f"key '{key}' is already used in {ui_origins[key]}"
                found.problems.append(Problem(text.origin.file, key_line, message))
                continue
            ui_origins[key] = f"{text.origin.file}:{key_line}"
            found.ui[key] = text
    found.lessons.sort(key=lambda item: (TRACKS.index(item.track), item.order, item.id))
    listed = _read_sequence(root, found)
    if step_limit is not None:
        found.step_limit = step_limit
    _check_ids(found)
    _check_sequence(found, listed)
    _check_lesson_files(found)
    texts = list(_texts(found))
    found.languages = _languages(texts)
    _check_languages(found, texts)
    _check_templates(found, texts)
    _check_audio(found)
    _check_callback_data(found)
    _check_crisis(found)
    found.problems.extend(check_measures(found.checkins))
    found.problems.extend(starters.load(root)[1])
    found.problems.sort()
    return found


def _files(root: Path, folder: str, found: Inspection) -> list[Path]:
    """The .yaml files of one content sub-folder; a .yml file is reported, not silently skipped."""
    base = root / folder
    if not base.is_dir():
        return []
    paths = sorted(path for path in base.iterdir() if path.is_file())
    for path in paths:
        if path.suffix in _YAML_SUFFIXES:
            found.problems.append(
                Problem(_shown(path, root), 0, "content files must end in .yaml; rename it")
            )
    return [
        path
        for path in paths
        if path.suffix == ".yaml"
        and not path.name.startswith(".")
        and not (folder == "lessons" and path.name == SEQUENCE_FILE)
    ]


def _shown(path: Path, root: Path) -> str:
    return str(root / path.relative_to(root))


def _read(
    path: Path, root: Path, found: Inspection, build: Callable[[YNode, Reader], _T | None]
) -> _T | None:
    shown = _shown(path, root)
    tree, problems = read_yaml(path, shown)
    found.problems.extend(problems)
    if tree is None:
        return None
    reader = Reader(shown)
    item = build(tree, reader)
    found.problems.extend(reader.problems)
    return item if not problems else None


def _read_sequence(root: Path, found: Inspection) -> dict[str, int]:
    """Read lessons/sequence.yaml if there is one; the line of each id it lists."""
    path = root / "lessons" / SEQUENCE_FILE
    if not path.is_file():
        return {}
    built = _read(path, root, found, build_sequence)
    if built is None:
        return {}
    found.sequence, lines = built
    found.step_limit = found.sequence.step_limit
    return lines


def _check_sequence(found: Inspection, listed: Mapping[str, int]) -> None:
    """The sequence names only lessons that exist, and every lesson once."""
    sequence = found.sequence
    if sequence is None:
        return
    file = sequence.origin.file
    known = {lesson.id for lesson in found.lessons}
    for lesson_id in sequence.lesson_ids:
        if lesson_id not in known:
            hint = _closest(lesson_id, sorted(known))
            found.problems.append(
                Problem(file, listed[lesson_id], f"'{lesson_id}' is not a lesson id{hint}")
            )
    line = sequence.origin.at("lessons").line
    for lesson in found.lessons:
        if lesson.track == PARENT_TRACK:
            if lesson.id in listed:
                message = f"'{lesson.id}' is a parents' lesson (own order): do not list it"
                found.problems.append(Problem(file, listed[lesson.id], message))
            continue
        if lesson.id not in listed:
            found.problems.append(
                Problem(
                    file,
                    line,
                    f"lesson '{lesson.id}' ({lesson.origin.file}) is not listed; "
                    "add its id where it should come",
                )
            )


def _closest(value: str, allowed: list[str]) -> str:
    close = difflib.get_close_matches(value, allowed, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _check_ids(found: Inspection) -> None:
    """Lesson and check-in ids are unique together (`qiao content preview ID` finds either)."""
    seen: dict[str, Origin] = {}
    items: list[Lesson | CheckinSet] = [*found.lessons, *found.checkins]
    items.sort(key=lambda item: (item.origin.file, item.origin.line))
    for item in items:
        here = item.origin.at("id")
        if item.id in seen:
            found.problems.append(
                Problem(here.file, here.line, f"id '{item.id}' is already used by {seen[item.id]}")
            )
        else:
            seen[item.id] = here
    orders: dict[tuple[str, int], Origin] = {}
    for lesson in sorted(found.lessons, key=lambda item: item.origin.file):
        here = lesson.origin.at("order")
        key = (lesson.track, lesson.order)
        if key in orders:
            found.problems.append(
                Problem(
                    here.file,
                    here.line,
                    f"order {lesson.order} is already used in track '{lesson.track}' "
                    f"by {orders[key]}",
                )
            )
        else:
            orders[key] = here


def _check_lesson_files(found: Inspection) -> None:
    """File names follow the items inside, so the folder lists lessons in the order they come."""
    for lesson in found.lessons:
        name = Path(lesson.origin.file).name
        match = _LESSON_FILE.fullmatch(name)
        if (
            match is None
            or match.group("track") != lesson.track
            or int(match.group("order")) != lesson.order
        ):
            wanted = f"{lesson.track}-{lesson.order:02d}-<short-name>.yaml"
            found.problems.append(
                Problem(
                    lesson.origin.file,
                    0,
                    f"the file name should be '{wanted}' to match its track and order",
                )
            )
    for checkin in found.checkins:
        if Path(checkin.origin.file).name != f"{checkin.id}.yaml":
            found.problems.append(
                Problem(
                    checkin.origin.file, 0, f"the file name should be '{checkin.id}.yaml' (its id)"
                )
            )


def _texts(found: Inspection) -> Iterator[Text]:
    """Every text a person sees, with the rules that apply to it."""
    for lesson in found.lessons:
        names = LESSON_NAMES
        yield Text("title", lesson.title, names, "title", TITLE)
        step_limit = Limit(found.step_limit, "Chinese characters", 60, "words", timed=True)
        for number, step in enumerate(lesson.steps, start=1):
            yield Text(f"step {number} text", step.text, names, "html", step_limit)
        yield Text("question text", lesson.question.text, names, "html", MESSAGE)
        for option in lesson.question.options:
            where = f"option '{option.id}'"
            yield Text(f"{where} label", option.label, names, "label", LABEL)
            yield Text(f"{where} feedback", option.feedback, names, "html", MESSAGE)
        yield Text("practice", lesson.practice, names, "html", MESSAGE)
        yield Text("follow_up", lesson.follow_up, names, "html", MESSAGE)
        tips = lesson.practice_tips
        for outcome in PRACTICE_ANSWERS:
            tip = tips.for_answer(outcome)
            yield Text(f"practice_tips {outcome}", tip, names, "html", MESSAGE)
    for checkin in found.checkins:
        names = CHECKIN_NAMES
        yield Text("title", checkin.title, names, "title", TITLE)
        yield Text("intro", checkin.intro, names, "html", MESSAGE)
        for question in (*checkin.questions, *checkin.rotating):
            where = f"question '{question.id}'"
            yield Text(f"{where} text", question.text, names, "html", MESSAGE)
            for answer in question.options:
                named = f"{where} option '{answer.id}'"
                yield Text(f"{named} label", answer.label, names, "label", LABEL)
                if answer.reply is not None:
                    yield Text(f"{named} reply", answer.reply, names, "html", REPLY)
            if question.skip_label is not None:
                yield Text(f"{where} skip_label", question.skip_label, names, "label", LABEL)
        yield Text("closing", checkin.closing, names, "html", MESSAGE)
        yield Text("crisis", checkin.crisis, names, "html", None)
    for key, text in found.ui.items():
        yield Text(key, text, None, "html", None)


def _languages(texts: list[Text]) -> tuple[str, ...]:
    """zh and en first, then every other language used anywhere, alphabetically."""
    others = {lang for t in texts for lang in t.text.languages} - set(REQUIRED_LANGUAGES)
    return (*REQUIRED_LANGUAGES, *sorted(others))


def _check_languages(found: Inspection, texts: list[Text]) -> None:
    """A language used anywhere must be used everywhere, or some people would see holes."""
    first_use: dict[str, Origin] = {}
    for t in texts:
        for lang in t.text.languages:
            first_use.setdefault(lang, Origin(t.text.origin.file, t.text.line_of(lang)))
    for t in texts:
        for lang in found.languages:
            if lang in t.text:
                continue
            hint = (
                ""
                if lang in REQUIRED_LANGUAGES
                else f" (the language '{lang}' is used at {first_use[lang]})"
            )
            found.problems.append(
                Problem(
                    t.text.origin.file,
                    t.text.origin.line,
                    f"{t.where}: missing '{lang}' text{hint}",
                )
            )


def _check_templates(found: Inspection, texts: list[Text]) -> None:
    """Each text compiles, uses only the names it may, renders, and fits Telegram."""
    for t in texts:
        for lang in t.text.languages:
            rendered = _render_sample(found, t, lang)
            if rendered is None:
                continue
            line = t.text.line_of(lang)
            for message in _shape_problems(t, lang, rendered):
                found.problems.append(
                    Problem(t.text.origin.file, line, f"{t.where} ({lang}): {message}")
                )


def _render_sample(found: Inspection, t: Text, lang: str) -> str | None:
    """Render one language of a text with sample values; None (problem recorded) if it fails."""
    source = t.text[lang]
    file, line = t.text.origin.file, t.text.line_of(lang)
    where = f"{t.where} ({lang})"
    renderer = found.renderer
    try:
        renderer.compile(source, html=t.kind != "label")
        used = renderer.names(source)
    except jinja2.TemplateSyntaxError as exc:
        found.problems.append(Problem(file, line, f"{where}: template error: {exc.message}"))
        return None
    if t.names is None:
        return _render_ui(found, t, lang, used)
    unknown = sorted(used - set(t.names))
    for name in unknown:
        allowed = ", ".join(t.names)
        found.problems.append(
            Problem(file, line, f"{where}: unknown name '{name}' (this text may use: {allowed})")
        )
    if unknown:
        return None
    try:
        return renderer.render(source, sample_values(lang, t.names), html=t.kind != "label")
    except jinja2.TemplateError as exc:
        found.problems.append(Problem(file, line, f"{where}: cannot render: {exc}"))
        return None


def _render_ui(found: Inspection, t: Text, lang: str, used: frozenset[str]) -> str | None:
    """UI strings may use any names, but a translation must not need names the zh text does not."""
    zh = t.text.texts.get("zh")
    if lang != "zh" and zh is not None:
        try:
            extra = sorted(used - found.renderer.names(zh))
        except jinja2.TemplateSyntaxError:
            extra = []
        if extra:
            found.problems.append(
                Problem(
                    t.text.origin.file,
                    t.text.line_of(lang),
                    f"{t.where} ({lang}): uses {', '.join(extra)}, which the zh text does not use "
                    "(the bot may not pass it)",
                )
            )
    try:
        return found.renderer.render(t.text[lang], dict.fromkeys(used, "x"))
    except (jinja2.TemplateError, TypeError, ValueError):
        return None  # the sample value does not suit this template; its callers' tests cover it


def _shape_problems(t: Text, lang: str, rendered: str) -> list[str]:
    """HTML validity and length of one rendered text."""
    problems: list[str] = []
    if t.kind == "label":
        if telegram_html.has_markup(rendered):
            problems.append("a button cannot use HTML tags or entities; write plain text")
        visible = rendered
    else:
        if t.kind == "title" and telegram_html.has_markup(rendered):
            problems.append("a title cannot use HTML tags or entities; write plain text")
        problems.extend(telegram_html.validate(rendered))
        visible = telegram_html.visible_text(rendered)
    if not visible.strip():
        problems.append("is empty")

    if t.limit is not None:
        count, maximum, unit = t.limit.measure(lang, visible)
        if count > maximum:
            timed = ""
            if t.limit.timed and _is_cjk(lang):
                timed = f" (about {reading_seconds(count)} s to read)"
            problems.append(f"is too long: {count} {unit}{timed}, at most {maximum}")
    elif len(visible) > MESSAGE_LIMIT:
        problems.append(f"is too long: {len(visible)} characters, Telegram allows {MESSAGE_LIMIT}")
    return problems


def _check_audio(found: Inspection) -> None:
    """A step's recording exists inside the content folder and is OGG/Opus (a voice note).

    Steps without a recording are not problems (recording is optional and gradual): they
    are listed per lesson in `notes`, with recordings over a minute and stray files.
    """
    root = found.root.resolve()
    recorded = total = 0
    used: set[Path] = set()
    for lesson in found.lessons:
        missing: list[int] = []
        for number, step in enumerate(lesson.steps, start=1):
            total += 1
            if step.audio is None:
                missing.append(number)
                continue
            used.add(step.audio.resolve())
            here = step.origin.at("audio")
            written = step.audio.relative_to(found.root).as_posix()
            message = _audio_problem(step.audio, written, root, found)
            if message is None:
                recorded += 1
            else:
                where = f"step {number} audio"
                found.problems.append(Problem(here.file, here.line, f"{where}: {message}"))
        if missing:
            steps = ", ".join(str(n) for n in missing)
            word = "step" if len(missing) == 1 else "steps"
            found.notes.append(f"{lesson.origin.file}: no recording for {word} {steps}")
    _note_strays(found, used)
    if total:
        found.notes.append(
            f"audio: {recorded} of {total} lesson steps have a recording "
            "(add one with `qiao content audio import`)"
        )


def _audio_problem(path: Path, written: str, root: Path, found: Inspection) -> str | None:
    """What is wrong with one recording, or None; a long one only earns a note."""
    if not path.resolve().is_relative_to(root):
        return f"'{written}' is outside the content folder"
    if not path.is_file():
        return f"no such file '{written}' (paths start at the content folder)"
    try:
        info = inspect_opus(path)
    except AudioError:
        return (
            f"'{written}' is not an OGG/Opus recording; convert it with `qiao content audio import`"
        )
    if info.seconds > MAX_SECONDS:
        found.notes.append(
            f"{written}: plays {info.seconds:.0f} s; keep a step under {MAX_SECONDS} s"
        )
    return None


def _note_strays(found: Inspection, used: set[Path]) -> None:
    """Files in audio/<lesson id>/ that no step plays (a step removed, a wrong number)."""
    folder = found.root / AUDIO_FOLDER
    lesson_ids = {lesson.id for lesson in found.lessons}
    if not folder.is_dir():
        return
    for sub in sorted(p for p in folder.iterdir() if p.is_dir() and p.name in lesson_ids):
        for path in sorted(sub.iterdir()):
            if path.is_file() and not path.name.startswith(".") and path.resolve() not in used:
                shown = path.relative_to(found.root).as_posix()
                found.notes.append(f"{shown}: no step plays this file")


def _check_callback_data(found: Inspection) -> None:
    """The data the bot puts behind every answer button fits Telegram's 64 bytes."""
    for lesson in found.lessons:
        for option in lesson.question.options:
            data = f"l:{lesson.id}:{lesson.version}:{option.id}"
            _check_data(found, option.origin.at("id"), f"option '{option.id}'", data)
    for checkin in found.checkins:
        for question in (*checkin.questions, *checkin.rotating):
            ids = [option.id for option in question.options]
            if question.type is QuestionType.FREE_TEXT and question.optional:
                ids.append(SKIP_OPTION_ID)
            for option_id in ids:
                data = f"c:{SESSION_ID_SAMPLE}:{question.id}:{option_id}"
                where = f"question '{question.id}' option '{option_id}'"
                _check_data(found, question.origin.at("id"), where, data)


def _check_data(found: Inspection, here: Origin, where: str, data: str) -> None:
    size = len(data.encode("utf-8"))
    if size > CALLBACK_LIMIT:
        found.problems.append(
            Problem(
                here.file,
                here.line,
                f"{where}: button data '{data}' is {size} bytes, Telegram allows "
                f"{CALLBACK_LIMIT}; shorten the ids",
            )
        )


def phone_numbers(text: str) -> set[str]:
    """The phone numbers in a text, digits only (400-161-9995 → 4001619995)."""
    return {re.sub(r"\D", "", match) for match in _PHONE.findall(text)}


def _check_crisis(found: Inspection) -> None:
    """The crisis message gives real numbers, and the same numbers in every language."""
    first: tuple[CheckinSet, set[str]] | None = None
    for checkin in sorted(found.checkins, key=lambda item: item.origin.file):
        crisis = checkin.crisis
        zh_numbers = phone_numbers(telegram_html.visible_text(crisis.get("zh")))
        if first is None:
            first = (checkin, zh_numbers)
        elif zh_numbers != first[1]:
            found.problems.append(
                Problem(
                    crisis.origin.file,
                    crisis.origin.line,
                    f"crisis: gives other numbers than {first[0].origin.file} "
                    f"({', '.join(sorted(zh_numbers))} here, {', '.join(sorted(first[1]))} there); "
                    "when a number changes, change it in every check-in file",
                )
            )
    for checkin in found.checkins:
        crisis = checkin.crisis
        by_lang: dict[str, set[str]] = {}
        for lang in crisis.languages:
            by_lang[lang] = phone_numbers(telegram_html.visible_text(crisis[lang]))
            if not by_lang[lang]:
                found.problems.append(
                    Problem(
                        crisis.origin.file,
                        crisis.line_of(lang),
                        f"crisis ({lang}): gives no phone number; it must name the crisis lines "
                        "(such as 12356) and 110/120",
                    )
                )
        reference = by_lang.get("zh")
        if not reference:
            continue
        for lang, numbers in by_lang.items():
            missing = sorted(reference - numbers)
            if lang != "zh" and numbers and missing:
                found.problems.append(
                    Problem(
                        crisis.origin.file,
                        crisis.line_of(lang),
                        f"crisis ({lang}): lacks {', '.join(missing)}, which the zh text gives",
                    )
                )
            extra = sorted(numbers - reference)
            if lang != "zh" and numbers and extra:
                found.problems.append(
                    Problem(
                        crisis.origin.file,
                        crisis.line_of(lang),
                        f"crisis ({lang}): gives {', '.join(extra)}, which the zh text does not",
                    )
                )


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
