"""`qiao risk check` and `qiao risk eval`, driven through the real `qiao` entry point."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from bot.cli import main

pytestmark = pytest.mark.slow  # `qiao risk` run as subprocesses


def write_jsonl(path: Path, rows: Sequence[object]) -> Path:
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", "utf-8")
    return path


GOOD = [
    {"text": "我想死", "lang": "zh", "expect": "urgent", "category": "suicide"},
    {"text": "他们骂我", "lang": "zh", "expect": "concern"},
    {"text": "累死了", "lang": "zh", "expect": "none"},
    {"text": "I want to die", "lang": "en", "expect": "urgent"},
]


def test_check_prints_level_then_reasons(capsys: pytest.CaptureFixture[str]) -> None:
    """`qiao risk check 我想死` prints `urgent  suicide:phrase:...`."""
    assert main(["risk", "check", "我想死"]) == 0
    out = capsys.readouterr().out.strip()
    assert out.startswith("urgent  suicide:phrase:")


def test_check_prints_none_alone_for_an_ordinary_message(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """An ordinary message prints just `none`."""
    assert main(["risk", "check", "今天天气很好", "--lang", "zh"]) == 0
    assert capsys.readouterr().out == "none\n"


def test_check_json_prints_exactly_one_object(capsys: pytest.CaptureFixture[str]) -> None:
    """With --json the output is one JSON object with level and reasons."""
    assert main(["risk", "check", "我不想死，只是有点累", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["level"] == "concern"
    assert data["reasons"][0]["category"] == "suicide"
    assert data["reasons"][0]["code"].startswith("negated:")
    assert set(data) == {"level", "reasons"}


def test_eval_prints_precision_recall_support_and_misses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The report has a row per level and lists each miss with its text and levels."""
    rows = [*GOOD, {"text": "一般般", "lang": "zh", "expect": "concern"}]
    path = write_jsonl(tmp_path / "set.jsonl", rows)
    assert main(["risk", "eval", str(path)]) == 0
    out = capsys.readouterr().out
    assert "5 messages" in out
    assert "urgent       1.000   1.000        2" in out
    assert "line 5: under expected concern, got none: 一般般" in out
    assert "none raised above watch: 0" in out


def test_eval_json_is_a_machine_readable_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--json prints one object with per-level scores, misses and an ok flag."""
    path = write_jsonl(tmp_path / "set.jsonl", GOOD)
    assert main(["risk", "eval", str(path), "--json", "--min-urgent-recall", "1.0"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["total"] == 4
    assert data["levels"]["urgent"] == {
        "precision": 1.0,
        "recall": 1.0,
        "support": 2,
        "predicted": 2,
    }
    assert data["levels"]["watch"]["recall"] is None
    assert data["urgent_recall"] == 1.0
    assert data["misses"] == []
    assert data["ok"] is True


def test_min_urgent_recall_fails_when_an_urgent_message_is_missed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An urgent line the rules call none drops recall to 0.5: exit 1 with the reason."""
    rows = [GOOD[0], {"text": "今天天气很好", "lang": "zh", "expect": "urgent"}]
    path = write_jsonl(tmp_path / "set.jsonl", rows)
    assert main(["risk", "eval", str(path), "--min-urgent-recall", "1.0"]) == 1
    assert "FAIL: urgent recall 0.500 is below 1.000" in capsys.readouterr().out
    assert main(["risk", "eval", str(path), "--min-urgent-recall", "0.5"]) == 0


