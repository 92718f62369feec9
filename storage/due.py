"""The earliest stored moments at which periodic work can fall due.

Each periodic job acts on rows whose time has come. These queries read, without changing
anything, the smallest such time per job, so a simulation can move its clock straight to the
next moment where something happens instead of running every job every minute. Each query
mirrors the conditions of the job's own query (named in its docstring); when the two differ,
the simulation runs a job late, which the tests that compare a stepped and a jumping run see.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


def _scalar(conn: sqlite3.Connection, sql: str, params: tuple[object, ...] = ()) -> int | None:
    row = conn.execute(sql, params).fetchone()
    return None if row is None or row[0] is None else int(row[0])


def outbox_next_attempt(conn: sqlite3.Connection) -> int | None:
    """The first `next_attempt_at` of a pending item (`storage.outbox.due`)."""
    return _scalar(conn, "SELECT MIN(next_attempt_at) FROM outbox WHERE status = 'pending'")


def stale_card_exists(conn: sqlite3.Connection) -> bool:
    """An alert whose posted cards show an older state (`storage.alerts.stale_cards`)."""
    row = conn.execute("SELECT 1 FROM alerts WHERE card_version > card_shown LIMIT 1").fetchone()
    return row is not None


@dataclass(frozen=True)
class UnclaimedStage:
    """An unclaimed alert's age origin, level and the escalation stage it has reached."""

    created_at: int
    level: int
    escalation: int


def unclaimed_stages(conn: sqlite3.Connection, *, min_level: int) -> list[UnclaimedStage]:
    """Open alerts at or above a level (`storage.alerts.unclaimed`), with their stage."""
    cur = conn.execute(
        "SELECT created_at, level, escalation FROM alerts WHERE status = 'open' AND level >= ?",
        (min_level,),
    )
    return [UnclaimedStage(int(r[0]), int(r[1]), int(r[2])) for r in cur.fetchall()]


def unscheduled_child_exists(conn: sqlite3.Connection) -> bool:
    """An active child with consent and no next moment yet (`unscheduled_children`)."""
    row = conn.execute(
        "SELECT 1 FROM children c JOIN people p ON p.id = c.person_id"
        " WHERE c.next_due_at IS NULL AND p.status = 'active'"
        " AND c.guardian_consent_at IS NOT NULL LIMIT 1"
    ).fetchone()
    return row is not None


def first_child_due(conn: sqlite3.Connection) -> int | None:
    """The earliest next check-in moment of an active child with consent (`due_children`)."""
    return _scalar(
        conn,
        "SELECT MIN(c.next_due_at) FROM children c JOIN people p ON p.id = c.person_id"
        " WHERE c.next_due_at IS NOT NULL AND p.status = 'active'"
        " AND c.guardian_consent_at IS NOT NULL",
    )


@dataclass(frozen=True)
class PendingSend:
    """A written, unsent session: where its family lives and whether quiet hours hold it."""

    origin: str
    timezone: str | None
    paused: bool


def pending_sends(conn: sqlite3.Connection) -> list[PendingSend]:
    """Sessions written but not sent (`storage.checkins.pending`)."""
    cur = conn.execute(
        "SELECT s.origin, f.timezone, p.paused FROM checkin_sessions s"
        " LEFT JOIN children c ON c.person_id = s.child_id"
        " LEFT JOIN families f ON f.id = c.family_id LEFT JOIN people p ON p.id = s.child_id"
        " WHERE s.status = 'pending' AND s.sent_at IS NULL AND s.answers IS NULL"
    )
    return [PendingSend(str(r[0]), r[1], bool(r[2])) for r in cur.fetchall()]


@dataclass(frozen=True)
class SweepMoments:
    """The stored times the check-in sweep compares with `now` (None: no such row)."""

    resend: int | None
    unanswered_sent: int | None
    idle_answering: int | None
    open_sent: int | None
    tidy_waiting: bool
    shared_finished: int | None
    shared_idle: int | None


