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


# --- the WHO-5 well-being score -------------------------------------------------------------

WHO5_MAX = 25
WHO5_CUTOFFS: dict[str, int] = {"10-12": 10, "13-16": 9}
"""Raw WHO-5 scores at or below these mean low well-being, by the child's age band.

Allgaier et al. 2012 (PubMed 22325631), German children: 10 for ages 9–12, 9 for 13–16.
Provisional for Chinese children (no validation found); see docs/content.md."""
WHO5_CUTOFF_UNKNOWN_AGE = 10
"""Without an age band the higher cut-off applies: for children, a false alarm a volunteer
dismisses costs less than a missed low score."""
WHO5_DROP = 10
"""A fall of this much on the 0–100 scale (raw × 4) since the last score is worth a look."""


def who5_cutoff(age_band: str | None) -> int:
    """The raw low-well-being cut-off for an age band ('10-12', '13-16' or unknown)."""
    if age_band is None:
        return WHO5_CUTOFF_UNKNOWN_AGE
    return WHO5_CUTOFFS.get(age_band, WHO5_CUTOFF_UNKNOWN_AGE)


def assess_wellbeing(raw: int, *, previous: int | None, age_band: str | None) -> Assessment:
    """Reasons from a completed WHO-5 raw score (0–25) and the child's previous one.

    - raw at or below the age band's cut-off -> concern "trend:who5_low";
    - a drop of `WHO5_DROP` or more on the 0–100 scale since `previous` -> watch
      "trend:who5_drop".
    """
    for value in (raw, previous):
        if value is not None and not 0 <= value <= WHO5_MAX:
            raise ValueError(f"WHO-5 raw score {value!r} is outside 0..{WHO5_MAX}")
    reasons: list[Reason] = []
    cutoff = who5_cutoff(age_band)
    if raw <= cutoff:
        evidence = f"raw={raw},cutoff={cutoff}"
        reasons.append(Reason("low_wellbeing", "trend:who5_low", evidence, RiskLevel.CONCERN))
    if previous is not None and (previous - raw) * 4 >= WHO5_DROP:
        evidence = f"before={previous},now={raw}"
        reasons.append(Reason("wellbeing_drop", "trend:who5_drop", evidence, RiskLevel.WATCH))
    return Assessment.of(reasons)
