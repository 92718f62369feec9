"""Figure 3: alert latency — an urgent answer to the volunteer group, under steady load.

The Application runs as in production: `app.start()` consumes its update queue one update
at a time, and updates are put on that queue as the poller or webhook would. A background
crowd of children answers check-ins at 100 updates/s (the usual mix, so some of them raise
`watch` and `concern` alerts too) while other children, already at the "did anyone hurt
you" question, answer "yes, a grown-up" (urgent) a few times a second. Latency runs from
the moment an urgent answer's update enters the queue to the moment the alert's
sendMessage reaches the simulated Telegram (a listener on the simulated server, matched to
the child by the pseudonym on the alert card). The rate limiter is off: 100 updates/s with
replies is more than Telegram's 30 messages/s would carry, so with it on the figure would
measure the limit, not Qiao.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from telegram import Update

from bench import cli
from bench.crowd import Crowd
from bench.results import Result, below, info
from bench.world import BenchFamily, fresh, harness
from bot.simtelegram import SimMessage
from bot.simtelegram.harness import VOLUNTEER_CHAT_ID, Harness

TARGET_P99_MS = 250.0
_CHILD = re.compile(r"C-B\d{6}")
CALM_BEFORE_SAFE = 3
"""Questions before "safe" in the weekly set (mood, sleep, friends)."""


@dataclass(frozen=True)
class Sizes:
    """How much to run."""

    background_rate: float
    background_children: int
    urgent: int
    urgent_per_second: float
    lead: float
    """Seconds of background load before the first urgent answer."""


FULL = Sizes(
    background_rate=100.0, background_children=500, urgent=100, urgent_per_second=4.0, lead=0.5
)
QUICK = Sizes(
    background_rate=100.0, background_children=10, urgent=3, urgent_per_second=20.0, lead=0.02
)


class AlertWatch:
    """Listens on the simulated server for alert cards in the volunteer group."""

    def __init__(self) -> None:
        self.entered: dict[str, float] = {}
        self.latency: dict[str, float] = {}
        self.done = asyncio.Event()
        self.expected = 0

    def __call__(self, action: str, message: SimMessage) -> None:
        if action != "sent" or message.chat_id != VOLUNTEER_CHAT_ID:
            return
        found = _CHILD.search(message.text or "")
        if found is None:
            return
        child = found.group()
        entered = self.entered.get(child)
        if entered is not None and child not in self.latency:
            self.latency[child] = time.perf_counter() - entered
            if len(self.latency) >= self.expected:
                self.done.set()


async def reach_safe_question(crowd: Crowd, children: Sequence[BenchFamily]) -> None:
    """Answer mood, sleep and friends calmly, so the next question is "safe"."""
    for _ in range(CALM_BEFORE_SAFE):
        for family in children:
            answer = crowd.answer(family, calm=True)
            if answer is None:
                raise RuntimeError("a check-in ended before its safety question")
            await crowd.h.app.process_update(Update.de_json(answer.update, crowd.h.app.bot))


async def background(
    h: Harness,
    crowd: Crowd,
    children: Sequence[BenchFamily],
    size: Sizes,
    seconds: float,
    given_keys: set[tuple[int, str]] | None = None,
) -> int:
    """Put the crowd's answers on the update queue at the background rate; return how many.

    Each answer's (child id, question id) goes into `given_keys`, so the run can check that
    every question answered under load is stored without counting repeated presses.
    """
    queue = h.app.update_queue
    start = time.perf_counter()
    count = int(seconds * size.background_rate)
    given = 0
    last: dict[int, str] = {}
    for n in range(count):
        await asyncio.sleep(max(0.0, start + n / size.background_rate - time.perf_counter()))
        family = children[n % len(children)]
        answer = crowd.answer(family)
        if answer is None or last.get(family.index) == answer.question:
            continue  # a child answers each question once: wait until the next one shows
        last[family.index] = answer.question
        if given_keys is not None:
            given_keys.add((family.child_id, answer.question))
        await queue.put(Update.de_json(answer.update, h.app.bot))
        given += 1
    return given


async def urgent(
    h: Harness, crowd: Crowd, children: Sequence[BenchFamily], watch: AlertWatch, size: Sizes
) -> None:
    """Each child answers "yes, a grown-up" in turn; the moment it enters the queue is noted."""
    queue = h.app.update_queue
    start = time.perf_counter() + size.lead
    for n, family in enumerate(children):
        await asyncio.sleep(max(0.0, start + n / size.urgent_per_second - time.perf_counter()))
        answer = crowd.answer(family, option="adult")
        if answer is None or answer.option != "adult":
            raise RuntimeError("the urgent child was not at the safety question")
        update = Update.de_json(answer.update, h.app.bot)
        watch.entered[family.child_pseudonym] = time.perf_counter()
        await queue.put(update)


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile of `values` (share in 0..1)."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(share * len(ordered) + 0.5)))
    return ordered[rank - 1]


async def measure(workdir: Path, quick: bool) -> list[Result]:
    """Run the load and return p50, p99 and the achieved background rate."""
    size = QUICK if quick else FULL
    h = harness(fresh(workdir / "latency"))
    watch = AlertWatch()
    watch.expected = size.urgent
    h.sim.subscribe(watch)
    await h.start()
    try:
        crowd = Crowd(h)
        crowd_children = await crowd.open(size.background_children)
        urgent_children = await crowd.open(size.urgent, first=size.background_children)
        await reach_safe_question(crowd, urgent_children)
        seconds = 2 * size.lead + size.urgent / size.urgent_per_second
        given_keys: set[tuple[int, str]] = set()
        await h.app.start()
        try:
            started = time.perf_counter()
            given, _ = await asyncio.gather(
                background(h, crowd, crowd_children, size, seconds, given_keys),
                urgent(h, crowd, urgent_children, watch, size),
            )
            elapsed = time.perf_counter() - started
            await asyncio.wait_for(watch.done.wait(), timeout=30)
        finally:
            await h.app.stop()
        stored = await crowd.answered_questions(crowd_children)
        urgent_stored = await crowd.answered_questions(urgent_children)
    finally:
        await h.stop()
    latencies = [v * 1000 for v in watch.latency.values()]
    if len(latencies) != size.urgent:
        raise AssertionError(f"{size.urgent} urgent answers but {len(latencies)} alerts seen")
    # Distinct questions, not presses: a press repeated before the bot moved the question on
    # is refused as "already answered" (issue 13), and how often that happens depends on the
    # machine's speed. Every question answered must be stored; that does not.
    lost = given_keys - stored
    if lost:
        raise AssertionError(f"{len(lost)} of {len(given_keys)} questions answered under load lost")
    if len(urgent_stored) != size.urgent * (CALM_BEFORE_SAFE + 1):
        raise AssertionError(f"urgent children's answers: {len(urgent_stored)} stored")
    return [
        info("alert latency: p50", percentile(latencies, 0.50), "ms"),
        below("alert latency: p99", percentile(latencies, 0.99), "ms", TARGET_P99_MS),
        info("alert latency: max", max(latencies), "ms"),
        info("alert latency: urgent answers measured", len(latencies), "alerts"),
        info("alert latency: background load achieved", given / elapsed, "updates/s"),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m bench.latency [--quick]`."""
    return cli.main(measure, __doc__ or "", argv)


if __name__ == "__main__":
    raise SystemExit(main())
