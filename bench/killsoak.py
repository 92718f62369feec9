"""The kill soak: `qiao run` as a real process over HTTP, killed with SIGKILL while children
write urgent messages; afterwards every message must have exactly one alert and one stored
message, and at least one crisis reply and one card (a second only across a restart: the one
window between Telegram accepting a message and Qiao marking it sent).

Why it exists: the in-process tests cannot show what a real crash does to updates Telegram
has already handed over. Here the bot is a separate process (`python -m bot run`, polling or
`--webhook`) against the HTTP stand-in Bot API (bot/simtelegram/http.py) on 127.0.0.1, with
the production rate limiter on. Children (seeded into the database before the first start)
write urgent messages in rounds; after each round the process is killed at a seeded random
moment (SIGKILL), or stopped as the systemd unit does it (SIGTERM, SIGKILL after a timeout),
and started again. At the end the stand-in's record (what Telegram saw) and the database
(plain read-only SQL) are counted per child.

`python -m bench.killsoak --rounds 8 --children 40` (part of `make soak`) prints one line per
mode and exits 1 when a count is wrong; tests/inbox/test_kill.py runs a short form.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bench.world import CAREGIVER_UID_BASE, CHILD_UID_BASE, add_families, harness
from bot.simtelegram import SimTelegram
from bot.simtelegram.harness import REPO_CONTENT, VOLUNTEER_CHAT_ID
from bot.simtelegram.http import StandIn

ADMIN_UID = 1001
CRISIS_NUMBER = "12356"
"""In the crisis text every urgent message is answered with."""
URGENT_WORDS = ("我不想活了", "我想自杀", "活着没意思，我想死")
SECRET = "killsoak-secret_token"  # noqa: S105 - a test value for a loopback server
STOP_TIMEOUT = 30.0
"""Seconds between SIGTERM and SIGKILL, as in the documented systemd unit (TimeoutStopSec)."""
READY_TIMEOUT = 120.0
SETTLE_TIMEOUT = 240.0
"""Generous bounds for a loaded machine; a run normally takes a fraction of them."""


@dataclass(frozen=True)
class Settings:
    """One run: which mode, how many children, rounds, kills and the random seed."""

    mode: str  # "polling" or "webhook"
    children: int
    rounds: int
    seed: int
    graceful_every: int = 0
    """Every Nth stop is SIGTERM (SIGKILL after STOP_TIMEOUT) instead of SIGKILL; 0: never."""
    kill_within: float = 1.5
    """A kill comes a random 0…kill_within seconds after the round's messages were sent."""


@dataclass
class Outcome:
    """What was counted; `problems` is empty when every count is right."""

    settings: Settings
    sent: int = 0
    kills: int = 0
    graceful_stops: int = 0
    starts: int = 0
    crisis: Counter[int] = field(default_factory=Counter)
    cards: Counter[str] = field(default_factory=Counter)
    alerts: Counter[int] = field(default_factory=Counter)
    messages: Counter[int] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    duplicate_cards: list[str] = field(default_factory=list)
    """Children whose alert was posted more than once (a copy too many; nothing lost), each
    with "same run" (two sends by one process) or "across a restart"."""
    started_at: list[float] = field(default_factory=list)
    card_sends: dict[str, list[float]] = field(default_factory=dict)
    crisis_sends: dict[int, list[float]] = field(default_factory=dict)
    duplicate_crisis: list[str] = field(default_factory=list)
    """Children who got a second crisis reply across a restart: the one documented window (a
    kill between Telegram accepting the reply and Qiao marking it sent; docs/architecture.md,
    "Order of writes"). A second reply from one process is a problem, not listed here."""

    def line(self) -> str:
        """One summary line."""
        s = self.settings
        same_run = [p for p in self.duplicate_cards if "same run" in p]
        wrong = self.problems + [f"{p}: a duplicate card" for p in same_run]
        verdict = "OK" if not wrong else "FAIL " + "; ".join(wrong[:6])
        across = len(self.duplicate_cards) - len(same_run)
        if self.duplicate_crisis or across:
            verdict += (
                f" (across a restart: {len(self.duplicate_crisis)} second crisis replies,"
                f" {across} second cards)"
            )
        return (
            f"{s.mode}: seed {s.seed}, {self.sent} urgent messages from {s.children} children,"
            f" {self.kills} SIGKILLs, {self.graceful_stops} SIGTERM stops, {self.starts} starts:"
            f" {verdict}"
        )


