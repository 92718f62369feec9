"""Figure 5: where the time goes on the slowest paths, summarised from profiles.

Two paths miss or come closest to their targets: a child's check-in answer (figure 1) and a
dispatched check-in's send (figure 2a). Each is profiled twice, on fresh children:

- the event-loop thread with pyinstrument (statistical, 0.2 ms interval): every sample is
  put in a category by the nearest frame that names one (PTB, the simulated server, Qiao,
  Jinja2, the event loop, and the database thread: time the loop sits in `epoll` or in
  aiosqlite's hand-off while the database thread works and holds the GIL), and the top
  frames by self time are listed;
- the database thread with cProfile enabled only inside `Database.run` calls (pyinstrument
  samples one thread), listing Qiao's functions by cumulative time and the hottest calls.

Times are per answer (or per check-in) in microseconds; profiling slows everything, so the
shares matter, not the absolute values.
"""

from __future__ import annotations

import cProfile
import pstats
import sqlite3
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pyinstrument import Profiler
from pyinstrument.frame import Frame

from bench import cli
from bench.crowd import Crowd
from bench.inbound import answer_round
from bench.results import Result, info
from bench.world import add_sim_users, copy_of, fresh, harness, population
from storage import Database

T = TypeVar("T")
INTERVAL = 0.0002
TOP = 12
CATEGORIES = (
    ("/bench/", "benchmark load generator"),
    ("/bot/simtelegram/", "simulated Telegram server"),
    ("/site-packages/telegram/", "python-telegram-bot"),
    ("/site-packages/aiosqlite/", "database thread (hand-off and wait)"),
    ("/site-packages/jinja2/", "Jinja2"),
    ("/site-packages/markupsafe/", "Jinja2"),
    ("/bot/", "Qiao"),
    ("/storage/", "Qiao"),
    ("/asyncio/", "event loop"),
    ("selectors.py", "event loop"),
)
IDLE = "database thread (hand-off and wait)"
"""Where the loop thread sits while the database thread works: in `epoll` when it is idle, in
aiosqlite's `SimpleQueue.put_nowait` when the database thread holds the GIL (its Python work:
Qiao's services, row mapping, rendering)."""


@dataclass(frozen=True)
class Sizes:
    """How much to run."""

    answering_children: int
    dispatched_children: int


FULL = Sizes(answering_children=300, dispatched_children=2_000)
QUICK = Sizes(answering_children=5, dispatched_children=20)


def category(frame: Frame, inherited: str) -> str:
    """The category a frame puts its samples in (else its caller's)."""
    if frame.function.endswith("poll") and inherited == "event loop":
        return IDLE
    path = frame.file_path or ""
    for needle, name in CATEGORIES:
        if needle in path:
            return name
    return inherited


def loop_summary(root: Frame | None, events: int) -> tuple[dict[str, float], list[str]]:
    """Per-category µs per event, and the top frames by self time, from a pyinstrument tree."""
    by_category: dict[str, float] = defaultdict(float)
    by_frame: dict[tuple[str, str, int], float] = defaultdict(float)
    if root is None:
        return {}, []
    stack: list[tuple[Frame, str]] = [(root, "other")]
    while stack:
        frame, inherited = stack.pop()
        if frame.is_synthetic:
            by_category[inherited] += frame.time
            continue
        name = category(frame, inherited)
        own = sum(c.time for c in frame.children if c.is_synthetic)
        leaf = frame.time - sum(c.time for c in frame.children)
        by_category[name] += leaf
        by_frame[(frame.function, frame.file_path_short or "", frame.line_no or 0)] += own + leaf
        stack.extend((child, name) for child in frame.children)
    total = sum(by_frame.values()) or 1.0
    lines = [
        f"{seconds / events * 1e6:9.1f} µs {seconds / total:6.1%}  {function}  {path}:{line}"
        for (function, path, line), seconds in sorted(by_frame.items(), key=lambda kv: -kv[1])[:TOP]
    ]
    return {k: v / events * 1e6 for k, v in by_category.items()}, lines


def database_summary(stats: pstats.Stats, events: int) -> list[str]:
    """Qiao's functions by cumulative time, then the hottest calls by own time (DB thread)."""
    # typeshed leaves out Stats.stats, the table pstats itself prints from.
    raw: dict[tuple[str, int, str], tuple[Any, ...]] = stats.stats  # type: ignore[attr-defined]
    ours = [
        (entry[3], key)
        for key, entry in raw.items()
        if ("/bot/" in key[0] or "/storage/" in key[0]) and "/bench/" not in key[0]
    ]
    hottest = sorted(((entry[2], key) for key, entry in raw.items()), reverse=True)

    def line(seconds: float, key: tuple[str, int, str]) -> str:
        where = key[0].split("/work/main/")[-1].split("site-packages/")[-1]
        return f"{seconds / events * 1e6:9.1f} µs  {key[2]}  {where}:{key[1]}"

    return [
        "  cumulative, Qiao's functions:",
        *(line(s, k) for s, k in sorted(ours, reverse=True)[:TOP]),
        "  own time, every call:",
        *(line(s, k) for s, k in hottest[:TOP]),
    ]


