"""The gate: our own labelled set must keep urgent recall at 1.0 and no `none` above watch."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

import pytest

from bot.cli import main
from bot.levels import RiskLevel
from bot.risk import Reporter, default_rules
from bot.risk.evaluate import evaluate, read_examples

LABELLED = Path(__file__).parent / "labelled.jsonl"
# Blind batches: each was written before the rules were changed for it and scored once
# (first scores in docs/risk-rules.md); afterwards they guard against regressions.
BLIND = sorted(Path(__file__).parent.glob("blind_r*.jsonl"))
# Issue 12: batches written by someone who had not read the rules, copied unchanged after
# their first run (figures in docs/risk-rules.md), and our own examples of the patterns.
DECEMBER = sorted((Path(__file__).parent / "blind").glob("2026-12-*.jsonl"))
OWN = Path(__file__).parent / "own_issue12.jsonl"
# Round 10: our own cases of the issue-12 patterns, many of them harmless look-alikes.
OWN_R10 = Path(__file__).parent / "own_round10.jsonl"
# Round 11: our own variations of the frames the three fresh batches showed, with look-alikes.
OWN_R11 = Path(__file__).parent / "own_round11.jsonl"
# Round 12: our own variations of what round 11's fresh batches missed or raised wrongly.
OWN_R12 = Path(__file__).parent / "own_round12.jsonl"
FIRST_RUN_SHA256 = {
    "2026-12-adults-1.jsonl": "031aeb11310a7d1564d5146fab2bec922ea6ddb38ab9c0f66c40cea41d1df043",
    "2026-12-adults-2.jsonl": "2c2d7d45aa1bc9ad93accea3e561bd8b8291fbbddc56bae8cfaa9ee5406a7ee4",
    "2026-12-batch-1.jsonl": "6ed83729d1b41cb705dba239b4707f88529f1092efa9d868a4eb789389fd9773",
    "2026-12-batch-2.jsonl": "c22d043db0042693c52c0e08607b6e282dc31d8b911e707bb3e67b7a45b96114",
    "2026-12-batch-3.jsonl": "44553d6d18cd97dfba63ddb449b74481dfc1a22e15a1f58ba3e2b20e42693d5c",
    # Round 10's first run on fresh blind batches (lead, docs/risk-rules.md), folded in round 11.
    "2026-12-adults-3.jsonl": "f17a1cd0fdc7a5055f5022411d6a1f1875f08ad1d077373f8fa4d170709d9c71",
    "2026-12-children-4.jsonl": "a0dadbddeb2dd51c3793d7955956a0da48d74d9de32a8c1b6e568265d01d439b",
    "2026-12-children-5.jsonl": "44ea417ab17ccb70f335c14fb57d5f39632a8868ebb7ffdf03cdef42a803bb6e",
    # Round 11's first run on fresh blind batches (lead, docs/risk-rules.md), folded in round 12.
    "2026-12-adults-4.jsonl": "6d26e27b327ab55f0df4fe2fa9823904a04ae69dd0452848fe4d1044190af69e",
    "2026-12-children-6.jsonl": "00d9f7a34ba320a5c82b3c4ca3feee672edc5e77cf742d308c4d7f5b21c3915e",
}


@pytest.mark.parametrize(
    "path", [LABELLED, *BLIND, *DECEMBER, OWN, OWN_R10, OWN_R11, OWN_R12], ids=lambda p: p.name
)
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


def test_the_december_batches_are_the_files_first_run() -> None:
    """The folded batches are byte for byte the files whose first run docs/risk-rules.md records."""
    digests = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in DECEMBER}
    assert digests == FIRST_RUN_SHA256


@pytest.mark.parametrize("path", [OWN_R10, OWN_R11, OWN_R12], ids=lambda p: p.name)
def test_own_cases_cover_every_writer_and_language_with_harmless_look_alikes(path: Path) -> None:
    """Our own cases: urgent and harmless lines by children and adults, in both languages."""
    examples = read_examples(path)
    kinds = {(e.writer, e.lang, e.expect) for e in examples}
    for writer in (Reporter.CHILD, Reporter.ADULT):
        for lang in ("zh", "en"):
            assert (writer, lang, RiskLevel.URGENT) in kinds
            assert (writer, lang, RiskLevel.NONE) in kinds
    harmless = sum(e.expect == RiskLevel.NONE for e in examples)
    assert harmless >= 30


def test_adult_lines_are_read_as_adults_reports() -> None:
    """The adults' batch is written by adults, so its third-person reports count."""
    examples = read_examples(DECEMBER[0])
    assert {e.writer for e in examples} == {Reporter.ADULT}
    report = evaluate(examples, default_rules().assess_rules)
    assert report.urgent_recall == 1.0
    as_children = [
        default_rules().assess_rules(e.text, e.lang).level
        for e in examples
        if e.expect == RiskLevel.URGENT
    ]
    assert min(as_children) < RiskLevel.URGENT  # some reports need the adult-only rules


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
