"""Trend rules over weekly mood faces (1..5, 1 worst; None = missed check-in)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.levels import RiskLevel
from bot.risk import assess_trend


def codes(moods: list[int | None], current: int | None = None) -> list[str]:
    return [r.code for r in assess_trend(moods, current=current).reasons]


def test_two_low_check_ins_in_a_row_are_watch() -> None:
    """Faces 2 then 1 give watch with code trend:low_mood_2."""
    assessment = assess_trend([4, 2], current=1)
    assert assessment.level == RiskLevel.WATCH
    assert "trend:low_mood_2" in [r.code for r in assessment.reasons]
    assert assessment.primary_category == "low_mood"


def test_one_low_check_in_is_not_a_trend() -> None:
    """A single bottom face after good weeks raises no low-mood trend."""
    assert "trend:low_mood_2" not in codes([3, 3], current=2)


def test_low_run_counts_answered_weeks_across_a_missed_one() -> None:
    """2, missed, 1: the two answered check-ins in a row are both low."""
    assert "trend:low_mood_2" in codes([2, None], current=1)


def test_history_alone_can_show_a_low_run() -> None:
    """Without a current face, the last two answered faces are checked."""
    assert codes([5, 1, 2]) == ["trend:low_mood_2"]


def test_a_drop_of_two_below_the_recent_mean_is_watch() -> None:
    """Mean of the last four answered faces 4.5, now 2: trend:drop."""
    assessment = assess_trend([3, 5, 4, 4, 5], current=2)
    assert [r.code for r in assessment.reasons] == ["trend:drop"]
    assert assessment.reasons[0].evidence == "mean=4.50,now=2"


def test_a_drop_smaller_than_two_is_not_flagged() -> None:
    """Mean 4, now 3: no drop."""
    assert codes([4, 4, 4], current=3) == []


def test_the_mean_covers_at_most_four_answered_weeks() -> None:
    """Old good weeks beyond the last four do not count: mean 3, now 2 is no drop."""
    assert codes([5, 5, 5, 3, 3, 3, 3], current=2) == []


def test_three_missed_check_ins_in_a_row_are_watch() -> None:
    """Three None at the end (and no answer now) give trend:missed_3 with the count."""
    assessment = assess_trend([4, None, None, None])
    assert [r.code for r in assessment.reasons] == ["trend:missed_3"]
    assert assessment.reasons[0].evidence == "missed=3"


def test_two_missed_or_an_answer_now_is_not_a_missed_trend() -> None:
    """Two misses are not enough, and answering this week ends the run."""
    assert codes([4, None, None]) == []
    assert codes([4, None, None, None], current=4) == []


def test_no_history_gives_no_trend() -> None:
    """A first check-in has nothing to compare with."""
    assert assess_trend([], current=1).level == RiskLevel.NONE


def test_faces_outside_one_to_five_are_refused() -> None:
    """A face of 0 or 6 is a caller bug and raises ValueError."""
    with pytest.raises(ValueError, match=r"outside 1\.\.5"):
        assess_trend([3, 6])
    with pytest.raises(ValueError, match=r"outside 1\.\.5"):
        assess_trend([3], current=0)


@given(
    st.lists(st.one_of(st.none(), st.integers(1, 5)), max_size=20),
    st.one_of(st.none(), st.integers(1, 5)),
)
def test_trends_are_at_most_watch(moods: list[int | None], current: int | None) -> None:
    """Whatever the history, trends alone never raise more than watch."""
    assessment = assess_trend(moods, current=current)
    assert assessment.level <= RiskLevel.WATCH
    assert all(r.code.startswith("trend:") for r in assessment.reasons)
