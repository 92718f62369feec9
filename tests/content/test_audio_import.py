"""`qiao content audio import` and the audio part of `qiao content check`, on generated tones."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from bot.cli import main
from bot.content.audio import NO_BUNDLED_ENV, find_ffmpeg, inspect_opus
from bot.content.check import inspect_content
from bot.demo.recording import write_tone

FIXTURES = Path(__file__).parent / "fixtures"
LESSON = "homework-routine"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A copy of the valid fixture folder: one lesson of three steps, step 1 recorded."""
    root = tmp_path / "content"
    shutil.copytree(FIXTURES / "valid", root)
    return root


def phone_file(tmp_path: Path, suffix: str, seconds: float = 2.0) -> Path:
    """A tone saved as a phone might: WAV as written, m4a (AAC) and mp3 made from it."""
    wav = write_tone(tmp_path / "phone" / "tone.wav", seconds)
    if suffix == ".wav":
        return wav
    out = wav.with_suffix(suffix)
    subprocess.run(  # noqa: S603 - fixed arguments
        [find_ffmpeg(), "-nostdin", "-loglevel", "error", "-y", "-i", str(wav), str(out)],
        check=True,
    )
    return out


def run_import(source: Path, root: Path, step: int = 2, lesson: str = LESSON) -> int:
    argv = ["content", "audio", "import", str(source), "--lesson", lesson, "--step", str(step)]
    return main([*argv, "--path", str(root)])


@pytest.mark.parametrize("suffix", [".wav", ".m4a", ".mp3"])
def test_import_converts_a_phone_recording_for_the_step(
    suffix: str, content: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A phone recording becomes mono OGG/Opus at audio/<lesson>/<step>.ogg, found by the step."""
    assert run_import(phone_file(tmp_path, suffix), content) == 0
    target = content / "audio" / LESSON / "2.ogg"
    out = capsys.readouterr().out
    assert out == f"audio/{LESSON}/2.ogg: step 2 of '{LESSON}', 2.0 s, mono OGG/Opus\n"
    info = inspect_opus(target)
    assert (round(info.seconds), info.channels) == (2, 1)
    assert target.stat().st_size < 2 * 32_000 // 8 + 2_000  # at most ~32 kbit/s, plus headers
    found = inspect_content(content)
    assert found.problems == []
    assert found.lessons[0].steps[1].audio == target
    assert [p.name for p in target.parent.iterdir()] == ["2.ogg"]  # no temporary file left


def test_missing_ffmpeg_fails_with_one_line(
    content: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Without ffmpeg on PATH and without the bundled one, the import says how to install it."""
    source = write_tone(tmp_path / "tone.wav")
    monkeypatch.setenv("PATH", "")
    monkeypatch.setenv(NO_BUNDLED_ENV, "1")
    assert run_import(source, content) == 1
    captured = capsys.readouterr()
    assert captured.err == "qiao: ffmpeg not found: install it (apt-get install ffmpeg)\n"
    assert not (content / "audio" / LESSON).exists()


def test_a_file_that_is_not_audio_fails_with_one_line_and_leaves_nothing(
    content: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A text file named .m4a is refused in one line; no recording or temporary file stays."""
    source = tmp_path / "note.m4a"
    source.write_text("not a recording", encoding="utf-8")
    assert run_import(source, content) == 1
    err = capsys.readouterr().err
    assert err.startswith("qiao: cannot read 'note.m4a' as audio (ffmpeg: ")
    assert err.count("\n") == 1
    assert list((content / "audio" / LESSON).iterdir()) == []


@pytest.mark.parametrize(
    ("lesson", "step", "message"),
    [
        ("no-such-lesson", 1, "qiao: no lesson 'no-such-lesson' in "),
        (LESSON, 4, f"qiao: lesson '{LESSON}' has steps 1 to 3, not 4"),
        (LESSON, 0, f"qiao: lesson '{LESSON}' has steps 1 to 3, not 0"),
    ],
)
def test_an_unknown_lesson_or_step_fails_with_one_line(
    lesson: str,
    step: int,
    message: str,
    content: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The lesson id and step number are checked before anything is converted."""
    assert run_import(write_tone(tmp_path / "tone.wav"), content, step, lesson) == 1
    err = capsys.readouterr().err
    assert err.startswith(message)
    assert err.count("\n") == 1


def test_an_unreadable_file_fails_with_one_line(
    content: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A path that does not exist is named in one line."""
    assert run_import(tmp_path / "missing.m4a", content) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"qiao: cannot read '{tmp_path / 'missing.m4a'}': ")
    assert err.count("\n") == 1


def test_a_recording_over_a_minute_is_kept_with_a_warning(
    content: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Over 60 seconds the recording is imported and a one-line warning says to shorten it."""
    assert run_import(phone_file(tmp_path, ".wav", seconds=61), content) == 0
    err = capsys.readouterr().err
    assert err == (
        "warning: the recording plays 61 s; keep a step under 60 s "
        "(record it again, more briefly)\n"
    )
    assert (content / "audio" / LESSON / "2.ogg").is_file()


def test_check_notes_unrecorded_steps_and_rejects_a_recording_that_is_not_opus(
    content: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Steps without a recording are notes on stderr; a non-Opus recording is a problem."""
    assert main(["content", "check", str(content)]) == 0
    notes = capsys.readouterr().err.splitlines()
    assert notes == [
        f"note: {content}/lessons/homework-01-routine.yaml: no recording for steps 2, 3",
        "note: audio: 1 of 3 lesson steps have a recording "
        "(add one with `qiao content audio import`)",
    ]

    shutil.copy(phone_file(tmp_path, ".mp3"), content / "audio" / "step-one.ogg")
    (content / "audio" / LESSON).mkdir()
    (content / "audio" / LESSON / "9.ogg").write_bytes(b"")
    assert main(["content", "check", str(content)]) == 1
    captured = capsys.readouterr()
    assert captured.out.splitlines()[:-1] == [
        f"{content}/lessons/homework-01-routine.yaml:9: step 1 audio: 'audio/step-one.ogg' is "
        "not an OGG/Opus recording; convert it with `qiao content audio import`"
    ]
    assert f"note: audio/{LESSON}/9.ogg: no step plays this file" in captured.err.splitlines()
