"""Reading the content folder: files, the sequence, unique ids and lesson file names."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from pathlib import Path

from bot.content.check._measure import LESSON_FILE, YAML_SUFFIXES, Inspection, T
from bot.content.loader import YNode, read_yaml
from bot.content.models import (
    PARENT_TRACK,
    CheckinSet,
    Lesson,
    Origin,
)
from bot.content.problems import Problem
from bot.content.schema import (
    SEQUENCE_FILE,
    Reader,
    build_sequence,
)


def files(root: Path, folder: str, found: Inspection) -> list[Path]:
    """The .yaml files of one content sub-folder; a .yml file is reported, not silently skipped."""
    base = root / folder
    if not base.is_dir():
        return []
    paths = sorted(path for path in base.iterdir() if path.is_file())
    for path in paths:
        if path.suffix in YAML_SUFFIXES:
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


def read(
    path: Path, root: Path, found: Inspection, build: Callable[[YNode, Reader], T | None]
) -> T | None:
    shown = _shown(path, root)
    tree, problems = read_yaml(path, shown)
    found.problems.extend(problems)
    if tree is None:
        return None
    reader = Reader(shown)
    item = build(tree, reader)
    found.problems.extend(reader.problems)
    return item if not problems else None


def read_sequence(root: Path, found: Inspection) -> dict[str, int]:
    """Read lessons/sequence.yaml if there is one; the line of each id it lists."""
    path = root / "lessons" / SEQUENCE_FILE
    if not path.is_file():
        return {}
    built = read(path, root, found, build_sequence)
    if built is None:
        return {}
    found.sequence, lines = built
    found.step_limit = found.sequence.step_limit
    return lines


def check_sequence(found: Inspection, listed: Mapping[str, int]) -> None:
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


def check_ids(found: Inspection) -> None:
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


def check_lesson_files(found: Inspection) -> None:
    """File names follow the items inside, so the folder lists lessons in the order they come."""
    for lesson in found.lessons:
        name = Path(lesson.origin.file).name
        match = LESSON_FILE.fullmatch(name)
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
