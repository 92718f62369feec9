"""`qiao content check` on the shipped content with the WHO-5 set or the rotation broken."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.cli import main

CONTENT = Path(__file__).resolve().parents[2] / "content"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A copy of the shipped content to break."""
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    return root


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _check(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["content", "check", str(root)])
    return code, capsys.readouterr().out


def test_shipped_content_with_who5_and_the_rotation_passes(
    content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The shipped who5.yaml and weekly.yaml rotation pass the checker."""
    code, out = _check(content, capsys)
    assert code == 0, out
    assert "3 check-in sets" in out


def test_a_who5_item_with_a_wrong_scale_id_is_refused(
    content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An answer step whose id is not its score would change scores: the checker says so."""
    _edit(
        content / "checkins/who5.yaml",
        '- id: "5"\n        label: {zh: 所有时间',
        '- id: "9"\n        label: {zh: 所有时间',
    )
    code, out = _check(content, capsys)
    assert code == 1
    assert "question 'who5_1': a WHO-5 item is a choice question with options" in out


def test_a_who5_set_without_an_item_or_the_safety_question_is_refused(
    content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Renaming an item or the weekly safety question in who5.yaml is reported."""
    who5 = content / "checkins/who5.yaml"
    _edit(who5, "- id: who5_3", "- id: energy")
    _edit(who5, "- id: safe", "- id: hurt")
    code, out = _check(content, capsys)
    assert code == 1
    assert "the WHO-5 set needs a question 'who5_3'" in out
    assert "it must ask 'safe' too" in out


def test_a_rotating_question_must_be_new_and_answered_with_buttons(
    content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A rotating id that repeats a weekly question, or a free-text one, is refused."""
    weekly = content / "checkins/weekly.yaml"
    _edit(weekly, "  - id: basics\n", "  - id: sleep\n")
    _edit(weekly, "  - id: homework\n    type: choice", "  - id: homework\n    type: free_text")
    code, out = _check(content, capsys)
    assert code == 1
    assert "rotating question 1: id 'sleep' is used twice" in out
    assert "rotating question 'homework'" in out


def test_an_option_category_must_be_an_id(
    content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An option's alert category is written like an id (a-z, 0-9 and _)."""
    _edit(content / "checkins/weekly.yaml", "category: neglect", "category: Not Fed")
    code, out = _check(content, capsys)
    assert code == 1
    assert "category: 'Not Fed' is not a valid id" in out
