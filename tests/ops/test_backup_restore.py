"""`qiao backup` and `qiao restore`: consistent copies beside a running bot, safe restores."""

from __future__ import annotations

import asyncio
import sqlite3
import stat
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.cli import main
from bot.ops import backup as backups
from bot.ops.lock import DatabaseBusy, DatabaseLock, is_locked
from bot.simtelegram.harness import Harness
from storage import audit
from tests.factories import make_family
from tests.ops.seed import write_config

MOMENT = datetime(2026, 3, 1, 2, 30, tzinfo=UTC)


def mode(path: Path) -> int:
    """A file's permission bits."""
    return stat.S_IMODE(path.stat().st_mode)


def matching(folder: Path, pattern: str) -> list[Path]:
    """Files in a folder whose names match a glob pattern."""
    return sorted(folder.glob(pattern))


def audit_count(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0])
    finally:
        conn.close()


async def write_audit_rows(h: Harness, start: int, count: int) -> None:
    """Commit `count` audit rows, one transaction each, as a busy bot would."""

    def one(at: int) -> Callable[[sqlite3.Connection], None]:
        return lambda c: audit.record(c, at=at, action="test.write")

    for i in range(start, start + count):
        await h.runtime.db.tx(one(i))


async def test_backup_while_the_bot_writes_is_consistent(harness: Harness, tmp_path: Path) -> None:
    """A backup taken while the bot commits opens cleanly and has every row committed before it."""
    await make_family(harness)
    await write_audit_rows(harness, 0, 50)
    before = audit_count(Path(harness.config.storage.database))
    target = tmp_path / "copy.sqlite3"
    copying = asyncio.create_task(
        asyncio.to_thread(backups.backup, harness.config.storage.database, target, now=MOMENT)
    )
    await write_audit_rows(harness, 50, 200)
    result = await copying
    after = audit_count(Path(harness.config.storage.database))

    assert result.path == target
    copy = sqlite3.connect(target)
    try:
        assert copy.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        rows = int(copy.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0])
        assert copy.execute("SELECT pseudonym FROM families").fetchall() == [("F-TST",)]
    finally:
        copy.close()
    assert before <= rows <= after
    assert mode(target) == 0o600
    assert not matching(tmp_path, ".*partial*")


