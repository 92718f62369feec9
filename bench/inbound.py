"""Figure 1: inbound throughput — Qiao's check-in answers beside two bare PTB echo bots.

All three run in one process, on the same SimTelegram transport and the same PTB code
path: each update is built as Telegram JSON, turned into an `Update` and handed to
`Application.process_update`, one at a time (PTB's default: updates are handled in order).
Rounds alternate bare echo, durable echo and Qiao, and each variant's figure is the median
of its rounds, so a slow moment of the machine hits all three alike.

Qiao's updates are children answering their weekly check-in (five presses and a typed or
skipped free-text answer each), with the rate limiter off: every answer is stored in SQLite
and assessed by the risk rules, in one transaction, before its reply is sent. Database round
trips (thread hops through `Database.run`) are counted per answer.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass, field
from datetime import time as dt_time
from pathlib import Path

from bench import cli
from bench.baselines import EchoBot
from bench.crowd import QUESTIONS, Crowd
from bench.results import Result, at_least, info
from bench.world import (
    BenchFamily,
    RoundTrips,
    SimMeter,
    count_round_trips,
    feed,
    fresh,
    harness,
    meter_sim,
)
from bot.config import QuietHoursConfig
from bot.simtelegram import ApiCall
from bot.simtelegram.harness import VOLUNTEER_CHAT_ID

TARGET_RATIO = 0.6
LIMIT = 30.0
"""Telegram's overall limit for one bot, messages per second."""


@dataclass
class Tally:
    """One variant's measured rounds."""

    updates: list[int] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    server: list[float] = field(default_factory=list)
    api_calls: int = 0

    async def run(self, work: Awaitable[tuple[int, float]], meter: SimMeter) -> None:
        """Run and record a round: wall time, the process's CPU time (every thread), and the
        simulated server's share from the meter."""
        cpu = time.process_time()
        updates, seconds = await work
        self.cpu.append(time.process_time() - cpu)
        self.updates.append(updates)
        self.seconds.append(seconds)
        self.server.append(meter.seconds)
        self.api_calls += meter.calls
        meter.reset()

    def rates(self, *, without_server: bool = False, by_cpu: bool = False) -> list[float]:
        """Updates per second of each round (optionally not counting simulated server time,
        or per CPU second rather than per wall-clock second)."""
        spent = self.cpu if by_cpu else self.seconds
        return [
            n / (s - (srv if without_server else 0.0))
            for n, s, srv in zip(self.updates, spent, self.server, strict=True)
        ]

    def median(self) -> float:
        """The median round's rate."""
        return statistics.median(self.rates())

    @property
    def total(self) -> int:
        """Updates over every round."""
        return sum(self.updates)


def ratio(
    top: Tally, bottom: Tally, *, without_server: bool = False, by_cpu: bool = False
) -> float:
    """The median of the per-round ratios (rounds ran back to back, so each pair shares the
    machine's mood)."""
    pairs = zip(
        top.rates(without_server=without_server, by_cpu=by_cpu),
        bottom.rates(without_server=without_server, by_cpu=by_cpu),
        strict=True,
    )
    return statistics.median(a / b for a, b in pairs)


async def echo_round(bot: EchoBot, count: int, first: int) -> tuple[int, float]:
    """`count` messages through an echo bot; returns (updates, seconds)."""
    started = time.perf_counter()
    for n in range(first, first + count):
        await bot.feed(n)
    return count, time.perf_counter() - started


async def answer_round(crowd: Crowd, families: Sequence[BenchFamily]) -> tuple[int, float]:
    """Every child of `families` answers the whole check-in, question by question, children
    taking turns; returns (answers, seconds)."""
    answers = 0
    started = time.perf_counter()
    for _ in range(QUESTIONS):
        for family in families:
            answer = crowd.answer(family)
            if answer is None:
                continue
            await feed(crowd.h, answer.update)
            answers += 1
    return answers, time.perf_counter() - started


