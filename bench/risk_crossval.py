"""Cross-validation of the learned second opinion by file (`python -m bench.risk_crossval`).

Held-out figures on a file the model was trained on say nothing: it has memorised the
lines. Here every blind file under `tests/risk/blind/` is left out in turn, the model is
trained on every other labelled file, and the rules plus that model assess the left-out
file. The rules themselves were written after reading every file, so their share of the
figures is memorised; what this measures is how far the model carries to wording it has
not seen, and which threshold keeps harmless lines quiet.

The threshold is also chosen the honest way: from out-of-fold probabilities of the
*other* files only (leave one file out over all labelled files), as the lowest threshold
whose harmless raise on those files stays within `--harmless-budget`. Not part of
`make test`: it trains the model once per labelled file (about a minute on two cores).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bot.levels import RiskLevel
from bot.risk import RiskRules
from bot.risk.evaluate import Example, read_examples
from bot.risk.learned import DEFAULT_DATA, THRESHOLD, LearnedOpinion, training_files

SWEEP = (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9)


@dataclass(frozen=True)
class Row:
    """One labelled line: what the rules said and the out-of-fold model probability."""

    file: str
    example: Example
    rules: RiskLevel
    p: float


def level_with(row: Row, threshold: float) -> RiskLevel:
    """The combined level: the model may raise to concern, never lower (as second_opinion)."""
    if row.rules < RiskLevel.CONCERN and row.p >= threshold:
        return RiskLevel.CONCERN
    return row.rules


def scores(rows: Sequence[Row], threshold: float | None) -> dict[str, object]:
    """The issue-12 figures for `rows`; `threshold` None means rules only."""

    def got(r: Row) -> RiskLevel:
        return r.rules if threshold is None else level_with(r, threshold)

    urgent = [r for r in rows if r.example.expect == RiskLevel.URGENT]
    concern = [r for r in rows if r.example.expect == RiskLevel.CONCERN]
    harmless = [r for r in rows if r.example.expect == RiskLevel.NONE]
    return {
        "lines": len(rows),
        "urgent_recall": _share(sum(got(r) == RiskLevel.URGENT for r in urgent), len(urgent)),
        "urgent_rated_none": sum(got(r) == RiskLevel.NONE for r in urgent),
        "urgent_reaching_concern": sum(got(r) >= RiskLevel.CONCERN for r in urgent),
        "urgent": len(urgent),
        "concern_reaching_concern": sum(got(r) >= RiskLevel.CONCERN for r in concern),
        "concern": len(concern),
        "harmless_raised": sum(got(r) >= RiskLevel.CONCERN for r in harmless),
        "harmless": len(harmless),
    }


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def out_of_fold(rules: RiskRules, folder: Path) -> list[Row]:
    """Every labelled line with the probability of a model that never saw its file."""
    prepare = cache(rules.model_text)
    files = training_files(folder)
    examples = {path: read_examples(path) for path in files}
    rows: list[Row] = []
    for held in files:
        rest = [e for path in files if path != held for e in examples[path]]
        model = LearnedOpinion.train(rest, prepare, "crossval")
        texts = [prepare(e.text) for e in examples[held]]
        probs = model.alert.predict_proba(texts)[:, 1]
        for e, p in zip(examples[held], probs, strict=True):
            level = rules.assess_rules(e.text, e.lang, reporter=e.writer).level
            rows.append(Row(str(held.relative_to(folder)), e, level, float(p)))
    return rows


def choose_threshold(rows: Sequence[Row], budget: float) -> float:
    """The lowest threshold (steps of 0.01) whose model-alone harmless raise is within budget."""
    harmless = [r for r in rows if r.example.expect == RiskLevel.NONE]
    for step in range(50, 100):
        t = step / 100
        raised = sum(r.rules < RiskLevel.CONCERN and r.p >= t for r in harmless)
        if raised <= budget * len(harmless):
            return t
    return 1.0


def report(rows: Sequence[Row], budget: float) -> dict[str, object]:
    """Per blind file: rules only, rules + model at the shipped and at the chosen threshold."""
    blind = sorted({r.file for r in rows if r.file.startswith("blind/")})
    folds: dict[str, object] = {}
    for name in blind:
        held = [r for r in rows if r.file == name]
        chosen = choose_threshold([r for r in rows if r.file != name], budget)
        folds[name] = {
            "rules_only": scores(held, None),
            f"model_{THRESHOLD}": scores(held, THRESHOLD),
            "chosen_threshold": chosen,
            "model_chosen": scores(held, chosen),
            "sweep": {str(t): scores(held, t) for t in SWEEP},
        }
    every = [r for r in rows if r.file in blind]
    # Adults' everyday worries are raised by the model more often than children's lines,
    # so the figures are also given per writer (round 12).
    by_writer = {
        writer: {
            str(t): scores([r for r in every if r.example.writer.value == writer], t)
            for t in (None, *SWEEP)
        }
        for writer in ("child", "adult")
    }
    return {
        "shipped_threshold": THRESHOLD,
        "threshold_on_all_files": choose_threshold(rows, budget),
        "folds": folds,
        "all_blind": {str(t): scores(every, t) for t in (None, *SWEEP)},
        "by_writer": by_writer,
    }


def _line(name: str, s: dict[str, object]) -> str:
    return (
        f"{name:28} urgent {s['urgent_recall']!s:>5}  rated none {s['urgent_rated_none']!s:>2}"
        f"/{s['urgent']}  >=concern {s['urgent_reaching_concern']}/{s['urgent']}"
        f"  concern>= {s['concern_reaching_concern']}/{s['concern']}"
        f"  harmless raised {s['harmless_raised']}/{s['harmless']}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Print the per-fold table (and optionally the JSON) of the by-file cross-validation."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--harmless-budget", type=float, default=0.03)
    parser.add_argument("--json", type=Path, help="also write the full figures here")
    args = parser.parse_args(argv)
    rules = RiskRules.load()
    result = report(out_of_fold(rules, args.data), args.harmless_budget)
    folds = result["folds"]
    assert isinstance(folds, dict)
    for name, fold in folds.items():
        print(name)
        print("  " + _line("rules only", fold["rules_only"]))
        print("  " + _line(f"rules + model {THRESHOLD}", fold[f"model_{THRESHOLD}"]))
        chosen = fold["chosen_threshold"]
        print("  " + _line(f"rules + model {chosen} (chosen)", fold["model_chosen"]))
    every = result["all_blind"]
    assert isinstance(every, dict)
    print("all blind files together")
    for t, s in every.items():
        print("  " + _line("rules only" if t == "None" else f"rules + model {t}", s))
    by_writer = result["by_writer"]
    assert isinstance(by_writer, dict)
    for writer, sweep in by_writer.items():
        print(f"all blind files, {writer} writers")
        for t, s in sweep.items():
            print("  " + _line("rules only" if t == "None" else f"rules + model {t}", s))
    print(f"threshold chosen on all files (budget {args.harmless_budget}):", end=" ")
    print(result["threshold_on_all_files"])
    if args.json:
        args.json.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
