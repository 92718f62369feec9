"""Migrations: applied in order on an empty database, a no-op on an up-to-date one."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from bot.cli import main
from storage import Database, bundled_migrations


async def test_empty_database_gets_every_migration(tmp_path: Path) -> None:
    """A new file ends at the newest migration with every version recorded."""
    db = await Database.open(tmp_path / "q.sqlite3")
    try:
        versions = [m.version for m in bundled_migrations()]
        assert await db.schema_version() == max(versions)
        recorded = await db.run(
            lambda c: [r[0] for r in c.execute("SELECT version FROM schema_migrations ORDER BY 1")]
        )
        assert recorded == versions
    finally:
        await db.close()


async def test_up_to_date_database_applies_nothing(tmp_path: Path) -> None:
    """Opening an up-to-date database twice applies no migration the second time."""
    path = tmp_path / "q.sqlite3"
    await (await Database.open(path)).close()
    db = await Database.open(path, migrate=False)
    try:
        assert await db.migrate() == []
    finally:
        await db.close()


async def test_file_is_owner_only_and_wal(tmp_path: Path) -> None:
    """The database file is created 0600, in WAL mode, with foreign keys enforced."""
    path = tmp_path / "q.sqlite3"
    db = await Database.open(path)
    try:
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        mode = await db.run(lambda c: c.execute("PRAGMA journal_mode").fetchone()[0])
        fks = await db.run(lambda c: c.execute("PRAGMA foreign_keys").fetchone()[0])
        assert (mode, fks) == ("wal", 1)
    finally:
        await db.close()


async def test_failed_transaction_rolls_back(tmp_path: Path) -> None:
    """A unit of work that raises leaves no trace in the database."""
    db = await Database.open(tmp_path / "q.sqlite3")

    def half_done(conn: sqlite3.Connection) -> None:
        conn.execute("INSERT INTO settings (key, value) VALUES ('a', '1')")
        raise RuntimeError("crash in the middle")

    try:
        with pytest.raises(RuntimeError):
            await db.tx(half_done)
        count = await db.run(lambda c: c.execute("SELECT COUNT(*) FROM settings").fetchone()[0])
        assert count == 0
    finally:
        await db.close()


def test_db_migrate_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`qiao db migrate` reports what it applied, then that the schema is current."""
    config = tmp_path / "config.toml"
    config.write_text(
        "[people]\nadmins = [1]\nvolunteer_chat_id = -1\n"
        f'[storage]\ndatabase = "{tmp_path}/q.db"\n',
        encoding="utf-8",
    )
    assert main(["--config", str(config), "db", "migrate"]) == 0
    assert "applied migrations 1" in capsys.readouterr().out
    assert main(["--config", str(config), "db", "migrate"]) == 0
    assert "up to date" in capsys.readouterr().out
