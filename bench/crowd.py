"""Many children answering their weekly check-in through the real Application.

The crowd opens every child's check-in with the real dispatcher job (sessions written,
first messages sent), then produces each child's next answer as an Update: a press on the
newest question's buttons, or a typed text for the free-text question. Answers follow a
fixed, seeded mix: nineteen presses in twenty pick an option with no risk, the rest a `watch` or
`concern` option (never `urgent`: urgent answers are the latency figure's own load); two
free-text answers in five are typed, the rest skipped. The mix holds for every set the bot
sends (weekly, WHO-5, follow-up): each press is judged by the risks of its own session's set.
"""

from __future__ import annotations

import contextlib
import json
import random
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bench.world import BenchFamily, add_families, newest_with_buttons
from bot.levels import RiskLevel
from bot.services.checkins import check_set
from bot.simtelegram.harness import Harness
from bot.telegram import checkins as checkin_handlers
from bot.telegram.jobs import PeriodicJob, run_job

QUESTIONS = 6
"""Answers in one weekly check-in: five button questions and the free-text one."""
TEXTS = (
    "今天考试了，还行",
    "周末和奶奶去赶集了",
    "作业太多了，累死了",
    "想爸爸妈妈了",
    "同学借了我的笔没还",
    "我们班篮球赢了！",
)
RISKY_SHARE = 0.05
DISPATCH_JOB = "checkins.dispatch"
TYPED_SHARE = 0.4


@dataclass(frozen=True)
class Answer:
    """One answer about to be given: the update and what it is."""

    family: BenchFamily
    update: dict[str, Any]
    question: str
    option: str | None


def dispatch_job() -> PeriodicJob:
    """The check-in feature's dispatcher job (the one that sends due check-ins)."""
    for job in checkin_handlers.JOBS:
        if job.name == DISPATCH_JOB:
            return job
    names = ", ".join(j.name for j in checkin_handlers.JOBS) or "none"
    raise LookupError(f"no {DISPATCH_JOB!r} job in bot.telegram.checkins.JOBS ({names})")


class Crowd:
    """Children with open check-ins, and the answers they give."""

    def __init__(self, h: Harness, *, seed: int = 8) -> None:
        self.h = h
        self.rng = random.Random(seed)
        self.families: list[BenchFamily] = []
        self.risk: dict[str, dict[tuple[str, str], RiskLevel]] = {}
        """Each session plan's option risks, by set id (a follow-up's "same" is a concern;
        a plan such as `weekly+homework` includes its week's rotating question)."""
        self._set_of: dict[int, str] = {}

    async def open(self, count: int, *, first: int = 0) -> list[BenchFamily]:
        """Create `count` families due now and run the dispatcher once to open their check-ins."""
        now = self.h.runtime.ts()
        made = await add_families(self.h, count, first=first, due_at=now - 60)
        await self.dispatch()
        self.families.extend(made)
        return made

    async def dispatch(self) -> None:
        """Run the check-in dispatcher job as the scheduler would."""
        now: datetime = self.h.clock.now()
        await run_job(self.h.app, dispatch_job(), now)

    def answer(
        self, family: BenchFamily, *, option: str | None = None, calm: bool = False
    ) -> Answer | None:
        """The child's next answer (None once the check-in is finished).

        `option` forces an option id (e.g. "adult" for an urgent answer) when the current
        question has it; `calm` picks only options with no risk.
        """
        message = newest_with_buttons(self.h.sim, family.child_uid)
        if message is None:
            return None
        datas = [b.callback_data for b in message.buttons if b.callback_data]
        answers = [d for d in datas if d.startswith("ci:")]
        if not answers:
            return None
        question = answers[0].split(":")[2]
        if len(answers) == 1 and answers[0].endswith(":-skip"):
            typed = not calm and self.rng.random() < TYPED_SHARE
            if option == "-text" or (option is None and typed):
                text = self.rng.choice(TEXTS)
                return Answer(family, self.h.sim.user_sends(family.child_uid, text), question, None)
            chosen = answers[0]
        elif option is not None and any(d.endswith(f":{option}") for d in answers):
            chosen = next(d for d in answers if d.endswith(f":{option}"))
        else:
            chosen = self._pick(answers, calm=calm)
        update = self.h.sim.user_presses(family.child_uid, message.message_id, chosen)
        return Answer(family, update, question, chosen.split(":")[3])

    def session_set(self, session_id: int) -> str:
        """The set a session asks (read once from the file, without the bot's connection)."""
        found = self._set_of.get(session_id)
        if found is None:
            path = f"file:{self.h.config.storage.database}?mode=ro"
            with contextlib.closing(sqlite3.connect(path, uri=True)) as conn:
                row = conn.execute(
                    "SELECT set_id FROM checkin_sessions WHERE id = ?", (session_id,)
                ).fetchone()
            if row is None:
                raise LookupError(f"check-in session {session_id} is not stored")
            found = self._set_of[session_id] = str(row[0])
        return found

    def _risks(self, set_id: str) -> dict[tuple[str, str], RiskLevel]:
        found = self.risk.get(set_id)
        if found is None:
            asked = check_set(self.h.runtime.content, set_id)
            found = {(q.id, o.id): o.risk for q in asked.questions for o in q.options}
            self.risk[set_id] = found
        return found

    def _pick(self, answers: list[str], *, calm: bool = False) -> str:
        quiet, risky = [], []
        for data in answers:
            _, session, question, option = data.split(":")
            risks = self._risks(self.session_set(int(session)))
            level = risks.get((question, option), RiskLevel.NONE)
            if level == RiskLevel.NONE:
                quiet.append(data)
            elif level < RiskLevel.URGENT:
                risky.append(data)
        if risky and not calm and self.rng.random() < RISKY_SHARE:
            return self.rng.choice(risky)
        return self.rng.choice(quiet or answers)

    async def answers_stored(self, families: list[BenchFamily]) -> int:
        """How many answers these children's sessions hold (proof nothing was lost)."""
        ids = json.dumps([f.child_id for f in families])

        def count(conn: sqlite3.Connection) -> int:
            row = conn.execute(
                "SELECT COUNT(*) FROM checkin_answers a JOIN checkin_sessions s"
                " ON s.id = a.session_id WHERE s.child_id IN (SELECT value FROM json_each(?))",
                (ids,),
            ).fetchone()
            return int(row[0])

        return await self.h.runtime.db.run(count)

    async def answered_questions(self, families: list[BenchFamily]) -> set[tuple[int, str]]:
        """(child id, question id) of every answer these children's sessions hold.

        A press repeated before the bot moved the question on is rightly refused ("already
        answered"), so a run compares distinct questions answered, never raw press counts.
        """
        ids = json.dumps([f.child_id for f in families])

        def keys(conn: sqlite3.Connection) -> set[tuple[int, str]]:
            cur = conn.execute(
                "SELECT s.child_id, a.question_id FROM checkin_answers a JOIN checkin_sessions s"
                " ON s.id = a.session_id WHERE s.child_id IN (SELECT value FROM json_each(?))",
                (ids,),
            )
            return {(int(r[0]), str(r[1])) for r in cur}

        return await self.h.runtime.db.run(keys)
