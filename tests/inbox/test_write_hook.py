"""The write hook: it joins only the transactions that change rows, in the task it was set in."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from storage import Database
from storage.db import write_hook


class Recorder:
    """A write hook that writes a row of its own inside each transaction it joins."""

    def __init__(self) -> None:
        self.task = asyncio.current_task()
        self.committed_count = 0

    def applies(self) -> bool:
        return asyncio.current_task() is self.task

    def in_transaction(self, conn: sqlite3.Connection) -> None:
        conn.execute("INSERT INTO hooked (at) VALUES (1)")

    def committed(self) -> None:
        self.committed_count += 1


async def _db(tmp_path: Path) -> Database:
    db = await Database.open(tmp_path / "qiao.sqlite3")
    await db.run(lambda c: c.execute("CREATE TABLE hooked (at INTEGER)"))
    return db


async def _hooked(db: Database) -> int:
    return await db.run(lambda c: int(c.execute("SELECT COUNT(*) FROM hooked").fetchone()[0]))


async def test_hook_joins_writing_transactions_only(tmp_path: Path) -> None:
    """A transaction that changes a row carries the hook's write; a read-only one does not."""
    db = await _db(tmp_path)
    try:
        hook = Recorder()
        with write_hook(hook):
            await db.tx(lambda c: c.execute("SELECT 1").fetchone())
            assert await _hooked(db) == 0
            await db.tx(lambda c: c.execute("INSERT INTO hooked (at) VALUES (0)"))
        assert await _hooked(db) == 2
        assert hook.committed_count == 1
    finally:
        await db.close()


async def test_hook_leaves_a_failed_transaction_alone(tmp_path: Path) -> None:
    """When the transaction rolls back, the hook's write goes with it and nothing commits."""
    db = await _db(tmp_path)
    try:
        hook = Recorder()

        def fail(conn: sqlite3.Connection) -> None:
            conn.execute("INSERT INTO hooked (at) VALUES (0)")
            raise sqlite3.OperationalError("database or disk is full")

        with write_hook(hook), pytest.raises(sqlite3.OperationalError):
            await db.tx(fail)
        assert await _hooked(db) == 0
        assert hook.committed_count == 0
    finally:
        await db.close()


async def test_hook_does_not_act_in_tasks_started_under_it(tmp_path: Path) -> None:
    """A task started while the hook is set inherits it but does not run it."""
    db = await _db(tmp_path)
    try:
        hook = Recorder()
        with write_hook(hook):
            started = asyncio.create_task(
                db.tx(lambda c: c.execute("INSERT INTO hooked (at) VALUES (0)"))
            )
        await started
        assert await _hooked(db) == 1
        assert hook.committed_count == 0
    finally:
        await db.close()
