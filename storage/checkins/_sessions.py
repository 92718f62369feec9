"""Check-in sessions: one row per child and period, from written to sent, answered or closed."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from storage.rows import build_one, from_json

OPEN = ("sent", "answering")
FINISHED = ("done", "closed", "missed")


@dataclass(frozen=True)
class Session:
    """One check-in of one child for one period."""

    id: int
    child_id: int
    period: str
    set_id: str
    set_version: int
    origin: str
    status: str
    due_at: int
    created_at: int
    sent_at: int | None
    chat_id: int | None
    message_id: int | None
    current_question: str | None
    question_message: int | None
    last_activity_at: int | None
    reminder_at: int | None
    closed_at: int | None
    tidy_at: int | None
    level: int
    reasons: list[dict[str, Any]]
    resend_at: int | None = None

    @property
    def is_open(self) -> bool:
        """Sent and not yet finished: answers are accepted."""
        return self.status in OPEN


COLUMNS = (
    "id, child_id, period, set_id, set_version, origin, status, due_at, created_at, sent_at,"
    " chat_id, message_id, current_question, question_message, last_activity_at, reminder_at,"
    " closed_at, tidy_at, level, reasons, resend_at"
)


def session_row(row: sqlite3.Row | None) -> Session | None:
    """A `COLUMNS` row as a Session (None stays None)."""
    return build_one(Session, row, reasons=from_json)


def session_rows(cur: sqlite3.Cursor) -> list[Session]:
    """Every `COLUMNS` row of a cursor as Sessions."""
    return [s for s in (session_row(r) for r in cur.fetchall()) if s is not None]


def create_session(
    conn: sqlite3.Connection,
    *,
    child_id: int,
    period: str,
    set_id: str,
    set_version: int,
    origin: str,
    due_at: int,
    first_question: str,
    now: int,
    status: str = "pending",
) -> int | None:
    """Create the period's session once; None when the child already has one for the period."""
    cur = conn.execute(
        "INSERT INTO checkin_sessions (child_id, period, set_id, set_version, origin, status,"
        " due_at, created_at, current_question) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT(child_id, period) DO NOTHING",
        (child_id, period, set_id, set_version, origin, status, due_at, now, first_question),
    )
    return cur.lastrowid if cur.rowcount > 0 else None


def get(conn: sqlite3.Connection, session_id: int) -> Session | None:
    """A session by id."""
    return session_row(
        conn.execute(
            f"SELECT {COLUMNS} FROM checkin_sessions WHERE id = ?", (session_id,)
        ).fetchone()
    )


@dataclass(frozen=True)
class Answering:
    """What checking and storing one answer needs of a session and its child, in one narrow
    read (an answer is the hot path of every check-in: no more columns than it uses)."""

    session_id: int
    child_id: int
    period: str
    set_id: str
    status: str
    current_question: str | None
    question_message: int | None
    child_chat_id: int | None
    child_user_id: int | None
    child_status: str
    lang: str
    display_name: str | None
    shared_phone: bool
    checkin_weekday: int

    @property
    def is_open(self) -> bool:
        """Sent and not yet finished: answers are accepted."""
        return self.status in OPEN


def answering(conn: sqlite3.Connection, session_id: int) -> Answering | None:
    """A session and the child it belongs to, as an answer needs them."""
    row = conn.execute(
        "SELECT s.id, s.child_id, s.period, s.set_id, s.status, s.current_question,"
        " s.question_message, p.chat_id, p.telegram_user_id, p.status, p.lang, p.display_name,"
        " c.shared_phone, c.checkin_weekday FROM checkin_sessions s"
        " JOIN people p ON p.id = s.child_id JOIN children c ON c.person_id = s.child_id"
        " WHERE s.id = ?",
        (session_id,),
    ).fetchone()
    if row is None:
        return None
    return Answering(
        session_id=row[0],
        child_id=row[1],
        period=row[2],
        set_id=row[3],
        status=row[4],
        current_question=row[5],
        question_message=row[6],
        child_chat_id=row[7],
        child_user_id=row[8],
        child_status=row[9],
        lang=row[10],
        display_name=row[11],
        shared_phone=bool(row[12]),
        checkin_weekday=row[13],
    )


def for_period(conn: sqlite3.Connection, child_id: int, period: str) -> Session | None:
    """The child's session for a period, if there is one."""
    row = conn.execute(
        f"SELECT {COLUMNS} FROM checkin_sessions WHERE child_id = ? AND period = ?",
        (child_id, period),
    ).fetchone()
    return session_row(row)


def of_child(conn: sqlite3.Connection, child_id: int) -> list[Session]:
    """Every session of a child, oldest period first."""
    cur = conn.execute(
        f"SELECT {COLUMNS} FROM checkin_sessions WHERE child_id = ? ORDER BY period, id",
        (child_id,),
    )
    return session_rows(cur)


