"""Risk from a check-in answer: the content file already says how serious each option is."""

from __future__ import annotations

from bot.levels import RiskLevel
from bot.risk.model import NO_RISK, Assessment, Reason


def assess_answer(
    level: RiskLevel, question_id: str, option_id: str, *, category: str | None = None
) -> Assessment:
    """Turn the level written next to an answer option into an assessment with one reason.

    `category` is the option's own category from the content file (e.g. neglect); without
    one the reason's category is "answer"."""
    if level == RiskLevel.NONE:
        return NO_RISK
    reason = Reason(
        category=category or "answer",
        code=f"answer:{question_id}:{option_id}",
        evidence=f"{question_id}.{option_id}",
        level=level,
    )
    return Assessment(level, (reason,))
