"""One pass over the content folder, every check in order."""

from __future__ import annotations

from pathlib import Path

from bot.content import starters
from bot.content.check._assets import check_audio, check_callback_data, check_crisis
from bot.content.check._folder import (
    check_ids,
    check_lesson_files,
    check_sequence,
    files,
    read,
    read_sequence,
)
from bot.content.check._measure import Inspection
from bot.content.check._texts import check_languages, check_templates, languages_of, texts_of
from bot.content.measures import check_measures
from bot.content.models import (
    TRACKS,
)
from bot.content.problems import Problem
from bot.content.schema import (
    build_checkin,
    build_lesson,
    build_ui,
)


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
    for path in files(root, "lessons", found):
        found.lesson_files += 1
        lesson = read(path, root, found, lambda tree, r: build_lesson(tree, r, root))
        if lesson is not None:
            found.lessons.append(lesson)
    for path in files(root, "checkins", found):
        found.checkin_files += 1
        item = read(path, root, found, build_checkin)
        if item is not None:
            found.checkins.append(item)
    for path in files(root, "ui", found):
        strings = read(path, root, found, build_ui)
        for key, (text, key_line) in (strings or {}).items():
            if key in ui_origins:
                message = f"key '{key}' is already used in {ui_origins[key]}"
                found.problems.append(Problem(text.origin.file, key_line, message))
                continue
            ui_origins[key] = f"{text.origin.file}:{key_line}"
            found.ui[key] = text
    found.lessons.sort(key=lambda item: (TRACKS.index(item.track), item.order, item.id))
    listed = read_sequence(root, found)
    if step_limit is not None:
        found.step_limit = step_limit
    check_ids(found)
    check_sequence(found, listed)
    check_lesson_files(found)
    texts = list(texts_of(found))
    found.languages = languages_of(texts)
    check_languages(found, texts)
    check_templates(found, texts)
    check_audio(found)
    check_callback_data(found)
    check_crisis(found)
    found.problems.extend(check_measures(found.checkins))
    found.problems.extend(starters.load(root)[1])
    found.problems.sort()
    return found
