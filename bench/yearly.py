"""A year at county and province scale: the honest size, retention's run, and an urgent
answer's latency while the periodic jobs work.

**How the year is built.** A sample of children lives a whole year through the real bot
(`Harness`: the real Application, handlers, jobs and SQLite file on the simulated Telegram):
each week the dispatcher opens their check-ins, the children answer with the benchmark
crowd's mix (`bench.crowd`: nineteen presses in twenty calm, two typed answers in five; 85 %
of children answer everything, 10 % half and are closed by the sweep, 5 % not at all), the
background sender posts the alert cards, a volunteer claims and resolves each alert with the
alert desk's own service calls, and the clock moves on an hour at a time through every job
except retention. The sample is then copied block by block into a database of `--children`
children (`INSERT … SELECT` with every id, Telegram id, pseudonym and alert code moved on
per block), so every row has the shape and mix the bot wrote. The year is cached in a temp
folder keyed by its parameters and the schema version.

**What is measured.** (1) Bytes per child-week and child-year of the VACUUMed file, and per
table, before and after retention's first run. (2) Retention's first run over the year and
the next day's run, timed through the real job. (3) Urgent-answer latency: children at the
"did anyone hurt you" question answer "yes, a grown-up"; the time from the update entering
PTB's queue to the crisis reply reaching the child (the alert is stored before that reply
is queued: rule 1), first with no jobs running, then while dispatch, the sweep, retention's
first run, escalation, the digest and the outbox sender run as the scheduler would run them.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import logging
import math
import random
import re
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from telegram import Update

from bench import cli
from bench.crowd import QUESTIONS, Crowd
from bench.latency import percentile, reach_safe_question
from bench.results import Result, at_most, below, info
from bench.world import (
    CHILD_UID_BASE,
    FAMILIES_PER_VOLUNTEER,
    VOLUNTEER_UID_BASE,
    BenchFamily,
    add_sim_users,
    copy_of,
    fresh,
    harness,
)
from bot.services import alerts as desk
from bot.simtelegram import SimMessage
from bot.simtelegram.harness import DEFAULT_START, Harness
from bot.telegram import maintenance
from bot.telegram.jobs import PeriodicJob, run_job
from storage import bundled_migrations

TARGET_P99_MS = 250.0
TARGET_KIB_PER_CHILD_YEAR = 20.0
PER = 100_000
MB = 1_000_000
KIB = 1024
BUILD_VERSION = 4
"""Bumped when the way the year is built changes, so a cached year is rebuilt."""
STEP = timedelta(hours=3)
"""How far the sample's clock moves between job runs (reminders, closing, escalation)."""
UID_FLOOR = 500_000_000
"""Telegram ids at or above this are the bench's own users (moved on per block)."""
ANSWER_ALL, ANSWER_HALF = 0.85, 0.95
"""Shares of children answering every question, half of them (the rest: none)."""
JOB_NAMES = (
    "checkins.dispatch",
    "checkins.sweep",
    "alerts.escalate",
    "alerts.digest",
    "outbox",
    "retention",
)


@dataclass(frozen=True)
class Sizes:
    """How much to build and measure."""

    children: int
    weeks: int
    sample: int
    urgent: int
    urgent_per_second: float
    due: int
    """Children due during the latency run, so the dispatcher has work."""


FULL = Sizes(children=100_000, weeks=52, sample=200, urgent=60, urgent_per_second=4.0, due=2000)
QUICK = Sizes(children=300, weeks=3, sample=30, urgent=4, urgent_per_second=20.0, due=20)


@dataclass(frozen=True)
class Year:
    """A built year: its file and what the sample's real run showed."""

    path: Path
    children: int
    weeks: int
    end: float
    """The clock at the year's end (Unix seconds)."""
    checkins: int
    alerts: int
    answers: int
    typed: int
    build_seconds: float

    @property
    def alerts_per_checkin(self) -> float:
        """Alerts the bot raised per check-in sent, in the sample's real run."""
        return self.alerts / max(1, self.checkins)


