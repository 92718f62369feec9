"""Shared fixtures: a simulated world (Telegram, clock, SQLite file) around the real bot."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.harness import Harness


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[Harness]:
    """A started Harness on a fresh database in a temp folder."""
    h = Harness(tmp_path)
    await h.start()
    try:
        yield h
    finally:
        await h.stop()
