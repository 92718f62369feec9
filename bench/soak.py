"""The soak test: a simulated week for many families on the simulated Telegram, with faults.

Why it exists: the promises that matter most — every due check-in goes out once, every
urgent answer reaches a volunteer, no answer is lost — must hold while Telegram misbehaves
and the process dies at bad moments, not only in tidy one-fault tests. The soak runs the
real Application (bot.simtelegram.harness.Harness) for N families over D days: children answer (or
ignore) their check-ins, some write on their own, some of them urgently, grandparents take
lesson steps, volunteers claim alerts. A seeded generator injects 429s, network errors,
timeouts and 502s, blocks some children, migrates the volunteer group once (the migration
update delivered or not) and restarts the bot at random moments, some right after a
dispatcher send failed.

Afterwards three independent records are compared: what the driver did (`Given`), what the
simulated Telegram saw (its call log, not the bot's own bookkeeping) and the database (read
with plain read-only SQL, not through the storage layer under test). `check` is a pure
function of that `Observation`, so tests can feed it fabricated faults.

`python -m bench.soak --families 200 --days 7` (make soak) prints the seed, one summary line
and, when a check fails, what failed; it exits 1 then. tests/soak runs a short form.
"""

from __future__ import annotations

import argparse
import asyncio
import heapq
import html
import logging
import random
import re
import secrets
import shutil
import sqlite3
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

from telegram.error import NetworkError, RetryAfter

from bot.content import ContentBundle, QuestionType
from bot.levels import RiskLevel
from bot.services import checkin_plan, schedule
from bot.simtelegram import Fault, SimMessage
from bot.simtelegram.harness import VOLUNTEER_CHAT_ID, Harness, sim_config
from bot.simtelegram.seed import ChildSeed, FamilySeed, seed_family

ZONE_NAME = "Asia/Shanghai"
ZONE = schedule.zone_of(ZONE_NAME)
NEW_GROUP_ID = -1_009_990_004_001
"""Where the volunteer group moves when Telegram turns it into a supergroup mid-week."""
VOLUNTEER_UID, CAREGIVER_UID, CHILD_UID = 880_000_000, 881_000_000, 882_000_000
FAMILIES_PER_VOLUNTEER = 25
SENT_STATUSES = ("sent", "answering", "done", "closed")
SKIP = "-skip"
GIVE_UP_HOURS = 60
"""Children stop answering a check-in this long after it arrived (it closes at 72 hours), so
a press the driver makes is always one the rules must accept."""
MAX_VISITS = 6

URGENT_TEXTS = (
    "我不想活了",
    "我真的不想活了，活着没意思",
    "叔叔又打我了，我好怕",
    "爸爸喝醉了又打我，我好怕",
    "我想自杀",
)
"""Free texts the risk rules must rate urgent (checked at the start of every run)."""
CALM_TEXTS = (
    "今天考试了，还行",
    "周末和奶奶去赶集了",
    "作业太多了，累死了",
    "想爸爸妈妈了",
    "我们班篮球赢了！",
    "奶奶做的红烧肉真好吃",
)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
GIVEN_CHARS = (
    "子涵梓轩欣怡浩宇雨桐一诺俊熙思琪宇航梦瑶晨曦佳琪嘉怡皓轩若汐沐阳语嫣铭泽诗琪博文紫萱天佑"
)
_FAULT_DESCRIPTIONS = ("simulated connection reset", "simulated timeout", "Bad Gateway")
_CARD_CODE = re.compile(r"<code>A-(\d+)</code>")
"""How an alert card (and its re-post) names its alert in the volunteer chat."""


# --- settings -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SoakSettings:
    """One soak run's shape; the defaults are the long form (`make soak`)."""

    families: int = 200
    days: int = 7
    seed: int = 0
    faults_per_day: float = 40.0
    restarts: int = 6
    urgent_share: float = 0.1
    """Share of typed texts (check-in answers and messages) that are urgent; half as many
    presses of an urgent button ("a grown-up hurt me")."""
    blocked_share: float = 0.03
    shared_share: float = 0.2
    sibling_share: float = 0.15
    writer_share: float = 0.15
    learner_share: float = 0.4
    claim_share: float = 0.5
    step_minutes: int = 5
    settle_hours: int = 2
    """After the last day, time runs on without faults so that what is due goes out."""
    migrate: bool = True
    deliver_migration: bool | None = None
    """Whether the bot gets the group's migration update; None: the seed decides."""
    content_root: Path | None = None


def short_settings(seed: int, *, deliver_migration: bool | None = None) -> SoakSettings:
    """The short form for `make test`: a week for 25 families with fewer faults."""
    return SoakSettings(
        families=25,
        days=7,
        seed=seed,
        faults_per_day=15.0,
        restarts=3,
        deliver_migration=deliver_migration,
    )


# --- the population -----------------------------------------------------------------------


@dataclass
class Exchange:
    """One check-in as the child (the driver) experiences it."""

    session_id: int
    arrived_at: int
    answered: set[str] = field(default_factory=set)
    scheduled: bool = False
    finished: bool = False
    stopped: bool = False
    visits: int = 0


@dataclass
class Kid:
    """A simulated child: their phone, their slot and how they treat check-ins."""

    index: int
    name: str
    shared: bool
    uid: int | None
    chat_id: int
    weekday: int
    minute: int
    behaviour: str
    """prompt (answers within hours), late (after the reminder), partial (stops part way),
    ignore (never answers: reminded, then closed)."""
    stop_after: int
    writes: bool
    person_id: int = 0
    blocked_at: int | None = None
    exchanges: dict[int, Exchange] = field(default_factory=dict)

    @property
    def actor(self) -> int:
        """Whose account presses: the child's own, or the caregiver's on a shared phone."""
        return self.uid if self.uid is not None else self.chat_id


@dataclass
class Home:
    """A simulated family: one caregiver's phone and one or two children."""

    index: int
    caregiver_uid: int
    volunteer: int
    learns: bool
    kids: list[Kid]


