"""The service-level tests' world: a temp SQLite file, no Telegram."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.services.world import World, make_world


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    """Two volunteers' families on a fresh database file."""
    built = make_world(tmp_path)
    try:
        yield built
    finally:
        built.conn.close()
