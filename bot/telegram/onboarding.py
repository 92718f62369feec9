"""The onboarding feature's handlers (filled in by its issue)."""

from __future__ import annotations

from bot.telegram.context import App
from bot.telegram.jobs import PeriodicJob

JOBS: list[PeriodicJob] = []


def register(app: App) -> None:
    """Add this feature's handlers to the Application."""