# --- the sample: a year lived through the real bot ---------------------------------------


def _year_jobs(h: Harness) -> list[PeriodicJob]:
    """Every job but retention, whose first run over the year is what we time."""
    return [job for job in h.jobs if job.name != maintenance.JOBS[0].name]


async def _answer_week(
    h: Harness, crowd: Crowd, fams: Sequence[BenchFamily], rng: random.Random
) -> None:
    for family in fams:
        share = rng.random()
        count = QUESTIONS if share < ANSWER_ALL else QUESTIONS // 2 if share < ANSWER_HALF else 0
        for _ in range(count):
            answer = crowd.answer(family)
            if answer is None:
                break
            await h.app.process_update(Update.de_json(answer.update, h.app.bot))


async def _resolve_alerts(h: Harness) -> int:
    """The volunteer claims and resolves every open alert, as the alert desk's buttons do."""
    runtime = h.runtime
    now = runtime.ts()

    def work(conn: sqlite3.Connection) -> int:
        actor = desk.actor_tx(
            conn, telegram_user_id=VOLUNTEER_UID_BASE, is_config_admin=False, now=now
        )
        if actor is None:
            raise RuntimeError("the bench volunteer is not an active volunteer")
        ids = [int(r[0]) for r in conn.execute("SELECT id FROM alerts WHERE status = 'open'")]
        for alert_id in ids:
            desk.claim_tx(conn, runtime.content, alert_id, actor, now)
            desk.resolve_tx(conn, runtime.content, alert_id, actor, desk.OUTCOMES[0], now + 900)
        return len(ids)

    return await runtime.db.tx(work)


async def live_sample(folder: Path, size: Sizes) -> tuple[Path, float]:
    """Run `size.sample` children through `size.weeks` weeks of the real bot; return the
    database file and the clock at the end."""
    h = harness(fresh(folder))
    h.jobs = _year_jobs(h)
    for volunteer in range(math.ceil(size.sample / FAMILIES_PER_VOLUNTEER)):
        h.sim.add_user(VOLUNTEER_UID_BASE + volunteer, "志愿者")  # reading-list notices reach them
    await h.start()
    try:
        crowd = Crowd(h, seed=16)
        fams = await crowd.open(size.sample)
        rng = random.Random(16)
        for _ in range(size.weeks):
            await _answer_week(h, crowd, fams, rng)
            await h.run_jobs()
            await _resolve_alerts(h)
            await h.advance(timedelta(days=7), step=STEP)
        end = h.runtime.ts()
    finally:
        await h.stop()
    return Path(h.config.storage.database), float(end)


# --- the copy: the sample moved on block by block ----------------------------------------

_PSEUDONYM = re.compile(r"\b([FGCV])-B(\d{6})\b")
_UID = re.compile(r"(?<!\d)([5-7]\d{8})(?!\d)")
_ALERT = re.compile(r"(\bA-|alert:|\"alert_id\": ?)(\d+)")
_TEXT_TABLES = ("outbox", "audit_log", "inbox", "families", "people", "conversation_state")
_UID_COLUMNS = ("telegram_user_id", "chat_id", "sent_chat_id")


@dataclass(frozen=True)
class _Shift:
    block: int
    sample: int
    volunteers: int
    offsets: dict[str, int]

    def uid(self, value: int) -> int:
        """A bench user's Telegram id in this block (volunteers have their own range)."""
        step = self.volunteers if value >= VOLUNTEER_UID_BASE else self.sample
        return value + self.block * step

    def text(self, value: str | None) -> str | None:
        if not isinstance(value, str) or self.block == 0:
            return value

        def pseudonym(m: re.Match[str]) -> str:
            step = self.volunteers if m.group(1) == "V" else self.sample
            return f"{m.group(1)}-B{int(m.group(2)) + self.block * step:06d}"

        value = _PSEUDONYM.sub(pseudonym, value)
        value = _UID.sub(lambda m: str(self.uid(int(m.group(1)))), value)
        return _ALERT.sub(
            lambda m: f"{m.group(1)}{int(m.group(2)) + self.block * self.offsets['alerts']}",
            value,
        )


