"""`qiao health`, `backup` and `restore` facing damaged, look-alike and existing files."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from tests.ops.test_startup import damaged_database, write_config


def migrated(tmp_path: Path) -> tuple[Path, Path]:
    """A config and a freshly migrated Qiao database beside it."""
    database = tmp_path / "qiao.sqlite3"
    config = write_config(tmp_path, database)
    assert main(["--config", str(config), "db", "migrate"]) == 0
    return config, database


def test_health_reports_damaged_pages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`qiao health` runs quick_check and names a damaged file in its one line, exit 1."""
    database = tmp_path / "qiao.sqlite3"
    damaged_database(database)
    code = main(["--config", str(write_config(tmp_path, database)), "health"])
    out = capsys.readouterr().out
    assert code == 1
    assert out.strip().splitlines() == [out.strip()]
    assert "damaged" in out


def test_restore_refuses_a_look_alike_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`qiao restore` of a file that only looks like a backup is one line, exit 1, no traceback."""
    config, database = migrated(tmp_path)
    before = database.read_bytes()
    fake = tmp_path / "qiao-20261101-120000.sqlite3"
    fake.write_bytes(b"SQLite format 2\x00" + b"\x00" * 4000)
    capsys.readouterr()
    code = main(["--config", str(config), "restore", str(fake)])
    err = capsys.readouterr().err
    assert code == 1
    assert len(err.strip().splitlines()) == 1
    assert "not a Qiao database" in err
    assert database.read_bytes() == before


def test_restore_refuses_a_damaged_backup(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A backup with damaged pages is refused in one line before anything is replaced."""
    config, database = migrated(tmp_path)
    before = database.read_bytes()
    broken = tmp_path / "broken.sqlite3"
    damaged_database(broken)
    capsys.readouterr()
    code = main(["--config", str(config), "restore", str(broken)])
    err = capsys.readouterr().err
    assert code == 1
    assert len(err.strip().splitlines()) == 1
    assert "damaged" in err
    assert database.read_bytes() == before


def test_backup_refuses_to_overwrite_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`qiao backup FILE` keeps an existing FILE unless --force is given."""
    config, _ = migrated(tmp_path)
    target = tmp_path / "backup.sqlite3"
    target.write_bytes(b"an older backup")
    capsys.readouterr()
    assert main(["--config", str(config), "backup", str(target)]) == 1
    assert "--force" in capsys.readouterr().err
    assert target.read_bytes() == b"an older backup"
    assert main(["--config", str(config), "backup", str(target), "--force"]) == 0
    assert target.read_bytes().startswith(b"SQLite format 3\x00")