@dataclass(frozen=True)
class Sizes:
    """How much to run."""

    children_per_round: int
    rounds: int
    warmup: int


FULL = Sizes(children_per_round=250, rounds=10, warmup=100)
QUICK = Sizes(children_per_round=10, rounds=2, warmup=5)


async def measure(workdir: Path, quick: bool) -> list[Result]:
    """Run the three variants side by side and return the figures."""
    size = QUICK if quick else FULL
    per_round = size.children_per_round * QUESTIONS
    users = min(size.children_per_round * size.rounds, 1_000)
    folder = fresh(workdir / "inbound")
    bare = EchoBot(users=users)
    durable = EchoBot(users=users, database=folder / "durable-echo.sqlite3")
    buttons = EchoBot(users=users, database=folder / "button-echo.sqlite3", buttons=True)
    in_place = EchoBot(users=users, database=folder / "in-place-echo.sqlite3", in_place=True)
    echoes = {"bare": bare, "durable": durable, "buttons": buttons, "in_place": in_place}
    h = harness(folder / "qiao")
    meters = {name: meter_sim(bot.sim) for name, bot in echoes.items()}
    meters["qiao"] = meter_sim(h.sim)
    tallies = {name: Tally() for name in meters}
    for bot in echoes.values():
        await bot.start()
    await h.start()
    try:
        crowd = Crowd(h)
        warm = await crowd.open(size.warmup)
        total = size.children_per_round * size.rounds
        children = await crowd.open(total, first=size.warmup)
        groups = [
            children[i : i + size.children_per_round]
            for i in range(0, total, size.children_per_round)
        ]
        trips = count_round_trips(h.runtime.db)
        await answer_round(crowd, warm)
        for bot in echoes.values():
            await echo_round(bot, size.warmup * QUESTIONS, 0)
        trips.reset()
        for meter in meters.values():
            meter.reset()
        calls_before = len(h.sim.calls)
        for index, group in enumerate(groups):
            first = (index + 1) * per_round
            for name, bot in echoes.items():
                await tallies[name].run(echo_round(bot, per_round, first), meters[name])
            await tallies["qiao"].run(answer_round(crowd, group), meters["qiao"])
        traffic = check_in_traffic(h.sim.calls[calls_before:], len(children))
        stored = await crowd.answers_stored(children)
        kept = {name: await bot.stored() for name, bot in echoes.items() if name != "bare"}
    finally:
        await h.stop()
        for bot in echoes.values():
            await bot.stop()
    qiao = tallies["qiao"]
    if stored != qiao.total:
        raise AssertionError(f"{qiao.total} answers given but {stored} stored")
    for name, count in kept.items():
        if count != tallies[name].total + size.warmup * QUESTIONS:
            raise AssertionError(f"the {name} echo stored {count} of its updates")
    return [*figures(tallies, trips), *capacity(traffic)]


@dataclass(frozen=True)
class Traffic:
    """Bot API calls one check-in costs, as counted on the simulated server."""

    sends: float
    edits: float
    callback_answers: float
    group_posts: float

    @property
    def calls(self) -> float:
        """Every call a check-in makes."""
        return self.sends + self.edits + self.callback_answers + self.group_posts


def check_in_traffic(calls: Sequence[ApiCall], check_ins: int) -> Traffic:
    """Calls per check-in while the children answered, plus the first message the
    dispatcher sent before (one sendMessage each)."""
    sends = edits = answers = posts = 0
    for call in calls:
        to_group = call.params.get("chat_id") == VOLUNTEER_CHAT_ID
        if call.method == "sendMessage":
            posts += to_group
            sends += not to_group
        elif call.method.startswith("editMessage"):
            edits += 1
        elif call.method == "answerCallbackQuery":
            answers += 1
    return Traffic(1 + sends / check_ins, edits / check_ins, answers / check_ins, posts / check_ins)