def _columns(conn: sqlite3.Connection, table: str) -> list[sqlite3.Row]:
    return list(conn.execute(f'PRAGMA s.table_info("{table}")'))


def _copy_order(conn: sqlite3.Connection) -> list[str]:
    """Every table the sample wrote (order does not matter: keys are checked after the copy)."""
    return [
        str(r[0])
        for r in conn.execute(
            "SELECT name FROM s.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " AND name NOT IN ('schema_migrations', 'settings') ORDER BY name"
        )
    ]


def _expression(
    conn: sqlite3.Connection, table: str, column: sqlite3.Row, first_person: int
) -> str:
    name = str(column["name"])
    quoted = f'"{name}"'
    fks = {
        str(r["from"]): str(r["table"])
        for r in conn.execute(f'PRAGMA s.foreign_key_list("{table}")')
    }
    single = sum(1 for c in _columns(conn, table) if c["pk"]) == 1
    pk_alias = single and column["pk"] == 1 and str(column["type"]).upper() == "INTEGER"
    if pk_alias and not _without_rowid(conn, table):
        return f"{quoted} + :b * :off_{table}"
    if name in fks:
        parent = fks[name]
        if parent == "people":
            return (
                f"CASE WHEN {quoted} < {first_person} THEN {quoted}"
                f" ELSE {quoted} + :b * :off_people END"
            )
        return f"{quoted} + :b * :off_{parent}"
    if name in _UID_COLUMNS or (table == "checkin_messages" and name == "chat_id"):
        return (
            f"CASE WHEN {quoted} >= {VOLUNTEER_UID_BASE} THEN {quoted} + :b * :volunteers"
            f" WHEN {quoted} >= {UID_FLOOR} THEN {quoted} + :b * :sample ELSE {quoted} END"
        )
    if table == "inbox" and name == "update_id":
        return f"{quoted} + :b * :off_update"
    if table in _TEXT_TABLES and str(column["type"]).upper() == "TEXT":
        return f"shift_text({quoted})"
    return quoted