def sweep_moments(conn: sqlite3.Connection, *, finished_since: int = 0) -> SweepMoments:
    """The inputs of `due_for_resend`, `due_for_reminder`, `due_for_close`, `awaiting_tidy`,
    `finished_shared_untidied` (finished since `finished_since`) and `idle_shared_sessions`,
    each reduced to its minimum."""
    shared = (
        "EXISTS (SELECT 1 FROM children c WHERE c.person_id = s.child_id AND c.shared_phone = 1)"
    )
    return SweepMoments(
        resend=_scalar(conn, "SELECT MIN(resend_at) FROM checkin_sessions"),
        unanswered_sent=_scalar(
            conn,
            "SELECT MIN(sent_at) FROM checkin_sessions WHERE reminder_at IS NULL"
            " AND status = 'sent' AND answers IS NULL",
        ),
        idle_answering=_scalar(
            conn,
            "SELECT MIN(last_activity_at) FROM checkin_sessions WHERE reminder_at IS NULL"
            " AND status = 'answering' AND answers IS NULL",
        ),
        open_sent=_scalar(
            conn,
            "SELECT MIN(sent_at) FROM checkin_sessions WHERE status IN ('sent', 'answering')"
            " AND answers IS NULL",
        ),
        tidy_waiting=conn.execute(
            "SELECT 1 FROM checkin_sessions s WHERE tidy_at IS NOT NULL AND EXISTS"
            " (SELECT 1 FROM checkin_messages m WHERE m.session_id = s.id"
            " AND m.deleted_at IS NULL) LIMIT 1"
        ).fetchone()
        is not None,
        shared_finished=_scalar(
            conn,
            "SELECT MIN(closed_at) FROM checkin_sessions s WHERE status IN ('done', 'closed')"
            " AND answers IS NULL"
            f" AND tidy_at IS NULL AND closed_at >= ? AND {shared}",
            (finished_since,),
        ),
        shared_idle=_scalar(
            conn,
            "SELECT MIN(last_activity_at) FROM checkin_sessions s"
            f" WHERE status IN ('sent', 'answering') AND answers IS NULL AND {shared} AND EXISTS"
            " (SELECT 1 FROM checkin_messages m WHERE m.session_id = s.id"
            " AND m.deleted_at IS NULL AND m.kind != 'handover')",
        ),
    )


@dataclass(frozen=True)
class Planned:
    """A planned practice question's moment and its family's time zone."""

    due_at: int
    timezone: str | None


def planned_practice(conn: sqlite3.Connection) -> list[Planned]:
    """Planned questions for caregivers who can receive them (`storage.practice.due`)."""
    cur = conn.execute(
        "SELECT pp.due_at, f.timezone FROM practice_plans pp JOIN people p ON p.id = pp.person_id"
        " LEFT JOIN families f ON f.id = p.family_id WHERE pp.status = 'planned'"
        " AND p.role = 'caregiver' AND p.status = 'active' AND p.paused = 0"
        " AND p.unreachable_at IS NULL AND p.chat_id IS NOT NULL"
    )
    return [Planned(int(r[0]), r[1]) for r in cur.fetchall()]


@dataclass(frozen=True)
class NudgeClock:
    """A caregiver's last lesson opening (or joining) and last reminder."""

    person_id: int
    last_open: int
    last_nudge: int | None
    timezone: str | None


def nudge_clocks(conn: sqlite3.Connection) -> list[NudgeClock]:
    """Caregivers who may be reminded (`storage.lessons.nudge_candidates` without the times)."""
    cur = conn.execute(
        """
        SELECT p.id,
               COALESCE(
                   a.opened_at,
                   (SELECT MAX(c.at) FROM consents c
                     WHERE c.subject_id = p.id AND c.decision = 'agree'),
                   p.created_at
               ),
               (SELECT MAX(n.at) FROM lesson_nudges n WHERE n.person_id = p.id),
               f.timezone
          FROM people p
          LEFT JOIN lesson_activity a ON a.person_id = p.id
          LEFT JOIN families f ON f.id = p.family_id
         WHERE p.role = 'caregiver' AND p.status = 'active' AND p.paused = 0
           AND p.unreachable_at IS NULL AND p.chat_id IS NOT NULL
        """
    )
    return [
        NudgeClock(int(r[0]), int(r[1]), None if r[2] is None else int(r[2]), r[3])
        for r in cur.fetchall()
    ]


@dataclass(frozen=True)
class ReadingMoments:
    """What the reading-list sweep looks at."""

    volunteer_keys: list[tuple[int, str]]
    """(volunteer id, nudge key prefix) for volunteers with unread items they can be sent."""
    first_unreported_unread: int | None
    first_offer: int | None


def reading_moments(conn: sqlite3.Connection) -> ReadingMoments:
    """The inputs of `volunteers_with_unread`, `late` and `drop_stale_offers`."""
    volunteers = [
        (int(r[0]), f"reading:nudge:{int(r[0])}:")
        for r in conn.execute(
            "SELECT DISTINCT v.id FROM reading_items r JOIN families f ON f.id = r.family_id"
            " JOIN people v ON v.id = f.volunteer_id WHERE r.status = 'unread'"
            " AND v.chat_id IS NOT NULL AND v.status = 'active'"
        )
    ]
    return ReadingMoments(
        volunteers,
        _scalar(
            conn,
            "SELECT MIN(at) FROM reading_items WHERE status = 'unread' AND late_at IS NULL",
        ),
        _scalar(conn, "SELECT MIN(at) FROM reading_items WHERE status = 'offered'"),
    )


def outbox_key_exists(conn: sqlite3.Connection, key: str) -> bool:
    """Whether an outbox item with this dedupe key was ever queued."""
    return conn.execute("SELECT 1 FROM outbox WHERE dedupe_key = ?", (key,)).fetchone() is not None


def first_parent_reminder(conn: sqlite3.Connection) -> int | None:
    """The earliest next weekly-call reminder (`storage.parents.due`)."""
    return _scalar(conn, "SELECT MIN(next_remind_at) FROM parents")