def plan_population(rng: random.Random, settings: SoakSettings) -> list[Home]:
    """Families, their slots and behaviours, drawn from the seeded generator."""
    homes: list[Home] = []
    names = _names(rng)
    kid_index = 0
    for index in range(settings.families):
        caregiver_uid = CAREGIVER_UID + index
        shared = rng.random() < settings.shared_share
        count = 2 if rng.random() < settings.sibling_share else 1
        kids = []
        for _ in range(count):
            uid = None if shared else CHILD_UID + kid_index
            weekday, minute = _slot(rng)
            behaviour = rng.choices(("prompt", "late", "partial", "ignore"), (60, 15, 10, 15))[0]
            kids.append(
                Kid(
                    index=kid_index,
                    name=next(names),
                    shared=shared,
                    uid=uid,
                    chat_id=caregiver_uid if uid is None else uid,
                    weekday=weekday,
                    minute=minute,
                    behaviour=behaviour,
                    stop_after=rng.randint(1, 3),
                    writes=not shared and rng.random() < settings.writer_share,
                )
            )
            kid_index += 1
        volunteer = index // FAMILIES_PER_VOLUNTEER
        learns = rng.random() < settings.learner_share
        homes.append(Home(index, caregiver_uid, volunteer, learns, kids))
    return homes


def _names(rng: random.Random) -> Iterator[str]:
    """Unique three-character names: they must never turn up in a group message."""
    seen: set[str] = set()
    while True:
        name = rng.choice(SURNAMES) + rng.choice(GIVEN_CHARS) + rng.choice(GIVEN_CHARS)
        if name not in seen:
            seen.add(name)
            yield name


def _slot(rng: random.Random) -> tuple[int, int]:
    """A weekday and a local minute: mostly the offered times, some odd ones, a few at night."""
    weekday = rng.randrange(7)
    roll = rng.random()
    if roll < 0.65:
        minute = rng.choice((8 * 60, 10 * 60, 16 * 60, 19 * 60, 20 * 60))
    elif roll < 0.93:
        minute = rng.randrange(8 * 60, 21 * 60, 5)
    else:  # quiet hours: the dispatcher holds these until morning
        minute = rng.choice((21 * 60 + 30, 22 * 60 + 45, 6 * 60 + 15, 7 * 60 + 40))
    return weekday, minute