def before_period(
    conn: sqlite3.Connection, child_id: int, period: str, limit: int, *, skip_missed: bool = False
) -> list[Session]:
    """The child's sessions of earlier periods, newest first (optionally without missed ones)."""
    missed = " AND status != 'missed'" if skip_missed else ""
    cur = conn.execute(
        f"SELECT {COLUMNS} FROM checkin_sessions WHERE child_id = ? AND period < ?{missed}"
        " ORDER BY period DESC LIMIT ?",
        (child_id, period, limit),
    )
    return session_rows(cur)


def pending(conn: sqlite3.Connection, *, after: int = 0, limit: int = 500) -> list[Session]:
    """Up to `limit` sessions written but not yet confirmed sent, with ids above `after`, by id.

    The dispatcher reads them a page at a time, moving `after` on, so a session held back
    (quiet hours, a pause) is passed over once per run rather than read again for every page.
    """
    # A pending session has no sent_at: with it in the condition the (status, sent_at) index
    # yields pending sessions already in id order, so a page costs the same however many are
    # held back (quiet hours can hold a whole province's check-ins for the night).
    cur = conn.execute(
        f"SELECT {COLUMNS} FROM checkin_sessions WHERE status = 'pending' AND sent_at IS NULL"
        " AND answers IS NULL"
        " AND id > ? ORDER BY sent_at, id LIMIT ?",
        (after, limit),
    )
    return session_rows(cur)


def mark_sent(
    conn: sqlite3.Connection,
    session_id: int,
    *,
    now: int,
    chat_id: int,
    message_id: int | None,
    question_message: int | None,
) -> bool:
    """Record that the first message went out (`message_id` None: Telegram did not confirm it,
    but it probably arrived); False if the session was no longer pending."""
    cur = conn.execute(
        "UPDATE checkin_sessions SET status = 'sent', sent_at = ?, chat_id = ?, message_id = ?,"
        " question_message = ?, last_activity_at = ? WHERE id = ? AND status = 'pending'",
        (now, chat_id, message_id, question_message, now, session_id),
    )
    return cur.rowcount > 0


def mark_missed(conn: sqlite3.Connection, session_id: int, now: int) -> bool:
    """A session that was never delivered; False if it had moved on already."""
    cur = conn.execute(
        "UPDATE checkin_sessions SET status = 'missed', closed_at = ?, current_question = NULL"
        " WHERE id = ? AND status = 'pending'",
        (now, session_id),
    )
    return cur.rowcount > 0


def advance(
    conn: sqlite3.Connection,
    session_id: int,
    *,
    expected_question: str,
    next_question: str | None,
    now: int,
    question_message: int | None = None,
    answering: bool = False,
) -> bool:
    """Move an open session past `expected_question`; False if it was not the current one.

    `question_message`, if given, is the message that now asks the next question (the
    answered one, edited in place). `answering`: the session is already `answering`, so a
    next question leaves its status (and the status index) untouched.
    """
    if next_question is not None and answering:
        cur = conn.execute(
            "UPDATE checkin_sessions SET current_question = ?, last_activity_at = ?,"
            " question_message = COALESCE(?, question_message), resend_at = NULL"
            " WHERE id = ? AND current_question = ? AND status = 'answering'",
            (next_question, now, question_message, session_id, expected_question),
        )
        return cur.rowcount > 0
    status = "answering" if next_question is not None else "done"
    closed_at = now if next_question is None else None
    cur = conn.execute(
        "UPDATE checkin_sessions SET current_question = ?, status = ?, closed_at = ?,"
        " last_activity_at = ?, question_message = COALESCE(?, question_message),"
        " resend_at = NULL WHERE id = ? AND current_question = ?"
        " AND status IN ('sent', 'answering')",
        (next_question, status, closed_at, now, question_message, session_id, expected_question),
    )
    return cur.rowcount > 0


def set_question_message(
    conn: sqlite3.Connection, session_id: int, message_id: int | None, now: int
) -> None:
    """Remember which message asks the current question (its buttons are removed later)."""
    conn.execute(
        "UPDATE checkin_sessions SET question_message = ?, last_activity_at = ? WHERE id = ?",
        (message_id, now, session_id),
    )


def touch(conn: sqlite3.Connection, session_id: int, now: int) -> None:
    """Note activity on a session (a shared phone's exchange is tidied when idle)."""
    conn.execute("UPDATE checkin_sessions SET last_activity_at = ? WHERE id = ?", (now, session_id))


def raise_level(
    conn: sqlite3.Connection, session_id: int, level: int, reasons: list[dict[str, Any]]
) -> None:
    """Keep the session's highest level and add reasons (categories and codes only)."""
    row = conn.execute(
        "SELECT level, reasons FROM checkin_sessions WHERE id = ?", (session_id,)
    ).fetchone()
    if row is None:
        return
    merged: list[dict[str, Any]] = json.loads(row["reasons"])
    for reason in reasons:
        if reason not in merged:
            merged.append(reason)
    conn.execute(
        "UPDATE checkin_sessions SET level = MAX(level, ?), reasons = ? WHERE id = ?",
        (level, json.dumps(merged, ensure_ascii=False), session_id),
    )
