"""When each periodic job next has something to do, from what is stored now.

Production runs every job on its interval regardless. The simulation (`bot.simtelegram.harness`)
asks these functions instead, and moves its clock straight to the next moment where a job would
act, so a simulated week costs a few hundred job runs rather than ten thousand. Each function
answers for one job, with the same arguments (connection, content, config, now), in UTC seconds:
a moment at or before `now` means "run it now"; None means "nothing until something else
changes". An answer may be early (the run then does nothing and is asked again) but must never
be late; `tests/test_harness_jumps.py` compares a stepped run with a jumping one to hold that."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.config import Config, QuietHoursConfig
from bot.content import ContentBundle
from bot.levels import RiskLevel
from bot.services import digest, report, report_delivery, schedule
from bot.services.alerts import COORDINATORS, REPOST
from bot.services.checkins import (
    SHARED_FINISHED_SECONDS,
    SHARED_IDLE_SECONDS,
    TIDY_WINDOW_SECONDS,
)
from bot.services.follow_through import EXPIRE_AFTER_SECONDS
from bot.services.lessons import NUDGE_GAP_SECONDS, has_lesson_left
from bot.services.reading import HOUR
from bot.services.reading_jobs import OFFER_HOURS
from storage import alerts, due

DAY = 86400


def _earliest(moments: Iterable[int | None]) -> int | None:
    found = [m for m in moments if m is not None]
    return min(found) if found else None


def _zone(name: str | None, fallback: ZoneInfo) -> ZoneInfo:
    return schedule.zone_of(name) if name else fallback


def _after_quiet(ts: int, zone: ZoneInfo, quiet: QuietHoursConfig) -> int:
    """The first moment at or after `ts` outside the quiet hours of `zone`."""
    return schedule.quiet_hours_end(ts, zone, quiet.start, quiet.end)


def outbox(
    conn: sqlite3.Connection, content: ContentBundle, config: Config, now: int
) -> int | None:
    """The outbox drain: the first pending item's attempt time, or now while a posted card
    lags behind its alert (the drain edits it when the group budget allows)."""
    if due.stale_card_exists(conn):
        return now
    return due.outbox_next_attempt(conn)


def escalation(
    conn: sqlite3.Connection, content: ContentBundle, config: Config, now: int
) -> int | None:
    """Escalation: the next stage not yet reached of each unclaimed alert."""
    timings = config.alerts
    moments: list[int] = []
    for stage in due.unclaimed_stages(conn, min_level=int(RiskLevel.CONCERN)):
        urgent = stage.level >= RiskLevel.URGENT
        repost = (
            timings.urgent_repost_minutes * 60 if urgent else timings.concern_repost_hours * 3600
        )
        if stage.escalation < REPOST:
            moments.append(stage.created_at + repost)
        if urgent and stage.escalation < COORDINATORS:
            moments.append(stage.created_at + timings.urgent_coordinators_minutes * 60)
    return _earliest(moments)


def weekly_digest(
    conn: sqlite3.Connection, content: ContentBundle, config: Config, now: int
) -> int | None:
    """The digest: now while a coordinator still waits for the due week's, else next Monday."""
    zone = config.locale.zone
    local = schedule.local_time(now, zone)
    monday = local.date() - timedelta(days=local.weekday())
    send_at = datetime.combine(monday + timedelta(days=digest.SEND_WEEKDAY), digest.SEND_TIME, zone)
    next_send = int((send_at + timedelta(days=7)).timestamp())
    if local < send_at:
        return int(send_at.timestamp())
    week = digest.due_week(local, zone)
    if week is None:  # pragma: no cover - send_at has passed, so a week is due
        return next_send
    first = alerts.first_person_at(conn)
    if first is None or first >= week.end:
        return next_send
    for coordinator in alerts.coordinators(conn, config.people.admins):
        key = f"digest:{week.period}:{coordinator.id}"
        if coordinator.chat_id is not None and not due.outbox_key_exists(conn, key):
            return now
    return next_send


def dispatch(
    conn: sqlite3.Connection, content: ContentBundle, config: Config, now: int
) -> int | None:
    """The check-in dispatch: a child's next moment, or a written session quiet hours hold."""
    if due.unscheduled_child_exists(conn):
        return now
    fallback = config.locale.zone
    moments: list[int | None] = [due.first_child_due(conn)]
    for pending in due.pending_sends(conn):
        if pending.origin == "schedule" and pending.paused:
            continue  # held until resumed: resuming is a change the next question sees
        if pending.origin == "schedule":
            moments.append(_after_quiet(now, _zone(pending.timezone, fallback), config.quiet_hours))
        else:
            moments.append(now)
    return _earliest(moments)


