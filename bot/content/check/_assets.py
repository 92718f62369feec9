"""Audio files, button data and the crisis numbers."""

from __future__ import annotations

import re
from pathlib import Path

from bot.content import telegram_html
from bot.content.audio import AUDIO_FOLDER, MAX_SECONDS, AudioError, inspect_opus
from bot.content.check._measure import (
    CALLBACK_LIMIT,
    PHONE,
    SESSION_ID_SAMPLE,
    SKIP_OPTION_ID,
    Inspection,
)
from bot.content.models import (
    CheckinSet,
    Origin,
    QuestionType,
)
from bot.content.problems import Problem


def check_audio(found: Inspection) -> None:
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


def check_callback_data(found: Inspection) -> None:
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
    return {re.sub(r"\D", "", match) for match in PHONE.findall(text)}


def check_crisis(found: Inspection) -> None:
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
