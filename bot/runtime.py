"""What every handler and job needs, created once per process: config, database, content, clock."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from bot.clock import Clock
from bot.config import Config
from storage import Database
from storage import settings as settings_repo

if TYPE_CHECKING:
    from bot.content import ContentBundle
    from bot.risk import RiskRules


@dataclass
class Runtime:
    """Shared services for one running bot (one per Application)."""

    config: Config
    db: Database
    content: ContentBundle
    risk: RiskRules
    clock: Clock

    def now(self) -> datetime:
        """The current time from the injected clock."""
        return self.clock.now()

    def ts(self) -> int:
        """The current time as Unix seconds, as stored in the database."""
        return int(self.clock.now().timestamp())

    def is_admin(self, telegram_user_id: int | None) -> bool:
        """Admins are listed in the config, nowhere else."""
        return telegram_user_id is not None and telegram_user_id in self.config.people.admins

    async def volunteer_chat_id(self) -> int:
        """The volunteer chat's id: the config's, or where Telegram moved that chat since.

        A stored migration applies only while the config still names the old chat, so an
        operator who moves the desk to another group just edits the config.
        """
        configured = self.config.people.volunteer_chat_id
        moved = await self.db.run(settings_repo.migrated_volunteer_chat)
        if moved is not None and moved[0] == configured:
            return moved[1]
        return configured

    def record_volunteer_migration(self, conn: sqlite3.Connection, new_id: int) -> None:
        """Inside a transaction: the configured volunteer chat now lives at `new_id`."""
        settings_repo.record_volunteer_migration(conn, self.config.people.volunteer_chat_id, new_id)


_CACHE: dict[tuple[str, float], tuple[ContentBundle, RiskRules]] = {}


def _load_cached(root: Path) -> tuple[ContentBundle, RiskRules]:
    """Load and check content, and compile the phrase lists, once per version of the files.

    Both are immutable once loaded, and compiling takes seconds; tests, the demo and the
    soak open many runtimes in one process.
    """
    from bot.content import load_content
    from bot.risk import RiskRules

    stamp = max((f.stat().st_mtime for f in root.rglob("*") if f.is_file()), default=0.0)
    key = (str(root.resolve()), stamp)
    if key not in _CACHE:
        _CACHE.clear()
        _CACHE[key] = (load_content(root), RiskRules.load(root).with_model())
    return _CACHE[key]


async def open_runtime(
    config: Config, clock: Clock, *, content_root: Path | None = None
) -> Runtime:
    """Open the database (migrating it), load and validate content and the risk rules."""
    root = content_root or Path(config.content_dir)
    content, risk = _load_cached(root)
    db = await Database.open(config.storage.database)
    return Runtime(config=config, db=db, content=content, risk=risk, clock=clock)
