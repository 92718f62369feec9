"""`qiao health | backup | restore | export`: the operator's commands, one line of output each.

Each reads the config like the other commands (`--config`, else $QIAO_CONFIG or
./config.toml) and works on the configured database, beside a running bot where that is safe.
Exit codes: 0 done (or healthy), 1 refused or unhealthy, 2 a config problem (bot.cli).
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from bot import logs
from bot.config import Config, load_config
from bot.ops import backup as backups
from bot.ops import export, health
from storage import maintenance, settings

T = TypeVar("T")


def _config(args: argparse.Namespace) -> Config:
    config: Config = load_config(args.config)
    logs.configure(fmt="text", level="WARNING")
    return config


def _now() -> datetime:
    return datetime.now(UTC)


def _fail(message: str) -> int:
    print(f"qiao: {message}", file=sys.stderr)
    return 1


def health_command(args: argparse.Namespace) -> int:
    """Print one line about the bot's health; exit 1 when something needs a human."""
    config = _config(args)
    report = health.check_file(config.storage.database, now=int(_now().timestamp()))
    problem = _desk_problem(config) if config.telegram.token else None
    if problem is None:
        print(report.line)
        return 0 if report.ok else 1
    print(f"{report.line}; volunteer chat: {problem}")
    return 1


def _desk_problem(config: Config) -> str | None:
    """Ask Telegram whether the bot may post in the volunteer chat (one line, or None)."""
    import asyncio

    from bot.telegram.first_run import desk_verdict

    chat_id = config.people.volunteer_chat_id
    moved = maintenance_read(config, settings.migrated_volunteer_chat)
    if moved is not None and moved[0] == chat_id:
        chat_id = moved[1]
    tg = config.telegram
    return asyncio.run(desk_verdict(tg.token, tg.base_url, tg.base_file_url, chat_id))


def maintenance_read(config: Config, fn: Callable[[sqlite3.Connection], T]) -> T | None:
    """One read on the configured database; None when it cannot be read."""
    try:
        conn = maintenance.connect(config.storage.database, read_only=True)
    except sqlite3.Error:
        return None
    try:
        return fn(conn)
    except sqlite3.Error:
        return None
    finally:
        conn.close()


def backup_command(args: argparse.Namespace) -> int:
    """Copy the live database to PATH (a file, or a folder that gets a dated file)."""
    config = _config(args)
    try:
        result = backups.backup(
            config.storage.database, args.path, now=_now(), keep=args.keep, force=args.force
        )
    except backups.BackupError as exc:
        return _fail(str(exc))
    removed = f"; removed {len(result.removed)} older" if result.removed else ""
    print(
        f"backup written to {result.path} ({result.size} bytes, schema"
        f" {result.schema_version}, {result.rows.get('people', 0)} people){removed}"
    )
    return 0


def restore_command(args: argparse.Namespace) -> int:
    """Put a backup in place of the configured database, unless a bot is running on it."""
    config = _config(args)
    try:
        result = backups.restore(config.storage.database, args.path, now=_now())
    except backups.BackupError as exc:
        return _fail(f"restore refused: {exc}")
    line = (
        f"restored {args.path} into {config.storage.database} (schema {result.schema_version},"
        f" {result.rows.get('people', 0)} people)"
    )
    if result.schema_version < result.code_version:
        line += f"; the bot migrates it to {result.code_version} when it starts"
    if result.previous is not None:
        line += f"; the replaced database is kept as {result.previous}"
    print(line)
    return 0


def export_command(args: argparse.Namespace) -> int:
    """Write everything stored about one family as JSON, to --out FILE or to stdout."""
    config = _config(args)
    out: Path | None = args.out
    fd: int | None = None
    if out is not None:
        # Opened first, so an unwritable path fails before the export is audited.
        try:
            fd = os.open(out, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            return _fail(f"{out} already exists; choose a new file")
        except OSError as exc:
            return _fail(f"cannot write {out}: {exc.strerror}")
    try:
        doc = export.export_family(
            config.storage.database, args.family, now=int(_now().timestamp())
        )
    except export.ExportError as exc:
        if fd is not None and out is not None:
            os.close(fd)
            out.unlink()
        return _fail(str(exc))
    text = export.to_json(doc)
    if fd is None:
        sys.stdout.write(text)
        return 0
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    print(
        f"exported {doc['family']['pseudonym']} to {out}"
        f" ({len(doc['people'])} people); it holds personal data: keep it safe",
        file=sys.stderr,
    )
    return 0
