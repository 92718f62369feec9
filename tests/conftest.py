"""Shared fixtures: a simulated world (Telegram, clock, SQLite file) around the real bot."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from bot.simtelegram.harness import Harness

# No property test may fail because the machine is busy: Hypothesis' per-example deadline and
# its too-slow health check measure wall time, which a loaded CI machine stretches.
settings.register_profile(
    "qiao", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.load_profile("qiao")

# What `qiao` sets at its entry (bot/cli.py): PTB's RetryAfter as a timedelta, no warning.
os.environ.setdefault("PTB_TIMEDELTA", "true")


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[Harness]:
    """A started Harness on a fresh database in a temp folder."""
    h = Harness(tmp_path)
    await h.start()
    try:
        yield h
    finally:
        await h.stop()
