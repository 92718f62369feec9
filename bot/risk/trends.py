"""Risk from the shape of a child's weekly mood faces over time.

One low week is ordinary; two low weeks in a row, a sudden fall from the child's own usual
face, or a child who stops answering are what a coordinator wants to see in the digest.
Faces run 1..5 with 1 the worst; None is a check-in that went unanswered.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.levels import RiskLevel
from bot.risk.model import Assessment, Reason

LOW_FACES = 2  # faces 1 and 2 are "the bottom two"
DROP = 2.0  # a fall of two faces or more below the recent mean
RECENT = 4  # the mean covers up to this many answered weeks
MISSED_IN_A_ROW = 3


def assess_trend(moods: Sequence[int | None], *, current: int | None = None) -> Assessment:
    """Watch-level reasons from previous faces (oldest first) and, if given, this week's face.

    - two answered check-ins in a row in the bottom two faces (a missed week between them
      does not break the run) -> "trend:low_mood_2";
    - `current` at least two faces below the mean of the last up-to-4 answered weeks
      -> "trend:drop";
    - the last three check-ins missed and nothing answered now -> "trend:missed_3".
    """
    for face in (*moods, current):
        if face is not None and not 1 <= face <= 5:
            raise ValueError(f"mood face {face!r} is outside 1..5")
    reasons: list[Reason] = []
    answered = [m for m in moods if m is not None]
    series = [*answered, current] if current is not None else answered
    if len(series) >= 2 and all(face <= LOW_FACES for face in series[-2:]):
        evidence = "faces=" + ",".join(str(f) for f in series[-2:])
        reasons.append(Reason("low_mood", "trend:low_mood_2", evidence, RiskLevel.WATCH))
    recent = answered[-RECENT:]
    if current is not None and recent:
        mean = sum(recent) / len(recent)
        if mean - current >= DROP:
            evidence = f"mean={mean:.2f},now={current}"
            reasons.append(Reason("mood_drop", "trend:drop", evidence, RiskLevel.WATCH))
    missed = _trailing_missed(moods)
    if current is None and missed >= MISSED_IN_A_ROW:
        reasons.append(
            Reason("missed_checkins", "trend:missed_3", f"missed={missed}", RiskLevel.WATCH)
        )
    return Assessment.of(reasons)


def _trailing_missed(moods: Sequence[int | None]) -> int:
    """How many check-ins at the end of the series went unanswered."""
    run = 0
    for face in reversed(moods):
        if face is not None:
            break
        run += 1
    return run
