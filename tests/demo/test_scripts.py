"""Every scripted demo in demo/ runs through `qiao demo --script` and passes its expects."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main

pytestmark = pytest.mark.slow  # the demo scripts run as `qiao demo` subprocesses

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
SCRIPTS = sorted(DEMO_DIR.glob("*.txt"))


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.stem for s in SCRIPTS])
def test_demo_script_passes(script: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The script exits 0, which means every `expect` in it found what it wanted."""
    code = main(["demo", "--script", str(script)])
    captured = capsys.readouterr()
    assert code == 0, captured.err + captured.out[-3000:]
    assert "every expect passed" in captured.out


def test_failed_expect_exits_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A script whose expect cannot match exits 1 and says what was expected and what came."""
    script = tmp_path / "bad.txt"
    script.write_text("as stranger\nsay /start\nexpect this text never appears\n", encoding="utf-8")
    assert main(["demo", "--script", str(script)]) == 1
    err = capsys.readouterr().err
    assert "FAILED at line 3" in err
    assert "this text never appears" in err
    assert "invitation" in err or "邀请" in err


def test_help_says_where_to_start(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`help` names a first step and the tour, so a newcomer knows where to begin."""
    script = tmp_path / "help.txt"
    script.write_text("help\n", encoding="utf-8")
    assert main(["demo", "--script", str(script)]) == 0
    out = capsys.readouterr().out
    assert "Start here: `as admin`" in out
    assert "demo/tour.txt" in out
