"""Backups and restores of the one SQLite file, safe beside a running bot.

A backup goes through SQLite's online backup API from a read-only connection, so the bot
keeps writing (WAL) while a consistent snapshot is copied. The copy is written under a
temporary name with owner-only permissions, checked, turned into a single self-contained
file, and only then renamed into place: a half-written backup never carries a real name.

A restore refuses while the database's lock is held (a bot is running on it), refuses a
file that is not a Qiao database or whose schema is newer than this code, and keeps the
database it replaces as `<database>.pre-restore-<time>` so a wrong restore can be undone.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.ops.lock import DatabaseBusy, DatabaseLock
from bot.ops.startup import NOT_SQLITE, integrity_problem
from storage import maintenance

BACKUP_NAME = re.compile(r"qiao-[0-9]{8}-[0-9]{6}\.sqlite3")
"""Names `qiao backup DIR` writes and `--keep` rotates; other files in DIR are left alone."""


class BackupError(Exception):
    """A backup or restore that cannot be done; the text says why in one line."""


@dataclass(frozen=True)
class BackupResult:
    """What a backup wrote and what rotation removed."""

    path: Path
    size: int
    schema_version: int
    rows: dict[str, int]
    removed: tuple[Path, ...]


@dataclass(frozen=True)
class RestoreResult:
    """What a restore put in place."""

    schema_version: int
    code_version: int
    previous: Path | None
    rows: dict[str, int]


def backup_name(moment: datetime) -> str:
    """The file name a backup taken at `moment` gets in a backup folder."""
    return f"qiao-{moment.strftime('%Y%m%d-%H%M%S')}.sqlite3"


def backup(
    database: Path | str,
    target: Path | str,
    *,
    now: datetime,
    keep: int | None = None,
    force: bool = False,
) -> BackupResult:
    """Copy the live database to `target` (a file, or a folder that gets a dated file).

    With `keep`, `target` must be a folder: after the copy, only the newest `keep` dated
    backups in it remain. An existing file is replaced only with `force`.
    """
    source_path = Path(database)
    target = Path(target)
    if keep is not None and keep < 1:
        raise BackupError("--keep must be at least 1")
    if target.is_dir():
        destination = target / backup_name(now)
    elif keep is not None:
        raise BackupError(f"--keep needs a folder, and {target} is not one")
    else:
        destination = target
    if not source_path.is_file():
        raise BackupError(f"no database file at {source_path}")
    if _same_or_sidecar(destination, source_path):
        raise BackupError("the backup would overwrite the live database")
    if destination.exists() and (target.is_dir() or not force):
        raise BackupError(f"{destination} already exists; add --force to replace it")

    try:
        source = maintenance.connect(source_path, read_only=True)
    except sqlite3.Error as exc:
        raise BackupError(f"cannot open {source_path}: {exc}") from None
    try:
        if not maintenance.is_qiao_database(source):
            raise BackupError(f"{source_path} is not a Qiao database")
        version, rows = _write_copy(source, destination)
    finally:
        source.close()
    removed = rotate(destination.parent, keep) if keep is not None else ()
    return BackupResult(destination, destination.stat().st_size, version, rows, removed)


def rotate(folder: Path, keep: int) -> tuple[Path, ...]:
    """Delete all but the newest `keep` dated backups in a folder; return what went."""
    dated = sorted(p for p in folder.iterdir() if p.is_file() and BACKUP_NAME.fullmatch(p.name))
    old = dated[:-keep] if keep > 0 else dated
    for path in old:
        path.unlink()
    return tuple(old)


def restore(database: Path | str, source: Path | str, *, now: datetime) -> RestoreResult:
    """Replace the configured database with a backup, unless a bot is running on it."""
    database = Path(database)
    source = Path(source)
    lock = DatabaseLock(database)
    try:
        lock.acquire()
    except DatabaseBusy:
        raise BackupError(
            f"a bot is running on {database} (its lock {lock.path} is held): stop it first"
        ) from None
    try:
        return _restore_locked(database, source, now)
    finally:
        lock.release()


def _restore_locked(database: Path, source: Path, now: datetime) -> RestoreResult:
    if not source.is_file():
        raise BackupError(f"no file at {source}")
    if _same_or_sidecar(source, database):
        raise BackupError("the backup to restore is the live database itself")
    problem = integrity_problem(source)
    if problem == NOT_SQLITE:
        raise BackupError(f"{source} is not a Qiao database ({problem})")
    if problem is not None:
        raise BackupError(f"{source}: {problem}")
    try:
        backup_conn = maintenance.connect(source, read_only=True)
    except sqlite3.Error as exc:
        raise BackupError(f"cannot open {source}: {exc}") from None
    try:
        if not maintenance.is_qiao_database(backup_conn):
            raise BackupError(f"{source} is not a Qiao database")
        if not maintenance.quick_check(backup_conn):
            raise BackupError(f"{source} is damaged (SQLite's quick_check failed)")
        version = maintenance.schema_version(backup_conn)
        code_version = maintenance.code_schema_version()
        if version > code_version:
            raise BackupError(
                f"{source} has schema {version}, newer than this code's {code_version}:"
                " upgrade Qiao first"
            )
        previous = _keep_previous(database, now)
        fd = os.open(database, os.O_CREAT | os.O_RDWR, 0o600)
        os.close(fd)
        target = sqlite3.connect(database, isolation_level=None)
        try:
            maintenance.copy_database(backup_conn, target)
            if not maintenance.quick_check(target):
                raise BackupError(f"the restored {database} failed SQLite's quick_check")
            rows = maintenance.table_counts(target)
        finally:
            target.close()
        os.chmod(database, 0o600)
    finally:
        backup_conn.close()
    return RestoreResult(version, code_version, previous, rows)


def _keep_previous(database: Path, now: datetime) -> Path | None:
    """Save the database a restore is about to replace (if it holds anything)."""
    if not database.is_file() or database.stat().st_size == 0:
        return None
    path = database.with_name(f"{database.name}.pre-restore-{now.strftime('%Y%m%d-%H%M%S')}")
    if path.exists():
        raise BackupError(f"{path} already exists: move it away and try again")
    try:
        current = maintenance.connect(database, read_only=True)
    except sqlite3.Error as exc:
        raise BackupError(f"cannot open {database}: {exc}") from None
    try:
        _write_copy(current, path)
    finally:
        current.close()
    return path


def _write_copy(source: sqlite3.Connection, destination: Path) -> tuple[int, dict[str, int]]:
    """Copy into a 0600 temporary file beside `destination`, check it, rename it into place."""
    partial = destination.with_name(f".{destination.name}.partial-{os.getpid()}")
    fd = os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    try:
        copy = sqlite3.connect(partial, isolation_level=None)
        try:
            maintenance.copy_database(source, copy)
            maintenance.make_standalone(copy)
            if not maintenance.quick_check(copy):
                raise BackupError("the copy failed SQLite's quick_check")
            version = maintenance.schema_version(copy)
            rows = maintenance.table_counts(copy)
        finally:
            copy.close()
        os.chmod(partial, 0o600)
        _fsync(partial)
        os.replace(partial, destination)
        _fsync(destination.parent)
    except BaseException:
        for leftover in (partial, Path(f"{partial}-journal"), Path(f"{partial}-wal")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
        raise
    return version, rows


def _fsync(path: Path) -> None:
    """Push a file (or a folder's entries) to disk, so a power cut keeps the backup."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _same_or_sidecar(path: Path, database: Path) -> bool:
    """Whether `path` is the database file or one of its -wal, -shm, -journal companions."""
    if path.exists() and database.exists() and os.path.samefile(path, database):
        return True
    resolved = path.resolve()
    base = database.resolve()
    return resolved in {Path(f"{base}{suffix}") for suffix in ("-wal", "-shm", "-journal")}
