"""The one SQLite connection: WAL, foreign keys, busy timeout, owner-only file, migrations."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import sqlite3
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Protocol, TypeVar

import aiosqlite

log = logging.getLogger(__name__)
T = TypeVar("T")
BUSY_TIMEOUT_MS = 5000
_MIGRATION_NAME = re.compile(r"[0-9]{4}_[a-z0-9_]+\.sql")


class WriteHook(Protocol):
    """Work that joins every transaction that changes something, while the hook is set.

    The inbox uses it to mark the update being handled as handled in the same transaction
    as the first change that update causes: after that commit, a restart must not handle the
    update again (its effects are stored), and before it nothing of it is stored.
    """

    def applies(self) -> bool:
        """Whether the running task is the one the hook was set for (tasks it started copy
        the hook with their context, and must not act for it)."""

    def in_transaction(self, conn: sqlite3.Connection) -> None:
        """Run inside the transaction, after its work changed at least one row."""

    def committed(self) -> None:
        """That transaction committed."""


_WRITE_HOOK: ContextVar[WriteHook | None] = ContextVar("qiao_write_hook", default=None)


@contextlib.contextmanager
def write_hook(hook: WriteHook) -> Iterator[None]:
    """Set `hook` for the transactions run by this task (and tasks it starts) until exit."""
    token = _WRITE_HOOK.set(hook)
    try:
        yield
    finally:
        _WRITE_HOOK.reset(token)


@dataclass(frozen=True)
class Migration:
    """One numbered SQL file under storage/migrations."""

    version: int
    name: str
    sql: str


def bundled_migrations() -> list[Migration]:
    """Every migration shipped with the package, in order; names are `NNNN_what.sql`."""
    found: list[Migration] = []
    for entry in resources.files("storage").joinpath("migrations").iterdir():
        if not entry.name.endswith(".sql"):
            continue
        number, _, rest = entry.name.partition("_")
        if not _MIGRATION_NAME.fullmatch(entry.name):
            raise RuntimeError(f"migration file {entry.name!r} is not named NNNN_word.sql")
        found.append(Migration(int(number), rest.removesuffix(".sql"), entry.read_text("utf-8")))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"two migrations share a number: {versions}")
    return found


class Database:
    """Owns the aiosqlite connection; every unit of work runs as one call in its thread."""

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path
        self._lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path | str, *, migrate: bool = True) -> Database:
        """Open (creating with mode 0600 if new), set pragmas and apply pending migrations."""
        path = Path(path)
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
            os.close(fd)
            os.chmod(path, 0o600)  # an existing file copied in as 0644 is closed too
        conn = await aiosqlite.connect(path, isolation_level=None)
        conn.row_factory = sqlite3.Row
        db = cls(conn, path)
        try:
            await db.run(_configure)
            if migrate:
                await db.migrate()
        except BaseException:
            # Closing stops aiosqlite's thread: without it a damaged file hangs the process.
            await db.close()
            raise
        return db

    async def checkpoint(self) -> None:
        """Copy the WAL into the file and empty it, so deleted words leave the -wal file too."""
        await self.run(lambda c: c.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall())

    async def close(self) -> None:
        """Checkpoint and close; safe to call twice."""
        async with self._lock:
            with contextlib.suppress(ValueError):  # already closed
                await self._conn.close()

    async def run(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run `fn` in the connection's thread: one thread hop for many statements.

        aiosqlite offers no public "run this callable" entry point; `_execute` is the
        call its own public methods are built on (aiosqlite is pinned <0.23 for this).
        """
        async with self._lock:
            result: T = await self._conn._execute(fn, self._conn._conn)  # type: ignore[no-untyped-call]
            return result

    async def tx(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run `fn` inside BEGIN IMMEDIATE … COMMIT, rolled back on any exception.

        A write hook set by the caller's task joins the transaction when `fn` changed a row.
        """
        hook = _WRITE_HOOK.get()
        if hook is None or not hook.applies():
            return await self.run(lambda conn: transaction(conn, fn))
        changed = False

        def hooked(conn: sqlite3.Connection) -> T:
            nonlocal changed
            before = conn.total_changes
            result = fn(conn)
            if conn.total_changes != before:
                hook.in_transaction(conn)
                changed = True
            return result

        result = await self.run(lambda conn: transaction(conn, hooked))
        if changed:
            hook.committed()
        return result

    async def migrate(self) -> list[int]:
        """Apply pending migrations in order; return the versions applied now."""
        return await self.run(lambda conn: apply_migrations(conn, bundled_migrations()))

    async def schema_version(self) -> int:
        """The highest applied migration (0 for an empty database)."""
        return await self.run(current_version)


def transaction(conn: sqlite3.Connection, fn: Callable[[sqlite3.Connection], T]) -> T:
    """Run fn atomically on a connection in autocommit mode."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        result = fn(conn)
        conn.execute("COMMIT")
    except BaseException:
        # SQLite may have rolled back already (e.g. "database or disk is full"): a second
        # ROLLBACK would raise and hide the error that matters.
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return result


def _configure(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    # Deleted rows are overwritten with zeros, so erased words leave the file (and backups).
    conn.execute("PRAGMA secure_delete=ON")
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def current_version(conn: sqlite3.Connection) -> int:
    """Read the highest applied migration number."""
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_migrations'"
    ).fetchone()
    if not exists:
        return 0
    row = conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").fetchone()
    return int(row[0])


def apply_migrations(conn: sqlite3.Connection, migrations: list[Migration]) -> list[int]:
    """Apply each migration newer than the database in its own transaction."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)"
    )
    done = current_version(conn)
    applied: list[int] = []
    for migration in migrations:
        if migration.version <= done:
            continue
        script = (
            "BEGIN IMMEDIATE;\n"
            f"{migration.sql}\n;"
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES "
            f"({migration.version}, '{migration.name}', CAST(strftime('%s','now') AS INTEGER));\n"
        )
        # Foreign keys are off while a migration runs (SQLite's documented way to rebuild a
        # table: dropping the old one must not cascade) and checked before it commits.
        conn.execute("PRAGMA foreign_keys=OFF")
        try:
            conn.executescript(script)
            broken = conn.execute("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise sqlite3.IntegrityError(
                    f"migration {migration.version} broke {len(broken)} foreign keys"
                )
            conn.execute("COMMIT")
        except sqlite3.Error:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        finally:
            conn.execute("PRAGMA foreign_keys=ON")
        log.info(
            "applied migration", extra={"version": migration.version, "migration": migration.name}
        )
        applied.append(migration.version)
    return applied


def rows(cursor: sqlite3.Cursor) -> list[dict[str, Any]]:
    """Turn a cursor's remaining rows into plain dicts."""
    return [dict(row) for row in cursor.fetchall()]
