"""Schedule maths: the next due moment and the ISO-week period across boundaries and zones."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.services.schedule import (
    at_local,
    in_quiet_hours,
    local_time,
    next_due,
    period_of,
    quiet_hours_end,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
SAT, SUN, MON, FRI = 5, 6, 0, 4


def ts(year: int, month: int, day: int, hour: int, minute: int, zone: ZoneInfo) -> int:
    """A wall-clock moment in a zone as Unix seconds."""
    return int(datetime(year, month, day, hour, minute, tzinfo=zone).timestamp())


def utc(moment: int) -> datetime:
    """Unix seconds as an aware UTC datetime."""
    return datetime.fromtimestamp(moment, UTC)


def test_later_the_same_week() -> None:
    """Monday morning's next Saturday 10:00 is five days later, at 02:00 UTC in Shanghai."""
    after = ts(2026, 1, 5, 9, 0, SHANGHAI)
    assert utc(next_due(after, SAT, 600, SHANGHAI)) == datetime(2026, 1, 10, 2, 0, tzinfo=UTC)


def test_exactly_at_the_slot_moves_to_the_next_week() -> None:
    """The due moment itself is not 'after' it: the next one is a week on."""
    at = ts(2026, 1, 10, 10, 0, SHANGHAI)
    assert next_due(at, SAT, 600, SHANGHAI) == ts(2026, 1, 17, 10, 0, SHANGHAI)


def test_same_weekday_earlier_time_is_today() -> None:
    """On Saturday at 08:00 the Saturday 10:00 slot is two hours away, not a week."""
    after = ts(2026, 1, 10, 8, 0, SHANGHAI)
    assert next_due(after, SAT, 600, SHANGHAI) == ts(2026, 1, 10, 10, 0, SHANGHAI)


def test_across_the_week_boundary() -> None:
    """Sunday evening's next Monday 08:00 is the following morning."""
    after = ts(2026, 1, 11, 20, 0, SHANGHAI)
    assert next_due(after, MON, 480, SHANGHAI) == ts(2026, 1, 12, 8, 0, SHANGHAI)


def test_across_a_month_boundary() -> None:
    """After Saturday 31 January's slot the next is Saturday 7 February."""
    after = ts(2026, 1, 31, 11, 0, SHANGHAI)
    assert next_due(after, SAT, 600, SHANGHAI) == ts(2026, 2, 7, 10, 0, SHANGHAI)


def test_across_february_in_a_leap_year() -> None:
    """From Saturday 26 February 2028 the next Saturday is 4 March (29 February exists)."""
    after = ts(2028, 2, 26, 12, 0, SHANGHAI)
    assert next_due(after, SAT, 600, SHANGHAI) == ts(2028, 3, 4, 10, 0, SHANGHAI)


def test_across_the_year_boundary() -> None:
    """New Year's Eve 2026 (Thursday) leads to Friday 1 January 2027, in ISO week 2026-W53."""
    after = ts(2026, 12, 31, 12, 0, SHANGHAI)
    due = next_due(after, FRI, 600, SHANGHAI)
    assert due == ts(2027, 1, 1, 10, 0, SHANGHAI)
    assert period_of(due, SHANGHAI) == "2026-W53"


def test_new_york_spring_forward_keeps_the_wall_clock() -> None:
    """Across the March 2026 change a Sunday 10:00 slot stays at 10:00 local: 7 days less 1 hour."""
    before = next_due(ts(2026, 2, 28, 12, 0, NEW_YORK), SUN, 600, NEW_YORK)
    after = next_due(before, SUN, 600, NEW_YORK)
    assert utc(before) == datetime(2026, 3, 1, 15, 0, tzinfo=UTC)
    assert utc(after) == datetime(2026, 3, 8, 14, 0, tzinfo=UTC)
    assert after - before == int(timedelta(days=7, hours=-1).total_seconds())
    assert local_time(after, NEW_YORK).hour == 10


def test_new_york_fall_back_keeps_the_wall_clock() -> None:
    """Across the November change a Sunday 10:00 slot stays at 10:00 local: 7 days and 1 hour."""
    before = ts(2026, 10, 25, 10, 0, NEW_YORK)
    after = next_due(before, SUN, 600, NEW_YORK)
    assert after - before == int(timedelta(days=7, hours=1).total_seconds())
    assert local_time(after, NEW_YORK).hour == 10