def grow(sample: Path, target: Path, size: Sizes) -> None:
    """Write `size.children` children: the sample file, then copies of it moved on per block."""
    blocks = math.ceil(size.children / size.sample)
    shutil.copyfile(sample, target)
    conn = sqlite3.connect(target, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute(
            "PRAGMA cache_size=-1000000"
        )  # 1 GB: the unique indexes take keys out of order
        conn.execute("PRAGMA foreign_keys=OFF")  # the copy keeps every key consistent itself
        conn.execute("ATTACH DATABASE ? AS s", (str(sample),))
        conn.row_factory = sqlite3.Row
        order = _copy_order(conn)
        offsets = {
            t: int(
                conn.execute(f'SELECT COALESCE(MAX(rowid), 0) + 1 FROM s."{t}"').fetchone()[0]  # noqa: S608
            )
            for t in order
            if not _without_rowid(conn, t)
        }
        offsets["update"] = int(
            conn.execute("SELECT COALESCE(MAX(update_id), 0) + 1 FROM s.inbox").fetchone()[0]
        )
        first_person = int(
            conn.execute(
                "SELECT COALESCE(MIN(id), 0) FROM s.people WHERE telegram_user_id >= ?",
                (UID_FLOOR,),
            ).fetchone()[0]
        )
        volunteers = math.ceil(size.sample / FAMILIES_PER_VOLUNTEER)
        statements = {}
        for table in order:
            columns = _columns(conn, table)
            names = ", ".join(f'"{c["name"]}"' for c in columns)
            exprs = ", ".join(_expression(conn, table, c, first_person) for c in columns)
            where = f" WHERE id >= {first_person}" if table == "people" else ""
            statements[table] = (  # names from the sample's own schema, not from input
                f'INSERT OR IGNORE INTO main."{table}" ({names})'  # noqa: S608
                f' SELECT {exprs} FROM s."{table}"{where}'
            )
        for block in range(1, blocks):
            shift = _Shift(block, size.sample, volunteers, offsets)
            conn.create_function("shift_text", 1, shift.text, deterministic=True)
            args: dict[str, Any] = {"b": block, "sample": size.sample, "volunteers": volunteers}
            args.update({f"off_{t}": v for t, v in offsets.items()})
            conn.execute("BEGIN")
            for table in order:
                sql = statements[table]
                used = {k: v for k, v in args.items() if f":{k}" in sql}
                conn.execute(sql, used)
            conn.execute("COMMIT")
        conn.execute("DETACH DATABASE s")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def _without_rowid(conn: sqlite3.Connection, table: str) -> bool:
    sql = conn.execute(
        "SELECT sql FROM s.sqlite_master WHERE type = 'table' AND name = ?", (table,)
    ).fetchone()[0]
    return "WITHOUT ROWID" in str(sql).upper()


def _facts(path: Path, children: int) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:

        def one(sql: str) -> int:
            return int(conn.execute(sql).fetchone()[0])

        return {
            "checkins": one("SELECT COUNT(*) FROM checkin_sessions WHERE status != 'pending'"),
            "alerts": one("SELECT COUNT(*) FROM alerts"),
            "answers": one("SELECT COUNT(*) FROM checkin_answers"),
            "typed": one("SELECT COUNT(*) FROM checkin_answers WHERE text IS NOT NULL"),
            "children": children,
        }
    finally:
        conn.close()


def cache_key(size: Sizes) -> str:
    """The cached year's name: its parameters, the schema (every migration's text) and the
    way it is built."""
    schema = "".join(m.sql for m in bundled_migrations())
    raw = f"{size.children}x{size.weeks}s{size.sample}v{BUILD_VERSION}{schema}"
    return f"qiao-year-{size.children}x{size.weeks}-{hashlib.sha256(raw.encode()).hexdigest()[:8]}"


def cache_folder() -> Path:
    """Where built years are kept between runs (the system's temp folder)."""
    return Path(tempfile.gettempdir()) / "qiao-bench-years"


async def year(size: Sizes, *, rebuild: bool = False) -> Year:
    """The built year for these sizes, from the cache or built now."""
    folder = cache_folder() / cache_key(size)
    meta = folder / "year.json"
    if meta.exists() and not rebuild:
        data = json.loads(meta.read_text("utf-8"))
        data["path"] = Path(data["path"])
        return Year(**data)
    lived = folder / "sample.json"  # a sample lived to its end is kept if the copy failed
    started = time.perf_counter()
    if lived.exists() and not rebuild:
        kept = json.loads(lived.read_text("utf-8"))
        sample, end = Path(kept["path"]), float(kept["end"])
        started -= float(kept["seconds"])
    else:
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        sample, end = await live_sample(folder / "sample", size)
        lived.write_text(
            json.dumps({"path": str(sample), "end": end, "seconds": time.perf_counter() - started}),
            encoding="utf-8",
        )
    target = folder / "year.sqlite3"
    target.unlink(missing_ok=True)
    for leftover in ("-wal", "-shm"):
        target.with_name(target.name + leftover).unlink(missing_ok=True)
    await asyncio.to_thread(grow, sample, target, size)
    facts = _facts(sample, size.sample)
    built = Year(
        target,
        math.ceil(size.children / size.sample) * size.sample,
        size.weeks,
        end,
        facts["checkins"],
        facts["alerts"],
        facts["answers"],
        facts["typed"],
        time.perf_counter() - started,
    )
    record = asdict(built)
    record["path"] = str(target)
    meta.write_text(json.dumps(record, indent=2), encoding="utf-8")
    return built


# --- size ---------------------------------------------------------------------------------


def vacuumed_size(path: Path, into: Path) -> tuple[int, dict[str, int]]:
    """The size of a VACUUMed copy and the bytes per table (indexes included)."""
    into.unlink(missing_ok=True)
    conn = sqlite3.connect(path)
    try:
        conn.execute("VACUUM INTO ?", (str(into),))
    finally:
        conn.close()
    conn = sqlite3.connect(into)
    try:
        owner = {
            str(r[0]): str(r[1])
            for r in conn.execute("SELECT name, tbl_name FROM sqlite_master WHERE name IS NOT NULL")
        }
        tables: dict[str, int] = {}
        for name, pages in conn.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name"):
            table = owner.get(str(name), str(name))
            tables[table] = tables.get(table, 0) + int(pages)
    finally:
        conn.close()
    size = into.stat().st_size
    into.unlink()
    return size, tables


def size_figures(y: Year, when: str, size: int, tables: dict[str, int]) -> list[Result]:
    """Bytes per child-week and child-year, MB per 100,000 children, the largest tables."""
    week = size / y.children / y.weeks
    per_year = week * 52 / KIB
    label = f"size {when}"
    found = [
        info(f"{label}: bytes per child-week", week, "bytes"),
        info(f"{label}: per 100,000 children a year", week * 52 * PER / MB, "MB"),
    ]
    if when == "after retention":
        found.append(
            at_most(f"{label}: per child-year", per_year, "KiB", TARGET_KIB_PER_CHILD_YEAR)
        )
    else:
        found.append(info(f"{label}: per child-year", per_year, "KiB"))
    for table, used in sorted(tables.items(), key=lambda kv: -kv[1])[:6]:
        found.append(
            info(f"{label}: table {table} per child-week", used / y.children / y.weeks, "bytes")
        )
    return found


# --- retention ---------------------------------------------------------------------------


async def _open(y: Year, folder: Path, name: str) -> Harness:
    database = copy_of(y.path, fresh(folder / name) / "qiao.sqlite3")
    start = datetime.fromtimestamp(y.end, DEFAULT_START.tzinfo)
    h = harness(folder / name, database=database, start=start)
    await h.start()
    return h


async def retention_figures(y: Year, folder: Path) -> tuple[list[Result], Path]:
    """Time retention's first run over the year and the next day's run; return the file."""
    h = await _open(y, folder, "retention")
    try:
        job = maintenance.JOBS[0]
        started = time.perf_counter()
        await job.run(h.app, h.clock.now())
        first = time.perf_counter() - started
        h.clock.advance(timedelta(days=1))
        started = time.perf_counter()
        await job.run(h.app, h.clock.now())
        daily = time.perf_counter() - started
    finally:
        await h.stop()
    return [
        info("retention: first run over the year", first, "s"),
        info("retention: the next day's run", daily * 1000, "ms"),
    ], Path(h.config.storage.database)


# --- latency -----------------------------------------------------------------------------


CRISIS_MARK = "110"
"""In every crisis message (police first when in danger), in no other message to a child."""


class CrisisWatch:
    """Notes when each urgent child's first message after their answer is sent."""

    def __init__(self) -> None:
        self.entered: dict[int, float] = {}
        self.latency: dict[int, float] = {}

    def __call__(self, action: str, message: SimMessage) -> None:
        if action != "sent" or CRISIS_MARK not in (message.text or ""):
            return
        entered = self.entered.get(message.chat_id)
        if entered is not None and message.chat_id not in self.latency:
            self.latency[message.chat_id] = time.perf_counter() - entered


async def _urgent(
    h: Harness, crowd: Crowd, children: Sequence[BenchFamily], watch: CrisisWatch, rate: float
) -> None:
    start = time.perf_counter()
    for n, family in enumerate(children):
        await asyncio.sleep(max(0.0, start + n / rate - time.perf_counter()))
        answer = crowd.answer(family, option="adult")
        if answer is None or answer.option != "adult":
            raise RuntimeError("the urgent child was not at the safety question")
        update = Update.de_json(answer.update, h.app.bot)
        watch.entered[family.child_uid] = time.perf_counter()
        await h.app.update_queue.put(update)
    deadline = time.perf_counter() + 60
    while len(watch.latency) < len(watch.entered) and time.perf_counter() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.01)  # polled: the watch is a plain callback of the simulated server


