"""Start-up refuses a damaged, empty or misplaced database and example ids in one line."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from bot.simtelegram.harness import REPO_CONTENT

REPO = Path(__file__).resolve().parents[2]
TOKEN = "123456:abcdefghijklmnopqrstuvwxyz0123456789"
SAFETY_NET_S = 120  # a hung process fails the test instead of the whole run


def write_config(tmp_path: Path, database: Path, *, people: str | None = None) -> Path:
    people = people or "admins = [11]\nvolunteer_chat_id = -100200\n"
    path = tmp_path / "config.toml"
    path.write_text(
        f'content_dir = "{REPO_CONTENT}"\n[telegram]\ntoken = "{TOKEN}"\n'
        f'[people]\n{people}[storage]\ndatabase = "{database}"\n',
        encoding="utf-8",
    )
    return path


def qiao(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "QIAO_BOT_TOKEN"}
    return subprocess.run(  # noqa: S603 - our own CLI with test arguments
        [sys.executable, "-m", "bot", "--config", str(config), *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=SAFETY_NET_S,
        check=False,
    )


def damaged_database(path: Path) -> None:
    """A real database whose table pages are overwritten with garbage."""
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x TEXT)")
    conn.executemany("INSERT INTO t VALUES (?)", [("word " * 50,) for _ in range(200)])
    conn.commit()
    conn.close()
    data = bytearray(path.read_bytes())
    page = 4096
    data[2 * page : 4 * page] = b"\xa5" * (2 * page)
    path.write_bytes(bytes(data))


def assert_one_line_refusal(result: subprocess.CompletedProcess[str], words: str) -> None:
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert words in lines[0]


@pytest.mark.parametrize("command", [["run"], ["db", "migrate"]])
def test_damaged_database_is_refused_in_one_line(tmp_path: Path, command: list[str]) -> None:
    """A database with damaged pages stops `run` and `db migrate` with one line, non-zero."""
    database = tmp_path / "qiao.sqlite3"
    damaged_database(database)
    result = qiao(write_config(tmp_path, database), *command)
    assert_one_line_refusal(result, "damaged")


@pytest.mark.parametrize("command", [["run"], ["db", "migrate"]])
def test_look_alike_file_is_refused_in_one_line(tmp_path: Path, command: list[str]) -> None:
    """A file that is not SQLite at all stops start-up with one line, never a traceback."""
    database = tmp_path / "qiao.sqlite3"
    database.write_bytes(b"this is a text file, not a database\n" * 100)
    result = qiao(write_config(tmp_path, database), *command)
    assert_one_line_refusal(result, "not a SQLite database")


@pytest.mark.parametrize("command", [["run"], ["db", "migrate"]])
def test_empty_database_file_is_refused(tmp_path: Path, command: list[str]) -> None:
    """A 0-byte database file is refused instead of silently starting empty."""
    database = tmp_path / "qiao.sqlite3"
    database.touch()
    result = qiao(write_config(tmp_path, database), *command)
    assert_one_line_refusal(result, "empty (0 bytes)")
    assert database.stat().st_size == 0


def test_missing_database_folder_is_refused_not_created(tmp_path: Path) -> None:
    """A mistyped database folder is named in one line and no folder is created."""
    database = tmp_path / "no-such-dir" / "qiao.sqlite3"
    result = qiao(write_config(tmp_path, database), "db", "migrate")
    assert_one_line_refusal(result, "does not exist")
    assert not database.parent.exists()


def test_migrate_forces_owner_only_mode(tmp_path: Path) -> None:
    """An existing database file with mode 0644 is 0600 after `qiao db migrate`."""
    database = tmp_path / "qiao.sqlite3"
    conn = sqlite3.connect(database)
    conn.execute("CREATE TABLE keep (x)")
    conn.close()
    database.chmod(0o644)
    result = qiao(write_config(tmp_path, database), "db", "migrate")
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(database.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    ("people", "key"),
    [
        ("admins = [123456789]\nvolunteer_chat_id = -100200\n", "[people] admins"),
        ("admins = [11]\nvolunteer_chat_id = -1001234567890\n", "[people] volunteer_chat_id"),
    ],
)
def test_example_ids_are_refused_by_run(tmp_path: Path, people: str, key: str) -> None:
    """`qiao run` with config.example.toml's placeholder ids says which key is still the example."""
    database = tmp_path / "qiao.sqlite3"
    result = qiao(write_config(tmp_path, database, people=people), "run")
    assert_one_line_refusal(result, f"{key}")
    assert "example value" in result.stderr
    assert not database.exists()
