"""An advisory lock beside the database file: held by the running bot, checked by restore.

`fcntl.flock` locks belong to the open file, so the kernel drops the lock when the bot's
process ends however it ends (crash, kill -9, power cut): a stale lock cannot outlive it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path
from types import TracebackType


class DatabaseBusy(Exception):
    """Another process (a running bot, or a restore) holds the database's lock."""


def lock_path(database: Path | str) -> Path:
    """Where the lock of a database lives: `<database>.lock`."""
    return Path(f"{database}.lock")


class DatabaseLock:
    """Exclusive, non-blocking lock on `<database>.lock`; use as a context manager or hold it.

    `qiao run` takes it for the life of the process; `qiao restore` takes it while it writes.
    """

    def __init__(self, database: Path | str) -> None:
        self.path = lock_path(database)
        self._fd: int | None = None

    def acquire(self) -> DatabaseLock:
        """Take the lock now or raise DatabaseBusy; never waits."""
        if self._fd is not None:
            return self
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_CREAT | os.O_RDWR, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise DatabaseBusy(f"{self.path} is held by another process") from None
        self._fd = fd
        return self

    def release(self) -> None:
        """Let go of the lock (the file stays: removing it would race another locker)."""
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)

    @property
    def held(self) -> bool:
        """Whether this object holds the lock."""
        return self._fd is not None

    def __enter__(self) -> DatabaseLock:
        return self.acquire()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


def is_locked(database: Path | str) -> bool:
    """Tell whether some process holds the database's lock right now."""
    probe = DatabaseLock(database)
    try:
        probe.acquire()
    except DatabaseBusy:
        return True
    probe.release()
    return False
