"""The coordinators' weekly digest: last ISO week in numbers, written once per week and admin.

Watch-level signals wait here instead of paging anyone, so the digest is where a slow slide
(low mood for weeks, missed check-ins) is seen. It holds counts and pseudonyms only. It goes
out through the outbox (dedupe key `digest:<week>:<person>`), so a restart never sends it
twice; it covers only weeks after the first person joined, so a new installation stays quiet.
"""

from __future__ import annotations

import sqlite3
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.levels import RiskLevel
from bot.services.alerts import OUTCOMES, outcome_label, period_of
from bot.services.charts import DigestWeek
from bot.services.parent_calls import VillageContact, contact_by_village
from bot.services.reading import ReadNumbers, read_numbers
from storage import alerts, outbox
from storage.alerts import Coordinator

if TYPE_CHECKING:
    from bot.content import ContentBundle

SEND_WEEKDAY = 0  # Monday
SEND_TIME = time(9, 0)
HISTORY_WEEKS = 8


@dataclass(frozen=True)
class Week:
    """One ISO week in the programme's time zone, as UTC bounds."""

    period: str
    first_day: date
    start: int
    end: int


def week_of(day: date, zone: ZoneInfo) -> Week:
    """The ISO week containing `day` (local), from Monday 00:00 to the next Monday 00:00."""
    monday = day - timedelta(days=day.weekday())
    start = datetime.combine(monday, time(0, 0), zone)
    end = datetime.combine(monday + timedelta(days=7), time(0, 0), zone)
    return Week(period_of(start), monday, int(start.timestamp()), int(end.timestamp()))


def due_week(now: datetime, zone: ZoneInfo) -> Week | None:
    """The week whose digest is due: last week, once this week's Monday 09:00 has passed."""
    local = now.astimezone(zone)
    monday = local.date() - timedelta(days=local.weekday())
    send_at = datetime.combine(monday + timedelta(days=SEND_WEEKDAY), SEND_TIME, zone)
    if local < send_at:
        return None
    return week_of(monday - timedelta(days=7), zone)


@dataclass(frozen=True)
class Digest:
    """The numbers of one week."""

    week: Week
    checkins_sent: int
    checkins_answered: int
    alerts_by_level: dict[int, int]
    outcomes: dict[str, int]
    median_claim_seconds: int | None
    lessons_completed: int
    watch_children: list[str]
    history: list[DigestWeek]
    reading: ReadNumbers = field(default_factory=lambda: ReadNumbers(0, None))
    """Reading-list items read this week and the median hours they waited."""
    contact: list[VillageContact] = field(default_factory=list)
    """Per village: families where the child or a parent reported talking this week."""


def collect_tx(conn: sqlite3.Connection, week: Week, zone: ZoneInfo) -> Digest:
    """Read one week's numbers, and the weeks before it for the chart."""
    sent, answered = alerts.checkins_in_period(conn, week.period)
    delays = alerts.claim_delays(conn, week.start, week.end)
    history: list[DigestWeek] = []
    for back in range(HISTORY_WEEKS - 1, -1, -1):
        past = week_of(week.first_day - timedelta(weeks=back), zone)
        past_sent, past_answered = alerts.checkins_in_period(conn, past.period)
        levels = alerts.created_by_level(conn, past.start, past.end)
        history.append(
            DigestWeek(
                label=past.first_day.strftime("%m-%d"),
                checkins_sent=past_sent,
                checkins_answered=past_answered,
                urgent=levels.get(int(RiskLevel.URGENT), 0),
                concern=levels.get(int(RiskLevel.CONCERN), 0),
            )
        )
    return Digest(
        week=week,
        checkins_sent=sent,
        checkins_answered=answered,
        alerts_by_level=alerts.created_by_level(conn, week.start, week.end),
        outcomes=alerts.resolved_by_outcome(conn, week.start, week.end),
        median_claim_seconds=int(statistics.median(delays)) if delays else None,
        lessons_completed=alerts.lessons_finished(conn, week.start, week.end),
        watch_children=alerts.watch_level_children(conn, week.period, week.start, week.end),
        history=history,
        reading=read_numbers(conn, week.start, week.end),
        contact=contact_by_village(conn, week.period),
    )


