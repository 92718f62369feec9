"""The volunteer group's budget (a token bucket) and the sender's state: lock, timer, last edits."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from storage.alerts import Alert

EDIT_GAP = 20.0
"""Seconds between two edits of one alert's cards: a child's flood becomes one edit, not 100."""

KEEP_FOR_CARDS = 1
"""Budget edits never take: the next new card always finds room."""


@dataclass
class Bucket:
    """The group's budget: `rate` posts a minute, up to `burst` at once (the injected clock)."""

    rate: float
    burst: float
    tokens: float = -1.0
    at: float = 0.0

    def _fill(self, now: float) -> None:
        if self.tokens < 0 and self.at == 0.0:
            self.tokens, self.at = self.burst, now
            return
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate / 60.0)
        self.at = max(self.at, now)

    def available(self, now: float) -> int:
        """Whole posts the group may take now."""
        self._fill(now)
        return max(0, int(self.tokens))

    def take(self, now: float) -> bool:
        """Spend one post if there is one."""
        self._fill(now)
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True

    def spend(self, now: float) -> None:
        """Spend one unconditionally (a card edit that must go out with its alert)."""
        self._fill(now)
        self.tokens -= 1

    def seconds_to_next(self, now: float) -> float:
        """How long until one more post is allowed."""
        self._fill(now)
        return max(0.0, (1 - self.tokens) * 60.0 / self.rate)


@dataclass
class Sender:
    """The single drain: its lock, its group budget, its wake-up task and its timer."""

    bucket: Bucket
    timers: bool
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    task: asyncio.Task[None] | None = None
    again: bool = False
    timer: asyncio.TimerHandle | None = None
    drains: int = 0
    """How many drains ran (the tests' witness that wake-ups were coalesced)."""
    shown_at: dict[int, float] = field(default_factory=dict)
    """When each alert's card was last posted or edited (injected clock)."""
    shown_level: dict[int, int] = field(default_factory=dict)
    """The level each alert's cards showed then: a rise is edited at once."""

    def holds(self, alert: Alert, moment: float) -> bool:
        """An alert's cards were just shown at this level: let the next edit wait."""
        at = self.shown_at.get(alert.id)
        recent = at is not None and moment - at < EDIT_GAP
        return recent and alert.level <= self.shown_level.get(alert.id, 0)

    def shown(self, alert_id: int, level: int, moment: float) -> None:
        """Note that an alert's cards now show this level."""
        self.shown_at[alert_id] = moment
        self.shown_level[alert_id] = max(level, self.shown_level.get(alert_id, 0))
