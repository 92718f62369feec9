"""Lesson progress, lesson activity, nudges and help requests of caregivers.

Every change of position is a compare-and-set on the stored stage and step, so a double or
stale button press that reaches the database anyway changes nothing.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from storage.rows import build_all, build_one

STAGES = ("follow_up", "step", "question", "practice", "done")
FOLLOW_UP_ANSWERS = ("tried", "some", "not_yet")


@dataclass(frozen=True)
class Progress:
    """One caregiver's place in one lesson."""

    person_id: int
    lesson_id: str
    version: int
    stage: str
    step: int
    follow_up_of: str | None
    answer: str | None
    follow_up: str | None
    started_at: int
    updated_at: int
    finished_at: int | None
    followed_up_at: int | None


@dataclass(frozen=True)
class NudgeCandidate:
    """A caregiver who has not opened a lesson for long enough and was not reminded since."""

    person_id: int
    pseudonym: str
    chat_id: int
    lang: str
    display_name: str | None
    timezone: str | None


_COLUMNS = (
    "person_id, lesson_id, version, stage, step, follow_up_of, answer, follow_up, started_at,"
    " updated_at, finished_at, followed_up_at"
)


def _progress(row: sqlite3.Row | None) -> Progress | None:
    return build_one(Progress, row)


def current(conn: sqlite3.Connection, person_id: int) -> Progress | None:
    """The caregiver's unfinished lesson, if any (there is at most one)."""
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM lesson_progress WHERE person_id = ? AND stage != 'done'",
        (person_id,),
    ).fetchone()
    return _progress(row)


def get(conn: sqlite3.Connection, person_id: int, lesson_id: str) -> Progress | None:
    """The caregiver's row for one lesson."""
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM lesson_progress WHERE person_id = ? AND lesson_id = ?",
        (person_id, lesson_id),
    ).fetchone()
    return _progress(row)


def all_of(conn: sqlite3.Connection, person_id: int) -> list[Progress]:
    """Every lesson row of a caregiver, oldest first."""
    cur = conn.execute(
        f"SELECT {_COLUMNS} FROM lesson_progress WHERE person_id = ? ORDER BY started_at, rowid",
        (person_id,),
    )
    return [p for p in (_progress(r) for r in cur.fetchall()) if p is not None]


def last_finished(conn: sqlite3.Connection, person_id: int) -> Progress | None:
    """The lesson the caregiver finished most recently."""
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM lesson_progress WHERE person_id = ? AND stage = 'done'"
        " ORDER BY finished_at DESC, rowid DESC LIMIT 1",
        (person_id,),
    ).fetchone()
    return _progress(row)


def start(
    conn: sqlite3.Connection,
    *,
    person_id: int,
    lesson_id: str,
    version: int,
    follow_up_of: str | None,
    now: int,
) -> bool:
    """Open a lesson (at its follow-up question when `follow_up_of` is set); False if it exists."""
    stage = "follow_up" if follow_up_of else "step"
    cur = conn.execute(
        "INSERT INTO lesson_progress (person_id, lesson_id, version, stage, step, follow_up_of,"
        " started_at, updated_at) VALUES (?, ?, ?, ?, 0, ?, ?, ?)"
        " ON CONFLICT DO NOTHING",
        (person_id, lesson_id, version, stage, follow_up_of, now, now),
    )
    return cur.rowcount > 0


def move(
    conn: sqlite3.Connection,
    *,
    person_id: int,
    lesson_id: str,
    from_stage: str,
    from_step: int,
    to_stage: str,
    to_step: int,
    now: int,
) -> bool:
    """Move from one position to the next; False (nothing changed) if the row was elsewhere."""
    cur = conn.execute(
        "UPDATE lesson_progress SET stage = ?, step = ?, updated_at = ?"
        " WHERE person_id = ? AND lesson_id = ? AND stage = ? AND step = ?",
        (to_stage, to_step, now, person_id, lesson_id, from_stage, from_step),
    )
    return cur.rowcount > 0


