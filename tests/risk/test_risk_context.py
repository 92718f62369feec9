"""Reading a child's recent messages together: a split disclosure is caught, nothing is repeated."""

from __future__ import annotations

from bot.levels import RiskLevel
from bot.risk import default_rules
from bot.risk.context import Earlier, assess_in_context


def _in_context(text: str, earlier: list[Earlier]) -> tuple[RiskLevel, list[str]]:
    rules = default_rules()
    own = rules.assess_rules(text)
    got = assess_in_context(rules.assess_rules, text, own, earlier)
    return got.level, [r.code for r in got.reasons]


def test_a_wish_to_die_split_over_two_messages_is_urgent() -> None:
    """我真的不想 then 活了: the second message is raised to urgent with a context reason."""
    level, codes = _in_context("活了", [Earlier("我真的不想", RiskLevel.NONE)])
    assert level == RiskLevel.URGENT
    assert codes
    assert all(c.startswith("context:") for c in codes)


def test_a_message_alone_is_assessed_as_before() -> None:
    """Without earlier messages the assessment is the message's own."""
    assert _in_context("活了", []) == (RiskLevel.NONE, [])


def test_an_earlier_urgent_message_does_not_raise_every_later_one() -> None:
    """After an urgent message, an ordinary one is not raised again by context."""
    level, _ = _in_context("我去吃饭了", [Earlier("我想死", RiskLevel.URGENT)])
    assert level == RiskLevel.NONE


def test_only_the_last_two_earlier_messages_count() -> None:
    """A message three back falls outside the window of three."""
    earlier = [
        Earlier("我真的不想", RiskLevel.NONE),
        Earlier("今天下雨", RiskLevel.NONE),
        Earlier("作业写完了", RiskLevel.NONE),
    ]
    assert _in_context("活了", earlier)[0] == RiskLevel.NONE
