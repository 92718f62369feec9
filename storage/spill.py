"""Signals kept outside SQLite while it cannot store them: a small file beside the database.

When SQLite fails (disk full, locked past the busy timeout, a damaged file), a child's press
or message that could not be stored is kept in memory and appended to `<database>.spill`
(JSON lines, owner-only), so a restart does not lose it either; a job stores each one as soon
as SQLite works again and removes it from the file. While the file has lines, `qiao health`
fails. The lines hold what the child sent (personal data, like the database beside it).
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

_FAILURES = (
    "database or disk is full",
    "database is locked",
    "database table is locked",
    "disk i/o error",
    "database disk image is malformed",
    "file is not a database",
    "unable to open database file",
    "attempt to write a readonly database",
)


def is_store_failure(exc: BaseException) -> bool:
    """SQLite could not store anything (as opposed to a bug in a statement)."""
    if not isinstance(exc, sqlite3.DatabaseError):
        return False
    text = str(exc).lower()
    return any(failure in text for failure in _FAILURES)


def spill_path(database: Path | str) -> Path | None:
    """The spill file of a database file (None for an in-memory database)."""
    if str(database) == ":memory:":
        return None
    path = Path(database)
    return path.with_name(path.name + ".spill")


def waiting(database: Path | str) -> int:
    """How many signals wait in the database's spill file (0 if there is none)."""
    path = spill_path(database)
    if path is None or not path.is_file():
        return 0
    try:
        with path.open("rb") as handle:
            return sum(1 for line in handle if line.strip())
    except OSError:
        return 0


class Spill:
    """The signals waiting to be stored: in memory, and in the file when the disk allows."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.items: list[dict[str, Any]] = []
        if path is not None and path.is_file():
            for line in path.read_text("utf-8").splitlines():
                if line.strip():
                    self.items.append(json.loads(line))

    def __len__(self) -> int:
        return len(self.items)

    def add(self, item: dict[str, Any]) -> bool:
        """Keep one signal; False when only memory holds it (the file could not be written)."""
        self.items.append(item)
        if self.path is None:
            return False
        line = json.dumps(item, ensure_ascii=False) + "\n"
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            try:
                os.write(fd, line.encode("utf-8"))
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError:
            log.error("signal kept in memory only: the spill file cannot be written")
            return False
        return True

    def keep_only(self, items: list[dict[str, Any]]) -> None:
        """The signals still waiting after a retry (the file is rewritten, or removed if none)."""
        self.items = list(items)
        if self.path is None:
            return
        try:
            if not self.items:
                self.path.unlink(missing_ok=True)
                return
            tmp = self.path.with_name(self.path.name + ".tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                body = "".join(json.dumps(i, ensure_ascii=False) + "\n" for i in self.items)
                os.write(fd, body.encode("utf-8"))
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(tmp, self.path)
        except OSError:
            log.error("spill file not rewritten; it still lists signals already stored")
