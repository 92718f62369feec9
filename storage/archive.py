"""Old check-ins stored compactly: answers packed into their session row (migration 0014).

A finished check-in (done, closed or missed) due more than `ARCHIVE_WEEKS` ago whose answers
hold no child's words any more (retention blanked them) needs only what trends, the export,
the parents' view and the alert desk read back: each answer's question, option or mood, skip,
typed-but-removed mark and risk level. Those go into `checkin_sessions.answers`, the mood into
`checkin_sessions.mood`; the answer rows are deleted, and the columns that only the live
exchange or the sweep's recent weeks read (the sent moment, chat, message ids, current
question, last activity, reminder, tidy and resend moments) and the session's reasons (the
alerts keep the categories that matter) are emptied; the due, created and closed moments
stay. A year of answer rows was the largest table of the file. Every reader of `sent_at`
looks at open sessions or the last week (`pending`, the sweep, `finished_shared_untidied`,
storage/due.py), so an archived row also leaves the `(status, sent_at)` index lighter.

The packed form: the questions answered, in the order given, as one shared row of
`checkin_layouts` (`mood;sleep;friends;safe;parents;homework`: every week that answered the
same questions shares it), and on the session the values in that order, separated by `;`:

    value[!level]

value is an option id (`no`), `*` and the mood for a mood question (`*3`), `-` for a skip,
`~` for a typed answer whose words retention removed; `!level` follows only for a level above
0 (`kids!2`). So a weekly check-in is `*4;good;ok;kids!2;talked;~`, about 25 bytes instead of
six answer rows. Question ids (a-z, 0-9, -, _) and option ids (a-z, 0-9, _) never hold `;`,
`!`, `*` or `~`. A check-in with no answers packs to '' (no layout).
What is lost on archiving: each answer's time (the session keeps when it was due and closed),
each answer's reasons, and when the first message went out.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, dataclass
from typing import Any

ARCHIVE_WEEKS = 8
"""Weeks after its due moment a finished check-in may be archived (every live reader of
answer rows looks at fewer weeks than this, or reads the packed form too)."""
FINISHED = ("done", "closed", "missed")


@dataclass(frozen=True)
class Packed:
    """One archived answer, decoded."""

    question_id: str
    option_id: str | None
    mood: int | None
    skipped: bool
    typed: bool
    """A typed answer whose words retention removed."""
    level: int


def encode(rows: list[sqlite3.Row]) -> tuple[str, str]:
    """The questions and the packed values of a session's answer rows (in the order given)."""
    values = []
    for r in rows:
        if r["mood"] is not None:
            value = f"*{int(r['mood'])}"
        elif r["option_id"] is not None:
            value = str(r["option_id"])
        elif r["skipped"]:
            value = "-"
        else:
            value = "~"
        level = int(r["level"])
        values.append(value + (f"!{level}" if level else ""))
    return ";".join(str(r["question_id"]) for r in rows), ";".join(values)


def decode(questions: str | None, packed: str) -> list[Packed]:
    """The answers of a packed session (its layout's questions, its values), in order."""
    if not packed or not questions:
        return []
    found = []
    for question, entry in zip(questions.split(";"), packed.split(";"), strict=True):
        value, _, level = entry.partition("!")
        mood = int(value[1:]) if value.startswith("*") else None
        option = None if value in ("-", "~") else (value[1:] if mood is not None else value)
        found.append(Packed(question, option, mood, value == "-", value == "~", int(level or 0)))
    return found


def option_in(questions: str | None, packed: str, question_id: str) -> str | None:
    """The option chosen for one question of a packed session, if any."""
    found = decode(questions, packed)
    return next((a.option_id for a in found if a.question_id == question_id), None)


def layouts(conn: sqlite3.Connection) -> dict[int, str]:
    """Every layout's questions by id (a few dozen rows: one per shape of week)."""
    return {int(r[0]): str(r[1]) for r in conn.execute("SELECT id, questions FROM checkin_layouts")}


def decode_in_export(conn: sqlite3.Connection, sessions: list[dict[str, Any]]) -> None:
    """An exported session's packed answers, decoded in place (a list of answers, each with
    its question, option, mood, skip, typed-but-removed mark and level)."""
    known = layouts(conn)
    for row in sessions:
        if isinstance(row.get("answers"), str):
            questions = known.get(row["layout"]) if row.get("layout") is not None else None
            row["answers"] = [asdict(a) for a in decode(questions, row["answers"])]


def archive_batch(
    conn: sqlite3.Connection, *, before: int, after: tuple[int, int], limit: int = 500
) -> tuple[int, tuple[int, int] | None]:
    """Archive up to `limit` finished sessions due before `before`, read from `after` (due_at,
    id) along the index of unarchived sessions; returns how many were archived and where the
    next batch starts (None when none is left). A session with words still kept is stepped
    over (it is archived by a later run, once retention has blanked them)."""
    marks = ", ".join("?" for _ in FINISHED)
    found = conn.execute(
        "SELECT s.id, s.due_at, EXISTS (SELECT 1 FROM checkin_answers a"
        " WHERE a.session_id = s.id AND a.text IS NOT NULL) AS words"
        " FROM checkin_sessions s INDEXED BY checkin_sessions_unarchived"
        f" WHERE s.answers IS NULL AND s.due_at < ? AND s.status IN ({marks})"
        " AND (s.due_at, s.id) > (?, ?) ORDER BY s.due_at, s.id LIMIT ?",
        (before, *FINISHED, *after, limit),
    ).fetchall()
    ids = [int(r["id"]) for r in found if not r["words"]]
    _archive(conn, ids)
    if len(found) < limit:
        return len(ids), None
    return len(ids), (int(found[-1]["due_at"]), int(found[-1]["id"]))


def _archive(conn: sqlite3.Connection, ids: list[int]) -> None:
    """Pack these sessions' answers (read in one statement), then delete the rows."""
    given: dict[int, list[sqlite3.Row]] = {i: [] for i in ids}
    for r in conn.execute(
        "SELECT session_id, question_id, option_id, mood, skipped, level FROM checkin_answers"
        " WHERE session_id IN (SELECT value FROM json_each(?))"
        " ORDER BY session_id, answered_at, position",
        (json.dumps(ids),),
    ):
        given[int(r["session_id"])].append(r)
    known = {questions: layout for layout, questions in layouts(conn).items()}
    updates = []
    for session_id, rows in given.items():
        mood = next((int(r["mood"]) for r in rows if r["mood"] is not None), None)
        questions, packed = encode(rows)
        if questions and questions not in known:
            known[questions] = _add_layout(conn, questions)
        updates.append((packed, known.get(questions), mood, session_id))
    conn.executemany(
        "UPDATE checkin_sessions SET answers = ?, layout = ?, mood = ?, reasons = '[]',"
        " sent_at = NULL, chat_id = NULL, message_id = NULL, current_question = NULL,"
        " question_message = NULL, last_activity_at = NULL, reminder_at = NULL, tidy_at = NULL,"
        " resend_at = NULL WHERE id = ?",
        updates,
    )
    conn.executemany("DELETE FROM checkin_answers WHERE session_id = ?", [(i,) for i in ids])


def _add_layout(conn: sqlite3.Connection, questions: str) -> int:
    """A new layout's id (a shape of week seen for the first time)."""
    cur = conn.execute("INSERT INTO checkin_layouts (questions) VALUES (?)", (questions,))
    return int(cur.lastrowid or 0)