def profile_database(db: Database, profile: cProfile.Profile) -> None:
    """Enable `profile` inside every `Database.run` call of this instance (bench only)."""
    original = db.run

    def inside(fn: Callable[[sqlite3.Connection], T], conn: sqlite3.Connection) -> T:
        profile.enable()
        try:
            return fn(conn)
        finally:
            profile.disable()

    async def run(fn: Callable[[sqlite3.Connection], T]) -> T:
        return await original(lambda conn: inside(fn, conn))

    db.run = run  # type: ignore[method-assign]  # wraps this instance only, for profiling


async def profiled(work: Callable[[], Awaitable[int]]) -> tuple[Frame | None, int, float]:
    """Run `work` under pyinstrument; returns (tree, events, seconds)."""
    profiler = Profiler(interval=INTERVAL, async_mode="disabled")
    started = time.perf_counter()
    profiler.start()
    try:
        events = await work()
    finally:
        profiler.stop()
    return (
        profiler.last_session.root_frame() if profiler.last_session else None,
        events,
        (time.perf_counter() - started),
    )


def report(title: str, tree: Frame | None, events: int, stats: pstats.Stats) -> list[str]:
    """The printed summary of one path."""
    categories, frames = loop_summary(tree, events)
    lines = [f"== {title}: event-loop thread, µs per event by category"]
    lines += [
        f"{v:9.1f} µs  {k}" for k, v in sorted(categories.items(), key=lambda kv: -kv[1]) if v
    ]
    lines += [f"== {title}: event-loop thread, top frames by self time", *frames]
    lines += [f"== {title}: database thread (cProfile)", *database_summary(stats, events)]
    return lines


async def answers(workdir: Path, size: Sizes) -> tuple[list[str], dict[str, float]]:
    """Profile children answering check-ins."""
    h = harness(fresh(workdir / "profile-answers"))
    await h.start()
    try:
        crowd = Crowd(h)
        warm = await crowd.open(max(5, size.answering_children // 5))
        first = await crowd.open(size.answering_children, first=1_000)
        second = await crowd.open(size.answering_children, first=2_000)
        await answer_round(crowd, warm)

        async def loop_pass() -> int:
            return (await answer_round(crowd, first))[0]

        tree, events, _ = await profiled(loop_pass)
        profile = cProfile.Profile()
        profile_database(h.runtime.db, profile)
        db_events, _ = await answer_round(crowd, second)
    finally:
        await h.stop()
    stats = pstats.Stats(profile)
    categories, _ = loop_summary(tree, events)
    lines = report("check-in answer", tree, events, stats)
    lines.insert(1, f"   ({events} answers on the loop pass, {db_events} on the database pass)")
    return lines, categories


async def dispatch(workdir: Path, size: Sizes) -> tuple[list[str], dict[str, float]]:
    """Profile the dispatcher sending check-ins (preparation and sends)."""
    source = await population(workdir, size.dispatched_children)
    trees: list[tuple[Frame | None, int]] = []
    profile = cProfile.Profile()
    for run, name in enumerate(("loop", "database")):
        folder = fresh(workdir / f"profile-dispatch-{name}")
        h = harness(folder, database=copy_of(source, folder / "qiao.sqlite3"))
        add_sim_users(h, size.dispatched_children)
        await h.start()
        try:
            crowd = Crowd(h)
            if run == 0:

                async def loop_pass(crowd: Crowd = crowd) -> int:
                    await crowd.dispatch()
                    return len(crowd.h.sim.calls_to("sendMessage"))

                tree, events, _ = await profiled(loop_pass)
                trees.append((tree, events))
            else:
                profile_database(h.runtime.db, profile)
                await crowd.dispatch()
        finally:
            await h.stop()
    tree, events = trees[0]
    stats = pstats.Stats(profile)
    categories, _ = loop_summary(tree, events)
    return report("dispatched check-in", tree, events, stats), categories


async def measure(workdir: Path, quick: bool) -> list[Result]:
    """Profile both paths, print the summaries, return per-category figures."""
    size = QUICK if quick else FULL
    answer_lines, answer_categories = await answers(workdir, size)
    dispatch_lines, dispatch_categories = await dispatch(workdir, size)
    print("\n".join([*answer_lines, "", *dispatch_lines, ""]))
    results: list[Result] = []
    for path, categories in (("answer", answer_categories), ("dispatch", dispatch_categories)):
        for name, micros in sorted(categories.items(), key=lambda kv: -kv[1]):
            if name != "other" and micros > 0:
                results.append(info(f"profile ({path}): {name}", micros, "µs per event"))
    return results


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m bench.profiling [--quick]`."""
    return cli.main(measure, __doc__ or "", argv)


if __name__ == "__main__":
    raise SystemExit(main())