@dataclass(frozen=True)
class Child:
    """A seeded child: database id, pseudonym and Telegram user id."""

    person_id: int
    pseudonym: str
    user_id: int


def free_port() -> int:
    """A free loopback port for the bot's webhook server."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def _seed(database: Path, count: int) -> list[Child]:
    h = harness(database.parent / "seed", database=database)
    await h.start()
    try:
        made = await add_families(h, count, sim_users=False)
    finally:
        await h.stop()
    return [Child(f.child_id, f.child_pseudonym, f.child_uid) for f in made]


def seed(database: Path, count: int) -> list[Child]:
    """Write `count` onboarded families (child, caregiver, volunteer, consent) and close."""
    return asyncio.run(_seed(database, count))


def world(children: list[Child]) -> SimTelegram:
    """The simulated Telegram with the children, their caregivers, an admin and the group."""
    sim = SimTelegram()
    sim.add_user(ADMIN_UID, "Admin")
    for child in children:
        sim.add_user(child.user_id, "小朋友")
        sim.add_user(CAREGIVER_UID_BASE + (child.user_id - CHILD_UID_BASE), "奶奶")
    sim.add_group(VOLUNTEER_CHAT_ID, "Volunteers", kind="group")
    return sim


def write_config(folder: Path, stand_in: StandIn, database: Path, webhook_port: int) -> Path:
    """A config for the real process: the stand-in's URLs, the seeded database."""
    path = folder / "config.toml"
    path.write_text(
        f"""content_dir = "{REPO_CONTENT}"

[telegram]
token = "{stand_in.sim.token}"
base_url = "{stand_in.base_url}"
base_file_url = "{stand_in.base_file_url}"

[people]
admins = [{ADMIN_UID}]
volunteer_chat_id = {VOLUNTEER_CHAT_ID}

[storage]
database = "{database}"

[logging]
format = "text"
level = "WARNING"

[webhook]
public_url = "https://qiao.example.invalid/"
secret_token = "{SECRET}"
listen = "127.0.0.1"
port = {webhook_port}
path = "tg"
""",
        encoding="utf-8",
    )
    return path


class Bot:
    """The `qiao run` process: started, killed, stopped, restarted."""

    def __init__(self, config: Path, mode: str, log: Path) -> None:
        self.config = config
        self.mode = mode
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None
        self.started_at: list[float] = []

    def start(self) -> None:
        """Start `python -m bot run` (with `--webhook` in webhook mode)."""
        command = [sys.executable, "-m", "bot", "--config", str(self.config), "run"]
        if self.mode == "webhook":
            command.append("--webhook")
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        env.pop("QIAO_BOT_TOKEN", None)
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
                command, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=REPO_CONTENT.parent
            )

    def kill(self) -> None:
        """SIGKILL: no handler runs, nothing is flushed."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self, timeout: float = STOP_TIMEOUT) -> bool:
        """SIGTERM, then SIGKILL after `timeout` as systemd does; True if it stopped itself."""
        if self.process is None or self.process.poll() is not None:
            return True
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
            return True
        except subprocess.TimeoutExpired:
            self.kill()
            return False

    def alive(self) -> bool:
        """The process is running."""
        return self.process is not None and self.process.poll() is None


def _ready(sim: SimTelegram, mode: str, polls_before: int, hooks_before: int) -> bool:
    if mode == "webhook":
        return len(sim.calls_to("setWebhook")) > hooks_before and bool(sim.webhook_url)
    return len(sim.calls_to("getUpdates")) > polls_before


def start_and_wait(bot: Bot, stand_in: StandIn) -> None:
    """Start the bot and wait until it polls (or has set its webhook)."""
    with stand_in.world() as sim:
        polls, hooks = len(sim.calls_to("getUpdates")), len(sim.calls_to("setWebhook"))
    bot.started_at.append(time.time())
    bot.start()
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if stand_in.wait_for(lambda s: _ready(s, bot.mode, polls, hooks), timeout=0.5):
            return
        if not bot.alive():
            raise RuntimeError(f"qiao run exited with {bot.process and bot.process.returncode}")
    raise RuntimeError("qiao run did not become ready")


def crisis_counts(sim: SimTelegram, children: list[Child]) -> Counter[int]:
    """Crisis replies per child, as Telegram saw them."""
    return Counter(
        {
            c.user_id: sum(CRISIS_NUMBER in m.plain_text for m in sim.bot_messages(c.user_id))
            for c in children
        }
    )


def crisis_sends(sim: SimTelegram, children: list[Child]) -> dict[int, list[float]]:
    """When each child's crisis replies were accepted by Telegram (the stand-in's clock)."""
    sends = [call for call in sim.calls_to("sendMessage") if call.ok]
    return {
        c.user_id: [
            call.at
            for call in sends
            if call.params.get("chat_id") == c.user_id
            and CRISIS_NUMBER in str(call.params.get("text"))
        ]
        for c in children
    }


def _across_restart(times: list[float], starts: list[float]) -> bool:
    """Whether a process start falls between the first and the last of these sends."""
    return bool(times) and any(min(times) < start < max(times) for start in starts)


def card_counts(sim: SimTelegram, children: list[Child]) -> Counter[str]:
    """Group posts naming each child's pseudonym."""
    posts = [m.plain_text for m in sim.bot_messages(VOLUNTEER_CHAT_ID)]
    return Counter({c.pseudonym: sum(c.pseudonym in p for p in posts) for c in children})


