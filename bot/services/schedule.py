"""Schedule maths for weekly check-ins: pure functions of a time, a weekday and a zone.

A child's check-in slot is a weekday and a local time in the family's time zone; the
database stores the next due moment as UTC seconds. Local wall-clock arithmetic happens
on dates (never by adding 7 × 86400 seconds), so a slot stays at the same local time
across daylight-saving changes. A local time that does not exist (the spring gap) resolves
to the instant zoneinfo gives it (fold=0: read with the offset from before the change, so
02:30 in a 02:00→03:00 gap becomes 03:30); a repeated local time (autumn) is its first
occurrence.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MINUTES_PER_DAY = 24 * 60


def zone_of(name: str) -> ZoneInfo:
    """The zoneinfo object for an IANA name (a family's `timezone`)."""
    return ZoneInfo(name)


def zone_or(name: str | None, default: str) -> ZoneInfo:
    """A family's time zone, else the configured default, else UTC (a bad name is skipped)."""
    for candidate in (name, default):
        if not candidate:
            continue
        try:
            return ZoneInfo(candidate)
        except (ZoneInfoNotFoundError, ValueError):
            continue
    return ZoneInfo("UTC")


def local_time(ts: int, zone: ZoneInfo) -> datetime:
    """A Unix timestamp as an aware local datetime in `zone`."""
    return datetime.fromtimestamp(ts, UTC).astimezone(zone)


def at_local(day: date, minute: int, zone: ZoneInfo) -> int:
    """The Unix timestamp of `minute` minutes after local midnight on `day` in `zone`."""
    if not 0 <= minute < MINUTES_PER_DAY:
        raise ValueError(f"minute of day out of range: {minute}")
    wall = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=zone)
    return int(wall.timestamp())


def next_due(after: int, weekday: int, minute: int, zone: ZoneInfo) -> int:
    """The first moment strictly after `after` that is `weekday` (0 = Monday) at `minute` local."""
    if not 0 <= weekday <= 6:
        raise ValueError(f"weekday out of range: {weekday}")
    today = local_time(after, zone).date()
    day = today + timedelta(days=(weekday - today.weekday()) % 7)
    while True:
        candidate = at_local(day, minute, zone)
        if candidate > after:
            return candidate
        day += timedelta(days=7)


def period_of(ts: int, zone: ZoneInfo) -> str:
    """The ISO week (in `zone`) a moment belongs to, e.g. "2026-W03": one check-in each."""
    year, week, _ = local_time(ts, zone).isocalendar()
    return f"{year}-W{week:02d}"


def in_quiet_hours(ts: int, zone: ZoneInfo, start: time, end: time) -> bool:
    """Tell whether a moment falls in the local quiet span [start, end), which may wrap midnight."""
    if start == end:
        return False
    local = local_time(ts, zone).time().replace(tzinfo=None)
    if start < end:
        return start <= local < end
    return local >= start or local < end


def quiet_hours_end(ts: int, zone: ZoneInfo, start: time, end: time) -> int:
    """When the quiet span containing `ts` ends (or `ts` itself when it is not quiet)."""
    if not in_quiet_hours(ts, zone, start, end):
        return ts
    today = local_time(ts, zone).date()
    minute = end.hour * 60 + end.minute
    for offset in (0, 1):
        candidate = at_local(today + timedelta(days=offset), minute, zone)
        if candidate > ts:
            return candidate
    raise AssertionError("a quiet span ends within a day")  # pragma: no cover


def minute_of(hhmm: time) -> int:
    """A local time of day as minutes after midnight."""
    return hhmm.hour * 60 + hhmm.minute


def hhmm(minute: int) -> str:
    """Minutes after midnight as "HH:MM"."""
    return f"{minute // 60:02d}:{minute % 60:02d}"