def test_berlin_nonexistent_time_resolves_forward() -> None:
    """02:30 on 29 March 2026 does not exist in Berlin: the slot fires at 03:30 CEST instead."""
    after = ts(2026, 3, 28, 12, 0, BERLIN)
    due = next_due(after, SUN, 150, BERLIN)
    assert utc(due) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert local_time(due, BERLIN).strftime("%H:%M") == "03:30"


def test_berlin_repeated_time_is_its_first_occurrence() -> None:
    """02:30 happens twice on 25 October 2026 in Berlin: the first (summer time) one is used."""
    after = ts(2026, 10, 24, 12, 0, BERLIN)
    due = next_due(after, SUN, 150, BERLIN)
    assert utc(due) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_period_is_the_local_iso_week() -> None:
    """Monday 01:00 in Shanghai is still Sunday in UTC: the period follows the family's zone."""
    moment = ts(2026, 1, 12, 1, 0, SHANGHAI)
    assert period_of(moment, SHANGHAI) == "2026-W03"
    assert period_of(moment, ZoneInfo("UTC")) == "2026-W02"


def test_period_at_the_start_of_an_iso_year() -> None:
    """Friday 1 January 2027 belongs to 2026-W53; Monday 4 January 2027 starts 2027-W01."""
    assert period_of(ts(2027, 1, 1, 10, 0, SHANGHAI), SHANGHAI) == "2026-W53"
    assert period_of(ts(2027, 1, 4, 10, 0, SHANGHAI), SHANGHAI) == "2027-W01"


@pytest.mark.parametrize(
    ("hour", "quiet"), [(20, False), (21, True), (23, True), (3, True), (7, True), (8, False)]
)
def test_quiet_hours_wrap_midnight(hour: int, quiet: bool) -> None:
    """Quiet hours 21:00–08:00 include the night and exclude the day."""
    moment = ts(2026, 1, 10, hour, 0, SHANGHAI)
    assert in_quiet_hours(moment, SHANGHAI, time(21, 0), time(8, 0)) is quiet


def test_quiet_hours_end_is_the_next_morning() -> None:
    """At 22:30 the quiet span ends at 08:00 the next day; at 06:00, at 08:00 the same day."""
    start, end = time(21, 0), time(8, 0)
    late = ts(2026, 1, 10, 22, 30, SHANGHAI)
    early = ts(2026, 1, 11, 6, 0, SHANGHAI)
    assert quiet_hours_end(late, SHANGHAI, start, end) == ts(2026, 1, 11, 8, 0, SHANGHAI)
    assert quiet_hours_end(early, SHANGHAI, start, end) == ts(2026, 1, 11, 8, 0, SHANGHAI)
    noon = ts(2026, 1, 11, 12, 0, SHANGHAI)
    assert quiet_hours_end(noon, SHANGHAI, start, end) == noon


@given(
    after=st.integers(min_value=1_577_836_800, max_value=2_082_758_400),  # 2020 … 2036
    weekday=st.integers(min_value=0, max_value=6),
    minute=st.integers(min_value=0, max_value=24 * 60 - 1),
    zone=st.sampled_from([SHANGHAI, NEW_YORK, BERLIN]),
)
def test_next_due_is_the_first_matching_moment(
    after: int, weekday: int, minute: int, zone: ZoneInfo
) -> None:
    """The result is later than `after`, on the weekday, within a week, and none is earlier."""
    due = next_due(after, weekday, minute, zone)
    local = local_time(due, zone)
    assert due > after
    assert local.weekday() == weekday
    assert due - after <= int(timedelta(days=7, hours=1).total_seconds())
    week_before = at_local(local.date() - timedelta(days=7), minute, zone)
    assert week_before <= after
    wall = datetime.combine(local.date(), time(minute // 60, minute % 60), tzinfo=zone)
    exists = wall.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == wall.replace(tzinfo=None)
    if exists:  # in a spring-forward gap the slot fires one hour later instead
        assert local.hour * 60 + local.minute == minute
