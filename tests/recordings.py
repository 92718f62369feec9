"""Generated audio for tests: a sine tone written with the stdlib, made into real recordings.

Nothing here pretends to be speech: the tone only has to be real audio that ffmpeg converts
and Telegram (simulated) accepts. The conversion is the project's own (`qiao content audio
import`'s), with ffmpeg from PATH or the imageio-ffmpeg package of the test extra.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.content.audio import conventional_path, convert, find_ffmpeg
from bot.demo.recording import write_tone
from bot.simtelegram.harness import REPO_CONTENT

_CONVERTED: dict[float, bytes] = {}
"""One real conversion per length per test run; the steps get copies of its bytes."""


def record_step(root: Path, lesson_id: str, step: int, *, seconds: float = 1.0) -> Path:
    """Put a converted tone where step `step` (1-based) of a lesson finds its recording."""
    target = conventional_path(root, lesson_id, step)
    if seconds not in _CONVERTED:
        source = write_tone(root.parent / "phone" / f"tone-{seconds}.wav", seconds)
        convert(source, target, find_ffmpeg())
        _CONVERTED[seconds] = target.read_bytes()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(_CONVERTED[seconds])
    return target


def content_with_recordings(tmp_path: Path, recordings: dict[str, tuple[int, ...]]) -> Path:
    """A copy of the shipped content with recordings for the given lesson steps."""
    root = tmp_path / "content"
    shutil.copytree(REPO_CONTENT, root)
    for lesson_id, steps in recordings.items():
        for step in steps:
            record_step(root, lesson_id, step)
    return root
