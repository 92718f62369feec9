"""Stand-in recordings for demos and tests: a generated tone, converted like a real one.

The shipped content has no recordings (NGO staff make them, docs/recording.md), so a demo
that shows voice notes makes its own in a temporary copy of the content folder. The tone is
written with the stdlib and converted by the same code as `qiao content audio import`.
"""

from __future__ import annotations

import math
import shutil
import struct
import wave
from pathlib import Path

from bot.content.audio import OpusInfo, conventional_path, convert, find_ffmpeg

RATE = 16_000


def write_tone(path: Path, seconds: float = 1.0, hertz: float = 440.0) -> Path:
    """A mono 16-bit WAV of a quiet sine tone, as a phone's voice-memo app might save one."""
    frames = int(RATE * seconds)
    samples = (int(8000 * math.sin(2 * math.pi * hertz * n / RATE)) for n in range(frames))
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(b"".join(struct.pack("<h", s) for s in samples))
    return path


def working_copy(source: Path, workdir: Path) -> Path:
    """A copy of the content folder to add recordings to (made once per workdir)."""
    target = workdir / "content"
    if not target.exists():
        shutil.copytree(source, target)
    return target


def record_tone(root: Path, lesson_id: str, step: int, seconds: float = 3.0) -> OpusInfo:
    """Put a converted tone where step `step` (1-based) of a lesson finds its recording."""
    source = write_tone(root.parent / "phone" / f"{lesson_id}-{step}.wav", seconds)
    return convert(source, conventional_path(root, lesson_id, step), find_ffmpeg())