def record_answer(
    conn: sqlite3.Connection, *, person_id: int, lesson_id: str, option_id: str, now: int
) -> bool:
    """Store the chosen option and move on to the practice task; False unless at the question."""
    cur = conn.execute(
        "UPDATE lesson_progress SET answer = ?, stage = 'practice', step = 0, updated_at = ?"
        " WHERE person_id = ? AND lesson_id = ? AND stage = 'question'",
        (option_id, now, person_id, lesson_id),
    )
    return cur.rowcount > 0


def finish(conn: sqlite3.Connection, *, person_id: int, lesson_id: str, now: int) -> bool:
    """Mark the lesson done after its practice task; False unless at the practice task."""
    cur = conn.execute(
        "UPDATE lesson_progress SET stage = 'done', finished_at = ?, updated_at = ?"
        " WHERE person_id = ? AND lesson_id = ? AND stage = 'practice'",
        (now, now, person_id, lesson_id),
    )
    return cur.rowcount > 0


def record_follow_up(
    conn: sqlite3.Connection, *, person_id: int, lesson_id: str, answer: str, now: int
) -> bool:
    """Store how the practice of a finished lesson went; False if already answered."""
    if answer not in FOLLOW_UP_ANSWERS:
        raise ValueError(f"unknown follow-up answer {answer!r}")
    cur = conn.execute(
        "UPDATE lesson_progress SET follow_up = ?, followed_up_at = ?"
        " WHERE person_id = ? AND lesson_id = ? AND stage = 'done' AND follow_up IS NULL",
        (answer, now, person_id, lesson_id),
    )
    return cur.rowcount > 0


def restart(
    conn: sqlite3.Connection, *, person_id: int, lesson_id: str, version: int, now: int
) -> None:
    """Take an unfinished lesson back to its start (its text changed meanwhile)."""
    conn.execute(
        "UPDATE lesson_progress SET version = ?, step = 0, answer = NULL, updated_at = ?,"
        " stage = CASE stage WHEN 'follow_up' THEN 'follow_up' ELSE 'step' END"
        " WHERE person_id = ? AND lesson_id = ? AND stage != 'done'",
        (version, now, person_id, lesson_id),
    )


def skip_follow_up(conn: sqlite3.Connection, *, person_id: int, lesson_id: str, now: int) -> None:
    """Leave a follow-up question that can no longer be asked (its lesson was withdrawn)."""
    conn.execute(
        "UPDATE lesson_progress SET stage = 'step', step = 0, updated_at = ?"
        " WHERE person_id = ? AND lesson_id = ? AND stage = 'follow_up'",
        (now, person_id, lesson_id),
    )


def drop(conn: sqlite3.Connection, *, person_id: int, lesson_id: str) -> None:
    """Forget an unfinished lesson that no longer exists in the content."""
    conn.execute(
        "DELETE FROM lesson_progress WHERE person_id = ? AND lesson_id = ? AND stage != 'done'",
        (person_id, lesson_id),
    )


# --- activity and nudges ------------------------------------------------------------------


def touch(conn: sqlite3.Connection, person_id: int, now: int) -> None:
    """Remember that the caregiver opened a lesson now."""
    conn.execute(
        "INSERT INTO lesson_activity (person_id, opened_at) VALUES (?, ?)"
        " ON CONFLICT(person_id) DO UPDATE SET opened_at = MAX(opened_at, excluded.opened_at)",
        (person_id, now),
    )


def opened_at(conn: sqlite3.Connection, person_id: int) -> int | None:
    """When the caregiver last opened a lesson."""
    row = conn.execute(
        "SELECT opened_at FROM lesson_activity WHERE person_id = ?", (person_id,)
    ).fetchone()
    return None if row is None else int(row[0])