def render(content: ContentBundle, digest: Digest, lang: str) -> str:
    """The digest message (HTML) in one coordinator's language."""
    ui = content.ui
    week = digest.week
    last_day = week.first_day + timedelta(days=6)
    levels = [
        ui(
            "alerts.digest.level",
            lang,
            level=content.ui_label(f"alerts.level.{level.label}", lang),
            count=digest.alerts_by_level.get(int(level), 0),
        )
        for level in (RiskLevel.URGENT, RiskLevel.CONCERN)
    ]
    known = [o for o in OUTCOMES if o in digest.outcomes]
    extra = sorted(o for o in digest.outcomes if o not in OUTCOMES)
    outcomes = [
        ui(
            "alerts.digest.level",
            lang,
            level=outcome_label(content, o if o in OUTCOMES else "other", lang),
            count=digest.outcomes[o],
        )
        for o in [*known, *extra]
    ]
    lines = [
        ui(
            "alerts.digest.title",
            lang,
            week=week.period,
            first=week.first_day.strftime("%m-%d"),
            last=last_day.strftime("%m-%d"),
        ),
        ui(
            "alerts.digest.checkins",
            lang,
            sent=digest.checkins_sent,
            answered=digest.checkins_answered,
            percent=_percent(digest.checkins_answered, digest.checkins_sent),
        ),
        ui("alerts.digest.alerts", lang, levels=" · ".join(levels)),
        ui("alerts.digest.outcomes", lang, outcomes=" · ".join(outcomes) or "-"),
    ]
    if digest.median_claim_seconds is None:
        lines.append(ui("alerts.digest.claim_none", lang))
    else:
        minutes = max(1, round(digest.median_claim_seconds / 60))
        lines.append(ui("alerts.digest.claim_median", lang, minutes=minutes))
    lines.append(ui("alerts.digest.lessons", lang, count=digest.lessons_completed))
    if digest.reading.median_hours is None:
        lines.append(ui("reading.digest_none", lang))
    else:
        lines.append(
            ui(
                "reading.digest",
                lang,
                count=digest.reading.read,
                hours=f"{digest.reading.median_hours:g}",
            )
        )
    if digest.watch_children:
        lines.append(ui("alerts.digest.watch", lang, children=", ".join(digest.watch_children)))
    else:
        lines.append(ui("alerts.digest.watch_none", lang))
    if digest.contact:
        lines.append(ui("parents.digest.title", lang))
    for village in digest.contact:
        lines.append(
            ui(
                "parents.digest.village",
                lang,
                village=village.village,
                contacted=village.contacted,
                families=village.families,
                percent=_percent(village.contacted, village.families),
            )
        )
    return "\n".join(lines)


def _percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


@dataclass(frozen=True)
class Queued:
    """The due week: the digest queued now (if any), its recipients, who cannot be reached."""

    week: Week
    digest: Digest | None
    recipients: list[tuple[int, str]]
    unreachable: int


def queue_tx(
    conn: sqlite3.Connection,
    content: ContentBundle,
    *,
    now: datetime,
    zone: ZoneInfo,
    admin_user_ids: Sequence[int],
) -> Queued | None:
    """Queue the due week's digest for every coordinator not yet sent it; None if none is due."""
    week = due_week(now, zone)
    if week is None:
        return None
    first = alerts.first_person_at(conn)
    if first is None or first >= week.end:
        return None  # nobody had joined yet: nothing to report on
    coordinators = alerts.coordinators(conn, admin_user_ids)
    configured = {c.telegram_user_id for c in coordinators}
    unreachable = sum(1 for c in coordinators if c.chat_id is None)
    unreachable += len(set(admin_user_ids) - configured)
    waiting = [
        (c.chat_id, c)
        for c in coordinators
        if c.chat_id is not None and outbox.get(conn, _key(week, c)) is None
    ]
    if not waiting:
        return Queued(week, None, [], unreachable)
    digest = collect_tx(conn, week, zone)
    ts = int(now.timestamp())
    recipients: list[tuple[int, str]] = []
    for chat_id, coordinator in waiting:
        lang = content.language(coordinator.lang)
        outbox.enqueue(
            conn,
            dedupe_key=_key(week, coordinator),
            kind="digest",
            target=outbox.chat_target(chat_id),
            payload={"text": render(content, digest, lang)},
            now=ts,
        )
        recipients.append((chat_id, lang))
    return Queued(week, digest, recipients, unreachable)


def _key(week: Week, coordinator: Coordinator) -> str:
    return f"digest:{week.period}:{coordinator.id}"
