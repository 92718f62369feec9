"""Check-in sessions, answers, the messages of each exchange, and children's free messages.

Also the check-in's use of `conversation_state` (keyed by chat: on a shared phone the chat is
the caregiver's while the person answering is the child).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from storage.families import Child, Family
from storage.people import Person

OPEN = ("sent", "answering")
FINISHED = ("done", "closed", "missed")
STATE = "checkin"


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


_SESSION = (
    "id, child_id, period, set_id, set_version, origin, status, due_at, created_at, sent_at,"
    " chat_id, message_id, current_question, question_message, last_activity_at, reminder_at,"
    " closed_at, tidy_at, level, reasons, resend_at"
)


def _session(row: sqlite3.Row | None) -> Session | None:
    if row is None:
        return None
    data = dict(row)
    data["reasons"] = json.loads(data["reasons"])
    return Session(**data)


def _sessions(cur: sqlite3.Cursor) -> list[Session]:
    return [s for s in (_session(r) for r in cur.fetchall()) if s is not None]


@dataclass(frozen=True)
class Answer:
    """One stored answer."""

    session_id: int
    question_id: str
    option_id: str | None
    mood: int | None
    text: str | None
    skipped: bool
    level: int
    reasons: list[dict[str, Any]]
    answered_at: int


@dataclass(frozen=True)
class DueChild:
    """A child whose check-in moment has come, with what the dispatcher needs to decide."""

    child_id: int
    next_due_at: int
    checkin_weekday: int
    checkin_minute: int
    timezone: str
    paused: bool
    unreachable_at: int | None


@dataclass(frozen=True)
class ExchangeMessage:
    """A message of a check-in exchange that may still have to be deleted."""

    chat_id: int
    message_id: int
    kind: str
    at: int


@dataclass(frozen=True)
class ChatState:
    """What a private chat is in the middle of (a check-in's row, when it is ours)."""

    chat_id: int
    person_id: int
    state: str
    data: dict[str, Any]


# --- a child with their settings and family ---------------------------------------------

_HOUSEHOLD = (
    "SELECT p.id, p.pseudonym, p.role, p.telegram_user_id, p.chat_id, p.display_name, p.lang,"
    " p.family_id, p.status, p.paused, p.unreachable_at, c.family_id, c.caregiver_id,"
    " c.age_band, c.shared_phone, c.guardian_consent_at, c.checkin_weekday, c.checkin_minute,"
    " c.next_due_at, f.id, f.pseudonym, f.label, f.volunteer_id, f.timezone"
    " FROM children c JOIN people p ON p.id = c.person_id JOIN families f ON f.id = c.family_id"
)


def _household(row: sqlite3.Row | tuple[Any, ...]) -> tuple[Person, Child, Family]:
    person = Person(
        id=row[0],
        pseudonym=row[1],
        role=row[2],
        telegram_user_id=row[3],
        chat_id=row[4],
        display_name=row[5],
        lang=row[6],
        family_id=row[7],
        status=row[8],
        paused=bool(row[9]),
        unreachable_at=row[10],
    )
    settings = Child(
        person_id=row[0],
        family_id=row[11],
        caregiver_id=row[12],
        age_band=row[13],
        shared_phone=bool(row[14]),
        guardian_consent_at=row[15],
        checkin_weekday=row[16],
        checkin_minute=row[17],
        next_due_at=row[18],
    )
    return person, settings, Family(row[19], row[20], row[21], row[22], row[23])


def household(conn: sqlite3.Connection, child_id: int) -> tuple[Person, Child, Family] | None:
    """A child's person row, check-in settings and family, in one read."""
    row = conn.execute(_HOUSEHOLD + " WHERE c.person_id = ?", (child_id,)).fetchone()
    return None if row is None else _household(row)


def households(
    conn: sqlite3.Connection, child_ids: list[int]
) -> dict[int, tuple[Person, Child, Family]]:
    """Several children's households at once (a page of the dispatcher), by child id."""
    if not child_ids:
        return {}
    cur = conn.execute(
        _HOUSEHOLD + " WHERE c.person_id IN (SELECT value FROM json_each(?))",
        (json.dumps(child_ids),),
    )
    return {row[0]: _household(row) for row in cur}


# --- sessions ---------------------------------------------------------------------------


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
    return _session(
        conn.execute(
            f"SELECT {_SESSION} FROM checkin_sessions WHERE id = ?", (session_id,)
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
        f"SELECT {_SESSION} FROM checkin_sessions WHERE child_id = ? AND period = ?",
        (child_id, period),
    ).fetchone()
    return _session(row)


def of_child(conn: sqlite3.Connection, child_id: int) -> list[Session]:
    """Every session of a child, oldest period first."""
    cur = conn.execute(
        f"SELECT {_SESSION} FROM checkin_sessions WHERE child_id = ? ORDER BY period, id",
        (child_id,),
    )
    return _sessions(cur)


def before_period(
    conn: sqlite3.Connection, child_id: int, period: str, limit: int, *, skip_missed: bool = False
) -> list[Session]:
    """The child's sessions of earlier periods, newest first (optionally without missed ones)."""
    missed = " AND status != 'missed'" if skip_missed else ""
    cur = conn.execute(
        f"SELECT {_SESSION} FROM checkin_sessions WHERE child_id = ? AND period < ?{missed}"
        " ORDER BY period DESC LIMIT ?",
        (child_id, period, limit),
    )
    return _sessions(cur)


def pending(conn: sqlite3.Connection, *, after: int = 0, limit: int = 500) -> list[Session]:
    """Up to `limit` sessions written but not yet confirmed sent, with ids above `after`, by id.

    The dispatcher reads them a page at a time, moving `after` on, so a session held back
    (quiet hours, a pause) is passed over once per run rather than read again for every page.
    """
    # A pending session has no sent_at: with it in the condition the (status, sent_at) index
    # yields pending sessions already in id order, so a page costs the same however many are
    # held back (quiet hours can hold a whole province's check-ins for the night).
    cur = conn.execute(
        f"SELECT {_SESSION} FROM checkin_sessions WHERE status = 'pending' AND sent_at IS NULL"
        " AND id > ? ORDER BY sent_at, id LIMIT ?",
        (after, limit),
    )
    return _sessions(cur)


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


def due_for_reminder(
    conn: sqlite3.Connection, sent_before: int, *, after: int = 0, limit: int = 100
) -> list[Session]:
    """Sessions with no reminder yet that were sent before `sent_before` with nothing answered,
    or were left half-answered since then (so the questions after, the safety question among
    them, are asked once more before the session closes); a page of ids above `after`."""
    cur = conn.execute(
        f"SELECT {_SESSION} FROM checkin_sessions WHERE reminder_at IS NULL AND"
        " ((status = 'sent' AND sent_at <= ?) OR (status = 'answering' AND last_activity_at <= ?))"
        " AND id > ? ORDER BY id LIMIT ?",
        (sent_before, sent_before, after, limit),
    )
    return _sessions(cur)


def set_resend(conn: sqlite3.Connection, session_id: int, at: int | None) -> None:
    """Ask the sweep to send the current question again from `at` on (None: no need)."""
    conn.execute("UPDATE checkin_sessions SET resend_at = ? WHERE id = ?", (at, session_id))


def due_for_resend(conn: sqlite3.Connection, now: int, limit: int = 500) -> list[Session]:
    """Sessions whose current question must be sent again now (a failed send or edit)."""
    cur = conn.execute(
        f"SELECT {_SESSION} FROM checkin_sessions WHERE resend_at IS NOT NULL AND resend_at <= ?"
        " ORDER BY resend_at, id LIMIT ?",
        (now, limit),
    )
    return _sessions(cur)


def set_reminder(conn: sqlite3.Connection, session_id: int, at: int | None) -> bool:
    """Claim (or release) the session's one reminder; False if it was already claimed."""
    if at is None:
        cur = conn.execute(
            "UPDATE checkin_sessions SET reminder_at = NULL WHERE id = ?", (session_id,)
        )
    else:
        cur = conn.execute(
            "UPDATE checkin_sessions SET reminder_at = ? WHERE id = ? AND reminder_at IS NULL",
            (at, session_id),
        )
    return cur.rowcount > 0


def due_for_close(conn: sqlite3.Connection, sent_before: int, *, limit: int = 100) -> list[Session]:
    """Open sessions sent before `sent_before` (the oldest `limit`): they close, keeping what
    was answered, so the next call reads the next page."""
    cur = conn.execute(
        f"SELECT {_SESSION} FROM checkin_sessions WHERE status IN ('sent', 'answering')"
        " AND sent_at <= ? ORDER BY sent_at, id LIMIT ?",
        (sent_before, limit),
    )
    return _sessions(cur)


def close(conn: sqlite3.Connection, session_id: int, now: int) -> bool:
    """Close an open session; False if it had finished already."""
    cur = conn.execute(
        "UPDATE checkin_sessions SET status = 'closed', closed_at = ?, current_question = NULL"
        " WHERE id = ? AND status IN ('sent', 'answering')",
        (now, session_id),
    )
    return cur.rowcount > 0


def request_tidy(conn: sqlite3.Connection, session_id: int, now: int) -> None:
    """Ask for the session's exchange to be deleted (kept until every delete was tried)."""
    conn.execute(
        "UPDATE checkin_sessions SET tidy_at = COALESCE(tidy_at, ?) WHERE id = ?",
        (now, session_id),
    )


def awaiting_tidy(conn: sqlite3.Connection, *, since: int = 0) -> list[Session]:
    """Sessions asked to be tidied (at `since` or later) that still have messages to delete.

    `since` bounds the read to recent requests along the `tidy_at` index: older exchanges are
    past Telegram's 48-hour deletion window and their message ids are pruned.
    """
    cur = conn.execute(
        f"SELECT {_SESSION} FROM checkin_sessions s WHERE tidy_at >= ? AND EXISTS"
        " (SELECT 1 FROM checkin_messages m WHERE m.session_id = s.id AND m.deleted_at IS NULL)"
        " ORDER BY tidy_at, id",
        (since,),
    )
    return _sessions(cur)


# --- answers ----------------------------------------------------------------------------


def insert_answer(
    conn: sqlite3.Connection,
    *,
    session_id: int,
    question_id: str,
    now: int,
    option_id: str | None = None,
    mood: int | None = None,
    text: str | None = None,
    skipped: bool = False,
    level: int = 0,
    reasons: list[dict[str, Any]] | None = None,
    position: int = 0,
) -> bool:
    """Store an answer once; False if this question was answered before (a repeated press)."""
    cur = conn.execute(
        "INSERT INTO checkin_answers (session_id, question_id, position, option_id, mood, text,"
        " skipped, level, reasons, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT(session_id, question_id) DO NOTHING",
        (
            session_id,
            question_id,
            position,
            option_id,
            mood,
            text,
            int(skipped),
            level,
            json.dumps(reasons or [], ensure_ascii=False),
            now,
        ),
    )
    return cur.rowcount > 0


def answer_to(conn: sqlite3.Connection, session_id: int, question_id: str) -> Answer | None:
    """The stored answer to one question of a session, if any."""
    return next((a for a in answers(conn, session_id) if a.question_id == question_id), None)


def answers(conn: sqlite3.Connection, session_id: int) -> list[Answer]:
    """A session's answers in the order given (a live session's: its readers act on the
    exchange under way, never on an archived week, storage/archive.py)."""
    cur = conn.execute(
        "SELECT session_id, question_id, option_id, mood, text, skipped, level, reasons,"
        " answered_at FROM checkin_answers WHERE session_id = ? ORDER BY answered_at, position",
        (session_id,),
    )
    return [
        Answer(
            session_id=r["session_id"],
            question_id=r["question_id"],
            option_id=r["option_id"],
            mood=r["mood"],
            text=r["text"],
            skipped=bool(r["skipped"]),
            level=r["level"],
            reasons=json.loads(r["reasons"]),
            answered_at=r["answered_at"],
        )
        for r in cur.fetchall()
    ]


def moods_before(
    conn: sqlite3.Connection, child_id: int, period: str, limit: int
) -> list[int | None]:
    """The mood of each of the child's earlier sessions, oldest first; None where none was given
    (an archived session keeps its mood in its own row: storage/archive.py)."""
    cur = conn.execute(
        "SELECT s.period, COALESCE(s.mood, (SELECT a.mood FROM checkin_answers a"
        " WHERE a.session_id = s.id AND a.mood IS NOT NULL LIMIT 1)) AS mood"
        " FROM checkin_sessions s"
        " WHERE s.child_id = ? AND s.period < ? AND s.status != 'pending'"
        " ORDER BY s.period DESC LIMIT ?",
        (child_id, period, limit),
    )
    moods = [r["mood"] for r in cur.fetchall()]
    moods.reverse()
    return moods


# --- the messages of an exchange --------------------------------------------------------


def record_message(
    conn: sqlite3.Connection,
    *,
    session_id: int,
    chat_id: int,
    message_id: int,
    kind: str,
    now: int,
) -> None:
    """Remember a message of the exchange so it can be deleted later."""
    conn.execute(
        "INSERT INTO checkin_messages (chat_id, message_id, session_id, kind, at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT(chat_id, message_id) DO NOTHING",
        (chat_id, message_id, session_id, kind, now),
    )


def exchange_session(conn: sqlite3.Connection, chat_id: int, message_id: int) -> int | None:
    """The session a recorded message belongs to (a typed answer handled before), if any."""
    row = conn.execute(
        "SELECT session_id FROM checkin_messages WHERE chat_id = ? AND message_id = ?",
        (chat_id, message_id),
    ).fetchone()
    return None if row is None else int(row[0])


def undeleted_messages(
    conn: sqlite3.Connection, session_id: int, *, keep_handover: bool = False
) -> list[ExchangeMessage]:
    """The exchange's messages not yet deleted, oldest first."""
    sql = (
        "SELECT chat_id, message_id, kind, at FROM checkin_messages"
        " WHERE session_id = ? AND deleted_at IS NULL"
    )
    if keep_handover:
        sql += " AND kind != 'handover'"
    cur = conn.execute(sql + " ORDER BY at, message_id", (session_id,))
    return [ExchangeMessage(r["chat_id"], r["message_id"], r["kind"], r["at"]) for r in cur]


def mark_message_deleted(conn: sqlite3.Connection, chat_id: int, message_id: int, now: int) -> None:
    """A message that is gone (deleted, or Telegram will never let us delete it)."""
    conn.execute(
        "UPDATE checkin_messages SET deleted_at = ? WHERE chat_id = ? AND message_id = ?",
        (now, chat_id, message_id),
    )


def idle_shared_sessions(conn: sqlite3.Connection, idle_before: int) -> list[Session]:
    """Open sessions on a shared phone, idle since `idle_before`, with answers still visible."""
    cur = conn.execute(
        f"SELECT {_SESSION} FROM checkin_sessions s WHERE status IN ('sent', 'answering')"
        " AND last_activity_at <= ? AND EXISTS (SELECT 1 FROM children c"
        " WHERE c.person_id = s.child_id AND c.shared_phone = 1) AND EXISTS"
        " (SELECT 1 FROM checkin_messages m WHERE m.session_id = s.id AND m.deleted_at IS NULL"
        " AND m.kind != 'handover') ORDER BY s.id",
        (idle_before,),
    )
    return _sessions(cur)


SENT_BEFORE_FINISHED = 7 * 24 * 60 * 60
"""A session finishes (answered, or closed by the sweep) within days of being sent: the
sweep's read of finished sessions starts this long before the finishing window."""


def finished_shared_untidied(
    conn: sqlite3.Connection, finished_before: int, *, finished_since: int = 0
) -> list[Session]:
    """Finished sessions on a shared phone not yet asked to be tidied, finished between
    `finished_since` and `finished_before`.

    Read along the `(status, sent_at)` index from a week before `finished_since` (a session
    finishes within days of being sent), so the sweep reads the last few weeks, not every
    finished session ever (own-phone sessions are never tidied by time and would otherwise be
    walked every five minutes).
    """
    cur = conn.execute(
        f"SELECT {_SESSION} FROM checkin_sessions s INDEXED BY checkin_sessions_status"
        " WHERE status IN ('done', 'closed') AND sent_at >= ? AND tidy_at IS NULL"
        " AND closed_at >= ? AND closed_at <= ? AND EXISTS (SELECT 1 FROM children c"
        " WHERE c.person_id = s.child_id AND c.shared_phone = 1) ORDER BY s.id",
        (finished_since - SENT_BEFORE_FINISHED, finished_since, finished_before),
    )
    return _sessions(cur)


# --- conversation state -----------------------------------------------------------------


def chat_state(conn: sqlite3.Connection, chat_id: int) -> ChatState | None:
    """The state row of a private chat, whoever wrote it."""
    row = conn.execute(
        "SELECT chat_id, person_id, state, data FROM conversation_state WHERE chat_id = ?",
        (chat_id,),
    ).fetchone()
    if row is None:
        return None
    return ChatState(row["chat_id"], row["person_id"], row["state"], json.loads(row["data"]))


def set_checkin_state(
    conn: sqlite3.Connection, *, chat_id: int, child_id: int, session_id: int, now: int
) -> None:
    """This chat is answering this child's check-in."""
    conn.execute(
        "INSERT INTO conversation_state (chat_id, person_id, state, data, updated_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT(chat_id) DO UPDATE SET person_id = excluded.person_id,"
        " state = excluded.state, data = excluded.data, updated_at = excluded.updated_at",
        (chat_id, child_id, STATE, json.dumps({"session": session_id}), now),
    )


def clear_checkin_state(conn: sqlite3.Connection, chat_id: int, session_id: int) -> None:
    """Forget the chat's check-in state if it still points at this session."""
    conn.execute(
        "DELETE FROM conversation_state WHERE chat_id = ? AND state = ?"
        " AND json_extract(data, '$.session') = ?",
        (chat_id, STATE, session_id),
    )


# --- scheduling -------------------------------------------------------------------------


def due_children(conn: sqlite3.Connection, now: int, *, limit: int = 500) -> list[DueChild]:
    """Up to `limit` active children with guardian consent whose next check-in moment has come,
    longest due first (the dispatcher moves each one's moment on, so the next page is new)."""
    cur = conn.execute(
        "SELECT c.person_id, c.next_due_at, c.checkin_weekday, c.checkin_minute, f.timezone,"
        " p.paused, p.unreachable_at FROM children c JOIN people p ON p.id = c.person_id"
        " JOIN families f ON f.id = c.family_id WHERE c.next_due_at IS NOT NULL"
        " AND c.next_due_at <= ? AND p.status = 'active' AND c.guardian_consent_at IS NOT NULL"
        " ORDER BY c.next_due_at, c.person_id LIMIT ?",
        (now, limit),
    )
    return [
        DueChild(
            child_id=r["person_id"],
            next_due_at=r["next_due_at"],
            checkin_weekday=r["checkin_weekday"],
            checkin_minute=r["checkin_minute"],
            timezone=r["timezone"],
            paused=bool(r["paused"]),
            unreachable_at=r["unreachable_at"],
        )
        for r in cur.fetchall()
    ]


def unscheduled_children(conn: sqlite3.Connection, *, limit: int = 500) -> list[DueChild]:
    """Up to `limit` active children with guardian consent who have no next check-in moment yet."""
    cur = conn.execute(
        "SELECT c.person_id, c.checkin_weekday, c.checkin_minute, f.timezone, p.paused,"
        " p.unreachable_at FROM children c JOIN people p ON p.id = c.person_id"
        " JOIN families f ON f.id = c.family_id WHERE c.next_due_at IS NULL"
        " AND p.status = 'active' AND c.guardian_consent_at IS NOT NULL ORDER BY c.person_id"
        " LIMIT ?",
        (limit,),
    )
    return [
        DueChild(
            child_id=r["person_id"],
            next_due_at=0,
            checkin_weekday=r["checkin_weekday"],
            checkin_minute=r["checkin_minute"],
            timezone=r["timezone"],
            paused=bool(r["paused"]),
            unreachable_at=r["unreachable_at"],
        )
        for r in cur.fetchall()
    ]


# --- children's free messages -----------------------------------------------------------


def insert_child_message(
    conn: sqlite3.Connection,
    *,
    child_id: int,
    text: str,
    length: int,
    level: int,
    reasons: list[dict[str, Any]],
    now: int,
    chat_message_id: int | None = None,
) -> int:
    """Store what a child wrote outside a check-in question; returns its id.

    `chat_message_id` is the Telegram message it came in (one row per message: see
    `child_message_by_chat`)."""
    cur = conn.execute(
        "INSERT INTO child_messages (child_id, text, length, level, reasons, at, chat_message_id)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            child_id,
            text,
            length,
            level,
            json.dumps(reasons, ensure_ascii=False),
            now,
            chat_message_id,
        ),
    )
    if cur.lastrowid is None:  # only possible if the INSERT did not happen
        raise RuntimeError("insert into child_messages returned no row id")
    return cur.lastrowid


def child_message_by_chat(
    conn: sqlite3.Connection, child_id: int, chat_message_id: int
) -> ChildMessage | None:
    """The stored message that came in this Telegram message (the update handled before)."""
    row = conn.execute(
        "SELECT id, child_id, text, length, level, reasons, at FROM child_messages"
        " WHERE child_id = ? AND chat_message_id = ?",
        (child_id, chat_message_id),
    ).fetchone()
    if row is None:
        return None
    return ChildMessage(
        row["id"],
        row["child_id"],
        row["text"],
        row["length"],
        row["level"],
        json.loads(row["reasons"]),
        row["at"],
    )


@dataclass(frozen=True)
class ChildMessage:
    """One stored free message of a child."""

    id: int
    child_id: int
    text: str | None
    length: int
    level: int
    reasons: list[dict[str, Any]]
    at: int


def child_messages(conn: sqlite3.Connection, child_id: int) -> list[ChildMessage]:
    """A child's free messages, oldest first."""
    cur = conn.execute(
        "SELECT id, child_id, text, length, level, reasons, at FROM child_messages"
        " WHERE child_id = ? ORDER BY at, id",
        (child_id,),
    )
    return [
        ChildMessage(
            r["id"],
            r["child_id"],
            r["text"],
            r["length"],
            r["level"],
            json.loads(r["reasons"]),
            r["at"],
        )
        for r in cur.fetchall()
    ]


def recent_child_messages(
    conn: sqlite3.Connection, child_id: int, since: int, limit: int
) -> list[ChildMessage]:
    """A child's free messages stored at or after `since`: the last `limit`, oldest first.

    Read before a new message is assessed, so split disclosures can be read together.
    """
    cur = conn.execute(
        "SELECT id, child_id, text, length, level, reasons, at FROM child_messages"
        " WHERE child_id = ? AND at >= ? ORDER BY at DESC, id DESC LIMIT ?",
        (child_id, since, limit),
    )
    rows = [
        ChildMessage(
            r["id"],
            r["child_id"],
            r["text"],
            r["length"],
            r["level"],
            json.loads(r["reasons"]),
            r["at"],
        )
        for r in cur.fetchall()
    ]
    return rows[::-1]
