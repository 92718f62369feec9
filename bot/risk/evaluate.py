"""Precision and recall of the rules on a labelled JSONL file (`qiao risk eval`).

The two numbers that gate a release: urgent recall (a missed urgent message is a child
nobody calls) and `none` messages raised above `watch` (false alarms that page volunteers).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from bot.levels import RiskLevel
from bot.risk.model import Assessment, Reporter


class LabelledFileError(ValueError):
    """A labelled file that cannot be read; the message names the file and line."""


@dataclass(frozen=True)
class Example:
    """One labelled message: what it says, its language, the level a human expects."""

    line: int
    text: str
    lang: str | None
    expect: RiskLevel
    category: str | None = None
    writer: Reporter = Reporter.CHILD


class Assessor(Protocol):
    """Anything shaped like `RiskRules.assess_text`."""

    def __call__(
        self, text: str, lang: str | None = None, *, reporter: Reporter = Reporter.CHILD
    ) -> Assessment: ...


@dataclass(frozen=True)
class Outcome:
    """An example with the level and reasons the rules gave it."""

    example: Example
    got: Assessment


@dataclass(frozen=True)
class LevelScore:
    """Exact-level precision and recall; None when undefined (nothing predicted/expected)."""

    precision: float | None
    recall: float | None
    support: int
    predicted: int


@dataclass
class Report:
    """The whole evaluation, ready to print or to dump as JSON."""

    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def misses(self) -> list[Outcome]:
        """Examples whose level differs from the expected one, in file order."""
        return [o for o in self.outcomes if o.got.level != o.example.expect]

    @property
    def none_above_watch(self) -> list[Outcome]:
        """`none` examples raised to concern or urgent: each would page a volunteer."""
        return [
            o
            for o in self.outcomes
            if o.example.expect == RiskLevel.NONE and o.got.level > RiskLevel.WATCH
        ]

    def score(self, level: RiskLevel) -> LevelScore:
        """Precision, recall and support for one level."""
        support = sum(1 for o in self.outcomes if o.example.expect == level)
        predicted = sum(1 for o in self.outcomes if o.got.level == level)
        correct = sum(
            1 for o in self.outcomes if o.example.expect == level and o.got.level == level
        )
        return LevelScore(
            precision=correct / predicted if predicted else None,
            recall=correct / support if support else None,
            support=support,
            predicted=predicted,
        )

    def confusion(self) -> dict[RiskLevel, dict[RiskLevel, int]]:
        """How many examples of each expected level got each level: `[expected][got]`."""
        matrix = {e: dict.fromkeys(RiskLevel, 0) for e in RiskLevel}
        for o in self.outcomes:
            matrix[o.example.expect][o.got.level] += 1
        return matrix

    def category_recall(self) -> dict[str, tuple[int, int]]:
        """Per labelled category of risky lines: (reached the expected level, lines).

        A line counts as caught when its assessed level is at least the expected one, so an
        urgent line assessed concern is a miss for its category.
        """
        counts: dict[str, tuple[int, int]] = {}
        for o in self.outcomes:
            if o.example.expect == RiskLevel.NONE:
                continue
            name = o.example.category or "-"
            caught, total = counts.get(name, (0, 0))
            counts[name] = (caught + (o.got.level >= o.example.expect), total + 1)
        return dict(sorted(counts.items()))

    @property
    def urgent_rated_none(self) -> list[Outcome]:
        """Urgent examples that raised nothing at all: nobody would ever look."""
        return [
            o
            for o in self.outcomes
            if o.example.expect == RiskLevel.URGENT and o.got.level == RiskLevel.NONE
        ]

    @property
    def harmless_raised_share(self) -> float | None:
        """Share of `none` examples raised to concern or urgent (each pages a volunteer)."""
        harmless = self.score(RiskLevel.NONE).support
        return len(self.none_above_watch) / harmless if harmless else None

    @property
    def urgent_recall(self) -> float | None:
        """Share of urgent examples the rules called urgent."""
        return self.score(RiskLevel.URGENT).recall

    def to_json(self, min_urgent_recall: float | None = None) -> dict[str, object]:
        """A machine-readable summary (the misses carry the labelled text, not new data)."""
        levels = {}
        for level in sorted(RiskLevel, reverse=True):
            s = self.score(level)
            levels[level.label] = {
                "precision": s.precision,
                "recall": s.recall,
                "support": s.support,
                "predicted": s.predicted,
            }
        return {
            "total": len(self.outcomes),
            "levels": levels,
            "urgent_recall": self.urgent_recall,
            "min_urgent_recall": min_urgent_recall,
            "none_above_watch": len(self.none_above_watch),
            "harmless_raised_share": self.harmless_raised_share,
            "urgent_rated_none": len(self.urgent_rated_none),
            "confusion": {
                e.label: {g.label: n for g, n in row.items()} for e, row in self.confusion().items()
            },
            "categories": {
                name: {"caught": caught, "lines": total}
                for name, (caught, total) in self.category_recall().items()
            },
            "misses": [
                {
                    "line": o.example.line,
                    "text": o.example.text,
                    "expected": o.example.expect.label,
                    "got": o.got.level.label,
                    "reasons": [r.label() for r in o.got.reasons],
                }
                for o in self.misses
            ],
            "ok": not self.failures(min_urgent_recall),
        }

    def failures(self, min_urgent_recall: float | None) -> list[str]:
        """Why this report fails the gate (empty when it passes)."""
        problems: list[str] = []
        if self.none_above_watch:
            problems.append(
                f"{len(self.none_above_watch)} message(s) labelled none were raised above watch"
            )
        if min_urgent_recall is not None:
            recall = self.urgent_recall
            if recall is None:
                problems.append("no urgent examples: urgent recall cannot be checked")
            elif recall < min_urgent_recall:
                problems.append(f"urgent recall {recall:.3f} is below {min_urgent_recall:.3f}")
        return problems


def read_examples(path: Path) -> list[Example]:
    """Parse a JSONL file of {"text", "lang", "expect"} objects.

    Optional keys: `category` (for per-category recall) and `writer` (`child`, the default,
    or `adult`: the line is assessed as an adult's report about a child). Others are ignored.
    """
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LabelledFileError(f"{path}: cannot read: {exc}") from None
    examples: list[Example] = []
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        examples.append(_parse_line(path, number, line))
    return examples


def _parse_line(path: Path, number: int, line: str) -> Example:
    where = f"{path}:{number}"
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise LabelledFileError(f"{where}: not valid JSON: {exc.msg}") from None
    if not isinstance(obj, dict):
        raise LabelledFileError(f"{where}: each line must be a JSON object")
    text, lang, expect = obj.get("text"), obj.get("lang"), obj.get("expect")
    if not isinstance(text, str):
        raise LabelledFileError(f"{where}: 'text' must be a string")
    if lang is not None and not isinstance(lang, str):
        raise LabelledFileError(f"{where}: 'lang' must be a string or null")
    if not isinstance(expect, str):
        raise LabelledFileError(f"{where}: 'expect' must be one of none, watch, concern, urgent")
    try:
        level = RiskLevel.parse(expect)
    except ValueError as exc:
        raise LabelledFileError(f"{where}: {exc}") from None
    category = obj.get("category")
    if category is not None and not isinstance(category, str):
        raise LabelledFileError(f"{where}: 'category' must be a string or null")
    writer = obj.get("writer", Reporter.CHILD.value)
    if writer not in {r.value for r in Reporter}:
        raise LabelledFileError(f"{where}: 'writer' must be child or adult")
    return Example(number, text, lang, level, category or None, Reporter(writer))


def evaluate(examples: Iterable[Example], assess: Assessor) -> Report:
    """Run `assess` over every example, as its writer (child or adult) sent it."""
    return Report([Outcome(e, assess(e.text, e.lang, reporter=e.writer)) for e in examples])
