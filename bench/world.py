"""The simulated world the benchmarks share: Qiao on SimTelegram, bulk families, counters.

Families are written by the one seeder tests, the soak and the benchmarks share
(bot/simtelegram/seed.py), in one transaction per batch so that 100,000 of them take seconds.
"""

from __future__ import annotations

import shutil
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from telegram import Update

from bot.simtelegram import SimMessage, SimTelegram
from bot.simtelegram.harness import DEFAULT_START, VOLUNTEER_CHAT_ID, Harness, sim_config
from bot.simtelegram.seed import ChildSeed, FamilySeed, seed_family
from storage import Database

T = TypeVar("T")

CHILD_UID_BASE = 500_000_000
CAREGIVER_UID_BASE = 600_000_000
VOLUNTEER_UID_BASE = 700_000_000
FAMILIES_PER_VOLUNTEER = 200
BATCH = 5_000


@dataclass(frozen=True)
class BenchFamily:
    """One family made for a benchmark: its child, the caregiver and their Telegram ids."""

    index: int
    family_id: int
    family_pseudonym: str
    child_id: int
    child_pseudonym: str
    child_uid: int
    caregiver_id: int
    caregiver_uid: int


def harness(
    workdir: Path,
    *,
    database: Path | None = None,
    limiter: bool = False,
    real_time_sim: bool = False,
    start: datetime | None = None,
    **sections: Any,
) -> Harness:
    """A Harness on `database` (default: a fresh one in `workdir`); the limiter off unless asked.

    `real_time_sim` gives the simulated Telegram the wall clock, so its call timestamps
    (`sim.calls[i].at`) measure real sending rates; the bot's own clock stays the Harness's.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    path = database or workdir / "qiao.sqlite3"
    config = sim_config(path, rate_limits={"enabled": limiter}, **sections)
    h = Harness(workdir, config=config, start=start or DEFAULT_START)
    if real_time_sim:
        h.sim = SimTelegram(now=time.time)
        for persona in h.personas.values():
            h.sim.add_user(persona.user_id, persona.first_name)
        h.sim.add_group(VOLUNTEER_CHAT_ID, "Volunteers", kind="group")
    return h


async def add_families(
    h: Harness,
    count: int,
    *,
    first: int = 0,
    due_at: int | None = None,
    sim_users: bool = True,
    weekday: int = 5,
    minute: int = 10 * 60,
) -> list[BenchFamily]:
    """Create `count` active families (volunteer, caregiver, child with consent).

    `due_at` sets each child's next check-in moment; `sim_users` registers the caregiver and
    child with the simulated Telegram so that sends to them succeed.
    """
    now = h.runtime.ts()
    made: list[BenchFamily] = []
    for start in range(first, first + count, BATCH):
        stop = min(start + BATCH, first + count)

        def write(
            conn: sqlite3.Connection, start: int = start, stop: int = stop
        ) -> list[BenchFamily]:
            return [_family(conn, i, now, due_at, weekday, minute) for i in range(start, stop)]

        made.extend(await h.runtime.db.tx(write))
    if sim_users:
        add_sim_users(h, count, first=first)
    return made


def add_sim_users(h: Harness, count: int, *, first: int = 0) -> None:
    """Register families' caregivers and children (by index) with the simulated Telegram."""
    for i in range(first, first + count):
        h.sim.add_user(CAREGIVER_UID_BASE + i, "奶奶")
        h.sim.add_user(CHILD_UID_BASE + i, "小朋友")


async def populate(path: Path, count: int, *, due_offset: int = -60) -> Path:
    """Write a database of `count` families, every child due `due_offset` seconds from the
    Harness's start, and close it; consumers run on copies of the file."""
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    h = harness(path.parent / f"{path.stem}-build", database=path)
    await h.start()
    try:
        await add_families(h, count, due_at=h.runtime.ts() + due_offset, sim_users=False)
    finally:
        await h.stop()
    return path


