"""`qiao report --month 2026-11 [--out DIR]`: the month's HTML report and CSV, written to files.

Reads the configured database beside a running bot (one read transaction, no write lock).
The files hold counts, pseudonyms and village labels only; they are written with mode 0600
all the same, because a small village's figures can still point at a family.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot import logs
from bot.config import load_config
from bot.services import report
from storage import maintenance
from storage.report import snapshot


class ReportError(Exception):
    """A report that cannot be made; the text says why in one line."""


def build(database: Path | str, month: report.Month, *, now: datetime) -> tuple[str, str]:
    """Read the month from the database and return (HTML, CSV)."""
    try:
        conn = maintenance.connect(database, read_only=True)
    except sqlite3.Error as exc:
        raise ReportError(f"cannot open {database}: {exc}") from None
    try:
        if not maintenance.is_qiao_database(conn):
            raise ReportError(f"{database} is not a Qiao database")
        figures = snapshot(conn, lambda c: report.collect_tx(c, month))
    finally:
        conn.close()
    html = report.render_html(figures, report.chart_images(figures), generated=now)
    return html, report.to_csv(figures)


def write_private(path: Path, text: str) -> None:
    """Write `text` to `path` (mode 0600), replacing an older report atomically."""
    temp = path.with_name(f".{path.name}.tmp")
    fd = os.open(temp, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(temp, path)


def report_command(args: argparse.Namespace) -> int:
    """Write the month's report (HTML with inline charts) and its CSV into --out (default .)."""
    config = load_config(args.config)
    logs.configure(fmt="text", level="WARNING")
    zone = config.locale.zone
    try:
        month = report.parse_month(args.month, zone)
    except report.MonthError as exc:
        print(f"qiao: {exc}", file=sys.stderr)
        return 2
    out: Path = args.out
    if not out.is_dir():
        print(f"qiao: {out} is not a folder", file=sys.stderr)
        return 1
    try:
        html, rows = build(config.storage.database, month, now=datetime.now(UTC).astimezone(zone))
    except ReportError as exc:
        print(f"qiao: {exc}", file=sys.stderr)
        return 1
    html_name, csv_name = report.file_names(month)
    write_private(out / html_name, html)
    write_private(out / csv_name, rows)
    print(f"report for {month.label} written to {out / html_name} and {out / csv_name}")
    return 0