async def test_backup_command_into_a_folder_rotates(
    harness: Harness, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`qiao backup DIR --keep 2` writes a dated file and leaves only the two newest."""
    folder = tmp_path / "backups"
    folder.mkdir()
    for day in (1, 2, 3):
        (folder / f"qiao-202602{day:02d}-030000.sqlite3").write_bytes(b"old")
    unrelated = folder / "notes.txt"
    unrelated.write_text("keep me", encoding="utf-8")
    config = write_config(harness, tmp_path)

    assert main(["--config", str(config), "backup", str(folder), "--keep", "2"]) == 0
    assert "removed 2 older" in capsys.readouterr().out
    names = sorted(p.name for p in folder.iterdir())
    assert len(names) == 3
    assert "qiao-20260203-030000.sqlite3" in names
    assert "notes.txt" in names
    newest = sorted(folder.glob("qiao-*.sqlite3"))[-1]
    assert newest.name > "qiao-20260203-030000.sqlite3"
    assert mode(newest) == 0o600


def test_rotation_keeps_the_newest_n(tmp_path: Path) -> None:
    """Rotation removes the oldest dated backups and touches nothing else."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for n in range(6):
        (tmp_path / backups.backup_name(start + timedelta(days=n))).write_bytes(b"x")
    (tmp_path / "qiao-latest.sqlite3").write_bytes(b"x")
    removed = backups.rotate(tmp_path, 4)
    assert [p.name for p in removed] == [
        "qiao-20260101-000000.sqlite3",
        "qiao-20260102-000000.sqlite3",
    ]
    assert len(list(tmp_path.iterdir())) == 5


async def test_keep_needs_a_folder(harness: Harness, tmp_path: Path) -> None:
    """--keep with a file path is refused before anything is written."""
    with pytest.raises(backups.BackupError, match="needs a folder"):
        backups.backup(harness.config.storage.database, tmp_path / "x.sqlite3", now=MOMENT, keep=3)
    assert not (tmp_path / "x.sqlite3").exists()


async def test_backup_refuses_to_overwrite_the_live_database(harness: Harness) -> None:
    """Backing up onto the database itself is refused."""
    with pytest.raises(backups.BackupError, match="live database"):
        backups.backup(harness.config.storage.database, harness.config.storage.database, now=MOMENT)


async def test_restore_refuses_while_the_bot_holds_the_lock(
    harness: Harness, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`qiao restore` exits 1 and changes nothing while the database's lock is held."""
    await make_family(harness)
    copy = tmp_path / "copy.sqlite3"
    backups.backup(harness.config.storage.database, copy, now=MOMENT)
    await write_audit_rows(harness, 0, 3)
    live = Path(harness.config.storage.database)
    rows_before = audit_count(live)
    config = write_config(harness, tmp_path)

    with DatabaseLock(live):
        assert is_locked(live)
        assert main(["--config", str(config), "restore", str(copy)]) == 1
    assert "a bot is running" in capsys.readouterr().err
    assert audit_count(live) == rows_before
    assert not matching(tmp_path, "*.pre-restore-*")


def test_lock_is_exclusive(tmp_path: Path) -> None:
    """A second holder is refused at once, and the lock is free again after release."""
    database = tmp_path / "qiao.sqlite3"
    first = DatabaseLock(database).acquire()
    with pytest.raises(DatabaseBusy):
        DatabaseLock(database).acquire()
    first.release()
    assert not is_locked(database)


async def test_restore_refuses_a_file_that_is_not_qiao(harness: Harness, tmp_path: Path) -> None:
    """Neither a text file nor another program's SQLite database is restored."""
    live = harness.config.storage.database
    text = tmp_path / "notes.sqlite3"
    text.write_text("not a database", encoding="utf-8")
    other = tmp_path / "other.sqlite3"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE songs (title TEXT)")
    conn.commit()
    conn.close()
    await harness.stop()
    for source in (text, other):
        with pytest.raises(backups.BackupError, match="not a Qiao database"):
            backups.restore(live, source, now=MOMENT)


async def test_restore_refuses_a_newer_schema(harness: Harness, tmp_path: Path) -> None:
    """A backup made by newer code (a migration this code lacks) is refused."""
    copy = tmp_path / "copy.sqlite3"
    backups.backup(harness.config.storage.database, copy, now=MOMENT)
    conn = sqlite3.connect(copy)
    conn.execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'x', 0)")
    conn.commit()
    conn.close()
    await harness.stop()
    with pytest.raises(backups.BackupError, match="newer than this code"):
        backups.restore(harness.config.storage.database, copy, now=MOMENT)


async def test_restore_puts_the_backup_back_and_keeps_the_replaced_database(
    harness: Harness, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With the bot stopped, restore brings back the backed-up rows and saves what it replaced."""
    await make_family(harness)
    copy = tmp_path / "copy.sqlite3"
    backups.backup(harness.config.storage.database, copy, now=MOMENT)
    await write_audit_rows(harness, 0, 5)
    live = Path(harness.config.storage.database)
    config = write_config(harness, tmp_path)
    await harness.stop()

    assert main(["--config", str(config), "restore", str(copy)]) == 0
    assert "replaced database is kept" in capsys.readouterr().out
    assert audit_count(live) == audit_count(copy)
    kept = matching(live.parent, f"{live.name}.pre-restore-*")
    assert len(kept) == 1
    assert audit_count(kept[0]) == audit_count(copy) + 5
    assert mode(live) == 0o600
    await harness.start()
    family = await harness.runtime.db.run(
        lambda c: c.execute("SELECT pseudonym FROM families").fetchall()
    )
    assert [tuple(r) for r in family] == [("F-TST",)]
