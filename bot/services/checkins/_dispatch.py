"""The dispatcher's steps: sessions for due children, first messages to send, sent or not."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.outgoing import Outgoing
from bot.services import checkin_plan, schedule
from bot.services.checkins._base import (
    Household,
    household,
)
from bot.services.checkins._messages import (
    check_set,
    first_message,
)
from storage import checkins as repo
from storage import families, outbox, people

if TYPE_CHECKING:
    from bot.config import Config
    from bot.content import ContentBundle


def choose_set(conn: sqlite3.Connection, content: ContentBundle, child_id: int, period: str) -> str:
    """The plan for a period: `followup` after a period whose answers reached concern, else
    `who5` every second week or `weekly`, each with the week's rotating question.

    A missed week in between does not count: the follow-up waits for the child's next check-in.
    """
    return checkin_plan.choose_plan(conn, content, child_id, period)


def open_session_tx(
    conn: sqlite3.Connection,
    content: ContentBundle,
    *,
    child_id: int,
    period: str,
    origin: str,
    due_at: int,
    now: int,
    status: str = "pending",
) -> int | None:
    """Create the period's session with the right set; None when the period has one already."""
    set_id = choose_set(conn, content, child_id, period)
    cset = check_set(content, set_id)
    return repo.create_session(
        conn,
        child_id=child_id,
        period=period,
        set_id=set_id,
        set_version=cset.version,
        origin=origin,
        due_at=due_at,
        first_question=cset.questions[0].id,
        now=now,
        status=status,
    )


PAGE = 100
"""Children (or pending sessions, or sessions the sweep reminds or closes) handled per
transaction: a page is a few milliseconds of database time, so an urgent answer never waits
long behind a dispatch, and memory holds one page of rendered first messages, however many
children are due."""


@dataclass(frozen=True)
class DispatchCount:
    """What one page of due children did (counts only: this goes to the logs)."""

    scheduled: int = 0
    opened: int = 0
    missed: int = 0
    skipped: int = 0
    seen: int = 0
    """Rows read for this page: fewer than the page size means nothing more is due."""

    def __add__(self, other: DispatchCount) -> DispatchCount:
        return DispatchCount(
            self.scheduled + other.scheduled,
            self.opened + other.opened,
            self.missed + other.missed,
            self.skipped + other.skipped,
            self.seen + other.seen,
        )


def schedule_due_tx(
    conn: sqlite3.Connection,
    content: ContentBundle,
    config: Config,
    now: int,
    *,
    limit: int = PAGE,
) -> DispatchCount:
    """Step 1 for up to `limit` due children: write the period's session, move next_due_at on.

    Children without a next moment yet (just onboarded) get one. A paused or unreachable
    child gets nothing this week; a moment further back than `window_hours` (the bot was
    down) becomes a `missed` session. Every child read has its moment moved past `now`, so
    calling this again reads the next page.
    """
    scheduled = opened = missed = skipped = 0
    unscheduled = repo.unscheduled_children(conn, limit=limit)
    for child in unscheduled:
        zone = schedule.zone_of(child.timezone)
        at = schedule.next_due(now, child.checkin_weekday, child.checkin_minute, zone)
        families.set_next_due(conn, child.child_id, at)
        scheduled += 1
    window = config.checkins.window_hours * 3600
    due = repo.due_children(conn, now, limit=limit)
    for child in due:
        zone = schedule.zone_of(child.timezone)
        following = schedule.next_due(now, child.checkin_weekday, child.checkin_minute, zone)
        families.set_next_due(conn, child.child_id, following)
        if child.paused or child.unreachable_at is not None:
            skipped += 1
            continue
        late = now - child.next_due_at > window
        created = open_session_tx(
            conn,
            content,
            child_id=child.child_id,
            period=schedule.period_of(child.next_due_at, zone),
            origin="schedule",
            due_at=child.next_due_at,
            now=now,
            status="missed" if late else "pending",
        )
        if created is not None and late:
            missed += 1
        elif created is not None:
            opened += 1
    seen = max(len(unscheduled), len(due))
    return DispatchCount(scheduled, opened, missed, skipped, seen)


@dataclass(frozen=True)
class SendPlan:
    """A pending session's first message and where it goes."""

    session_id: int
    child_id: int
    chat_id: int
    shared_phone: bool
    message: Outgoing


@dataclass(frozen=True)
class SendPage:
    """One page of pending sessions: what to send now, and where the next page starts."""

    plans: list[SendPlan]
    last_id: int
    """The highest session id read (the next page reads ids above it)."""
    seen: int
    """Sessions read: fewer than the page size means this was the last page."""


