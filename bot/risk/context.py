"""A child's last few messages read together, so a disclosure split across messages is caught.

Children often type in bursts: "我想" … "死", or "he comes into my room at night" then "I'm
not allowed to tell". Each message alone may raise nothing. The caller passes the child's
previous messages inside a short window; this module reads them joined with the new one and
raises the new message where the joined text is more serious than any of its parts already
were (so one urgent message does not raise a second alert for every message after it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.levels import RiskLevel
from bot.risk.evaluate import Assessor
from bot.risk.model import Assessment, Reason, Reporter

CONTEXT_MESSAGES = 3
"""How many messages are read together: the new one and up to two before it."""

CONTEXT_WINDOW_SECONDS = 30 * 60
"""Earlier messages count only when sent at most this long before the new one."""


@dataclass(frozen=True)
class Earlier:
    """A previous message of the same child: its text and the level it was given then."""

    text: str
    level: RiskLevel


def assess_in_context(
    assess: Assessor,
    text: str,
    own: Assessment,
    earlier: Sequence[Earlier],
    lang: str | None = None,
    *,
    reporter: Reporter = Reporter.CHILD,
) -> Assessment:
    """`own` (the new message alone), raised by the joined reading where that is higher.

    `earlier` is oldest first and already limited to the window; only the last
    CONTEXT_MESSAGES - 1 of it are read. The joined reading raises only above both the new
    message's own level and every earlier message's level, and each of its reasons is
    recoded `context:<code>` so the volunteer knows no single message said it.
    """
    recent = list(earlier)[-(CONTEXT_MESSAGES - 1) :] if CONTEXT_MESSAGES > 1 else []
    if not recent:
        return own
    floor = max([own.level, *(e.level for e in recent)])
    joined = assess("\n".join([*(e.text for e in recent), text]), lang, reporter=reporter)
    if joined.level <= floor:
        return own
    raised = [
        Reason(r.category, f"context:{r.code}", r.evidence, r.level)
        for r in joined.reasons
        if r.level > floor
    ]
    return Assessment.of([*own.reasons, *raised])
