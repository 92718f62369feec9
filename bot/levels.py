"""Risk levels shared by content files, the risk rules and the alert desk."""

from __future__ import annotations

from enum import IntEnum


class RiskLevel(IntEnum):
    """How soon a human must look: ordered, so `max()` picks the most serious."""

    NONE = 0
    WATCH = 1
    CONCERN = 2
    URGENT = 3

    @property
    def label(self) -> str:
        """The lower-case name used in files, JSON and logs."""
        return self.name.lower()

    @classmethod
    def parse(cls, value: str) -> RiskLevel:
        """Read a level from its lower-case name; ValueError names the bad value."""
        try:
            return cls[value.strip().upper()]
        except KeyError:
            allowed = ", ".join(level.label for level in cls)
            raise ValueError(f"unknown risk level {value!r} (allowed: {allowed})") from None
