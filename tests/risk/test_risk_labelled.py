"""The gate: our own labelled set must keep urgent recall at 1.0 and no `none` above watch."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from bot.cli import main
from bot.levels import RiskLevel
from bot.risk import default_rules
from bot.risk.evaluate import evaluate, read_examples

LABELLED = Path(__file__).parent / "labelled.jsonl"
# Blind batches: each was written before the rules were changed for it and scored once
# (first scores in docs/risk-rules.md); afterwards they guard against regressions.
BLIND = sorted(Path(__file__).parent.glob("blind_r*.jsonl"))


@pytest.mark.parametrize("path", [LABELLED, *BLIND], ids=lambda p: p.name)
def test_every_urgent_message_is_caught_and_no_ordinary_one_pages_anyone(path: Path) -> None:
    """Urgent recall is 1.0 and no `none` message is assessed concern or urgent."""
    report = evaluate(read_examples(path), default_rules().assess_text)
    missed = [
        o.example.text
        for o in report.outcomes
        if o.example.expect == RiskLevel.URGENT and o.got.level != RiskLevel.URGENT
    ]
    assert missed == []
    assert report.urgent_recall == 1.0
    assert [o.example.text for o in report.none_above_watch] == []


def test_the_blind_batches_are_all_there() -> None:
    """The round 6 to 9 batches exist, each with urgent and `none` lines in both languages."""
    assert [p.name for p in BLIND] == [f"blind_r{n}.jsonl" for n in (6, 7, 8, 9)]
    for path in BLIND:
        examples = read_examples(path)
        assert {RiskLevel.URGENT, RiskLevel.NONE} <= {e.expect for e in examples}, path.name
        assert {e.lang for e in examples} == {"zh", "en"}, path.name


def test_the_cli_gate_passes_on_the_labelled_set(capsys: pytest.CaptureFixture[str]) -> None:
    """`qiao risk eval tests/risk/labelled.jsonl --min-urgent-recall 1.0` exits 0."""
    assert main(["risk", "eval", str(LABELLED), "--min-urgent-recall", "1.0"]) == 0
    assert capsys.readouterr().out.rstrip().endswith("OK")


def test_the_labelled_set_is_broad() -> None:
    """At least 250 lines, both languages, every level, and the tune/holdout/trap splits."""
    examples = read_examples(LABELLED)
    assert len(examples) >= 250
    assert Counter(e.lang for e in examples).keys() == {"zh", "en"}
    assert {e.expect for e in examples} == set(RiskLevel)
    rows = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines()]
    splits = Counter(r["split"] for r in rows)
    assert {"tune", "holdout", "traps"} <= splits.keys()
    categories = {r["category"] for r in rows if r["expect"] in ("urgent", "concern")}
    for needed in (
        "suicide",
        "self_harm",
        "abuse_physical",
        "abuse_sexual",
        "exploitation",
        "neglect",
        "bullying",
        "distress",
        "loneliness",
        "caregiving",
    ):
        assert needed in categories, needed
