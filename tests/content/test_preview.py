"""`qiao content preview ID`: a lesson or check-in printed as the chat would show it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.cli import main

FIXTURES = Path(__file__).parent / "fixtures"

LESSON_ZH = """\
Lesson homework-routine (version 1) · track homework, lesson 1 · language zh
Source: PLH tips on routines

── message 1 · step 1 ──
*固定时间*

第一步。
(voice message: valid/audio/step-one.ogg)

── message 2 · step 2 ──
第二步。

── message 3 · step 3 ──
第三步。

── message 4 · question ──
您怎么办？
[ 1: 先听 ]
[ 2: 先说 ]

── after [ 1 ] ──
很好。

── after [ 2 ] ──
也可以。

── message 5 · practice for the week ──
试一试。

── next time, before the next lesson · follow-up ──
您试了吗？

── practice tip · went well ──
真好。

── practice tip · hard ──
慢慢来。

── practice tip · not tried ──
先试一小步。
"""


def test_lesson_preview_shows_each_message_and_numbered_buttons(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A lesson prints step by step, with its question's buttons and each answer's feedback."""
    monkeypatch.chdir(FIXTURES)
    code = main(["content", "preview", "homework-routine", "--path", "valid"])
    assert capsys.readouterr().out == LESSON_ZH
    assert code == 0


def test_checkin_preview_shows_faces_risks_and_crisis(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A check-in prints its faces in a row, each answer's risk, the skip button and crisis text."""
    monkeypatch.chdir(FIXTURES)
    code = main(["content", "preview", "weekly", "--lang", "en", "--path", "valid"])
    out = capsys.readouterr().out
    assert code == 0
    assert "Hi Ming!" in out
    assert "[ 1: 😢 ]  [ 2: 🙁 ]  [ 3: 😐 ]  [ 4: 🙂 ]  [ 5: 😄 ]" in out
    assert "── after [ 1 ] · risk concern ──" in out
    assert "(the child types an answer)\n[ 1: Skip ]" in out
    assert out.endswith(
        "── crisis message · sent at once after any urgent answer ──\nCall 12356 or 110.\n"
    )


def test_preview_shows_html_as_plain_marks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Bold text in a step shows as *text*, the way chat apps hint formatting."""
    shutil.copytree(FIXTURES / "valid", tmp_path / "c")
    path = tmp_path / "c" / "lessons" / "homework-01-routine.yaml"
    path.write_text(
        path.read_text("utf-8").replace("{zh: 第二步。", "{zh: <b>第二步</b>&amp;。"), "utf-8"
    )
    code = main(["content", "preview", "homework-routine", "--path", str(tmp_path / "c")])
    assert "── message 2 · step 2 ──\n*第二步*&。\n" in capsys.readouterr().out
    assert code == 0


def test_emergency_preview_shows_the_card_with_numbers_and_hours(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`preview emergency` prints the shipped emergency card: every number, honest hours, signs."""
    content = Path(__file__).resolve().parents[2] / "content"
    code = main(["content", "preview", "emergency", "--path", str(content), "--lang", "en"])
    out = capsys.readouterr().out
    assert code == 0
    assert out.startswith("Emergency card · language en")
    for number in ("110", "120", "119", "12356", "12355"):
        assert f"*{number}*" in out
    assert "at least 18 hours a day" in out
    assert "Signs to take seriously" in out


def test_preview_of_unknown_id_fails_and_lists_ids(capsys: pytest.CaptureFixture[str]) -> None:
    """An id that is neither a lesson nor a check-in exits 1 and names the ids there are."""
    code = main(["content", "preview", "nope", "--path", str(FIXTURES / "valid")])
    err = capsys.readouterr().err
    assert code == 1
    assert err.strip().endswith("(ids: homework-routine, weekly)")


def test_preview_of_unknown_language_falls_back_to_chinese(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A language the content lacks is warned about and Chinese is shown."""
    code = main(["content", "preview", "weekly", "--lang", "fr", "--path", str(FIXTURES / "valid")])
    captured = capsys.readouterr()
    assert code == 0
    assert "no 'fr' texts" in captured.err
    assert "小明，你好！" in captured.out