def nudge_candidates(
    conn: sqlite3.Connection, *, inactive_before: int, nudged_before: int
) -> list[NudgeCandidate]:
    """Active, reachable, unpaused caregivers idle since `inactive_before` and not yet nudged.

    Idle means: no lesson opened (or, for someone who never opened one, no consent given or
    row created) after `inactive_before`. A caregiver gets no second nudge until they open a
    lesson again, and none within a week of the last (`nudged_before`).
    """
    cur = conn.execute(
        """
        WITH seen AS (
            SELECT p.id AS person_id,
                   COALESCE(
                       a.opened_at,
                       (SELECT MAX(c.at) FROM consents c
                         WHERE c.subject_id = p.id AND c.decision = 'agree'),
                       p.created_at
                   ) AS last_open,
                   (SELECT MAX(n.at) FROM lesson_nudges n WHERE n.person_id = p.id) AS last_nudge
              FROM people p
              LEFT JOIN lesson_activity a ON a.person_id = p.id
             WHERE p.role = 'caregiver' AND p.status = 'active' AND p.paused = 0
               AND p.unreachable_at IS NULL AND p.chat_id IS NOT NULL
        )
        SELECT p.id AS person_id, p.pseudonym, p.chat_id, p.lang, p.display_name, f.timezone
          FROM seen s
          JOIN people p ON p.id = s.person_id
          LEFT JOIN families f ON f.id = p.family_id
         WHERE s.last_open <= ?
           AND (s.last_nudge IS NULL OR (s.last_nudge < s.last_open AND s.last_nudge <= ?))
         ORDER BY p.id
        """,
        (inactive_before, nudged_before),
    )
    return build_all(NudgeCandidate, cur.fetchall())


def record_nudge(conn: sqlite3.Connection, person_id: int, now: int) -> int:
    """Claim a nudge before it is sent (a crash then loses one reminder, never repeats one)."""
    cur = conn.execute("INSERT INTO lesson_nudges (person_id, at) VALUES (?, ?)", (person_id, now))
    if cur.lastrowid is None:  # only possible if the INSERT did not happen
        raise RuntimeError("insert into lesson_nudges returned no row id")
    return cur.lastrowid


def set_nudge_status(conn: sqlite3.Connection, nudge_id: int, status: str) -> None:
    """Record how sending a nudge went."""
    conn.execute("UPDATE lesson_nudges SET status = ? WHERE id = ?", (status, nudge_id))


def forget_nudge(conn: sqlite3.Connection, nudge_id: int) -> None:
    """Drop a claimed nudge that could not be sent for a passing reason, so it is tried again."""
    conn.execute("DELETE FROM lesson_nudges WHERE id = ?", (nudge_id,))


def nudges_of(conn: sqlite3.Connection, person_id: int) -> list[tuple[int, str]]:
    """(time, status) of every nudge a caregiver got, oldest first."""
    cur = conn.execute(
        "SELECT at, status FROM lesson_nudges WHERE person_id = ? ORDER BY at, id", (person_id,)
    )
    return [(int(r[0]), str(r[1])) for r in cur.fetchall()]


# --- help requests ------------------------------------------------------------------------


def open_help_request(conn: sqlite3.Connection, person_id: int) -> bool:
    """Tell whether the caregiver has a help request whose alert is not resolved yet."""
    row = conn.execute(
        "SELECT 1 FROM help_requests h JOIN alerts a ON a.id = h.alert_id"
        " WHERE h.person_id = ? AND a.status != 'resolved' LIMIT 1",
        (person_id,),
    ).fetchone()
    return row is not None


def insert_help_request(
    conn: sqlite3.Connection, *, person_id: int, lesson_id: str | None, now: int
) -> int:
    """Record a press of "ask a volunteer" and return its id."""
    cur = conn.execute(
        "INSERT INTO help_requests (person_id, lesson_id, created_at) VALUES (?, ?, ?)",
        (person_id, lesson_id, now),
    )
    if cur.lastrowid is None:  # only possible if the INSERT did not happen
        raise RuntimeError("insert into help_requests returned no row id")
    return cur.lastrowid


def set_help_alert(conn: sqlite3.Connection, request_id: int, alert_id: int | None) -> None:
    """Link a help request to the alert that announces it."""
    conn.execute("UPDATE help_requests SET alert_id = ? WHERE id = ?", (alert_id, request_id))


def help_request_count(conn: sqlite3.Connection, person_id: int) -> int:
    """How many help requests a caregiver made."""
    row = conn.execute(
        "SELECT COUNT(*) FROM help_requests WHERE person_id = ?", (person_id,)
    ).fetchone()
    return int(row[0])
