"""`qiao risk check` and `qiao risk eval`: the rules from the command line."""

from __future__ import annotations

import argparse
import json
import sys

from bot.levels import RiskLevel
from bot.risk.evaluate import LabelledFileError, Report, evaluate, read_examples
from bot.risk.loader import RiskRulesError
from bot.risk.model import Reporter
from bot.risk.rules import RiskRules, default_rules


def _rules(rules_only: bool = False) -> RiskRules | None:
    """The default rules (with the learned opinion unless `rules_only`), or None after
    printing why they could not be loaded."""
    try:
        return RiskRules.load() if rules_only else default_rules()
    except RiskRulesError as exc:
        print(f"qiao: risk rules: {exc}", file=sys.stderr)
        return None


def check_command(args: argparse.Namespace) -> int:
    """Print the level and reasons of one message: `urgent  suicide:phrase:想死`."""
    rules = _rules(args.rules_only)
    if rules is None:
        return 2
    reporter = Reporter(args.writer)
    assessment = rules.assess_text(args.text, args.lang, reporter=reporter)
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
    rules = _rules(args.rules_only)
    if rules is None:
        return 2
    report = evaluate(examples, rules.assess_text)
    if not args.json:
        model = rules.learned
        print(f"model: {'off (rules only)' if model is None else model.version}")
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
    print("\nconfusion (rows: expected, columns: got)")
    levels = sorted(RiskLevel, reverse=True)
    print(f"{'':<8} " + " ".join(f"{g.label:>7}" for g in levels))
    matrix = report.confusion()
    for expected in levels:
        row = " ".join(f"{matrix[expected][g]:>7}" for g in levels)
        print(f"{expected.label:<8} {row}")
    categories = report.category_recall()
    if categories:
        print(f"\n{'category':<15} {'recall':>6}  caught/lines (reached the expected level)")
        for name, (caught, total) in categories.items():
            print(f"{name:<15} {caught / total:>6.3f}  {caught}/{total}")
    misses = report.misses
    print(f"\nmisses ({len(misses)}):")
    for o in misses:
        arrow = "under" if o.got.level < o.example.expect else "over "
        reasons = " ".join(r.label() for r in o.got.reasons) or "-"
        text = o.example.text.replace("\n", " / ")
        print(
            f"  line {o.example.line}: {arrow} expected {o.example.expect.label}, "
            f"got {o.got.level.label}: {text}  [{reasons}]"
        )
    print()
    print(f"none raised above watch: {len(report.none_above_watch)}")
    share = report.harmless_raised_share
    if share is not None:
        print(f"harmless raised to concern or urgent: {share:.1%}")
    print(f"urgent rated none: {len(report.urgent_rated_none)}")
    recall = report.urgent_recall
    if min_recall is not None:
        print(f"urgent recall: {_fmt(recall).strip()} (minimum {min_recall:.3f})")
    if problems:
        for problem in problems:
            print(f"FAIL: {problem}")
    else:
        print("OK")
