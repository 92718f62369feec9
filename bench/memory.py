"""Figure 4: memory and size — peak RSS during a 100,000-child dispatch, and the database
after 52 weeks of check-ins.

Peak RSS is measured in a fresh subprocess (so nothing this process loaded counts): the real
Application opens a copy of the 100,000-family population, every child due, and runs the
dispatcher job with a transport that answers and forgets (bench/nulltelegram.py: the
simulated Telegram would keep every message and measure itself). The parent samples the
child's RSS with psutil every 10 ms; the child also reports the kernel's high-water mark.
The job is stopped after `sends` check-ins: by then it holds everything a dispatch holds
(every due child read, every first message rendered).

The database size comes from rows written directly against the real schema with
executemany (the SQL is printed with `--show-sql`): a population of children, each with 52
weekly sessions, their answers, the exchange's message ids, and the alerts and outbox rows
a realistic share of them raise. Then the real retention (bot.ops.retention) runs, the file
is vacuumed, and the size is scaled to 100,000 children.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import resource
import sqlite3
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeAlias

import psutil

from bench import cli
from bench.results import Result, below, info
from bench.world import copy_of, fresh, population

TARGET_MB = 200.0
PER = 100_000
WEEK = 7 * 86400
MB = 1024 * 1024


@dataclass(frozen=True)
class Sizes:
    """How much to run."""

    families: int
    sends: int
    size_children: int


FULL = Sizes(families=100_000, sends=20_000, size_children=2_000)
QUICK = Sizes(families=300, sends=100, size_children=100)


# --- peak RSS, the child side -----------------------------------------------------------


async def dispatch_child(database: Path, sends: int) -> dict[str, float]:
    """Run in the subprocess: start Qiao on `database`, dispatch, stop after `sends` sends."""
    from bench.crowd import dispatch_job
    from bench.nulltelegram import NullTelegram
    from bot.clock import ManualClock
    from bot.simtelegram.harness import DEFAULT_START, REPO_CONTENT, sim_config
    from bot.telegram.app import build_application, start_offline, stop_offline
    from bot.telegram.jobs import run_job

    process = psutil.Process()
    config = sim_config(database, rate_limits={"enabled": False})
    clock = ManualClock(DEFAULT_START)
    transport = NullTelegram()
    app = build_application(
        config,
        clock,
        request=transport,
        updates_request=NullTelegram(),
        content_root=REPO_CONTENT,
        schedule_jobs=False,
    )
    await start_offline(app)
    ready = process.memory_info().rss
    task = asyncio.create_task(run_job(app, dispatch_job(), clock.now()))

    def enough(count: int) -> None:
        if count >= sends:
            task.cancel()

    transport.on_send.append(enough)
    with contextlib.suppress(asyncio.CancelledError):
        await task
    end = process.memory_info().rss
    await stop_offline(app)
    high_water = _own_high_water()
    return {"ready": ready, "end": end, "high_water": high_water, "sent": transport.sends}


def _own_high_water() -> int:
    """This process's own peak RSS in bytes.

    ru_maxrss is not used: on Linux it carries the parent's high-water mark across fork/exec,
    so a child of a large parent reports the parent's peak. /proc's VmHWM is the child's own.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # other systems: KiB


def sample_child(command: list[str]) -> tuple[dict[str, float], float]:
    """Run the subprocess, sampling its RSS; returns (its report, the highest sample)."""
    root = str(Path(__file__).resolve().parents[1])
    path = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH", "")) if p)
    env = {**os.environ, "PTB_TIMEDELTA": "true", "PYTHONPATH": path}
    with subprocess.Popen(  # noqa: S603 - our own interpreter and module, no shell
        command, stdout=subprocess.PIPE, env=env, text=True
    ) as child:
        watched = psutil.Process(child.pid)
        peak = 0.0
        while child.poll() is None:
            with contextlib.suppress(psutil.Error):
                peak = max(peak, float(watched.memory_info().rss))
            time.sleep(0.01)
        out = child.stdout.read() if child.stdout else ""
    if child.returncode != 0:
        raise RuntimeError(f"the dispatch subprocess failed ({child.returncode})")
    report: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return report, peak