def volunteer_count(settings: SoakSettings) -> int:
    """One volunteer looks after up to FAMILIES_PER_VOLUNTEER families."""
    return max(1, -(-settings.families // FAMILIES_PER_VOLUNTEER))


async def write_population(h: Harness, homes: list[Home], settings: SoakSettings) -> None:
    """Create every volunteer, family, caregiver and child with storage calls, in one go."""
    now = h.runtime.ts()
    volunteers = volunteer_count(settings)

    def write(conn: sqlite3.Connection) -> None:
        for home in homes:
            seed = FamilySeed(
                pseudonym=f"F-SK{home.index:04d}",
                volunteer_uid=VOLUNTEER_UID + home.volunteer,
                volunteer_pseudonym=f"V-SK{home.volunteer:03d}",
                caregiver_uid=home.caregiver_uid,
                caregiver_pseudonym=f"G-SK{home.index:04d}",
                timezone=ZONE_NAME,
                children=tuple(
                    ChildSeed(
                        f"C-SK{kid.index:04d}",
                        kid.uid,
                        name=kid.name,
                        weekday=kid.weekday,
                        minute=kid.minute,
                    )
                    for kid in home.kids
                ),
            )
            made = seed_family(conn, seed, now)
            for kid, child_id in zip(home.kids, made.child_ids, strict=True):
                kid.person_id = child_id

    await h.runtime.db.tx(write)
    for n in range(volunteers):
        h.sim.add_user(VOLUNTEER_UID + n, f"志愿者{n}")
    for home in homes:
        h.sim.add_user(home.caregiver_uid, "奶奶")
        for kid in home.kids:
            if kid.uid is not None:
                h.sim.add_user(kid.uid, kid.name)


# --- what is compared -----------------------------------------------------------------------


@dataclass(frozen=True)
class Given:
    """One answer or message the driver gave (and Telegram delivered to the bot)."""

    kind: str
    """"button" (a check-in press, SKIP for a skip) or "text" (typed, answer or message)."""
    child_id: int
    session_id: int | None = None
    question_id: str | None = None
    option_id: str | None = None
    text: str | None = None
    urgent: bool = False


@dataclass(frozen=True)
class SessionRow:
    """A check-in session as the database holds it."""

    id: int
    child_id: int
    period: str
    status: str
    due_at: int
    set_id: str = "weekly"


@dataclass(frozen=True)
class AnswerRow:
    """A stored check-in answer."""

    session_id: int
    question_id: str
    option_id: str | None
    text: str | None
    skipped: bool


@dataclass(frozen=True)
class MessageRow:
    """A stored free message of a child."""

    id: int
    child_id: int
    text: str | None


@dataclass(frozen=True)
class AlertRow:
    """A stored alert."""

    id: int
    person_id: int
    source: str
    level: int
    status: str
    escalation: int = 0
    """0, or the escalation stage reached (stage 1 re-posts the card once)."""


@dataclass(frozen=True)
class Due:
    """A check-in moment that fell inside the simulated days."""

    child_id: int
    period: str
    due_at: int


@dataclass
class Observation:
    """Everything the checks read: the driver's log, Telegram's record, the database."""

    due: list[Due] = field(default_factory=list)
    sessions: list[SessionRow] = field(default_factory=list)
    intros: dict[int, int] = field(default_factory=dict)
    """Session id → first messages (intro or hand-over) Telegram accepted for it."""
    reminders: dict[int, int] = field(default_factory=dict)
    blocked: dict[int, int] = field(default_factory=dict)
    """Child id → when the child blocked the bot."""
    unreachable: set[int] = field(default_factory=set)
    given: list[Given] = field(default_factory=list)
    answers: list[AnswerRow] = field(default_factory=list)
    messages: list[MessageRow] = field(default_factory=list)
    alerts: list[AlertRow] = field(default_factory=list)
    signals: dict[tuple[int, str], int] = field(default_factory=dict)
    """(person, source) → the alert that signal was counted into (one child, one open alert)."""
    group_texts: list[str] = field(default_factory=list)
    """Every text the bot sent or edited into the volunteer chat (old or new id), plain."""
    group_posts: dict[int, int] = field(default_factory=dict)
    """Alert id → cards Telegram accepted in the volunteer chat (old or new id)."""
    private_words: list[str] = field(default_factory=list)
    """Children's names and texts: none may appear in a group message."""
    urgent_texts: frozenset[str] = frozenset(URGENT_TEXTS)
    problems: list[str] = field(default_factory=list)
    """Found while observing: integrity checks, crashes, rules that no longer hold."""


@dataclass
class Report:
    """The counts checked and every problem found (empty when the soak passed)."""

    sent: int = 0
    reminders: int = 0
    answered: int = 0
    urgent: int = 0
    alerts: int = 0
    reached: int = 0
    missed_by_rule: int = 0
    duplicates: int = 0
    lost: int = 0
    leaks: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Nothing failed."""
        return not self.problems


# --- the checks -----------------------------------------------------------------------------


def check(obs: Observation) -> Report:
    """Compare the three records; every broken promise becomes a problem line."""
    report = Report(problems=list(obs.problems))
    report.sent = sum(obs.intros.values())
    report.reminders = sum(obs.reminders.values())
    report.answered = len(obs.given)
    _check_sessions(obs, report)
    _check_due(obs, report)
    _check_answers(obs, report)
    _check_alerts(obs, report)
    _check_privacy(obs, report)
    return report


def _by_period(obs: Observation) -> dict[tuple[int, str], list[SessionRow]]:
    found: dict[tuple[int, str], list[SessionRow]] = defaultdict(list)
    for row in obs.sessions:
        found[(row.child_id, row.period)].append(row)
    return found


def _check_sessions(obs: Observation, report: Report) -> None:
    """One session per child and period, and one first message per session in Telegram."""
    for (child, period), rows in _by_period(obs).items():
        if len(rows) > 1:
            report.duplicates += len(rows) - 1
            ids = ", ".join(str(r.id) for r in rows)
            report.problems.append(f"duplicate sessions for child {child} in {period}: {ids}")
        intros = sum(obs.intros.get(r.id, 0) for r in rows)
        if intros > 1:
            report.duplicates += intros - 1
            report.problems.append(f"check-in of child {child} for {period} sent {intros} times")
        for row in rows:
            count = obs.intros.get(row.id, 0)
            if row.status in SENT_STATUSES and count == 0:
                report.lost += 1
                report.problems.append(
                    f"session {row.id} is recorded {row.status} but Telegram never got it"
                )
            if row.status in ("pending", "missed") and count > 0:
                report.problems.append(
                    f"session {row.id} reached Telegram but is recorded {row.status}"
                )
            if obs.reminders.get(row.id, 0) > 1:
                report.duplicates += obs.reminders[row.id] - 1
                report.problems.append(
                    f"session {row.id} was reminded {obs.reminders[row.id]} times"
                )


def _check_due(obs: Observation, report: Report) -> None:
    """Every due moment has its session, sent, or missed by the rules (a blocked child)."""
    periods = _by_period(obs)
    for due in obs.due:
        rows = periods.get((due.child_id, due.period), [])
        blocked_at = obs.blocked.get(due.child_id)
        where = f"child {due.child_id} {due.period} (due {_when(due.due_at)})"
        if blocked_at is not None and blocked_at <= due.due_at:
            if any(r.status != "missed" for r in rows):
                report.problems.append(f"{where}: blocked child has a live check-in")
            if due.child_id not in obs.unreachable:
                report.problems.append(f"{where}: blocked child is not marked unreachable")
            report.missed_by_rule += 1
            continue
        if not rows:
            report.lost += 1
            report.problems.append(f"{where}: no check-in was written")
        elif all(r.status == "pending" for r in rows):
            report.lost += 1
            report.problems.append(f"{where}: still pending at the end")
        elif all(r.status == "missed" for r in rows):
            if blocked_at is not None and due.child_id in obs.unreachable:
                report.missed_by_rule += 1
            else:
                report.lost += 1
                report.problems.append(f"{where}: missed without a reason")


def _check_answers(obs: Observation, report: Report) -> None:
    """Each press is stored as given; each typed text is stored once (answer or message)."""
    stored = {(a.session_id, a.question_id): a for a in obs.answers}
    for given in obs.given:
        if given.kind != "button" or given.session_id is None or given.question_id is None:
            continue
        answer = stored.get((given.session_id, given.question_id))
        skip = given.option_id == SKIP
        if (
            answer is None
            or (skip and not answer.skipped)
            or (not skip and answer.option_id != given.option_id)
        ):
            report.lost += 1
            report.problems.append(
                f"answer lost: session {given.session_id} {given.question_id}={given.option_id}"
            )
    child_of = {s.id: s.child_id for s in obs.sessions}
    wanted = Counter((g.child_id, g.text) for g in obs.given if g.kind == "text")
    have: Counter[tuple[int, str | None]] = Counter(
        (child_of.get(a.session_id, -1), a.text) for a in obs.answers if a.text is not None
    )
    have.update((m.child_id, m.text) for m in obs.messages if m.text is not None)
    for (child, text), count in wanted.items():
        found = have.get((child, text), 0)
        if found < count:
            report.lost += count - found
            report.problems.append(f"text lost: child {child} wrote {count}, {found} stored")
        elif found > count:
            report.duplicates += found - count
            report.problems.append(f"text stored twice: child {child} wrote {count}, {found} kept")


def _check_alerts(obs: Observation, report: Report) -> None:
    """Each urgent answer in an urgent alert (its own, or the child's open one it was counted
    into), and every alert posted in the volunteer chat."""
    sources = Counter((a.person_id, a.source) for a in obs.alerts)
    for (person, source), count in sources.items():
        if count > 1:
            report.duplicates += count - 1
            report.problems.append(f"{count} alerts for person {person} from {source}")
    by_source = {(a.person_id, a.source): a for a in obs.alerts}
    by_id = {a.id: a for a in obs.alerts}
    for key, alert_id in obs.signals.items():  # a later signal counted into an open alert
        if key not in by_source and alert_id in by_id:
            by_source[key] = by_id[alert_id]
    child_of = {s.id: s.child_id for s in obs.sessions}
    expected: list[tuple[int, str]] = [
        (g.child_id, f"checkin:{g.session_id}:{g.question_id}")
        for g in obs.given
        if g.kind == "button" and g.urgent
    ]
    expected += [
        (child_of.get(a.session_id, -1), f"checkin:{a.session_id}:{a.question_id}")
        for a in obs.answers
        if a.text in obs.urgent_texts
    ]
    expected += [
        (m.child_id, f"message:{m.id}") for m in obs.messages if m.text in obs.urgent_texts
    ]
    report.urgent = len(expected)
    for person, source in expected:
        alert = by_source.get((person, source))
        if alert is None:
            report.lost += 1
            report.problems.append(f"urgent answer without an alert: person {person} {source}")
        elif alert.level < RiskLevel.URGENT:
            report.problems.append(
                f"urgent answer raised a {RiskLevel(alert.level).label} alert A-{alert.id}"
            )
    posted = [a for a in obs.alerts if a.status != "watch"]
    report.alerts = len(posted)
    for alert in posted:
        cards = obs.group_posts.get(alert.id, 0)
        allowed = 2 if alert.escalation >= 1 else 1
        if cards == 0:
            report.lost += 1
            report.problems.append(f"alert A-{alert.id} ({alert.source}) never reached the group")
            continue
        report.reached += 1
        if cards > allowed:
            report.duplicates += cards - allowed
            report.problems.append(f"alert A-{alert.id} was posted {cards} times ({allowed} due)")


def _check_privacy(obs: Observation, report: Report) -> None:
    """No child's name or words in anything the volunteer chat was sent."""
    for text in obs.group_texts:
        for word in obs.private_words:
            if word in text:
                report.leaks += 1
                report.problems.append(f"group message contains a child's name or text: {word!r}")


def summary(report: Report, settings: SoakSettings, extra: Mapping[str, object]) -> str:
    """The one line `make soak` prints."""
    parts = [
        f"families={settings.families}",
        f"days={settings.days}",
        f"sent={report.sent}",
        f"reminders={report.reminders}",
        f"answered={report.answered}",
        f"alerts={report.alerts}",
        f"urgent={report.urgent}",
        f"reached={report.reached}/{report.alerts}",
        f"missed_by_rule={report.missed_by_rule}",
        *(f"{k}={v}" for k, v in extra.items()),
        f"duplicates={report.duplicates}",
        f"lost={report.lost}",
        f"leaks={report.leaks}",
        f"seed={settings.seed}",
    ]
    return "soak: " + " ".join(parts)


def _when(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).astimezone(ZONE).strftime("%a %m-%d %H:%M")


# --- the driver -----------------------------------------------------------------------------


@dataclass(order=True)
class _Event:
    at: int
    seq: int
    name: str = field(compare=False)
    action: Callable[[], Awaitable[None]] = field(compare=False)


class _ErrorLog(logging.Handler):
    """Collects error records; a failure that is not Telegram's (a fault we injected) is a crash."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.expected = 0
        self.crashes: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, NetworkError | RetryAfter):
            self.expected += 1  # an injected fault interrupted a handler: it must cope
            return
        kind = type(error).__name__ if error is not None else "no exception"
        self.crashes.append(f"error logged by {record.name}: {record.getMessage()} ({kind})")


class Soak:
    """Runs one soak: the world, the children, the faults, and the clock."""

    def __init__(self, h: Harness, settings: SoakSettings, rng: random.Random) -> None:
        self.h = h
        self.settings = settings
        self.rng = rng
        self.homes: list[Home] = []
        self.kids: list[Kid] = []
        self.by_chat: dict[int, list[Kid]] = defaultdict(list)
        self.given: list[Given] = []
        self.events: list[_Event] = []
        self._seq = 0
        self.step = timedelta(minutes=settings.step_minutes)
        self.start = int(h.clock.timestamp())
        self.week_end = self.start + settings.days * 86400
        self.first_run = self.start + int(self.step.total_seconds())
        self.claimed: set[int] = set()
        self.counts: Counter[str] = Counter()
        self.closing = False
        self.closing_faults = False
        self._last_questions: set[str] = set()
        self._free_questions: set[str] = set()

    # --- set-up ---------------------------------------------------------------------------

    async def populate(self) -> None:
        """Write the families and plan every event of the week."""
        self.homes = plan_population(self.rng, self.settings)
        await write_population(self.h, self.homes, self.settings)
        self.kids = [kid for home in self.homes for kid in home.kids]
        for kid in self.kids:
            self.by_chat[kid.chat_id].append(kid)
        content = self.h.runtime.content
        for cset in content.checkins.values():
            self._last_questions.add(cset.questions[-1].id)
            self._free_questions.update(
                q.id for q in cset.questions if q.type == QuestionType.FREE_TEXT
            )
        self.h.sim.subscribe(self._on_sent)
        self._plan_faults()
        self._plan_restarts()
        self._plan_blocks()
        self._plan_migration()
        self._plan_writers()
        self._plan_learners()

    def _at(self, at: int, name: str, action: Callable[[], Awaitable[None]]) -> None:
        self._seq += 1
        heapq.heappush(self.events, _Event(at, self._seq, name, action))

    def _anytime(self) -> int:
        return self.rng.randrange(self.first_run, self.week_end)

    def _daytime(self, at: int) -> int:
        """Children and grandparents act between 07:30 and 22:00 local time."""
        local = datetime.fromtimestamp(at, UTC).astimezone(ZONE)
        if 7 * 60 + 30 <= local.hour * 60 + local.minute < 22 * 60:
            return at
        morning = local.replace(hour=7, minute=30, second=0, microsecond=0)
        if local.hour >= 22:
            morning += timedelta(days=1)
        return int(morning.timestamp()) + self.rng.randrange(0, 2 * 3600)

    def _plan_faults(self) -> None:
        count = round(self.settings.faults_per_day * self.settings.days)
        for _ in range(count):
            self._at(self._anytime(), "fault", self._inject_fault)

    async def _inject_fault(self) -> None:
        kind = self.rng.choices(("429", "network", "timeout", "502"), (35, 25, 20, 20))[0]
        fault = {
            "429": lambda: Fault.retry_after(self.rng.randint(1, 60)),
            "network": Fault.network_error,
            "timeout": Fault.timeout,
            "502": Fault.server_error,
        }[kind]()
        method = None if self.rng.random() < 0.3 else "sendMessage"
        times = 1 if kind == "429" else self.rng.choice((1, 1, 1, 2, 3))
        self.h.sim.fail_next(method, fault, times=times)
        self.counts["faults_injected"] += times

    def _plan_restarts(self) -> None:
        daytime_kids = [k for k in self.kids if 9 * 60 <= k.minute < 20 * 60]
        for number in range(self.settings.restarts):
            if number % 2 == 1 and daytime_kids:
                # Killed right after a dispatcher run whose send failed.
                kid = self.rng.choice(daytime_kids)
                due = schedule.next_due(self.first_run, kid.weekday, kid.minute, ZONE)
                if due < self.week_end:
                    before = due - int(self.step.total_seconds())
                    self._at(before, "kill-prepare", self._fail_dispatch)
                    self._at(due, "kill-mid-dispatch", self._restart)
                    continue
            self._at(self._anytime(), "restart", self._restart)

    async def _fail_dispatch(self) -> None:
        self.h.sim.fail_next("sendMessage", Fault.network_error())
        self.counts["faults_injected"] += 1

    async def _restart(self) -> None:
        # A fault meeting start-up itself is tested on its own (tests/soak/test_found_by_soak.py:
        # a 429 on setMyCommands aborts it); here queued faults are dropped before restarting.
        self.h.sim.clear_faults()
        await self.h.restart()
        self.counts["restarts"] += 1

    def _plan_blocks(self) -> None:
        own = [k for k in self.kids if not k.shared]
        wanted = round(len(self.kids) * self.settings.blocked_share)
        if self.settings.blocked_share > 0:
            wanted = max(1, wanted)
        for kid in self.rng.sample(own, min(wanted, len(own))):
            self._at(self._anytime(), "block", partial(self._block, kid))

    async def _block(self, kid: Kid) -> None:
        if kid.uid is None:
            return
        kid.blocked_at = self.h.runtime.ts()
        self.h.sim.block(kid.uid)
        self.counts["blocked"] += 1

    def _plan_migration(self) -> None:
        if not self.settings.migrate:
            return
        low, high = self.start + int(1.5 * 86400), self.start + int(5.5 * 86400)
        at = self.rng.randrange(low, min(high, self.week_end))
        self._at(at, "migrate", self._migrate)

    async def _migrate(self) -> None:
        update = self.h.sim.group_migrated(VOLUNTEER_CHAT_ID, NEW_GROUP_ID)
        deliver = self.settings.deliver_migration
        if deliver is None:
            deliver = self.rng.random() < 0.5
        if deliver:
            await self.h.deliver(update)
            self.counts["migration_delivered"] += 1
        else:
            self.counts["migration_undelivered"] += 1

    def _plan_writers(self) -> None:
        for kid in self.kids:
            if kid.writes:
                for _ in range(self.rng.randint(1, 2)):
                    at = self._daytime(self._anytime())
                    self._at(at, "write", partial(self._write, kid))

    async def _write(self, kid: Kid) -> None:
        """A child writes on their own; not while a check-in of theirs is half answered."""
        if kid.uid is None or kid.blocked_at is not None:
            return
        busy = any(
            ex.answered and not ex.finished and not ex.stopped for ex in kid.exchanges.values()
        )
        if busy:
            return
        text = self._text()
        self.given.append(Given("text", kid.person_id, text=text, urgent=text in URGENT_TEXTS))
        await self._say(kid.uid, text)

    async def _say(self, uid: int, text: str) -> None:
        """Send a child's text; now and then an urgent one is the last thing before a crash.

        Every send around it fails (the reply, the error note, the alert's first post) and the
        process dies: the alert must still reach the group from the outbox after the restart.
        """
        crash = (
            text in URGENT_TEXTS
            and not self.closing_faults
            and self.counts["urgent_kills"] < self.settings.restarts // 2
            and self.rng.random() < 0.3
        )
        if crash:
            self.h.sim.fail_next(None, Fault.network_error(), times=4)
            self.counts["faults_injected"] += 4
        await self.h.say(uid, text)
        if crash:
            self.counts["urgent_kills"] += 1
            await self._restart()

    def _text(self) -> str:
        if self.rng.random() < self.settings.urgent_share:
            return self.rng.choice(URGENT_TEXTS)
        return self.rng.choice(CALM_TEXTS)

    def _plan_learners(self) -> None:
        for home in self.homes:
            if home.learns:
                for _ in range(self.rng.randint(2, 6)):
                    at = self._daytime(self._anytime())
                    self._at(at, "lesson", partial(self._lesson, home))

    async def _lesson(self, home: Home) -> None:
        """A grandparent asks for the next step or presses the newest lesson button."""
        chat = home.caregiver_uid
        found = self._newest_with(chat, lambda data: data.startswith("ls:") and data != "ls:help")
        if found is None or self.rng.random() < 0.3:
            await self.h.say(chat, "/next")
        else:
            message, data = found
            await self._press(chat, chat, message, data)
        self.counts["lesson_steps"] += 1

    # --- reacting to what the bot sends -----------------------------------------------------

    def _on_sent(self, action: str, message: SimMessage) -> None:
        if action != "sent" or not message.buttons:
            return
        now = int(self.h.clock.timestamp())
        datas = [b.callback_data or "" for b in message.buttons]
        if message.chat_id in (VOLUNTEER_CHAT_ID, NEW_GROUP_ID):
            self._maybe_claim(now, datas)
            return
        kids = self.by_chat.get(message.chat_id)
        if not kids:
            return
        first = datas[0].split(":")
        if first[0] == "cig" and len(first) == 2:
            named = [k for k in kids if k.shared and k.name in message.plain_text]
            if named:
                self._arrived(named[0], int(first[1]), now)
        elif first[0] == "ci" and len(first) == 4 and not kids[0].shared:
            self._arrived(kids[0], int(first[1]), now)

    def _arrived(self, kid: Kid, session_id: int, now: int) -> None:
        """A check-in (or its reminder) reached the child: plan when they answer."""
        ex = kid.exchanges.get(session_id)
        if ex is None:
            ex = kid.exchanges[session_id] = Exchange(session_id, now)
            if kid.behaviour in ("prompt", "partial"):
                self._visit_at(kid, ex, now + self.rng.randrange(600, 6 * 3600))
        elif kid.behaviour == "late" and not ex.scheduled and now - ex.arrived_at > 12 * 3600:
            self._visit_at(kid, ex, now + self.rng.randrange(600, 3 * 3600))

    def _visit_at(self, kid: Kid, ex: Exchange, at: int) -> None:
        ex.scheduled = True
        self._at(self._daytime(at), "visit", partial(self._visit, kid, ex))

    def _maybe_claim(self, now: int, datas: list[str]) -> None:
        for data in datas:
            parts = data.split(":")
            if parts[0] == "alc" and len(parts) == 2 and parts[1].isdigit():
                alert_id = int(parts[1])
                if alert_id in self.claimed:
                    continue
                self.claimed.add(alert_id)
                if self.rng.random() < self.settings.claim_share:
                    at = now + self.rng.randrange(120, 40 * 60)
                    self._at(at, "claim", partial(self._claim, alert_id))

    async def _claim(self, alert_id: int) -> None:
        """A volunteer takes the alert from its newest card in a chat that still exists."""
        data = f"alc:{alert_id}"
        for chat in (NEW_GROUP_ID, VOLUNTEER_CHAT_ID):
            try:
                if self.h.sim.chat(chat).migrated_to is not None:
                    continue
            except KeyError:
                continue
            found = self._newest_with(chat, lambda d: d == data)
            if found is not None:
                uid = VOLUNTEER_UID + self.rng.randrange(volunteer_count(self.settings))
                await self._press(uid, chat, found[0], data)
                self.counts["claims"] += 1
                return

    # --- a child answering ------------------------------------------------------------------

    async def _visit(self, kid: Kid, ex: Exchange) -> None:
        """The child sits down with the check-in and answers what is in front of them."""
        now = self.h.runtime.ts()
        if kid.blocked_at is not None or ex.finished or ex.stopped or self.closing:
            return
        if now - ex.arrived_at > GIVE_UP_HOURS * 3600:
            ex.stopped = True
            return
        ex.visits += 1
        if kid.shared and not await self._take_phone(kid, ex):
            return
        recovered = False
        for _ in range(12):
            current = self._current_question(kid, ex)
            if current is None:
                if ex.answered & self._last_questions:
                    ex.finished = True
                    await self._maybe_tidy(kid, ex)
                    return
                if recovered:
                    break
                recovered = True
                await self._recover(kid, ex)
                continue
            if kid.behaviour == "partial" and len(ex.answered) >= kid.stop_after:
                ex.stopped = True
                return
            await self._answer(kid, ex, *current)
        if ex.visits < MAX_VISITS:
            self._visit_at(kid, ex, now + self.rng.randrange(1800, 7200))

    async def _take_phone(self, kid: Kid, ex: Exchange) -> bool:
        data = f"cig:{ex.session_id}"
        found = self._newest_with(kid.chat_id, lambda d: d == data)
        if found is None:
            return False
        await self._press(kid.actor, kid.chat_id, found[0], data)
        return True

    async def _recover(self, kid: Kid, ex: Exchange) -> None:
        """The next question did not come: ask for the check-in again."""
        self.counts["recoveries"] += 1
        if kid.shared:
            await self._take_phone(kid, ex)
        else:
            await self.h.say(kid.actor, "/checkin")

    def _current_question(self, kid: Kid, ex: Exchange) -> tuple[SimMessage, str, list[str]] | None:
        """The newest question of this check-in on screen, if it is not answered yet."""
        prefix = f"ci:{ex.session_id}:"
        found = self._newest_with(kid.chat_id, lambda d: d.startswith(prefix))
        if found is None:
            return None
        message, data = found
        question = data.split(":")[2]
        if question in ex.answered:
            return None
        datas = [b.callback_data or "" for b in message.buttons]
        return message, question, [d.split(":")[3] for d in datas if d.startswith(prefix)]

    async def _answer(
        self, kid: Kid, ex: Exchange, message: SimMessage, question: str, options: list[str]
    ) -> None:
        """Press an option (or skip), or type the free-text answer."""
        prefix = f"ci:{ex.session_id}:{question}:"
        ex.answered.add(question)
        if question in self._free_questions:
            if self.rng.random() < 0.5:
                text = self._text()
                self.given.append(
                    Given("text", kid.person_id, text=text, urgent=text in URGENT_TEXTS)
                )
                await self._say(kid.actor, text)
                return
            option = SKIP
        else:
            option = self._choose(question, options)
        self.given.append(Given("button", kid.person_id, ex.session_id, question, option))
        await self._press(kid.actor, kid.chat_id, message, prefix + option)

    def _choose(self, question: str, options: list[str]) -> str:
        if "adult" in options and self.rng.random() < self.settings.urgent_share / 2:
            return "adult"
        if question == "mood" and len(options) == 5:
            return self.rng.choices(options, (4, 8, 25, 33, 30))[0]
        weights = [50, 30] + [20 / max(1, len(options) - 2)] * (len(options) - 2)
        return self.rng.choices(options, weights[: len(options)])[0]

    async def _maybe_tidy(self, kid: Kid, ex: Exchange) -> None:
        if self.rng.random() < 0.3:
            data = f"cix:{ex.session_id}"
            found = self._newest_with(kid.chat_id, lambda d: d == data)
            if found is not None:
                await self._press(kid.actor, kid.chat_id, found[0], data)

    # --- small helpers ----------------------------------------------------------------------

    def _newest_with(
        self, chat_id: int, wanted: Callable[[str], bool]
    ) -> tuple[SimMessage, str] | None:
        """The newest visible bot message in a chat with a button whose data `wanted` likes."""
        for message in reversed(self.h.sim.messages(chat_id)):
            if not message.from_bot:
                continue
            for button in message.buttons:
                if button.callback_data is not None and wanted(button.callback_data):
                    return message, button.callback_data
        return None

    async def _press(self, uid: int, chat_id: int, message: SimMessage, data: str) -> None:
        update = self.h.sim.user_presses(uid, message.message_id, data, chat_id=chat_id)
        await self.h.deliver(update)

    # --- the clock --------------------------------------------------------------------------

    async def run(self) -> None:
        """The simulated days, then a quiet settling time without faults or restarts."""
        await self._until(self.week_end)
        self.closing_faults = True
        self.h.sim.clear_faults()
        self.events = [e for e in self.events if e.name not in ("fault", "restart", "block")]
        heapq.heapify(self.events)
        await self._until(self.week_end + self.settings.settle_hours * 3600)
        self.closing = True

    async def _until(self, end: int) -> None:
        while int(self.h.clock.timestamp()) < end:
            await self.h.advance(self.step, step=self.step)
            now = int(self.h.clock.timestamp())
            while self.events and self.events[0].at <= now:
                event = heapq.heappop(self.events)
                await event.action()

    # --- what happened ----------------------------------------------------------------------

    def due_moments(self) -> list[Due]:
        """Every check-in moment of every child inside the simulated days."""
        found = []
        for kid in self.kids:
            at = schedule.next_due(self.first_run, kid.weekday, kid.minute, ZONE)
            while at <= self.week_end:
                found.append(Due(kid.person_id, schedule.period_of(at, ZONE), at))
                at = schedule.next_due(at, kid.weekday, kid.minute, ZONE)
        return found


def observe(soak: Soak, content: ContentBundle, db_path: Path, errors: _ErrorLog) -> Observation:
    """Gather the driver's log, Telegram's call record and the database into one Observation."""
    obs = Observation(due=soak.due_moments(), given=list(soak.given))
    obs.blocked = {k.person_id: k.blocked_at for k in soak.kids if k.blocked_at is not None}
    obs.private_words = [k.name for k in soak.kids] + sorted(
        {g.text for g in soak.given if g.text is not None}
    )
    _read_database(obs, db_path)
    _read_telegram(obs, soak, content)
    sets = {s.id: s.set_id for s in obs.sessions}
    obs.given = [_with_urgency(g, content, sets) for g in obs.given]
    obs.problems.extend(errors.crashes)
    return obs


def _with_urgency(given: Given, content: ContentBundle, sets: dict[int, str]) -> Given:
    """A press is urgent when the content says its option is (the bot's verdict is not used)."""
    if given.kind != "button" or given.session_id is None or given.option_id in (None, SKIP):
        return given
    try:
        plan = sets.get(given.session_id, "weekly")  # e.g. weekly+chores: set + rotating question
        question = checkin_plan.resolve(content, plan).question(given.question_id or "")
        urgent = question.option(given.option_id or "").risk >= RiskLevel.URGENT
    except KeyError:
        return given
    return Given(
        given.kind,
        given.child_id,
        given.session_id,
        given.question_id,
        given.option_id,
        given.text,
        urgent,
    )


def _read_database(obs: Observation, db_path: Path) -> None:
    """Read the rows with plain SQL: the checker must not trust the storage code it checks."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        integrity = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        if integrity != ["ok"]:
            obs.problems.append(f"integrity_check: {integrity[:5]}")
        broken = conn.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            obs.problems.append(f"foreign_key_check: {len(broken)} rows, e.g. {broken[:3]}")
        obs.sessions = [
            SessionRow(*row)
            for row in conn.execute(
                "SELECT id, child_id, period, status, due_at, set_id FROM checkin_sessions"
            )
        ]
        obs.answers = [
            AnswerRow(s, q, o, t, bool(k))
            for s, q, o, t, k in conn.execute(
                "SELECT session_id, question_id, option_id, text, skipped FROM checkin_answers"
            )
        ]
        obs.messages = [
            MessageRow(*row)
            for row in conn.execute("SELECT id, child_id, text FROM child_messages")
        ]
        obs.alerts = [
            AlertRow(*row)
            for row in conn.execute(
                "SELECT id, person_id, source, level, status, escalation FROM alerts"
            )
        ]
        obs.signals = {
            (int(person), str(source)): int(alert)
            for alert, person, source in conn.execute(
                "SELECT alert_id, person_id, source FROM alert_signals"
            )
        }
        obs.unreachable = {
            row[0] for row in conn.execute("SELECT id FROM people WHERE unreachable_at IS NOT NULL")
        }
        backlog = conn.execute(
            "SELECT COUNT(*) FROM outbox WHERE status = 'pending' AND kind = 'alert'"
        ).fetchone()[0]
        if backlog:
            obs.problems.append(f"{backlog} alert posts still waiting in the outbox at the end")
    finally:
        conn.close()


def _read_telegram(obs: Observation, soak: Soak, content: ContentBundle) -> None:
    """Count first messages and reminders per session from the calls Telegram accepted."""
    openings: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for kid in soak.kids:
        if kid.shared:
            openings[kid.chat_id] += [
                ("intro", content.ui("checkins.handover", "zh", nickname=kid.name)),
                ("reminder", content.ui("checkins.reminder_shared", "zh", nickname=kid.name)),
            ]
        else:
            openings[kid.chat_id] += [
                ("intro", content.render(cset.intro, "zh", nickname=kid.name))
                for cset in content.checkins.values()
            ]
            openings[kid.chat_id].append(
                ("reminder", content.ui("checkins.reminder", "zh", nickname=kid.name))
            )
    intros: Counter[int] = Counter()
    reminders: Counter[int] = Counter()
    posts: Counter[int] = Counter()
    groups = (VOLUNTEER_CHAT_ID, NEW_GROUP_ID)
    for call in soak.h.sim.calls:
        chat = _chat_id(call.params.get("chat_id"))
        if chat in groups:
            text = call.params.get("text") or call.params.get("caption")
            if isinstance(text, str):
                obs.group_texts.append(html.unescape(text))
                if call.method == "sendMessage" and call.ok:
                    posts.update(int(code) for code in set(_CARD_CODE.findall(text)))
            continue
        if call.method != "sendMessage" or not call.ok or chat not in openings:
            continue
        text = str(call.params.get("text", ""))
        session = _session_of(call.params.get("reply_markup"))
        if session is None:
            continue
        for kind, opening in openings[chat]:
            if text.startswith(opening):
                (intros if kind == "intro" else reminders)[session] += 1
                break
    obs.intros = dict(intros)
    obs.reminders = dict(reminders)
    obs.group_posts = dict(posts)


def _chat_id(raw: object) -> int | None:
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.lstrip("-").isdigit():
        return int(raw)
    return None


def _session_of(markup: object) -> int | None:
    """The session a check-in message's first button belongs to (ci:<id>:… or cig:<id>)."""
    if not isinstance(markup, dict):
        return None
    rows = markup.get("inline_keyboard") or []
    for row in rows:
        for button in row:
            parts = str(button.get("callback_data", "")).split(":")
            if parts[0] in ("ci", "cig") and len(parts) > 1 and parts[1].isdigit():
                return int(parts[1])
    return None


# --- running it ---------------------------------------------------------------------------


@dataclass
class SoakResult:
    """A finished run: the report, its summary line and what the run did."""

    settings: SoakSettings
    report: Report
    line: str
    seconds: float
    counts: dict[str, int]


def urgent_texts_problems(h: Harness) -> list[str]:
    """The soak's urgent texts must still be urgent under the shipped risk rules."""
    problems = []
    for text in URGENT_TEXTS:
        level = h.runtime.risk.assess_text(text, "zh").level
        if level < RiskLevel.URGENT:
            problems.append(f"risk rules rate {text!r} {level.label}, not urgent")
    return problems


async def run_soak(settings: SoakSettings, workdir: Path) -> SoakResult:
    """Run one soak in `workdir` and check it."""
    started = time.perf_counter()
    rng = random.Random(settings.seed)
    await asyncio.to_thread(workdir.mkdir, parents=True, exist_ok=True)
    db_path = workdir / "soak.sqlite3"
    # PTB's AIORateLimiter paces in real time; on a simulated clock it would only add waiting.
    config = sim_config(db_path, rate_limits={"enabled": False})
    h = Harness(workdir, config=config, content_root=settings.content_root)
    errors = _ErrorLog()
    root = logging.getLogger()
    root.addHandler(errors)
    try:
        await h.start()
        early = urgent_texts_problems(h)
        soak = Soak(h, settings, rng)
        await soak.populate()
        await soak.run()
        content = h.runtime.content
    finally:
        await h.stop()
        root.removeHandler(errors)
    obs = observe(soak, content, db_path, errors)
    obs.problems[:0] = early
    report = check(obs)
    faults_fired = sum(
        1
        for call in h.sim.calls
        if call.description is not None
        and (
            call.description in _FAULT_DESCRIPTIONS
            or call.description.startswith("Too Many Requests")
        )
    )
    counts = {
        "faults": faults_fired,
        "restarts": soak.counts["restarts"],
        "urgent_kills": soak.counts["urgent_kills"],
        "blocked": soak.counts["blocked"],
        "migrated": soak.counts["migration_delivered"] + soak.counts["migration_undelivered"],
        "migration_delivered": soak.counts["migration_delivered"],
        "recoveries": soak.counts["recoveries"],
        "claims": soak.counts["claims"],
        "lesson_steps": soak.counts["lesson_steps"],
        "handler_faults": errors.expected,
    }
    line = summary(report, settings, counts)
    return SoakResult(settings, report, line, time.perf_counter() - started, counts)


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m bench.soak`: run, print the summary line and any failures; exit 1 on failure."""
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__)
    parser.add_argument("--families", type=int, default=200)
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--seed", type=int, default=None, help="default: a fresh random seed")
    parser.add_argument("--faults-per-day", type=float, default=SoakSettings.faults_per_day)
    parser.add_argument("--restarts", type=int, default=SoakSettings.restarts)
    parser.add_argument("--urgent-share", type=float, default=SoakSettings.urgent_share)
    parser.add_argument("--workdir", type=Path, default=None, help="default: a temporary folder")
    parser.add_argument("--content", type=Path, default=None, help="content folder to use")
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else secrets.randbelow(2**31)
    settings = SoakSettings(
        families=args.families,
        days=args.days,
        seed=seed,
        faults_per_day=args.faults_per_day,
        restarts=args.restarts,
        urgent_share=args.urgent_share,
        content_root=args.content,
    )
    print(f"soak: seed={seed} families={settings.families} days={settings.days}", flush=True)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="qiao-soak-"))
    result = asyncio.run(run_soak(settings, workdir))
    print(result.line)
    print(f"soak: {result.seconds:.1f} s", flush=True)
    if result.report.ok:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
        return 0
    print(f"soak: FAILED ({len(result.report.problems)} problems); database kept in {workdir}")
    for problem in result.report.problems[:100]:
        print(f"  - {problem}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