def capacity(traffic: Traffic) -> list[Result]:
    """How many children one bot can carry a week within Telegram's 30 messages/s, counting
    only the waking hours a check-in may use (quiet hours 21:00-08:00 by default)."""
    waking = QuietHoursConfig()
    quiet = (24 * 60 - _minutes(waking.start) + _minutes(waking.end)) % (24 * 60)
    budget = LIMIT * 7 * (24 * 60 - quiet) * 60
    return [
        info(
            "check-in traffic: messages sent to the child per check-in", traffic.sends, "messages"
        ),
        info("check-in traffic: edits per check-in", traffic.edits, "calls"),
        info("check-in traffic: callback answers per check-in", traffic.callback_answers, "calls"),
        info("check-in traffic: volunteer-group posts per check-in", traffic.group_posts, "posts"),
        info(
            "capacity: children a week within 30 msg/s, counting messages sent",
            budget / (traffic.sends + traffic.group_posts),
            "children",
        ),
        info(
            "capacity: children a week within 30 msg/s, counting every Bot API call",
            budget / traffic.calls,
            "children",
        ),
        info(
            "capacity: check-ins an hour at 30 calls/s (the peak when slots are shared)",
            LIMIT * 3600 / traffic.calls,
            "check-ins",
        ),
    ]


def _minutes(moment: dt_time) -> int:
    return moment.hour * 60 + moment.minute


def figures(tallies: dict[str, Tally], trips: RoundTrips) -> list[Result]:
    """The medians, the ratios, round trips and the transport's share as result records."""
    bare, durable, qiao = tallies["bare"], tallies["durable"], tallies["qiao"]
    buttons, in_place = tallies["buttons"], tallies["in_place"]
    answers = qiao.total
    return [
        info("inbound: bare PTB echo", bare.median(), "updates/s"),
        info("inbound: durable echo (aiosqlite INSERT + commit)", durable.median(), "updates/s"),
        info(
            "inbound: durable button echo (an answer's Telegram calls, INSERT + commit)",
            buttons.median(),
            "updates/s",
        ),
        info(
            "inbound: durable in-place echo (answer + one edit, INSERT + commit)",
            in_place.median(),
            "updates/s",
        ),
        info("inbound: Qiao check-in answers", qiao.median(), "updates/s"),
        info("inbound: durable echo / bare echo", ratio(durable, bare), "ratio"),
        info("inbound: Qiao / bare echo", ratio(qiao, bare), "ratio"),
        at_least("inbound: Qiao / durable echo", ratio(qiao, durable), "ratio", TARGET_RATIO),
        info("inbound: Qiao / durable button echo", ratio(qiao, buttons), "ratio"),
        info("inbound: durable button echo / durable echo", ratio(buttons, durable), "ratio"),
        info("inbound: durable in-place echo / durable echo", ratio(in_place, durable), "ratio"),
        info(
            "inbound: Qiao / durable echo by CPU time (steady on a busy machine)",
            ratio(qiao, durable, by_cpu=True),
            "ratio",
        ),
        info(
            "inbound: Qiao / durable button echo by CPU time",
            ratio(qiao, buttons, by_cpu=True),
            "ratio",
        ),
        info(
            "inbound: Qiao / durable echo, simulated server time excluded",
            ratio(qiao, durable, without_server=True),
            "ratio",
        ),
        info("inbound: database round trips per answer", trips.calls / answers, "round trips"),
        info("inbound: database thread busy per answer", trips.busy / answers * 1e6, "µs"),
        info("inbound: Bot API calls per answer", qiao.api_calls / answers, "calls"),
        info(
            "inbound: simulated server time per answer",
            sum(qiao.server) / answers * 1e6,
            "µs",
        ),
        info(
            "inbound: simulated server time per durable echo",
            sum(durable.server) / durable.total * 1e6,
            "µs",
        ),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m bench.inbound [--quick]`."""
    return cli.main(measure, __doc__ or "", argv)


if __name__ == "__main__":
    raise SystemExit(main())