def sendable_tx(
    conn: sqlite3.Connection,
    content: ContentBundle,
    config: Config,
    now: int,
    *,
    after: int = 0,
    limit: int = PAGE,
    only: int | None = None,
) -> SendPage:
    """Step 2 for a page of pending sessions (ids above `after`): what to send now; those
    past their window become `missed`.

    Quiet hours hold a scheduled session back until they end; a session the child asked for
    (`only`, from /checkin) goes at once.
    """
    window = config.checkins.window_hours * 3600
    quiet = config.quiet_hours
    plans: list[SendPlan] = []
    if only is not None:
        found = repo.get(conn, only)
        sessions = [found] if found is not None and found.status == "pending" else []
    else:
        sessions = repo.pending(conn, after=after, limit=limit)
    homes = repo.households(conn, sorted({s.child_id for s in sessions}))
    for session in sessions:
        row = homes.get(session.child_id)
        home = Household(*row) if row is not None else None
        if home is None or home.child.chat_id is None or home.child.status != "active":
            repo.mark_missed(conn, session.id, now)
            continue
        if now - session.due_at > window or home.child.unreachable_at is not None:
            repo.mark_missed(conn, session.id, now)
            continue
        if session.origin == "schedule" and only is None:
            if home.child.paused:
                continue
            if schedule.in_quiet_hours(now, home.zone, quiet.start, quiet.end):
                continue
        cset = check_set(content, session.set_id)
        plans.append(
            SendPlan(
                session.id,
                home.child.id,
                home.child.chat_id,
                home.shared_phone,
                first_message(content, cset, home, session),
            )
        )
    last_id = max((s.id for s in sessions), default=after)
    return SendPage(plans, last_id, len(sessions))


def mark_sent_tx(conn: sqlite3.Connection, plan: SendPlan, message_id: int, now: int) -> None:
    """Step 3: the session is `sent`; remember the message and, on an own phone, the chat state."""
    repo.mark_sent(
        conn,
        plan.session_id,
        now=now,
        chat_id=plan.chat_id,
        message_id=message_id,
        question_message=None if plan.shared_phone else message_id,
    )
    repo.record_message(
        conn,
        session_id=plan.session_id,
        chat_id=plan.chat_id,
        message_id=message_id,
        kind="handover" if plan.shared_phone else "bot",
        now=now,
    )
    if not plan.shared_phone:
        repo.set_checkin_state(
            conn, chat_id=plan.chat_id, child_id=plan.child_id, session_id=plan.session_id, now=now
        )


UNCONFIRMED_RESEND = 10 * 60
"""Seconds after a first message whose send timed out before it is sent again, unless the
child answers it first (it usually did arrive: a second copy right away is what we avoid)."""


def sent_unconfirmed_tx(conn: sqlite3.Connection, plan: SendPlan, now: int) -> None:
    """Step 3 when Telegram did not confirm the send (a timeout): the session counts as sent,
    so a press on the message works at once, and the sweep sends the question again
    `UNCONFIRMED_RESEND` seconds on if nothing was answered by then."""
    if not repo.mark_sent(
        conn, plan.session_id, now=now, chat_id=plan.chat_id, message_id=None, question_message=None
    ):
        return
    if not plan.shared_phone:
        repo.set_checkin_state(
            conn, chat_id=plan.chat_id, child_id=plan.child_id, session_id=plan.session_id, now=now
        )
    repo.set_resend(conn, plan.session_id, now + UNCONFIRMED_RESEND)


def unreachable_tx(
    conn: sqlite3.Connection,
    content: ContentBundle,
    child_id: int,
    session_id: int | None,
    now: int,
) -> bool:
    """The child blocked the bot: mark them, and queue one notice for their volunteer.

    Returns True when this call marked the child (and so queued the notice).
    """
    if session_id is not None:
        repo.mark_missed(conn, session_id, now)
    if not people.set_unreachable(conn, child_id, now):
        return False
    home = household(conn, child_id)
    if home is None:
        return True
    volunteer = people.by_id(conn, home.family.volunteer_id) if home.family.volunteer_id else None
    lang = volunteer.lang if volunteer else "zh"
    text = content.ui(
        "checkins.unreachable_notice",
        lang,
        child=home.child.pseudonym,
        family=home.family.pseudonym,
    )
    target = (
        outbox.chat_target(volunteer.chat_id)
        if volunteer is not None and volunteer.chat_id is not None
        else outbox.VOLUNTEERS
    )
    outbox.enqueue(
        conn,
        dedupe_key=f"unreachable:{child_id}:{now}",
        kind="notice",
        target=target,
        payload={"text": text},
        now=now,
    )
    return True
