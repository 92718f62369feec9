"""Figure 2: fan-out — 100,000 children due at once, sent by the real dispatcher job.

(a) The dispatcher's own cost with the rate limiter lifted: database work (sessions written,
next moments moved on, plans read), rendering and the simulated send with its `sent` record.
The job first prepares every due child (two transactions), then sends one by one; the
preparation is timed in full and the sending on the first `sample` check-ins, and the two
are combined into the time the whole population would take.

(b) The achieved send rate with PTB's AIORateLimiter at 30 messages/s, in real time: the
simulated Telegram gets the wall clock and the rate is counted from its call timestamps over
a steady window of 20 s, skipping the first second (the limiter's opening burst).
Every message is checked against Telegram's per-chat limits: at most one a second to a
private chat, twenty a minute to a group.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench import cli
from bench.crowd import Crowd
from bench.results import Result, at_least, at_most, info
from bench.world import (
    add_sim_users,
    copy_of,
    count_round_trips,
    fresh,
    harness,
    meter_sim,
    population,
)
from bot.simtelegram import ApiCall, SimMessage

TARGET_RATE = 1_000.0
LIMIT = 30.0
TARGET_SHARE = 0.97
PRIVATE_GAP = 1.0
GROUP_WINDOW, GROUP_MAX = 60.0, 20


@dataclass(frozen=True)
class Sizes:
    """How much to run."""

    children: int
    sample: int
    window: float
    skip: float


FULL = Sizes(children=100_000, sample=20_000, window=20.0, skip=1.0)
QUICK = Sizes(children=300, sample=100, window=0.2, skip=0.05)


@dataclass
class SendClock:
    """When sends happened: a listener on the simulated Telegram."""

    stop_after: int
    times: list[float]
    cpu: list[float]
    task: asyncio.Task[None] | None = None

    def __call__(self, action: str, message: SimMessage) -> None:
        if action != "sent":
            return
        self.times.append(time.perf_counter())
        self.cpu.append(time.process_time())
        if len(self.times) >= self.stop_after and self.task is not None:
            self.task.cancel()


async def dispatch_cost(workdir: Path, source: Path, size: Sizes) -> list[Result]:
    """(a): the job on a copy of the population, limiter off, stopped after `sample` sends."""
    folder = fresh(workdir / "fanout-a")
    h = harness(folder, database=copy_of(source, folder / "qiao.sqlite3"))
    add_sim_users(h, size.children)
    clock = SendClock(stop_after=size.sample, times=[], cpu=[])
    h.sim.subscribe(clock)
    server = meter_sim(h.sim)
    await h.start()
    try:
        trips = count_round_trips(h.runtime.db)
        crowd = Crowd(h)
        started = time.perf_counter()
        clock.task = asyncio.create_task(crowd.dispatch())
        with contextlib.suppress(asyncio.CancelledError):
            await clock.task
        preparing = clock.times[0] - started
        sending = clock.times[-1] - clock.times[0]
        sent = len(clock.times)
        cpu = clock.cpu[-1] - clock.cpu[0]
        server_seconds = server.seconds
        sent_trips = trips.calls - 2  # the two preparing transactions
        longest = trips.longest
    finally:
        await h.stop()
    per_send = sending / (sent - 1)
    whole = preparing + per_send * size.children
    return [
        at_least(
            "fan-out: dispatcher check-ins/s, limiter lifted",
            size.children / whole,
            "check-ins/s",
            TARGET_RATE,
        ),
        info("fan-out: preparing every due child (2 transactions)", preparing, "s"),
        info("fan-out: preparation per check-in", preparing / size.children * 1e6, "µs"),
        info("fan-out: send + record per check-in", per_send * 1e6, "µs"),
        info("fan-out: CPU per sent check-in (every thread)", cpu / (sent - 1) * 1e6, "µs"),
        info("fan-out: simulated server time per check-in", server_seconds / sent * 1e6, "µs"),
        info("fan-out: database round trips per sent check-in", sent_trips / sent, "round trips"),
        info("fan-out: longest single database call (every update waits behind it)", longest, "s"),
        info("fan-out: check-ins sent to measure the sending (sample)", sent, "check-ins"),
    ]


def window_rate(calls: Sequence[ApiCall], start: float, seconds: float) -> float:
    """Successful sendMessage calls per second within [start, start + seconds)."""
    inside = [c for c in calls if c.ok and start <= c.at < start + seconds]
    return len(inside) / seconds


def over_chat_limits(calls: Sequence[ApiCall]) -> tuple[int, int, int]:
    """(messages breaking a per-chat limit, most to one private chat within 1 s, most to one
    group within 60 s)."""
    by_chat: dict[int, list[float]] = defaultdict(list)
    for call in calls:
        if call.ok:
            by_chat[int(call.params["chat_id"])].append(call.at)
    breaking = worst_private = worst_group = 0
    for chat_id, times in by_chat.items():
        times.sort()
        window, most = (PRIVATE_GAP, 1) if chat_id > 0 else (GROUP_WINDOW, GROUP_MAX)
        first = 0
        for last, at in enumerate(times):
            while at - times[first] >= window:
                first += 1
            in_window = last - first + 1
            if chat_id > 0:
                worst_private = max(worst_private, in_window)
            else:
                worst_group = max(worst_group, in_window)
            if in_window > most:
                breaking += 1
    return breaking, worst_private, worst_group


async def limited_rate(workdir: Path, source: Path, size: Sizes) -> list[Result]:
    """(b): the job with the limiter at 30 msg/s, in real time, for the window plus 1 s."""
    folder = fresh(workdir / "fanout-b")
    h = harness(
        folder,
        database=copy_of(source, folder / "qiao.sqlite3"),
        limiter=True,
        real_time_sim=True,
    )
    add_sim_users(h, size.children)
    sending = asyncio.Event()
    h.sim.subscribe(lambda action, message: sending.set())
    await h.start()
    try:
        crowd = Crowd(h)
        task = asyncio.create_task(crowd.dispatch())
        await sending.wait()
        first = h.sim.calls_to("sendMessage")[0].at
        await asyncio.sleep(max(0.0, first + size.skip + size.window - time.time()) + 0.05)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    finally:
        await h.stop()
    sends = h.sim.calls_to("sendMessage")
    rate = window_rate(sends, first + size.skip, size.window)
    breaking, worst_private, worst_group = over_chat_limits(sends)
    return [
        at_least(
            "fan-out: send rate with the limiter at 30 msg/s",
            rate / LIMIT * 100,
            "% of limit",
            TARGET_SHARE * 100,
        ),
        info("fan-out: achieved send rate (steady window)", rate, "msg/s"),
        info("fan-out: steady window measured", size.window, "s"),
        at_most("fan-out: messages over a per-chat limit", breaking, "messages", 0),
        info("fan-out: most messages to one private chat within 1 s", worst_private, "messages"),
        info("fan-out: most messages to one group within 60 s", worst_group, "messages"),
    ]


async def measure(workdir: Path, quick: bool) -> list[Result]:
    """Both fan-out figures on copies of one population."""
    size = QUICK if quick else FULL
    source = await population(workdir, size.children)
    return [
        *await dispatch_cost(workdir, source, size),
        *await limited_rate(workdir, source, size),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m bench.fanout [--quick]`."""
    return cli.main(measure, __doc__ or "", argv)


if __name__ == "__main__":
    raise SystemExit(main())