def card_sends(sim: SimTelegram, children: list[Child]) -> dict[str, list[float]]:
    """When each child's card was accepted by Telegram (the stand-in's clock)."""
    sends = [
        call
        for call in sim.calls_to("sendMessage")
        if call.ok and call.params.get("chat_id") == VOLUNTEER_CHAT_ID
    ]
    return {
        c.pseudonym: [call.at for call in sends if c.pseudonym in str(call.params.get("text"))]
        for c in children
    }


def database_counts(database: Path) -> tuple[Counter[int], Counter[int], int, int]:
    """Alerts and stored messages per child; inbox rows waiting; outbox rows pending."""
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        alerts = Counter(
            {int(r[0]): int(r[1]) for r in conn.execute(_PER_PERSON.format(table="alerts"))}
        )
        messages = Counter(
            {
                int(r[0]): int(r[1])
                for r in conn.execute(
                    "SELECT child_id, COUNT(*) FROM child_messages GROUP BY child_id"
                )
            }
        )
        waiting = int(
            conn.execute("SELECT COUNT(*) FROM inbox WHERE handled_at IS NULL").fetchone()[0]
        )
        pending = int(
            conn.execute("SELECT COUNT(*) FROM outbox WHERE status = 'pending'").fetchone()[0]
        )
    finally:
        conn.close()
    return alerts, messages, waiting, pending


_PER_PERSON = "SELECT person_id, COUNT(*) FROM {table} GROUP BY person_id"


def _settled(sim: SimTelegram, children: list[Child], sent: set[int]) -> bool:
    """Every sender has a crisis reply and a card, and Telegram holds nothing unconfirmed."""
    crisis = crisis_counts(sim, children)
    cards = card_counts(sim, children)
    return sim.pending_updates == 0 and all(
        crisis[c.user_id] >= 1 and cards[c.pseudonym] >= 1 for c in children if c.user_id in sent
    )


def wait_settled(
    stand_in: StandIn, bot: Bot, database: Path, children: list[Child], sent: set[int]
) -> bool:
    """Wait until every message is answered and carded, the inbox and outbox are empty."""
    deadline = time.monotonic() + SETTLE_TIMEOUT
    while time.monotonic() < deadline:
        if stand_in.wait_for(lambda s: _settled(s, children, sent), timeout=1.0):
            _, _, waiting, pending = database_counts(database)
            if waiting == 0 and pending == 0:
                return True
        if not bot.alive():
            start_and_wait(bot, stand_in)  # it died on its own: systemd would restart it
    return False


