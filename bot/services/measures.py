"""The WHO-5 well-being score: computed when its fifth item is answered, stored, assessed.

Runs inside the answer's transaction (`*_tx`), so the score, its risk and the alert it raises
are committed with the answer that completed it: a low score is never lost. The items and
their option ids are fixed in `bot.content.measures`; the cut-offs and the drop rule live
with the other trend rules in `bot.risk.trends`.
"""

from __future__ import annotations

import sqlite3

from bot.content.measures import WHO5_ITEMS, WHO5_MEASURE
from bot.risk import NO_RISK, Assessment, assess_wellbeing
from bot.risk.trends import WHO5_MAX, who5_cutoff
from bot.services.charts import WellbeingWeek
from storage import families, measures
from storage.measures import Score


def assess_item_tx(
    conn: sqlite3.Connection,
    *,
    session_id: int,
    child_id: int,
    period: str,
    question_id: str,
    option_id: str,
    now: int,
) -> Assessment:
    """An answer to a WHO-5 item: when it completes the five, store the score and return its
    risk (low for the age band → concern, a drop of 10 on the 0–100 scale → watch)."""
    if question_id not in WHO5_ITEMS:
        return NO_RISK
    given = measures.item_answers(conn, session_id, WHO5_ITEMS)
    given[question_id] = option_id
    if set(given) != set(WHO5_ITEMS):
        return NO_RISK
    values = [_item_value(given[item]) for item in WHO5_ITEMS]
    if any(v is None for v in values):
        return NO_RISK
    raw = sum(v for v in values if v is not None)
    child = families.child(conn, child_id)
    band = child.age_band if child else None
    previous = measures.latest_before(conn, child_id, WHO5_MEASURE, period)
    cutoff = who5_cutoff(band)
    stored = measures.insert(
        conn,
        Score(
            session_id=session_id,
            child_id=child_id,
            measure=WHO5_MEASURE,
            period=period,
            raw=raw,
            cutoff=cutoff,
            low=raw <= cutoff,
            age_band=band,
            scored_at=now,
        ),
    )
    if not stored:
        return NO_RISK
    return assess_wellbeing(raw, previous=previous.raw if previous else None, age_band=band)


def _item_value(option_id: str) -> int | None:
    """An item's score from its option id ("0" … "5"); None for anything else."""
    if option_id.isdigit() and 0 <= int(option_id) <= WHO5_MAX // len(WHO5_ITEMS):
        return int(option_id)
    return None


def score_weeks_tx(
    conn: sqlite3.Connection,
    child_id: int,
    weeks: list[tuple[str, str]],
    age_band: str | None,
) -> list[WellbeingWeek]:
    """The child's WHO-5 in each (label, period) week given, oldest first; None where none."""
    if not weeks:
        return []
    scores = {s.period: s for s in measures.since(conn, child_id, WHO5_MEASURE, weeks[0][1])}
    current = who5_cutoff(age_band)
    found: list[WellbeingWeek] = []
    for label, period in weeks:
        score = scores.get(period)
        found.append(
            WellbeingWeek(label, score.raw if score else None, score.cutoff if score else current)
        )
    return found