async def population(workdir: Path, count: int) -> Path:
    """A pristine database of `count` due families in `workdir`, built once and reused."""
    path = workdir / f"population-{count}.sqlite3"
    if not path.exists():
        building = await populate(workdir / f"population-{count}.building.sqlite3", count)
        building.rename(path)
    return path


def fresh(folder: Path) -> Path:
    """An empty folder for one measurement (a rerun in the same workdir starts clean)."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    return folder


def copy_of(source: Path, target: Path) -> Path:
    """A private copy of a closed database file for one measurement."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return target


def _family(
    conn: sqlite3.Connection, i: int, now: int, due_at: int | None, weekday: int, minute: int
) -> BenchFamily:
    number = i // FAMILIES_PER_VOLUNTEER
    caregiver_uid, child_uid = CAREGIVER_UID_BASE + i, CHILD_UID_BASE + i
    seed = FamilySeed(
        pseudonym=f"F-B{i:06d}",
        volunteer_uid=VOLUNTEER_UID_BASE + number,
        volunteer_pseudonym=f"V-B{number:06d}",
        caregiver_uid=caregiver_uid,
        caregiver_pseudonym=f"G-B{i:06d}",
        children=(
            ChildSeed(f"C-B{i:06d}", child_uid, weekday=weekday, minute=minute, due_at=due_at),
        ),
    )
    made = seed_family(conn, seed, now)
    return BenchFamily(
        i,
        made.family_id,
        seed.pseudonym,
        made.child_ids[0],
        seed.children[0].pseudonym,
        child_uid,
        made.caregiver_id,
        caregiver_uid,
    )


@dataclass
class RoundTrips:
    """Counts `Database.run` calls (each one thread hop; `db.tx` goes through `run` too) and
    the seconds their work kept the database thread busy."""

    calls: int = 0
    busy: float = 0.0
    longest: float = 0.0

    def reset(self) -> None:
        """Start counting afresh."""
        self.calls = 0
        self.busy = 0.0
        self.longest = 0.0


def count_round_trips(db: Database) -> RoundTrips:
    """Wrap this Database instance's `run` so every round trip is counted (bench only)."""
    counter = RoundTrips()
    original = db.run

    def timed(fn: Callable[[sqlite3.Connection], T], conn: sqlite3.Connection) -> T:
        started = time.perf_counter()
        try:
            return fn(conn)
        finally:
            took = time.perf_counter() - started
            counter.busy += took
            counter.longest = max(counter.longest, took)

    async def counted(fn: Callable[[sqlite3.Connection], T]) -> T:
        counter.calls += 1
        return await original(lambda conn: timed(fn, conn))

    db.run = counted  # type: ignore[method-assign]  # wraps this instance only, for counting
    return counter


@dataclass
class SimMeter:
    """Bot API calls answered by a SimTelegram, and the seconds the simulated server spent
    answering them (work Telegram's servers do in production, not the bot)."""

    calls: int = 0
    seconds: float = 0.0

    def reset(self) -> None:
        """Start counting afresh."""
        self.calls = 0
        self.seconds = 0.0


def meter_sim(sim: SimTelegram) -> SimMeter:
    """Wrap this SimTelegram's `handle` (what its request objects call) to time the server."""
    meter = SimMeter()
    original = sim.handle

    def handle(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            meter.calls += 1
            meter.seconds += time.perf_counter() - started

    sim.handle = handle  # type: ignore[method-assign]  # wraps this instance only, for timing
    return meter


def newest_with_buttons(sim: SimTelegram, chat_id: int) -> SimMessage | None:
    """The bot's newest message in a chat that still has inline buttons."""
    for message in reversed(sim.bot_messages(chat_id)):
        if message.buttons:
            return message
    return None


async def feed(h: Harness, update: dict[str, Any]) -> None:
    """Hand one Update to the Application, as `Harness.deliver` does."""
    await h.app.process_update(Update.de_json(update, h.app.bot))
