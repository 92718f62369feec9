"""Qiao on a simulated Telegram with a hand-moved clock: shared by the tests, the demo and bench.

The real PTB Application runs unchanged; only its transport (SimTelegram) and its clock
(ManualClock) are stand-ins. `advance` jumps the clock to the next moment a job has work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from telegram import Update

from bot.clock import ManualClock
from bot.config import Config, config_from_dict
from bot.runtime import Runtime
from bot.simtelegram import SimMessage, SimTelegram
from bot.telegram import inbox, job_due, outbox_sender
from bot.telegram.app import all_jobs, build_application, start_offline, stop_offline
from bot.telegram.context import App
from bot.telegram.jobs import PeriodicJob, run_job

REPO_CONTENT = Path(__file__).resolve().parents[2] / "content"
# Monday 2026-01-05 09:00 in Shanghai: a fixed, ordinary start for every simulation.
DEFAULT_START = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Persona:
    """A simulated Telegram user with a name the demo and tests can use."""

    name: str
    user_id: int
    first_name: str
    language_code: str = "zh"


CAST = (
    Persona("admin", 1001, "Admin"),
    Persona("volunteer", 1002, "Li Wei"),
    Persona("grandma", 1003, "王奶奶"),
    Persona("child", 1004, "小明"),
    Persona("stranger", 1005, "Stranger"),
    Persona("volunteer2", 1006, "Zhang Min"),
    Persona("mother", 1011, "李梅"),
    Persona("father", 1012, "王强"),
)
VOLUNTEER_CHAT_ID = -4001
UNKNOWN_GROUP_ID = -4999


def sim_config(db_path: Path, **sections: dict[str, Any] | str) -> Config:
    """A config for simulations: the cast's admin, the sim volunteer group, a temp database.

    A table (`safety={...}`) is merged into the defaults; a top-level value (`content_dir=...`)
    replaces its default."""
    raw: dict[str, Any] = {
        "telegram": {"token": "7000001:SIMULATEDtokenSIMULATEDtokenSIM"},
        "people": {"admins": [1001], "volunteer_chat_id": VOLUNTEER_CHAT_ID},
        "storage": {"database": str(db_path)},
        "logging": {"format": "text"},
        # The limiter would sleep in real time on a 429; simulations let our code see it.
        "rate_limits": {"max_retries": 0},
        "content_dir": str(REPO_CONTENT),
    }
    for name, values in sections.items():
        base = raw.get(name, {})
        if isinstance(base, dict) and isinstance(values, dict):
            raw[name] = {**base, **values}
        else:
            raw[name] = values
    return config_from_dict(raw, source="simulation")


class Harness:
    """One simulated world: Telegram, clock, database file, and the running Application."""

    def __init__(
        self,
        workdir: Path,
        *,
        start: datetime = DEFAULT_START,
        config: Config | None = None,
        content_root: Path | None = None,
    ) -> None:
        self.workdir = workdir
        self.clock = ManualClock(start)
        self.config = config or sim_config(workdir / "qiao.sqlite3")
        self.content_root = content_root or Path(self.config.content_dir)
        self.sim = SimTelegram(now=self.clock.timestamp)
        self.personas = {p.name: p for p in CAST}
        for persona in CAST:
            self.sim.add_user(
                persona.user_id, persona.first_name, language_code=persona.language_code
            )
        self.sim.add_group(VOLUNTEER_CHAT_ID, "Volunteers", kind="group")
        self.sim.add_group(UNKNOWN_GROUP_ID, "Somebody else's group", kind="group")
        self.jobs: list[PeriodicJob] = all_jobs()
        self._last_run: dict[str, datetime] = {}
        self._app: App | None = None
        self._runtime: Runtime | None = None

    @property
    def app(self) -> App:
        """The running Application."""
        if self._app is None:
            raise RuntimeError("harness not started")
        return self._app

    @property
    def runtime(self) -> Runtime:
        """The running Runtime (database, content, clock)."""
        if self._runtime is None:
            raise RuntimeError("harness not started")
        return self._runtime

    def application(self) -> App:
        """A new, unstarted Application on this world's config, clock and simulated Telegram
        (for tests that run it as `qiao run` would: polling, the webhook server)."""
        return build_application(
            self.config,
            self.clock,
            request=self.sim.request(),
            updates_request=self.sim.request(),
            content_root=self.content_root,
            schedule_jobs=False,
        )

    async def start(self) -> None:
        """Build and initialise the Application against the simulated Telegram."""
        app = self.application()
        self._runtime = await start_offline(app)
        self._app = app
        for job in self.jobs:
            self._last_run.setdefault(job.name, self.clock.now())

    async def stop(self) -> None:
        """Shut the Application down (the database file and the simulated chats stay)."""
        if self._app is not None:
            await stop_offline(self._app)
        self._app = None
        self._runtime = None

    async def restart(self) -> None:
        """Stop and start again on the same database, as after a process restart."""
        await self.stop()
        await self.start()

    async def __aenter__(self) -> Harness:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # --- talking to the bot -------------------------------------------------------------

    def user_id(self, who: str | int) -> int:
        """A persona's user id (ints pass through)."""
        return who if isinstance(who, int) else self.personas[who].user_id

    async def deliver(self, update: dict[str, Any]) -> None:
        """Hand one Update (Telegram JSON) to the Application and wait until it is handled,
        and until the background sender has sent what the handler woke it for."""
        await self.app.process_update(Update.de_json(update, self.app.bot))
        await outbox_sender.settle(self.app)

    async def receive(self, update: dict[str, Any]) -> int:
        """As the polling loop and the webhook do: store the update in the inbox, then handle
        it unless it was stored before; returns how many updates were handled (0 or 1)."""
        new = await inbox.receive(self.app, [Update.de_json(update, self.app.bot)])
        for stored in new:
            await self.app.process_update(stored)
        await outbox_sender.settle(self.app)
        return len(new)

    async def store(self, *updates: dict[str, Any]) -> None:
        """Store updates in the inbox without handling them: a process killed right after."""
        await inbox.receive(self.app, [Update.de_json(u, self.app.bot) for u in updates])

    async def handle_waiting(self) -> int:
        """What a start does first: handle stored updates not handled before; how many."""
        waiting = await inbox.waiting_updates(self.app)
        for stored in waiting:
            await self.app.process_update(stored)
        await outbox_sender.settle(self.app)
        return len(waiting)

    async def say(self, who: str | int, text: str, *, chat_id: int | None = None) -> None:
        """A persona sends a text (or a command) in their private chat or a group."""
        await self.deliver(self.sim.user_sends(self.user_id(who), text, chat_id=chat_id))

    async def press(
        self, who: str | int, button: str | int, *, chat_id: int | None = None
    ) -> SimMessage:
        """Press a button (by label text or 1-based number) on the newest message that has any."""
        uid = self.user_id(who)
        chat = uid if chat_id is None else chat_id
        for message in reversed(self.sim.bot_messages(chat)):
            if not message.buttons:
                continue
            if isinstance(button, int):
                if not 1 <= button <= len(message.buttons):
                    raise LookupError(f"no button {button}; there are {len(message.buttons)}")
                chosen = message.buttons[button - 1]
            else:
                matches = [b for b in message.buttons if button in b.text]
                if not matches:
                    labels = ", ".join(b.text for b in message.buttons)
                    raise LookupError(f"no button like {button!r}; buttons are: {labels}")
                chosen = matches[0]
            if chosen.callback_data is None:
                raise LookupError(f"button {chosen.text!r} is a link, not a press")
            await self.deliver(
                self.sim.user_presses(uid, message.message_id, chosen.callback_data, chat_id=chat)
            )
            return message
        raise LookupError("no message with buttons in this chat")

    # --- time ---------------------------------------------------------------------------

    async def run_jobs(self) -> None:
        """Run every job whose interval has passed since its last run."""
        now = self.clock.now()
        for job in self.jobs:
            last = self._last_run.get(job.name, now)
            if now - last >= job.interval:
                self._last_run[job.name] = now
                await run_job(self.app, job, now)
        await outbox_sender.settle(self.app)  # what the jobs woke the sender for has gone out

    async def run_all_jobs_now(self) -> None:
        """Run every job once, due or not (after a restart, as the real scheduler would)."""
        now = self.clock.now()
        for job in self.jobs:
            self._last_run[job.name] = now
            await run_job(self.app, job, now)
        await outbox_sender.settle(self.app)

    async def advance(self, delta: timedelta, *, step: timedelta | None = None) -> None:
        """Move the clock forward, running each job at every moment of its interval where it
        has something to do (as the real scheduler would, minus the idle runs).

        With `step`, the clock moves in steps of that size and every job due by interval runs
        at each step, idle or not: the slow, literal schedule that the jumping one is checked
        against (tests/test_harness_jumps.py).
        """
        end = self.clock.now() + delta
        if step is not None:
            while self.clock.now() < end:
                self.clock.advance(min(step, end - self.clock.now()))
                await self.run_jobs()
            return
        while True:
            moment, due = await self._next_runs(end)
            if moment is None:
                self.clock.set(end)
                return
            self.clock.set(moment)
            for job in due:
                self._last_run[job.name] = moment
                await run_job(self.app, job, moment)
            await outbox_sender.settle(self.app)

    async def _next_runs(self, end: datetime) -> tuple[datetime | None, list[PeriodicJob]]:
        """The first moment up to `end` at which some job would act, and the jobs that would.

        A job runs on its own grid (its last run plus whole intervals). A job that can say when
        it next has work (`job_due.DUE`) runs at the first grid moment from then; any other
        job runs at every grid moment.
        """
        now = self.clock.now()
        runs: dict[datetime, list[PeriodicJob]] = {}
        for job in self.jobs:
            last = self._last_run.get(job.name, now)
            moment = last + job.interval
            ask = job_due.DUE.get(job.name)
            if ask is not None:
                wanted = await ask(self.app, now)
                if wanted is None:
                    continue
                if wanted > moment:  # the first grid moment at or after `wanted`
                    moment = last + job.interval * -((last - wanted) // job.interval)
            moment = max(moment, now)
            if moment <= end:
                runs.setdefault(moment, []).append(job)
        if not runs:
            return None, []
        first = min(runs)
        return first, runs[first]
