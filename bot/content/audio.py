"""Step recordings: where they live, what Telegram needs, and turning a phone recording into it.

Telegram shows a voice note with a play button and waveform only for OGG/Opus, so every
recording is converted to mono Opus at 24 kbit/s (clear speech, about 3 KB a second) with
ffmpeg. By convention the recording of step N of lesson ID is `audio/<ID>/<N>.ogg` inside the
content folder (N counts from 1, as the chat shows "（1/5）"); a step's `audio:` field can
name another file. ffmpeg is the one on PATH; failing that, the binary the `imageio-ffmpeg`
package ships (installed with the test extra), unless QIAO_NO_BUNDLED_FFMPEG is set.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from mutagen import MutagenError
from mutagen.oggopus import OggOpus

AUDIO_FOLDER = "audio"
MAX_SECONDS = 60
"""A step's recording should be shorter than this: one idea, read slowly."""
BITRATE = "24k"
SAMPLE_RATE = 48_000
NO_BUNDLED_ENV = "QIAO_NO_BUNDLED_FFMPEG"
CONVERT_TIMEOUT = 120
MISSING_FFMPEG = "ffmpeg not found: install it (apt-get install ffmpeg)"


class AudioError(Exception):
    """A recording that cannot be used, or a missing tool; the text is one line for the user."""


@dataclass(frozen=True)
class OpusInfo:
    """What matters about an OGG/Opus file: how long it plays and how many channels it has."""

    seconds: float
    channels: int


def conventional_path(root: Path, lesson_id: str, step: int) -> Path:
    """Where the recording of step `step` (1-based) of a lesson is looked for."""
    return root / AUDIO_FOLDER / lesson_id / f"{step}.ogg"


def inspect_opus(path: Path) -> OpusInfo:
    """Read an OGG/Opus file's length and channels; AudioError if it is anything else."""
    try:
        audio = OggOpus(path)  # type: ignore[no-untyped-call]  # mutagen leaves __init__ untyped
    except (MutagenError, OSError) as exc:
        raise AudioError(
            f"'{path.name}' is not an OGG/Opus recording ({_last_line(exc)})"
        ) from None
    info: object = audio.info
    length, channels = getattr(info, "length", None), getattr(info, "channels", None)
    if not isinstance(length, int | float) or not isinstance(channels, int):
        raise AudioError(f"'{path.name}' is not an OGG/Opus recording (no stream info)")
    return OpusInfo(float(length), channels)


def find_ffmpeg() -> str:
    """The ffmpeg to use: PATH first, then the bundled one; AudioError when there is none."""
    on_path = shutil.which("ffmpeg")
    if on_path is not None:
        return on_path
    if not os.environ.get(NO_BUNDLED_ENV):
        try:
            import imageio_ffmpeg
        except ImportError:
            pass
        else:
            try:
                return str(imageio_ffmpeg.get_ffmpeg_exe())
            except RuntimeError:  # the package is there but its binary is not
                pass
    raise AudioError(MISSING_FFMPEG)


def convert(source: Path, target: Path, ffmpeg: str) -> OpusInfo:
    """Convert a phone recording (m4a, mp3, wav …) to mono OGG/Opus at `target`.

    The file is written beside `target` first and moved into place only once it reads back
    as OGG/Opus, so a failed conversion never leaves a broken recording in the content.
    Metadata (phone model, place) is dropped.
    """
    try:
        with source.open("rb") as handle:
            handle.read(1)
    except OSError as exc:
        raise AudioError(f"cannot read '{source}': {exc.strerror or type(exc).__name__}") from None
    target.parent.mkdir(parents=True, exist_ok=True)
    handle_fd, temp_name = tempfile.mkstemp(suffix=".ogg", dir=target.parent, prefix=".import-")
    os.close(handle_fd)
    temp = Path(temp_name)
    try:
        _run_ffmpeg(ffmpeg, source, temp)
        info = inspect_opus(temp)
        temp.chmod(0o644)  # like the other content files (mkstemp made it owner-only)
        temp.replace(target)
    finally:
        temp.unlink(missing_ok=True)
    return info


def _run_ffmpeg(ffmpeg: str, source: Path, out: Path) -> None:
    command = [
        ffmpeg,
        "-nostdin",
        "-hide_banner",
        "-loglevel",
        "error",
        "-y",
        "-i",
        str(source),
        "-vn",
        "-map_metadata",
        "-1",
        "-ac",
        "1",
        "-ar",
        str(SAMPLE_RATE),
        "-c:a",
        "libopus",
        "-b:a",
        BITRATE,
        "-vbr",
        "constrained",  # stays near 24 kbit/s (free VBR spent 40 on a steady tone)
        "-application",
        "voip",
        "-f",
        "ogg",
        str(out),
    ]
    try:
        done = subprocess.run(  # noqa: S603 - a fixed argument list, no shell
            command, capture_output=True, timeout=CONVERT_TIMEOUT, check=False
        )
    except FileNotFoundError:
        raise AudioError(MISSING_FFMPEG) from None
    except subprocess.TimeoutExpired:
        raise AudioError(f"ffmpeg took over {CONVERT_TIMEOUT} s on '{source.name}'") from None
    if done.returncode != 0:
        said = _last_line(done.stderr.decode("utf-8", "replace")) or f"exit {done.returncode}"
        raise AudioError(f"cannot read '{source.name}' as audio (ffmpeg: {said})")


def _last_line(what: object) -> str:
    text = str(what).strip()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else text
