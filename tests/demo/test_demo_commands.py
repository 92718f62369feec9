"""Demo commands: `follow` by role or URL, pop-ups printed, shell commands kept out of the chat,
and Ctrl-C ends the interactive demo at once."""

from __future__ import annotations

import os
import pty
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main

REPO = Path(__file__).resolve().parents[2]
SAFETY_NET_S = 120

NEW_FAMILY = """\
as admin
say /invite volunteer
as volunteer
follow
say /newfamily 东村小学
press 有自己的手机
press 10–12 岁
expect 建好了
"""


def run_script(tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str]) -> str:
    script = tmp_path / "script.txt"
    script.write_text(text, encoding="utf-8")
    code = main(["demo", "--script", str(script)])
    captured = capsys.readouterr()
    assert code == 0, captured.err + captured.out[-3000:]
    return captured.out


def test_follow_opens_the_link_meant_for_the_speaker(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """After /newfamily the child's `follow` opens the child's link, not the grandparent's."""
    run_script(
        tmp_path,
        NEW_FAMILY + "as child\nfollow\nexpect 请先等一等\n"
        "as grandma\nfollow\npress 中文\nexpect 我同意\n",
        capsys,
    )


def test_follow_by_role(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`follow grandparent` and `follow child` open those links whoever is speaking."""
    run_script(
        tmp_path,
        NEW_FAMILY + "as stranger\nfollow child\nexpect 请先等一等\n"
        "as grandma\nfollow grandparent\npress 中文\nexpect 我同意\n",
        capsys,
    )


def test_follow_url_opens_that_url(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`follow URL` sends that URL's payload, not the newest link's."""
    out = run_script(
        tmp_path,
        NEW_FAMILY + "follow https://t.me/qiao_sim_bot?start=NotARealPayload42\n"
        "expect 这个链接打不开\nfollow t.me/nothing-here\n",
        capsys,
    )
    assert "not an invitation link" in out


def test_follow_without_a_link_for_the_role_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A child with no link shown yet is told so; nothing is sent."""
    out = run_script(tmp_path, "as child\nfollow\nfollow teacher\n", capsys)
    assert "no invitation link for child shown yet" in out
    assert "follow a role" in out


def test_button_pop_ups_are_printed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The text a press is answered with (answerCallbackQuery) is printed and can be expected."""
    script = (REPO / "demo" / "alerts.txt").read_text(encoding="utf-8")
    out = run_script(
        tmp_path, script.replace("gpress 我来跟进\n", "gpress 我来跟进\nexpect 💬\n", 1), capsys
    )
    assert "💬 pop-up: 你已认领 A-1" in out


def test_shell_command_at_the_prompt_is_not_sent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The banner's tour hint typed at the prompt is explained, not sent to the bot."""
    out = run_script(tmp_path, "as stranger\nqiao demo --script demo/tour.txt\n", capsys)
    assert "is a command for your terminal" in out
    assert "→ [stranger]" not in out


@pytest.mark.slow  # a real `qiao demo` process, interrupted
def test_ctrl_c_ends_the_interactive_demo() -> None:
    """Ctrl-C at the prompt ends `qiao demo` without waiting for Enter, and prints no traceback."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "demo"],
        cwd=REPO,
        stdin=terminal,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    os.close(terminal)
    assert process.stdout is not None
    assert process.stderr is not None
    out = b""
    try:
        while b"grandma> " not in out:  # the bot is up and waits for a line
            chunk = os.read(process.stdout.fileno(), 4096)
            assert chunk, out.decode()
            out += chunk
        process.send_signal(signal.SIGINT)
        assert process.wait(SAFETY_NET_S) == 0
    finally:
        if process.poll() is None:
            process.kill()
        os.close(controller)
    out += process.stdout.read()
    err = process.stderr.read().decode()
    assert "Traceback" not in err
    assert "Fatal" not in err
    text = out.decode()
    assert "bye" in text
    assert "demo/tour.txt" in text
