"""The `qiao` command: one entry point, each sub-command implemented next to what it drives."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

Handler = Callable[[argparse.Namespace], int]


def _lazy(target: str) -> Handler:
    """Import `module:function` only when its sub-command runs, so `qiao --help` stays fast."""

    def run(args: argparse.Namespace) -> int:
        module_name, func_name = target.split(":")
        func: Handler = getattr(importlib.import_module(module_name), func_name)
        return func(args)

    return run


def build_parser() -> argparse.ArgumentParser:
    """Describe every sub-command in one place."""
    parser = argparse.ArgumentParser(prog="qiao", description="Qiao (桥) bot and its tools.")
    parser.add_argument(
        "--config",
        type=Path,
        default=None,
        help="path to config.toml (default: $QIAO_CONFIG or ./config.toml)",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="run the bot (long polling by default)")
    run.add_argument("--webhook", action="store_true", help="serve Telegram's webhook instead")
    run.set_defaults(func=_lazy("bot.runner:run_command"))

    demo = sub.add_parser("demo", help="chat with Qiao on a simulated Telegram in this terminal")
    demo.add_argument("--script", type=Path, help="run demo commands from FILE, no terminal")
    demo.set_defaults(func=_lazy("bot.demo.cli:demo_command"))

    db = sub.add_parser("db", help="database tools").add_subparsers(dest="db_cmd", required=True)
    migrate = db.add_parser("migrate", help="apply pending migrations")
    migrate.set_defaults(func=_lazy("bot.runner:migrate_command"))

    content = sub.add_parser("content", help="lesson and check-in files").add_subparsers(
        dest="content_cmd", required=True
    )
    check = content.add_parser("check", help="validate content files; exit 1 on any problem")
    check.add_argument("path", nargs="?", type=Path, default=Path("content"))
    check.add_argument(
        "--step-limit",
        type=int,
        default=None,
        metavar="N",
        help="most Han characters in one lesson step (default: the sequence file's, else 60)",
    )
    check.add_argument(
        "--steps",
        action="store_true",
        help="also list every lesson step's length and reading time",
    )
    check.set_defaults(func=_lazy("bot.content.cli:check_command"))
    preview = content.add_parser("preview", help="print a lesson or check-in as the chat shows it")
    preview.add_argument("item_id")
    preview.add_argument("--lang", default="zh")
    preview.add_argument("--path", type=Path, default=Path("content"))
    preview.set_defaults(func=_lazy("bot.content.cli:preview_command"))
    audio = content.add_parser("audio", help="voice recordings of lesson steps").add_subparsers(
        dest="audio_cmd", required=True
    )
    audio_import = audio.add_parser(
        "import", help="convert a phone recording (m4a, mp3, wav) to OGG/Opus for one step"
    )
    audio_import.add_argument("file", type=Path)
    audio_import.add_argument("--lesson", required=True, metavar="ID")
    audio_import.add_argument("--step", type=int, required=True, metavar="N", help="from 1")
    audio_import.add_argument("--path", type=Path, default=Path("content"))
    audio_import.set_defaults(func=_lazy("bot.content.audio_cli:import_command"))

    risk = sub.add_parser("risk", help="risk rules").add_subparsers(dest="risk_cmd", required=True)
    rcheck = risk.add_parser("check", help="print the risk level of TEXT")
    rcheck.add_argument("text")
    rcheck.add_argument("--lang", default="zh")
    rcheck.add_argument("--json", action="store_true")
    rcheck.add_argument("--writer", choices=["child", "adult"], default="child")
    rcheck.add_argument("--rules-only", action="store_true", help="without the learned opinion")
    rcheck.set_defaults(func=_lazy("bot.risk.cli:check_command"))
    reval = risk.add_parser("eval", help="precision and recall on a labelled JSONL file")
    reval.add_argument("file", type=Path)
    reval.add_argument("--json", action="store_true")
    reval.add_argument("--min-urgent-recall", type=float, default=None)
    reval.add_argument("--rules-only", action="store_true", help="without the learned opinion")
    reval.set_defaults(func=_lazy("bot.risk.cli:eval_command"))

    health = sub.add_parser("health", help="one line about the bot's health; exit 1 if unwell")
    health.set_defaults(func=_lazy("bot.ops.cli:health_command"))
    backup = sub.add_parser("backup", help="copy the live database to PATH (file or folder)")
    backup.add_argument("path", type=Path)
    backup.add_argument(
        "--keep",
        type=int,
        default=None,
        metavar="N",
        help="PATH is a folder: keep only the newest N backups",
    )
    backup.add_argument("--force", action="store_true", help="replace an existing backup FILE")
    backup.set_defaults(func=_lazy("bot.ops.cli:backup_command"))
    restore = sub.add_parser("restore", help="replace the database with a backup (bot stopped)")
    restore.add_argument("path", type=Path)
    restore.set_defaults(func=_lazy("bot.ops.cli:restore_command"))
    export = sub.add_parser("export", help="everything stored about a family, as JSON")
    export.add_argument("family", help="the family's pseudonym, e.g. F-7Q2K")
    export.add_argument("--out", type=Path, default=None, help="write to FILE (mode 0600)")
    export.set_defaults(func=_lazy("bot.ops.cli:export_command"))

    report = sub.add_parser("report", help="the month's report (HTML with charts, and CSV)")
    report.add_argument("--month", required=True, metavar="YYYY-MM", help="e.g. 2026-11")
    report.add_argument("--out", type=Path, default=Path("."), metavar="DIR", help="default: .")
    report.set_defaults(func=_lazy("bot.ops.report:report_command"))

    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments and run one sub-command; config problems end in one clear line."""
    # PTB 22 deprecates RetryAfter.retry_after as an int and warns on every flood error unless
    # a process opts in to timedelta; bot.telegram.retry reads both forms. Set once, here at
    # the process's entry, never as a side effect of an import.
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
    except KeyboardInterrupt:
        return 130
    except _user_errors() as exc:
        print(f"qiao: {exc}", file=sys.stderr)
        return 2
    return code


def _user_errors() -> tuple[type[Exception], ...]:
    """Errors that are the operator's to fix: printed as one line, never as a traceback."""
    from bot.config import ConfigError

    return (ConfigError,)
