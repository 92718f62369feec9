"""`qiao risk check` and `qiao risk eval`: the rules from the command line."""

from __future__ import annotations

import argparse
import json
import sys

from bot.levels import RiskLevel
from bot.risk.evaluate import LabelledFileError, Report, evaluate, read_examples
from bot.risk.loader import RiskRulesError
from bot.risk.rules import RiskRules, default_rules


def _rules() -> RiskRules | None:
    """The default rules, or None after printing why they could not be loaded."""
    try:
        return default_rules()
    except RiskRulesError as exc:
        print(f"qiao: risk rules: {exc}", file=sys.stderr)
        return None


def check_command(args: argparse.Namespace) -> int:
    """Print the level and reasons of one message: `urgent  suicide:phrase:想死`."""
    rules = _rules()
    if rules is None:
        return 2
    assessment = rules.assess_text(args.text, args.lang)
    if args.json:
        print(json.dumps(assessment.to_json(), ensure_ascii=False))
        return 0
    reasons = " ".join(r.label() for r in assessment.reasons)
    print(f"{assessment.level.label}  {reasons}".rstrip())
    return 0


def eval_command(args: argparse.Namespace) -> int:
    """Score the rules on a labelled JSONL file; exit 1 when the gate fails, 2 on bad input."""
    try:
        examples = read_examples(args.file)
    except LabelledFileError as exc:
        print(f"qiao: {exc}", file=sys.stderr)
        return 2
    rules = _rules()
    if rules is None:
        return 2
    report = evaluate(examples, rules.assess_text)
    problems = report.failures(args.min_urgent_recall)
    if args.json:
        print(json.dumps(report.to_json(args.min_urgent_recall), ensure_ascii=False))
    else:
        _print_report(report, args.min_urgent_recall, problems)
    return 1 if problems else 0


def _fmt(value: float | None) -> str:
    return "    -" if value is None else f"{value:.3f}"


def _print_report(report: Report, min_recall: float | None, problems: list[str]) -> None:
    print(f"{len(report.outcomes)} messages")
    print(f"{'level':<8} {'precision':>9} {'recall':>7} {'support':>8}")
    for level in sorted(RiskLevel, reverse=True):
        s = report.score(level)
        print(f"{level.label:<8} {_fmt(s.precision):>9} {_fmt(s.recall):>7} {s.support:>8}")
    misses = report.misses
    print(f"\nmisses ({len(misses)}):")
    for o in misses:
        arrow = "under" if o.got.level < o.example.expect else "over "
        reasons = " ".join(r.label() for r in o.got.reasons) or "-"
        print(
            f"  line {o.example.line}: {arrow} expected {o.example.expect.label}, "
            f"got {o.got.level.label}: {o.example.text}  [{reasons}]"
        )
    print()
    print(f"none raised above watch: {len(report.none_above_watch)}")
    recall = report.urgent_recall
    if min_recall is not None:
        print(f"urgent recall: {_fmt(recall).strip()} (minimum {min_recall:.3f})")
    if problems:
        for problem in problems:
            print(f"FAIL: {problem}")
    else:
        print("OK")
