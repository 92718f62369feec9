"""What a risk assessment says: a level and the machine-readable reasons behind it.

Reasons carry rule ids and list phrases, never a child's own words, so an assessment can be
stored, logged and shown to coordinators without leaking what the child wrote.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from bot.levels import RiskLevel


class Reporter(StrEnum):
    """Who wrote a message: a child about themselves, or an adult reporting about a child.

    An adult's third-person report ("the child says he doesn't want to live") counts as a
    signal about the child, where the same sentence from a child about a classmate would not.
    """

    CHILD = "child"
    ADULT = "adult"


@dataclass(frozen=True)
class Reason:
    """One rule that fired.

    `category` names the kind of risk ("suicide", "bullying", "low_mood", "answer" …);
    `code` is machine-readable ("phrase:想死", "negated:想死", "trend:low_mood_2");
    `evidence` is the rule id or a short data summary, never the child's text;
    `level` is how serious this reason is on its own (NONE when the creator did not say).
    """

    category: str
    code: str
    evidence: str
    level: RiskLevel = RiskLevel.NONE

    def to_json(self) -> dict[str, str]:
        """The stored form: category and code are what consumers rely on."""
        return {"category": self.category, "code": self.code}

    def label(self) -> str:
        """`category:code`, the form the CLI prints."""
        return f"{self.category}:{self.code}"


@dataclass(frozen=True)
class Assessment:
    """A level with its reasons, most serious reason first."""

    level: RiskLevel
    reasons: tuple[Reason, ...] = ()

    def to_json(self) -> dict[str, object]:
        """`{"level": "urgent", "reasons": [{"category": ..., "code": ...}, ...]}`."""
        return {"level": self.level.label, "reasons": [r.to_json() for r in self.reasons]}

    @property
    def primary_category(self) -> str | None:
        """The category of the most serious reason, for an alert's label; None when none."""
        if self.level == RiskLevel.NONE or not self.reasons:
            return None
        return max(self.reasons, key=lambda r: r.level).category

    @classmethod
    def of(cls, reasons: Iterable[Reason]) -> Assessment:
        """Build from reasons: level is the highest reason level; duplicates dropped.

        Sorting comes before de-duplication so that, of two reasons with the same code,
        the more serious one is kept.
        """
        ranked = sorted((r for r in reasons if r.level > RiskLevel.NONE), key=lambda r: -r.level)
        ordered = tuple(_dedupe(ranked))
        level = ordered[0].level if ordered else RiskLevel.NONE
        return cls(level=level, reasons=ordered)


NO_RISK = Assessment(RiskLevel.NONE, ())


def combine(*assessments: Assessment) -> Assessment:
    """Merge assessments from several sources: the most serious level wins, reasons add up.

    A reason without its own level takes the level of the assessment it came from, so
    reasons built elsewhere still sort correctly.
    """
    reasons: list[Reason] = []
    level = RiskLevel.NONE
    for assessment in assessments:
        level = max(level, assessment.level)
        for reason in assessment.reasons:
            if reason.level == RiskLevel.NONE and assessment.level > RiskLevel.NONE:
                reason = Reason(reason.category, reason.code, reason.evidence, assessment.level)
            reasons.append(reason)
    ordered = tuple(_dedupe(sorted(reasons, key=lambda r: -r.level)))
    return Assessment(level=level, reasons=ordered)


def _dedupe(reasons: Iterable[Reason]) -> list[Reason]:
    """Keep the first reason for each (category, code) pair (callers sort by level first)."""
    seen: set[tuple[str, str]] = set()
    kept: list[Reason] = []
    for reason in reasons:
        key = (reason.category, reason.code)
        if key not in seen:
            seen.add(key)
            kept.append(reason)
    return kept
