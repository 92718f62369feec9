"""`qiao content check` and `qiao content preview`: the editor's tools for the content folder."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.content.check import READING_SPEED, Inspection, inspect_content, step_lengths
from bot.content.preview import EMERGENCY_CARD, preview_card, preview_checkin, preview_lesson


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else plural or word + 's'}"


def summary(found: Inspection) -> str:
    """One line saying what was checked and how many problems were found."""
    return (
        f"content: {_plural(found.lesson_files, 'lesson')}, "
        f"{_plural(found.checkin_files, 'check-in set')}, "
        f"{_plural(len(found.ui), 'UI string')}, "
        f"{_plural(len(found.problems), 'problem')}"
    )


def check_command(args: argparse.Namespace) -> int:
    """Print every problem as `file:line: message`, then a summary; exit 1 if there is any."""
    found = inspect_content(args.path, step_limit=getattr(args, "step_limit", None))
    for problem in found.problems:
        print(problem)
    if getattr(args, "steps", False):
        print_step_lengths(found)
    risk_problem = _risk_lists_problem(args.path)
    if risk_problem:
        print(risk_problem)
    for note in found.notes:  # not problems: on stderr, so stdout stays file:line: message
        print(f"note: {note}", file=sys.stderr)
    print(summary(found))
    return 1 if found.problems or risk_problem else 0


def print_step_lengths(found: Inspection) -> None:
    """One line per lesson: each step's Han characters and seconds to read, over-limit marked."""
    print(
        f"step lengths (Han characters / seconds at {READING_SPEED} a minute; "
        f"limit {found.step_limit}, ! = over):"
    )
    by_lesson: dict[str, list[str]] = {}
    for length in step_lengths(found):
        mark = "!" if length.over else ""
        by_lesson.setdefault(length.lesson_id, []).append(
            f"{length.number}: {length.han}/{length.seconds}s{mark}"
        )
    for lesson_id, steps in by_lesson.items():
        print(f"  {lesson_id}: {'  '.join(steps)}")


def _risk_lists_problem(root: Path) -> str | None:
    """The risk phrase lists live in the content folder too: check that they compile."""
    if not (root / "risk").is_dir():
        return None
    from bot.risk import RiskRules, RiskRulesError

    try:
        RiskRules.load(root)
    except RiskRulesError as exc:
        return str(exc)
    return None


def preview_command(args: argparse.Namespace) -> int:
    """Print one lesson or check-in as the chat shows it; problems elsewhere are only warned of."""
    found = inspect_content(args.path)
    lang: str = args.lang
    if found.problems:
        print(
            f"warning: the content has {_plural(len(found.problems), 'problem')}; "
            f"run `qiao content check {args.path}` to list them",
            file=sys.stderr,
        )
    if lang not in found.languages:
        print(
            f"warning: no '{lang}' texts (languages: {', '.join(found.languages)}); showing zh",
            file=sys.stderr,
        )
        lang = "zh"
    for lesson in found.lessons:
        if lesson.id == args.item_id:
            print(preview_lesson(lesson, lang, found.renderer), end="")
            return 0
    for checkin in found.checkins:
        if checkin.id == args.item_id:
            print(preview_checkin(checkin, lang, found.renderer), end="")
            return 0
    card = found.ui.get(EMERGENCY_CARD)
    if args.item_id == "emergency" and card is not None:
        print(preview_card(card, lang, found.renderer), end="")
        return 0
    known = ", ".join(
        sorted([*(item.id for item in found.lessons), *(c.id for c in found.checkins)])
    )
    print(
        f"qiao: no lesson or check-in with id '{args.item_id}' in {args.path}"
        + (f" (ids: {known})" if known else ""),
        file=sys.stderr,
    )
    return 1