async def _jobs_until(h: Harness, stop: asyncio.Event, runs: dict[str, int]) -> None:
    """Every job side by side, as the scheduler fires them when their intervals meet, each
    again only once its own interval has passed on the wall clock (the shortest is a minute,
    so within the window each runs once; retention's first run takes the whole window)."""
    jobs = {job.name: job for job in h.jobs}

    async def loop(job: PeriodicJob) -> None:
        while not stop.is_set():
            started = time.perf_counter()
            await run_job(h.app, job, h.clock.now())
            runs[job.name] = runs.get(job.name, 0) + 1
            left = job.interval.total_seconds() - (time.perf_counter() - started)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=max(0.0, left))

    await asyncio.gather(*(loop(jobs[name]) for name in JOB_NAMES if name in jobs))


async def latency_figures(y: Year, folder: Path, size: Sizes) -> list[Result]:
    """Urgent answers alone, then while the jobs run (retention's first run among them)."""
    h = await _open(y, folder, "latency")
    try:
        add_sim_users(h, y.children)  # the year's children, so the dispatcher reaches them
        crowd = Crowd(h, seed=23)
        urgent_children = await crowd.open(2 * size.urgent, first=y.children)
        await reach_safe_question(crowd, urgent_children)
        await _make_due(h, y, size.due)
        alone, busy = urgent_children[: size.urgent], urgent_children[size.urgent :]
        watch = CrisisWatch()
        h.sim.subscribe(watch)
        runs: dict[str, int] = {}
        await h.app.start()
        try:
            await _urgent(h, crowd, alone, watch, size.urgent_per_second)
            quiet = [
                watch.latency[f.child_uid] * 1000 for f in alone if f.child_uid in watch.latency
            ]
            stop = asyncio.Event()
            jobs = asyncio.create_task(_jobs_until(h, stop, runs))
            await asyncio.sleep(0.2)  # the jobs are under way
            await _urgent(h, crowd, busy, watch, size.urgent_per_second)
            stop.set()
            jobs.cancel()  # retention's first run may still be going: the figures are taken
            with contextlib.suppress(asyncio.CancelledError):
                await jobs
        finally:
            await h.app.stop()
        stored = await h.runtime.db.run(
            lambda c: int(
                c.execute(
                    "SELECT COUNT(DISTINCT person_id) FROM alerts WHERE person_id IN"
                    " (SELECT value FROM json_each(?))",
                    (json.dumps([f.child_id for f in urgent_children]),),
                ).fetchone()[0]
            )
        )
    finally:
        await h.stop()
    under = [watch.latency[f.child_uid] * 1000 for f in busy if f.child_uid in watch.latency]
    if len(quiet) != size.urgent or len(under) != size.urgent:
        raise AssertionError(f"crisis replies seen: {len(quiet)} alone, {len(under)} under jobs")
    if stored != 2 * size.urgent:
        raise AssertionError(
            f"{2 * size.urgent} urgent answers but {stored} children with an alert"
        )
    p99_quiet, p99_busy = percentile(quiet, 0.99), percentile(under, 0.99)
    return [
        info("urgent under jobs: p50, no jobs running", percentile(quiet, 0.5), "ms"),
        info("urgent under jobs: p99, no jobs running", p99_quiet, "ms"),
        info("urgent under jobs: p50 while the jobs run", percentile(under, 0.5), "ms"),
        below("urgent under jobs: p99 while the jobs run", p99_busy, "ms", TARGET_P99_MS),
        info("urgent under jobs: max while the jobs run", max(under), "ms"),
        info("urgent under jobs: p99 ratio, jobs / no jobs", p99_busy / p99_quiet, "x"),
        info("urgent under jobs: urgent answers measured", len(under), "answers"),
        *(
            info(f"urgent under jobs: {name} runs meanwhile", runs.get(name, 0), "runs")
            for name in JOB_NAMES
        ),
    ]


