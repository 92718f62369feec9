"""The fast layer: services called directly on a migrated SQLite file, no Telegram, no PTB."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from storage.db import apply_migrations, bundled_migrations
from tests.services.world import World, make_world


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    """A fresh database file with every migration applied, in autocommit mode like Qiao's."""
    connection = sqlite3.connect(tmp_path / "qiao.sqlite3", isolation_level=None)
    connection.row_factory = sqlite3.Row
    connection.execute("PRAGMA foreign_keys=ON")
    apply_migrations(connection, bundled_migrations())
    try:
        yield connection
    finally:
        connection.close()


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    """Two volunteers' families on a fresh database file."""
    built = make_world(tmp_path)
    try:
        yield built
    finally:
        built.conn.close()
