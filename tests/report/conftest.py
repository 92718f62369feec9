"""A harness that starts in October 2026 with the seeded November written."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.simtelegram.harness import Harness, sim_config
from tests.report.seed import START, Seeded, seed_november


@pytest.fixture
async def h(tmp_path: Path) -> AsyncIterator[Harness]:
    """A started Harness (no in-process rate limiter) whose clock starts at START."""
    config = sim_config(tmp_path / "qiao.sqlite3", rate_limits={"enabled": False})
    harness = Harness(tmp_path, config=config, start=START)
    await harness.start()
    try:
        yield harness
    finally:
        await harness.stop()


@pytest.fixture
async def november(h: Harness) -> Seeded:
    """The month of tests/report/seed.py."""
    return await seed_november(h)