async def _make_due(h: Harness, y: Year, due: int) -> None:
    """Make `due` of the year's children due now, so the dispatcher has a page to send."""
    step = max(1, y.children // max(1, due))
    now = h.runtime.ts()

    def work(conn: sqlite3.Connection) -> None:
        rows = conn.execute(
            "SELECT c.person_id, p.telegram_user_id FROM children c JOIN people p"
            " ON p.id = c.person_id WHERE p.telegram_user_id >= ? AND p.telegram_user_id < ?"
            " AND (p.telegram_user_id - ?) % ? = 0",
            (CHILD_UID_BASE, CHILD_UID_BASE + y.children, CHILD_UID_BASE, step),
        ).fetchall()
        conn.executemany(
            "UPDATE children SET next_due_at = ? WHERE person_id = ?",
            [(now - 60, int(r[0])) for r in rows],
        )

    await h.runtime.db.tx(work)


# --- the run -----------------------------------------------------------------------------


async def measure(workdir: Path, quick: bool, size: Sizes | None = None) -> list[Result]:
    """Build (or reuse) the year, then measure size, retention and latency under jobs."""
    size = size or (QUICK if quick else FULL)
    logging.disable(logging.WARNING)  # a year of the bot's own warnings would drown the figures
    try:
        return await _measure(workdir, size)
    finally:
        logging.disable(logging.NOTSET)


async def _measure(workdir: Path, size: Sizes) -> list[Result]:
    y = await year(size)
    results = [
        info("year: children", y.children, "children"),
        info("year: weeks", y.weeks, "weeks"),
        info("year: alerts per check-in (the sample's real run)", y.alerts_per_checkin, "alerts"),
        info("year: answers per check-in", y.answers / max(1, y.checkins), "answers"),
        info("year: typed answers per check-in", y.typed / max(1, y.checkins), "answers"),
        info("year: build time (cached afterwards)", y.build_seconds, "s"),
    ]
    written, tables = await asyncio.to_thread(vacuumed_size, y.path, workdir / "vacuum.sqlite3")
    results += size_figures(y, "before retention", written, tables)
    timed, kept_path = await retention_figures(y, workdir / "year")
    results += timed
    kept, tables = await asyncio.to_thread(vacuumed_size, kept_path, workdir / "vacuum.sqlite3")
    results += size_figures(y, "after retention", kept, tables)
    shutil.rmtree(kept_path.parent, ignore_errors=True)
    results += await latency_figures(y, workdir / "year", size)
    shutil.rmtree(workdir / "year", ignore_errors=True)
    return results


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m bench.yearly [--quick] [--children N] [--weeks W] [--rebuild]`."""
    cli.prepare_environment()
    p = cli.parser(__doc__ or "")
    p.add_argument("--children", type=int, help=f"children in the year (default {FULL.children})")
    p.add_argument("--weeks", type=int, help=f"weeks of history (default {FULL.weeks})")
    p.add_argument("--rebuild", action="store_true", help="build the year afresh")
    args: argparse.Namespace = p.parse_args(argv)
    size = QUICK if args.quick else FULL
    if args.children or args.weeks:
        size = Sizes(
            children=args.children or size.children,
            weeks=args.weeks or size.weeks,
            sample=min(size.sample, args.children or size.sample),
            urgent=size.urgent,
            urgent_per_second=size.urgent_per_second,
            due=min(size.due, max(1, (args.children or size.children) // 50)),
        )
    if args.rebuild:
        asyncio.run(year(size, rebuild=True))

    async def run(workdir: Path, quick: bool) -> list[Result]:
        return await measure(workdir, quick, size)

    results = asyncio.run(cli.measure_in(run, args.workdir, args.quick))
    from bench.results import table

    print(table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
