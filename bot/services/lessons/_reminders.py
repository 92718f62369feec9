"""Asking a volunteer for help, and the weekly reminder to come back to the lessons."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import TYPE_CHECKING

from bot.levels import RiskLevel
from bot.services import schedule
from bot.services.alerts import Signal, raise_alert_tx
from bot.services.lessons._model import NUDGE_GAP_SECONDS, HelpOutcome, Nudge, NudgeOutcome
from bot.services.lessons._order import next_lesson
from storage import lessons as store
from storage import people

if TYPE_CHECKING:
    from bot.config import QuietHoursConfig
    from bot.content import ContentBundle


def request_help(
    conn: sqlite3.Connection, content: ContentBundle, person_id: int, now: int
) -> HelpOutcome:
    """Raise a help request for the volunteer group, unless one is still open."""
    if store.open_help_request(conn, person_id):
        return HelpOutcome.ALREADY_OPEN
    progress = store.current(conn, person_id)
    request_id = store.insert_help_request(
        conn, person_id=person_id, lesson_id=progress.lesson_id if progress else None, now=now
    )
    alert_id = raise_alert_tx(
        conn,
        content,
        Signal(
            kind="help_request",
            person_id=person_id,
            level=RiskLevel.CONCERN,
            category="help_request",
            reasons=[],
            source=f"help:{request_id}",
            now=now,
        ),
    )
    store.set_help_alert(conn, request_id, alert_id)
    return HelpOutcome.RAISED


# --- nudges ---------------------------------------------------------------------------------


def has_lesson_left(conn: sqlite3.Connection, content: ContentBundle, person_id: int) -> bool:
    """Whether a caregiver has a lesson under way or one still to take (else no reminder)."""
    return (
        store.current(conn, person_id) is not None
        or next_lesson(conn, content, person_id) is not None
    )


def claim_nudges(
    conn: sqlite3.Connection,
    content: ContentBundle,
    *,
    now: datetime,
    after_days: int,
    quiet: QuietHoursConfig,
    default_timezone: str,
) -> list[Nudge]:
    """Pick the caregivers due a reminder now and record each nudge before it is sent.

    Due: idle for `after_days`, not reminded since they last opened a lesson nor within a
    week, not paused or unreachable, outside quiet hours in their family's time zone, and
    with a lesson left to take.
    """
    ts = int(now.timestamp())
    candidates = store.nudge_candidates(
        conn,
        inactive_before=ts - after_days * 86400,
        nudged_before=ts - NUDGE_GAP_SECONDS,
    )
    claimed: list[Nudge] = []
    for candidate in candidates:
        local = now.astimezone(schedule.zone_or(candidate.timezone, default_timezone))
        if quiet.contains(local.time()):
            continue
        if not has_lesson_left(conn, content, candidate.person_id):
            continue
        nudge_id = store.record_nudge(conn, candidate.person_id, ts)
        claimed.append(
            Nudge(
                nudge_id=nudge_id,
                person_id=candidate.person_id,
                pseudonym=candidate.pseudonym,
                chat_id=candidate.chat_id,
                lang=candidate.lang,
                name=candidate.display_name,
            )
        )
    return claimed


def settle_nudges(
    conn: sqlite3.Connection, outcomes: list[tuple[Nudge, NudgeOutcome]], now: int
) -> None:
    """Record how each claimed reminder went; a blocked chat makes its caregiver unreachable."""
    for nudge, outcome in outcomes:
        if outcome is NudgeOutcome.SENT:
            store.set_nudge_status(conn, nudge.nudge_id, "sent")
        elif outcome is NudgeOutcome.BLOCKED:
            store.set_nudge_status(conn, nudge.nudge_id, "forbidden")
            people.set_unreachable(conn, nudge.person_id, now)
        elif outcome is NudgeOutcome.FAILED:
            store.set_nudge_status(conn, nudge.nudge_id, "failed")
        else:
            store.forget_nudge(conn, nudge.nudge_id)
