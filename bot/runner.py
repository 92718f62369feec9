"""`qiao run` and `qiao db migrate`: the production entry points."""

from __future__ import annotations

import argparse
import asyncio
import logging

from bot import logs
from bot.clock import SystemClock
from bot.config import Config, ConfigError, load_config
from bot.ops import startup
from bot.ops.lock import DatabaseBusy, DatabaseLock
from storage import Database

log = logging.getLogger(__name__)


def _config(args: argparse.Namespace) -> Config:
    config: Config = load_config(args.config)
    return config


def run_command(args: argparse.Namespace) -> int:
    """Run the bot until interrupted; refuses to start without a token."""
    from bot.telegram.app import build_application

    config = _config(args)
    token = config.require_token()
    startup.check_before_connecting(config)
    secrets = (token, *logs.secrets_of(config))
    logs.configure(fmt=config.logging.format, level=config.logging.level, secrets=secrets)
    lock = DatabaseLock(config.storage.database)
    try:
        lock.acquire()
    except DatabaseBusy:
        raise ConfigError(f"another Qiao is running on {config.storage.database}") from None
    try:
        app = build_application(config, SystemClock())
        log.info("starting", extra={"mode": "webhook" if args.webhook else "polling"})
        if args.webhook:
            from bot.webhook import run_webhook

            run_webhook(app, config)
        else:
            from bot.telegram import polling

            # Stored before confirmed; updates sent while the bot was down are kept.
            polling.run(app)
    finally:
        lock.release()
    return 0


def migrate_command(args: argparse.Namespace) -> int:
    """Apply pending migrations to the configured database and say what was done."""
    config = _config(args)
    startup.check_database_file(config.storage.database)
    logs.configure(fmt="text", level="WARNING")

    async def migrate() -> tuple[list[int], int]:
        db = await Database.open(config.storage.database, migrate=False)
        try:
            applied = await db.migrate()
            return applied, await db.schema_version()
        finally:
            await db.close()

    applied, version = asyncio.run(migrate())
    if applied:
        print(f"applied migrations {', '.join(map(str, applied))}; schema is at {version}")
    else:
        print(f"schema is up to date at {version}")
    return 0
