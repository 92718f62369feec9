"""`qiao content audio import FILE --lesson ID --step N`: a phone recording onto a lesson step.

Everything that can go wrong ends in one line on stderr and exit 1: no ffmpeg, an unknown
lesson or step, a file that is not audio. A recording over a minute is kept, with a warning.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.content.audio import (
    MAX_SECONDS,
    AudioError,
    conventional_path,
    convert,
    find_ffmpeg,
)
from bot.content.check import inspect_content


def _fail(message: str) -> int:
    print(f"qiao: {message}", file=sys.stderr)
    return 1


def import_command(args: argparse.Namespace) -> int:
    """Convert FILE to mono OGG/Opus and put it where the lesson step finds it."""
    root: Path = args.path
    source: Path = args.file
    if not root.is_dir():
        return _fail(f"no content folder '{root}' (use --path)")
    found = inspect_content(root)
    lesson = next((item for item in found.lessons if item.id == args.lesson), None)
    if lesson is None:
        return _fail(
            f"no lesson '{args.lesson}' in {root} (or its file has a problem: "
            f"run `qiao content check {root}`)"
        )
    steps = len(lesson.steps)
    number: int = args.step
    if not 1 <= number <= steps:
        return _fail(f"lesson '{lesson.id}' has steps 1 to {steps}, not {number}")
    step = lesson.steps[number - 1]
    target = conventional_path(root, lesson.id, number)
    if step.audio is not None and step.audio.resolve() != target.resolve():
        if step.audio.suffix.lower() != ".ogg":
            written = step.audio.relative_to(root).as_posix()
            return _fail(
                f"step {number} of '{lesson.id}' names audio: {written}; remove that line "
                "(or point it at an .ogg file) to use the imported recording"
            )
        target = step.audio
    try:
        ffmpeg = find_ffmpeg()
        info = convert(source, target, ffmpeg)
    except AudioError as exc:
        return _fail(str(exc))
    shown = target.relative_to(root).as_posix() if target.is_relative_to(root) else str(target)
    print(f"{shown}: step {number} of '{lesson.id}', {info.seconds:.1f} s, mono OGG/Opus")
    if info.seconds > MAX_SECONDS:
        print(
            f"warning: the recording plays {info.seconds:.0f} s; keep a step under "
            f"{MAX_SECONDS} s (record it again, more briefly)",
            file=sys.stderr,
        )
    return 0