def test_min_urgent_recall_with_no_urgent_lines_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file without urgent examples cannot prove recall, so the gate fails."""
    path = write_jsonl(tmp_path / "set.jsonl", [GOOD[2]])
    assert main(["risk", "eval", str(path), "--min-urgent-recall", "1.0"]) == 1
    assert "no urgent examples" in capsys.readouterr().out


def test_a_none_message_raised_above_watch_fails_eval(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Even without --min-urgent-recall, a `none` line assessed urgent exits 1 and says so."""
    path = write_jsonl(tmp_path / "set.jsonl", [{"text": "我想死", "lang": "zh", "expect": "none"}])
    assert main(["risk", "eval", str(path)]) == 1
    out = capsys.readouterr().out
    assert "none raised above watch: 1" in out
    assert "FAIL: 1 message(s) labelled none were raised above watch" in out
    assert main(["risk", "eval", str(path), "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["none_above_watch"] == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"text": "a", "expect": "none"}\n{"text": "b", "expect": \n', ":2: not valid JSON"),
        ('["a"]\n', ":1: each line must be a JSON object"),
        ('{"text": 3, "expect": "none"}\n', ":1: 'text' must be a string"),
        ('\n{"text": "a", "expect": "urgnet"}\n', ":2: unknown risk level 'urgnet'"),
        ('{"text": "a"}\n', ":1: 'expect' must be one of"),
        ('{"text": "a", "lang": 5, "expect": "none"}\n', ":1: 'lang' must be a string or null"),
    ],
)
def test_a_bad_line_exits_2_naming_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    """A malformed line stops the evaluation with exit 2 and one clear line on stderr."""
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    assert main(["risk", "eval", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"qiao: {path}")
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_an_unreadable_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A missing file, or one that is not UTF-8, exits 2 with `cannot read`."""
    assert main(["risk", "eval", str(tmp_path / "missing.jsonl")]) == 2
    assert "cannot read" in capsys.readouterr().err
    binary = tmp_path / "binary.jsonl"
    binary.write_bytes(b"\xff\xfe\x00bad")
    assert main(["risk", "eval", str(binary)]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_eval_prints_a_confusion_matrix_category_recall_and_harmless_raised(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Rows are expected levels, columns the levels got; categories and shares follow."""
    rows = [
        *GOOD,
        {"text": "今天天气很好", "lang": "zh", "expect": "urgent", "category": "danger_now"},
        {"text": "他们骂我", "lang": "zh", "expect": "none"},
    ]
    path = write_jsonl(tmp_path / "set.jsonl", rows)
    assert main(["risk", "eval", str(path), "--rules-only"]) == 1
    out = capsys.readouterr().out
    assert "model: off (rules only)" in out
    assert "confusion (rows: expected, columns: got)" in out
    assert "          urgent concern   watch    none" in out
    assert "urgent         2       0       0       1" in out
    assert "none           0       1       0       1" in out
    assert "danger_now       0.000  0/1" in out
    assert "suicide          1.000  1/1" in out
    assert "harmless raised to concern or urgent: 50.0%" in out
    assert "urgent rated none: 1" in out


def test_eval_assesses_adult_lines_as_adults_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An adult's line runs the third-person rules; the same line from a child does not."""
    line = {"text": "孙子两天没回家了 电话也打不通", "lang": "zh", "expect": "urgent"}
    adult = write_jsonl(tmp_path / "adult.jsonl", [{**line, "writer": "adult"}])
    child = write_jsonl(tmp_path / "child.jsonl", [line])
    assert main(["risk", "eval", str(adult), "--rules-only", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["urgent_recall"] == 1.0
    assert main(["risk", "eval", str(child), "--rules-only", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["urgent_recall"] == 0.0
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "a", "expect": "none", "writer": "grandma"}\n', "utf-8")
    assert main(["risk", "eval", str(bad)]) == 2
    assert "'writer' must be child or adult" in capsys.readouterr().err


def test_check_reads_a_message_as_an_adults_report(capsys: pytest.CaptureFixture[str]) -> None:
    """`qiao risk check --writer adult` applies the adults' third-person rules."""
    assert main(["risk", "check", "孙子两天没回家了 电话也打不通", "--writer", "adult"]) == 0
    assert capsys.readouterr().out.startswith("urgent  danger_now:")