def run(workdir: Path, settings: Settings) -> Outcome:
    """One whole run; see the module docstring."""
    outcome = Outcome(settings)
    rng = random.Random(settings.seed)
    workdir.mkdir(parents=True, exist_ok=True)
    database = workdir / "qiao.sqlite3"
    children = seed(database, settings.children)
    by_uid = {c.user_id: c for c in children}
    webhook_port = free_port()
    stand_in = StandIn(world(children), deliver_to=f"http://127.0.0.1:{webhook_port}/tg")
    with stand_in:
        config = write_config(workdir, stand_in, database, webhook_port)
        bot = Bot(config, settings.mode, workdir / "bot.log")
        order = list(children)
        rng.shuffle(order)
        per_round = -(-len(order) // settings.rounds)
        sent: set[int] = set()
        try:
            start_and_wait(bot, stand_in)
            outcome.starts += 1
            for number in range(settings.rounds):
                batch = order[number * per_round : (number + 1) * per_round]
                with stand_in.world() as sim:
                    for child in batch:
                        sim.user_sends(child.user_id, rng.choice(URGENT_WORDS))
                sent.update(c.user_id for c in batch)
                outcome.sent += len(batch)
                time.sleep(rng.uniform(0, settings.kill_within))
                graceful = settings.graceful_every and (number + 1) % settings.graceful_every == 0
                if graceful:
                    outcome.graceful_stops += 1
                    if not bot.stop():
                        outcome.kills += 1
                else:
                    bot.kill()
                    outcome.kills += 1
                start_and_wait(bot, stand_in)
                outcome.starts += 1
            if not wait_settled(stand_in, bot, database, children, sent):
                outcome.problems.append("not settled in time")
        finally:
            bot.stop()
            outcome.started_at = bot.started_at
        with stand_in.world() as sim:
            outcome.crisis = crisis_counts(sim, children)
            outcome.cards = card_counts(sim, children)
            outcome.card_sends = card_sends(sim, children)
            outcome.crisis_sends = crisis_sends(sim, children)
    outcome.alerts, outcome.messages, waiting, pending = database_counts(database)
    _judge(outcome, [by_uid[uid] for uid in sorted(sent)], waiting, pending)
    log = (workdir / "bot.log").read_text(encoding="utf-8", errors="replace")
    if given_up := log.count("update given up"):
        outcome.problems.append(f"{given_up} updates given up (see bot.log)")
    return outcome


def _judge(outcome: Outcome, senders: list[Child], waiting: int, pending: int) -> None:
    """One alert and one stored message per urgent message; at least one crisis reply and one
    card, a second only across a restart (the send-then-mark window)."""
    for child in senders:
        for name, got in (
            ("alerts", outcome.alerts[child.person_id]),
            ("stored messages", outcome.messages[child.person_id]),
        ):
            if got != 1:
                outcome.problems.append(f"{child.pseudonym}: {got} {name}")
        replies = outcome.crisis[child.user_id]
        if replies == 0:
            outcome.problems.append(f"{child.pseudonym}: no crisis reply")
        elif replies > 1:
            if _across_restart(outcome.crisis_sends.get(child.user_id, []), outcome.started_at):
                outcome.duplicate_crisis.append(child.pseudonym)
            else:
                outcome.problems.append(f"{child.pseudonym}: {replies} crisis replies in one run")
        cards = outcome.cards[child.pseudonym]
        if cards == 0:
            outcome.problems.append(f"{child.pseudonym}: no card")
        elif cards > 1:
            restarted = _across_restart(
                outcome.card_sends.get(child.pseudonym, []), outcome.started_at
            )
            how = "across a restart" if restarted else "same run"
            outcome.duplicate_cards.append(f"{child.pseudonym} ({how})")
    if waiting:
        outcome.problems.append(f"{waiting} updates still waiting in the inbox")
    if pending:
        outcome.problems.append(f"{pending} outbox rows still pending")


def main(argv: list[str] | None = None) -> int:
    """`python -m bench.killsoak`: both modes; exit 1 when a count is wrong."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--children", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--graceful-every", type=int, default=4)
    parser.add_argument("--mode", choices=("polling", "webhook", "both"), default="both")
    parser.add_argument("--workdir", type=Path, default=None, help="kept: database and bot.log")
    args = parser.parse_args(argv)
    seed_value = args.seed if args.seed is not None else random.SystemRandom().randrange(10**6)
    modes = ("polling", "webhook") if args.mode == "both" else (args.mode,)
    failed = False
    with tempfile.TemporaryDirectory(prefix="qiao-killsoak-") as tmp:
        root = args.workdir or Path(tmp)
        for mode in modes:
            settings = Settings(
                mode, args.children, args.rounds, seed_value, graceful_every=args.graceful_every
            )
            outcome = run(root / mode, settings)
            print(outcome.line(), flush=True)
            same_run = [p for p in outcome.duplicate_cards if "same run" in p]
            failed = failed or bool(outcome.problems or same_run)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
