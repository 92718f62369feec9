"""`qiao health | backup | restore | export`: the operator's commands, one line of output each.

Each reads the config like the other commands (`--config`, else $QIAO_CONFIG or
./config.toml) and works on the configured database, beside a running bot where that is safe.
Exit codes: 0 done (or healthy), 1 refused or unhealthy, 2 a config problem (bot.cli).
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot import logs
from bot.config import Config, load_config
from bot.ops import backup as backups
from bot.ops import export, health


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
    print(report.line)
    return 0 if report.ok else 1


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