def sweep(conn: sqlite3.Connection, content: ContentBundle, config: Config, now: int) -> int | None:
    """The check-in sweep: resends, reminders (after quiet hours), closing, tidying."""
    found = due.sweep_moments(conn, finished_since=now - TIDY_WINDOW_SECONDS)
    remind = config.checkins.reminder_after_hours * 3600
    close = config.checkins.close_after_hours * 3600
    reminder = _earliest(
        [
            None if found.unanswered_sent is None else found.unanswered_sent + remind,
            None if found.idle_answering is None else found.idle_answering + remind,
        ]
    )
    # Quiet hours postpone a reminder in the family's own zone; until they end the sweep
    # is asked every interval (early is harmless).
    return _earliest(
        [
            found.resend,
            reminder,
            None if found.open_sent is None else found.open_sent + close,
            now if found.tidy_waiting else None,
            None
            if found.shared_finished is None
            else found.shared_finished + SHARED_FINISHED_SECONDS,
            None if found.shared_idle is None else found.shared_idle + SHARED_IDLE_SECONDS,
        ]
    )


def practice(
    conn: sqlite3.Connection, content: ContentBundle, config: Config, now: int
) -> int | None:
    """Follow-through questions: each plan's moment, after its family's quiet hours (an
    overdue plan expires even in quiet hours)."""
    fallback = config.locale.zone
    moments: list[int] = []
    for plan in due.planned_practice(conn):
        moment = max(plan.due_at, now)
        zone = _zone(plan.timezone, fallback)
        if moment - plan.due_at <= EXPIRE_AFTER_SECONDS:
            moment = min(
                _after_quiet(moment, zone, config.quiet_hours),
                plan.due_at + EXPIRE_AFTER_SECONDS + 1,
            )
        moments.append(moment)
    return _earliest(moments)


def lesson_nudges(
    conn: sqlite3.Connection, content: ContentBundle, config: Config, now: int
) -> int | None:
    """Lesson reminders: idle long enough, a week since the last, outside quiet hours, with a
    lesson left."""
    fallback = config.locale.zone
    after = config.lessons.nudge_after_days * DAY
    moments: list[int] = []
    for clock in due.nudge_clocks(conn):
        if clock.last_nudge is not None and clock.last_nudge >= clock.last_open:
            continue  # one reminder per idle spell: opening a lesson starts a new one
        moment = clock.last_open + after
        if clock.last_nudge is not None:
            moment = max(moment, clock.last_nudge + NUDGE_GAP_SECONDS)
        if moment <= now and not has_lesson_left(conn, content, clock.person_id):
            continue
        zone = _zone(clock.timezone, fallback)
        moments.append(_after_quiet(max(moment, now), zone, config.quiet_hours))
    return _earliest(moments)


def reading(
    conn: sqlite3.Connection, content: ContentBundle, config: Config, now: int
) -> int | None:
    """The reading-list sweep: a volunteer's daily nudge, late items, stale offers."""
    zone = config.locale.zone
    quiet = config.quiet_hours
    found = due.reading_moments(conn)
    moments: list[int | None] = []
    if found.first_offer is not None:
        moments.append(found.first_offer + OFFER_HOURS * HOUR)
    told: list[int | None] = []
    if config.reading_list.enabled and found.volunteer_keys:
        day = schedule.local_time(now, zone).date()
        today = all(
            due.outbox_key_exists(conn, f"{prefix}{day.isoformat()}")
            for _, prefix in found.volunteer_keys
        )
        tomorrow = schedule.at_local(day + timedelta(days=1), 0, zone)
        told.append(tomorrow if today else now)
    if found.first_unreported_unread is not None:
        reachable = any(c.chat_id for c in alerts.coordinators(conn, config.people.admins))
        if reachable:
            told.append(found.first_unreported_unread + config.reading_list.late_hours * HOUR + 1)
    first_told = _earliest(told)
    if first_told is not None:
        moments.append(_after_quiet(max(first_told, now), zone, quiet))
    return _earliest(moments)


def parent_reminders(
    conn: sqlite3.Connection, content: ContentBundle, config: Config, now: int
) -> int | None:
    """Parents' weekly-call reminders: the earliest planned one."""
    return due.first_parent_reminder(conn)


def monthly_report(
    conn: sqlite3.Connection, content: ContentBundle, config: Config, now: int
) -> int | None:
    """The monthly report: now while a reachable coordinator still waits for the due month's,
    else the next 1st at the sending time."""
    zone = config.locale.zone
    local = schedule.local_time(now, zone)
    waiting = report_delivery.waiting_tx(conn, report.due_month(local, zone), config.people.admins)
    if waiting is not None and waiting.coordinators:
        return now
    first = local.date().replace(day=1)
    for start in (first, (first + timedelta(days=32)).replace(day=1)):
        send = datetime.combine(start.replace(day=report.SEND_DAY), report.SEND_TIME, zone)
        if send > local:
            return int(send.timestamp())
    raise AssertionError("next month's sending time lies ahead")  # pragma: no cover
