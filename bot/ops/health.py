"""Is Qiao healthy? One verdict from the database, for `qiao health` and the webhook's health path.

The checks are the ones that mean a child's alert could be stuck: the database cannot be
read, the schema is not the code's, messages wait in the outbox, or an urgent alert has
waited for a volunteer too long. The last dispatcher run is reported, not judged: with no
children due, a quiet dispatcher is normal.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from storage import Database, maintenance, spill
from storage.maintenance import HealthFacts

OUTBOX_MAX_AGE = 10 * 60
"""Seconds a message may wait in the outbox before the bot counts as unhealthy."""

URGENT_MAX_AGE = 30 * 60
"""Seconds an urgent alert may stay unclaimed before the bot counts as unhealthy."""

INBOX_MAX_AGE = 5 * 60
"""Seconds a stored update may wait unhandled before the bot counts as unhealthy."""

GAVE_UP_WINDOW = 24 * 60 * 60
"""For this long after an update was given up (it failed in every try), the bot is unhealthy."""


@dataclass(frozen=True)
class HealthReport:
    """The verdict and the one line that explains it."""

    ok: bool
    line: str
    problems: tuple[str, ...]
    facts: HealthFacts | None

    def to_json(self) -> dict[str, Any]:
        """Counts and ages only: safe for a monitoring system."""
        data: dict[str, Any] = {"ok": self.ok, "line": self.line, "problems": list(self.problems)}
        if self.facts is not None:
            data["facts"] = {
                "schema_version": self.facts.schema_version,
                "last_dispatch_at": self.facts.last_dispatch_at,
                "outbox_pending": self.facts.outbox_pending,
                "outbox_oldest_at": self.facts.outbox_oldest_at,
                "urgent_open": self.facts.urgent_open,
                "urgent_oldest_at": self.facts.urgent_oldest_at,
                "inbox_waiting": self.facts.inbox.waiting,
                "inbox_oldest_at": self.facts.inbox.oldest_waiting_at,
                "inbox_gave_up": self.facts.inbox.gave_up,
                "inbox_last_gave_up_at": self.facts.inbox.last_gave_up_at,
            }
        return data


def age(seconds: int) -> str:
    """A short human age: 45s, 12m, 3h05m, 2d04h."""
    seconds = max(0, seconds)
    if seconds < 60:
        return f"{seconds}s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes}m"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours}h{minutes:02d}m"
    days, hours = divmod(hours, 24)
    return f"{days}d{hours:02d}h"


def unreachable(reason: str) -> HealthReport:
    """The verdict when the database cannot be read at all."""
    problem = f"database unreachable: {reason}"
    return HealthReport(False, f"FAIL {problem}", (problem,), None)


def evaluate(facts: HealthFacts, *, now: int, code_version: int) -> HealthReport:
    """Judge the facts read from a reachable database."""
    problems: list[str] = []
    parts = ["database reachable"]

    schema = f"schema {facts.schema_version} of {code_version}"
    if facts.schema_version < code_version:
        schema += " (behind: run `qiao db migrate` or start the bot)"
        problems.append("migrations behind")
    elif facts.schema_version > code_version:
        schema += " (database is newer than this code)"
        problems.append("database newer than code")
    parts.append(schema)

    if facts.last_dispatch_at is None:
        parts.append("last dispatch never")
    else:
        parts.append(f"last dispatch {age(now - facts.last_dispatch_at)} ago")

    outbox = f"outbox {facts.outbox_pending} pending"
    if facts.outbox_oldest_at is not None:
        waited = now - facts.outbox_oldest_at
        outbox += f", oldest {age(waited)}"
        if waited > OUTBOX_MAX_AGE:
            outbox += f" (over {age(OUTBOX_MAX_AGE)})"
            problems.append("outbox backlog")
    parts.append(outbox)

    if facts.urgent_oldest_at is None:
        parts.append("no unclaimed urgent alert")
    else:
        waited = now - facts.urgent_oldest_at
        urgent = f"unclaimed urgent alerts {facts.urgent_open}, oldest {age(waited)}"
        if waited > URGENT_MAX_AGE:
            urgent += f" (over {age(URGENT_MAX_AGE)})"
            problems.append("urgent alert unclaimed")
        parts.append(urgent)

    parts.append(_inbox(facts, now, problems))

    ok = not problems
    line = ("OK " if ok else "FAIL ") + "; ".join(parts)
    return HealthReport(ok, line, tuple(problems), facts)


def _inbox(facts: HealthFacts, now: int, problems: list[str]) -> str:
    """The inbox part of the line; a stuck inbox or a recent give-up is a problem."""
    box = facts.inbox
    part = f"inbox {box.waiting} waiting"
    if box.oldest_waiting_at is not None:
        waited = now - box.oldest_waiting_at
        part += f", oldest {age(waited)}"
        if waited > INBOX_MAX_AGE:
            part += f" (over {age(INBOX_MAX_AGE)})"
            problems.append("inbox stuck")
    if box.last_gave_up_at is not None and now - box.last_gave_up_at <= GAVE_UP_WINDOW:
        part += f", {box.gave_up} given up (last {age(now - box.last_gave_up_at)} ago)"
        problems.append("updates given up")
    return part


def with_spill(report: HealthReport, database: Path | str) -> HealthReport:
    """Fail while signals wait in the spill file: the bot could not store them (storage failing)."""
    count = spill.waiting(database)
    if not count:
        return report
    problem = f"storage failing: {count} signal(s) wait in {spill.spill_path(database)}"
    rest = report.line.removeprefix("OK ").removeprefix("FAIL ")
    return HealthReport(False, f"FAIL {problem}; {rest}", (*report.problems, problem), report.facts)


def check_file(database: Path | str, *, now: int) -> HealthReport:
    """Check a database file from outside the bot (read-only; never creates the file)."""
    return with_spill(_check_file(database, now=now), database)


def _check_file(database: Path | str, *, now: int) -> HealthReport:
    path = Path(database)
    if not path.is_file():
        return unreachable(f"no database file at {path}")
    damaged = file_integrity(path)
    if damaged is not None:
        return damaged
    try:
        conn = maintenance.connect(path, read_only=True)
    except sqlite3.Error as exc:
        return unreachable(str(exc))
    try:
        facts = maintenance.health_facts(conn)
    except sqlite3.Error as exc:
        return unreachable(str(exc))
    finally:
        conn.close()
    return evaluate(facts, now=now, code_version=maintenance.code_schema_version())


async def check_database(db: Database, *, now: int) -> HealthReport:
    """Check through the running bot's own connection (the webhook's health path)."""
    try:
        facts = await db.run(maintenance.health_facts)
    except (sqlite3.Error, ValueError) as exc:  # ValueError: the connection is closed
        return with_spill(unreachable(str(exc)), db.path)
    report = evaluate(facts, now=now, code_version=maintenance.code_schema_version())
    return with_spill(report, db.path)


def file_integrity(path: Path) -> HealthReport | None:
    """`PRAGMA quick_check` on the file: a damaged page is a problem before any other."""
    from bot.ops.startup import integrity_problem

    problem = integrity_problem(path)
    if problem is None:
        return None
    line = f"{path}: {problem}"
    return HealthReport(False, f"FAIL {line}", (line,), None)
