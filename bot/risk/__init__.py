"""Qiao's risk rules: pure functions from answers, messages and mood history to a level.

No Telegram and no database here, so the rules can be tested, evaluated (`qiao risk eval`)
and reused by any channel. Levels come from `bot.levels.RiskLevel`.
"""

from __future__ import annotations

from bot.risk.answers import assess_answer
from bot.risk.categories import CATEGORY_LABELS, category_label
from bot.risk.loader import RiskRulesError
from bot.risk.model import NO_RISK, Assessment, Reason, Reporter, combine
from bot.risk.rules import RiskRules, default_rules
from bot.risk.trends import assess_trend, assess_wellbeing

__all__ = [
    "CATEGORY_LABELS",
    "NO_RISK",
    "Assessment",
    "Reason",
    "Reporter",
    "RiskRules",
    "RiskRulesError",
    "assess_answer",
    "assess_trend",
    "assess_wellbeing",
    "category_label",
    "combine",
    "default_rules",
]
