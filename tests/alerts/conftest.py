"""Fixtures for the alert desk: a simulated world without real-time waits, and a family."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.simtelegram.harness import Harness, sim_config
from tests.factories import FamilyIds, make_family


@pytest.fixture
async def h(tmp_path: Path) -> AsyncIterator[Harness]:
    """A started Harness whose Bot has no in-process rate limiter.

    PTB's limiter waits out flood limits with real sleeps; these tests inject 429s and send
    many group messages, and must never sleep in real time, so the outbox meets every
    RetryAfter itself, which is exactly what is under test.
    """
    config = sim_config(tmp_path / "qiao.sqlite3", rate_limits={"enabled": False})
    harness = Harness(tmp_path, config=config)
    await harness.start()
    try:
        yield harness
    finally:
        await harness.stop()


@pytest.fixture
async def family(h: Harness) -> FamilyIds:
    """An active volunteer (V-TST), caregiver (G-TST) and child (C-TST, nickname 小明)."""
    return await make_family(h)
