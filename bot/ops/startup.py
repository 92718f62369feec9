"""Checks before Qiao touches its database or Telegram: each problem is one line to fix.

A damaged or empty file, a missing folder, or the example's placeholder ids would otherwise
surface as a traceback (or as a bot whose alerts reach nobody); here they stop start-up with
one line naming the file or key and what to do.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

from bot.config import Config, ConfigError
from bot.config_ranges import example_values

SQLITE_HEADER = b"SQLite format 3\x00"
NOT_SQLITE = "not a SQLite database"
_CHECK_TIMEOUT_S = 5.0


class StartupError(ConfigError):
    """Start-up refused; the text is one line naming the file or key and the remedy."""


def check_before_connecting(config: Config) -> None:
    """Refuse example ids and an unusable database file before anything connects."""
    found = example_values(config)
    if found:
        raise StartupError(f"{found[0]}: put your own ids in the config (see docs/operations.md)")
    check_database_file(config.storage.database)


def check_database_file(database: Path | str) -> None:
    """Refuse a missing folder, an empty or damaged file; force the file's mode to 0600.

    A file that does not exist yet is fine: Qiao creates it on first start.
    """
    path = Path(database)
    folder = path.parent
    if not folder.is_dir():
        raise StartupError(
            f"{path}: the folder {folder} does not exist (create it, or fix [storage] database)"
        )
    if not path.exists():
        return
    if not path.is_file():
        raise StartupError(f"{path}: is not a file (fix [storage] database)")
    if path.stat().st_size == 0:
        raise StartupError(
            f"{path}: the database file is empty (0 bytes); restore a backup with "
            "`qiao restore FILE`, or delete it to start a new database"
        )
    os.chmod(path, 0o600)
    problem = integrity_problem(path)
    if problem is not None:
        raise StartupError(
            f"{path}: {problem}; restore a backup with `qiao restore FILE` (see docs/operations.md)"
        )


def integrity_problem(path: Path) -> str | None:
    """What `PRAGMA quick_check` finds wrong with an existing file, in one line; None if ok."""
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER:
        return NOT_SQLITE
    try:
        uri = f"{path.resolve().as_uri()}?mode=ro"  # a check never writes
        conn = sqlite3.connect(uri, uri=True, timeout=_CHECK_TIMEOUT_S)
    except sqlite3.Error as exc:
        return f"cannot be opened ({exc})"
    try:
        rows = conn.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError as exc:
        return f"the database is damaged ({exc})"
    finally:
        with contextlib.suppress(sqlite3.Error):
            conn.close()
    messages = [str(row[0]) for row in rows]
    if messages == ["ok"]:
        return None
    first = messages[0].replace("\n", " ") if messages else "no answer"
    more = f" and {len(messages) - 1} more" if len(messages) > 1 else ""
    return f"the database is damaged (quick_check: {first}{more})"
