"""Injected clocks: the real one for production, a hand-moved one for tests and the demo."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Anything that can tell the current time as an aware UTC datetime."""

    def now(self) -> datetime:
        """Return the current time (aware, UTC)."""
        ...


class SystemClock:
    """The wall clock."""

    def now(self) -> datetime:
        """Return the real current time in UTC."""
        return datetime.now(UTC)


class ManualClock:
    """A clock that only moves when told to, so tests never wait in real time."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        """Return the clock's current time."""
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        """Move forward (never back) and return the new time."""
        if delta < timedelta(0):
            raise ValueError("time only moves forward")
        self._now += delta
        return self._now

    def set(self, moment: datetime) -> None:
        """Jump to a moment at or after the current time."""
        self.advance(moment.astimezone(UTC) - self._now)

    def timestamp(self) -> float:
        """Unix seconds, for the simulated Telegram's message dates."""
        return self._now.timestamp()