async def peak_rss(workdir: Path, size: Sizes) -> list[Result]:
    """The subprocess's peak RSS during a dispatch over the whole population."""
    source = await population(workdir, size.families)
    database = copy_of(source, fresh(workdir / "memory") / "qiao.sqlite3")
    command = [sys.executable, "-m", "bench.memory", "--child", str(database)]
    command += ["--sends", str(size.sends)]
    report, sampled = await asyncio.to_thread(sample_child, command)
    peak = max(sampled, report["high_water"]) / MB
    return [
        below("memory: peak RSS during a dispatch", peak, "MB", TARGET_MB),
        info("memory: RSS once started, before the dispatch", report["ready"] / MB, "MB"),
        info("memory: families in the database during the dispatch", size.families, "families"),
        info("memory: check-ins sent before stopping", report["sent"], "check-ins"),
    ]


# --- database size ----------------------------------------------------------------------

# session_id, question_id, option_id, mood, text, skipped, level, reasons, answered_at
AnswerRow: TypeAlias = tuple[int, str, str | None, int | None, str | None, int, int, str, int]

SQL = {
    "volunteer": "INSERT INTO people (id, pseudonym, role, telegram_user_id, chat_id, status,"
    " created_at) VALUES (?, ?, 'volunteer', ?, ?, 'active', ?)",
    "family": "INSERT INTO families (id, pseudonym, label, volunteer_id, timezone, created_at)"
    " VALUES (?, ?, '东村小学', ?, 'Asia/Shanghai', ?)",
    "person": "INSERT INTO people (id, pseudonym, role, telegram_user_id, chat_id, display_name,"
    " family_id, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'active', ?)",
    "child": "INSERT INTO children (person_id, family_id, caregiver_id, age_band, shared_phone,"
    " guardian_consent_at, checkin_weekday, checkin_minute, next_due_at)"
    " VALUES (?, ?, ?, '10-12', ?, ?, 5, 600, ?)",
    "session": "INSERT INTO checkin_sessions (id, child_id, period, set_id, set_version, origin,"
    " status, due_at, created_at, sent_at, chat_id, message_id, current_question,"
    " question_message, last_activity_at, reminder_at, closed_at, tidy_at, level, reasons)"
    " VALUES (?, ?, ?, ?, 1, 'schedule', ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?)",
    "answer": "INSERT INTO checkin_answers (session_id, question_id, option_id, mood, text,"
    " skipped, level, reasons, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "message": "INSERT INTO checkin_messages (chat_id, message_id, session_id, kind, at,"
    " deleted_at) VALUES (?, ?, ?, ?, ?, ?)",
    "alert": "INSERT INTO alerts (kind, person_id, family_id, level, category, reasons, source,"
    " status, claimed_by, claimed_at, resolved_by, resolved_at, outcome, created_at)"
    " VALUES ('risk', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "outbox": "INSERT INTO outbox (dedupe_key, kind, target, payload, status, attempts,"
    " next_attempt_at, created_at, sent_at, sent_chat_id, sent_message_id)"
    " VALUES (?, 'alert', 'volunteers', ?, 'sent', 1, ?, ?, ?, -4001, ?)",
}
QUESTIONS = (
    ("mood", ("1", "2", "3", "4", "5")),
    ("sleep", ("good", "ok", "poor", "bad")),
    ("friends", ("good", "ok", "lonely", "picked_on")),
    ("safe", ("no", "kids", "adult", "not_say")),
    ("parents", ("talked", "miss", "not_talked")),
    ("anything", ()),
)
TEXTS = (
    "今天考试了，还行，就是数学有一道题不会做",
    "周末和奶奶去赶集了，买了新书包",
    "作业太多了，累死了",
    "想爸爸妈妈了，他们过年才回来",
    "同学借了我的笔没还，我不知道怎么开口",
)
SHARES = {
    "done": 0.85,  # every question answered
    "closed": 0.10,  # closed after 72 h with half the answers
    "missed": 0.05,  # never delivered
    "typed": 0.40,  # free-text answers typed rather than skipped
    "alert": 0.08,  # sessions raising an alert row (watch and up)
    "posted": 0.03,  # of which concern or urgent, posted through the outbox
    "tidied": 0.20,  # own-phone children who pressed "tidy up"
}
CARD = (
    "<b>🟠 需要关注</b> · 问答回答 · <code>A-{n}</code>\n孩子 C-{c} · 10-12 岁"
    "\n家庭 F-{c} · 东村小学\n时间：2026-01-05 09:00 CST\n家庭志愿者：V-0001"
    "\n跟进：<b>还没有人认领</b>"
)


def period_name(week: int) -> str:
    """A distinct ISO-week-like period label for week `week` of the run."""
    return f"{2025 + week // 52}-W{week % 52 + 1:02d}"


def generate(
    conn: sqlite3.Connection, children: int, weeks: int, start: int, seed: int = 52
) -> int:
    """Write `children` families and `weeks` weeks of check-ins; returns the last moment."""
    rng = random.Random(seed)
    volunteers = max(1, children // 200)
    conn.execute("BEGIN")
    conn.executemany(
        SQL["volunteer"],
        ((v + 1, f"V-{v:05d}", 900_000_000 + v, 900_000_000 + v, start) for v in range(volunteers)),
    )
    people_id = volunteers + 1
    households = []
    for c in range(children):
        caregiver, child = people_id, people_id + 1
        people_id += 2
        households.append((c + 1, caregiver, child, 500_000_000 + c))
    conn.executemany(
        SQL["family"], ((f, f"F-{f:06d}", 1 + f % volunteers, start) for f, _, _, _ in households)
    )
    conn.executemany(
        SQL["person"],
        (
            row
            for f, caregiver, child, uid in households
            for row in (
                (
                    caregiver,
                    f"G-{f:06d}",
                    "caregiver",
                    uid + 100_000_000,
                    uid + 100_000_000,
                    "奶奶",
                    f,
                    start,
                ),
                (child, f"C-{f:06d}", "child", uid, uid, "小明", f, start),
            )
        ),
    )
    conn.executemany(
        SQL["child"],
        (
            (child, f, caregiver, 0, start, start + weeks * WEEK)
            for f, caregiver, child, _ in households
        ),
    )
    session_id = 0
    last = start
    for week in range(weeks):
        due = start + week * WEEK
        sessions, messages, alerts, outbox = [], [], [], []
        answers: list[AnswerRow] = []
        for f, _, child, uid in households:
            session_id += 1
            roll = rng.random()
            status = (
                "done"
                if roll < SHARES["done"]
                else ("closed" if roll < SHARES["done"] + SHARES["closed"] else "missed")
            )
            answered = {"done": 6, "closed": 3, "missed": 0}[status]
            sent = None if status == "missed" else due + 5
            first_message = week * 20 + 1
            level, reasons = 0, "[]"
            if answered and rng.random() < SHARES["alert"]:
                posted = rng.random() < SHARES["posted"] / SHARES["alert"]
                level = 2 if posted else 1
                reasons = json.dumps([{"category": "answer", "code": "answer:mood:2"}])
                alerts.append(
                    (
                        child,
                        f,
                        level,
                        "answer",
                        reasons,
                        f"checkin:{session_id}:mood",
                        "resolved" if posted else "watch",
                        1 if posted else None,
                        due + 600 if posted else None,
                        1 if posted else None,
                        due + 86400 if posted else None,
                        "talked_child" if posted else None,
                        due + 30,
                    )
                )
                if posted:
                    payload = json.dumps(
                        {
                            "text": CARD.format(n=session_id, c=f),
                            "buttons": [
                                [
                                    ["🙋 我来跟进", f"alc:{session_id}"],
                                    ["✅ 已解决", f"ald:{session_id}"],
                                ]
                            ],
                            "alert_id": session_id,
                        },
                        ensure_ascii=False,
                    )
                    outbox.append(
                        (f"alert:{session_id}", payload, due + 30, due + 30, due + 31, session_id)
                    )
            tidy = due + 900 if answered and rng.random() < SHARES["tidied"] else None
            closed = None if status == "missed" else due + (600 if status == "done" else 72 * 3600)
            sessions.append(
                (
                    session_id,
                    child,
                    period_name(week),
                    "weekly",
                    status,
                    due,
                    due,
                    sent,
                    uid,
                    first_message if sent else None,
                    first_message + answered,
                    closed,
                    due + 24 * 3600 if status == "closed" else None,
                    closed,
                    tidy,
                    level,
                    reasons,
                )
            )
            for q, (question, options) in enumerate(QUESTIONS[:answered]):
                at = due + 60 + q * 20
                if options:
                    option = rng.choice(options[:2]) if rng.random() < 0.9 else rng.choice(options)
                    mood = int(option) if question == "mood" else None
                    answers.append((session_id, question, option, mood, None, 0, 0, "[]", at))
                    continue
                typed = rng.random() < SHARES["typed"]
                text = rng.choice(TEXTS) if typed else None
                answers.append(
                    (session_id, question, None, None, text, int(not typed), 0, "[]", at)
                )
                if typed:
                    messages.append((uid, first_message + 10, session_id, "child", at, tidy))
            if sent:
                for m in range(answered + 1):
                    messages.append((uid, first_message + m, session_id, "bot", due + 5 + m, tidy))
            last = due + 72 * 3600
        conn.executemany(SQL["session"], sessions)
        conn.executemany(SQL["answer"], answers)
        conn.executemany(SQL["message"], messages)
        conn.executemany(SQL["alert"], alerts)
        conn.executemany(SQL["outbox"], outbox)
    conn.execute("COMMIT")
    return last


def file_size(conn: sqlite3.Connection, path: Path) -> int:
    """The database file's size with the WAL folded in."""
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path.stat().st_size


def table_sizes(conn: sqlite3.Connection) -> dict[str, int]:
    """Bytes per table, its indexes included (SQLite's dbstat)."""
    sizes: dict[str, int] = {}
    tables = {
        name: tbl
        for name, tbl in conn.execute(
            "SELECT name, tbl_name FROM sqlite_master WHERE type IN ('table', 'index')"
        )
    }
    for name, pages in conn.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name"):
        table = tables.get(name, name)
        sizes[table] = sizes.get(table, 0) + int(pages)
    return sizes


def vacuumed(conn: sqlite3.Connection, path: Path) -> int:
    """The size after VACUUM (what the rows take once freed pages are given back)."""
    conn.execute("VACUUM")
    return file_size(conn, path)


async def database_size(workdir: Path, size: Sizes) -> list[Result]:
    """Generate 52 weeks, apply retention, and scale the sizes to 100,000 children."""
    from bot.config import RetentionConfig
    from bot.ops import retention
    from storage import Database

    path = fresh(workdir / "size") / "qiao.sqlite3"
    db = await Database.open(path)
    await db.close()
    start = 1_735_689_600  # 2025-01-01 UTC
    scale = PER / size.size_children
    days = RetentionConfig().child_text_days

    def work() -> dict[str, float]:
        conn = sqlite3.connect(path, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            last = generate(conn, size.size_children, 52, start)
            raw = file_size(conn, path)
            written = vacuumed(conn, path)
            conn.execute("BEGIN IMMEDIATE")
            retention.apply_tx(conn, now=last, days=days)
            conn.execute("COMMIT")
            kept = vacuumed(conn, path)
            tables = table_sizes(conn)
            conn.execute("DELETE FROM checkin_messages WHERE at < ?", (last - 2 * 86400,))
            pruned = vacuumed(conn, path)
        finally:
            conn.close()
        return {
            "raw": raw,
            "written": written,
            "kept": kept,
            "pruned": pruned,
            **{f"table:{k}": v for k, v in tables.items()},
        }

    sizes = await asyncio.to_thread(work)
    results = [
        info(
            "size: database per 100,000 children after 52 weeks, retention applied",
            sizes["kept"] * scale / MB,
            "MB",
        ),
        info("size: the same before retention (vacuumed)", sizes["written"] * scale / MB, "MB"),
        info(
            "size: the same as written, before VACUUM",
            sizes["raw"] * scale / MB,
            "MB",
        ),
        info("size: growth per child per year", sizes["kept"] / size.size_children / 1024, "KiB"),
        info(
            "size: if exchange message ids were dropped after 48 h (proposal)",
            sizes["pruned"] * scale / MB,
            "MB",
        ),
        info("size: children generated (scaled to 100,000)", size.size_children, "children"),
    ]
    for key in ("checkin_answers", "checkin_messages", "checkin_sessions", "alerts", "outbox"):
        results.append(
            info(
                f"size: table {key} per 100,000 children",
                sizes.get(f"table:{key}", 0) * scale / MB,
                "MB",
            )
        )
    return results


def show_sql() -> str:
    """The statements the size figure writes with (printed with --show-sql)."""
    return "\n".join(f"-- {name}\n{sql};" for name, sql in SQL.items())


async def measure(workdir: Path, quick: bool) -> list[Result]:
    """Peak RSS (in a subprocess). The database size is `bench.yearly`'s: that model's rows
    (few alerts) were not what the bot writes; the year there is lived through the real bot."""
    size = QUICK if quick else FULL
    return await peak_rss(workdir, size)


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m bench.memory [--quick] [--show-sql]` (and `--child DB` for the subprocess)."""
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--child", type=Path)
    p.add_argument("--sends", type=int, default=FULL.sends)
    p.add_argument("--show-sql", action="store_true")
    known, rest = p.parse_known_args(argv)
    if known.child is not None:
        cli.prepare_environment()
        report = asyncio.run(dispatch_child(known.child, known.sends))
        print(json.dumps(report))
        return 0
    if known.show_sql:
        print(show_sql())
    return cli.main(measure, __doc__ or "", rest)


if __name__ == "__main__":
    raise SystemExit(main())
