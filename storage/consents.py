"""Consent decisions: who decided, for whom, which text version, agree or decline, and when."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

KINDS = ("caregiver", "guardian", "child")


@dataclass(frozen=True)
class Consent:
    """A row of `consents`."""

    id: int
    person_id: int | None
    subject_id: int | None
    kind: str
    text_version: int
    decision: str
    at: int


_COLUMNS = "id, person_id, subject_id, kind, text_version, decision, at"


def record(
    conn: sqlite3.Connection,
    *,
    person_id: int,
    subject_id: int,
    kind: str,
    text_version: int,
    agree: bool,
    at: int,
) -> int:
    """Append one decision and return its id."""
    if kind not in KINDS:
        raise ValueError(f"unknown consent kind {kind!r}")
    cur = conn.execute(
        "INSERT INTO consents (person_id, subject_id, kind, text_version, decision, at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (person_id, subject_id, kind, text_version, "agree" if agree else "decline", at),
    )
    if cur.lastrowid is None:  # only possible if the INSERT did not happen
        raise RuntimeError("insert into consents returned no row id")
    return cur.lastrowid


def for_subject(conn: sqlite3.Connection, subject_id: int) -> list[Consent]:
    """Every decision covering one person, oldest first."""
    cur = conn.execute(
        f"SELECT {_COLUMNS} FROM consents WHERE subject_id = ? ORDER BY at, id", (subject_id,)
    )
    return [Consent(*row) for row in cur.fetchall()]


def latest(conn: sqlite3.Connection, subject_id: int, kind: str) -> Consent | None:
    """The newest decision of one kind covering one person."""
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM consents WHERE subject_id = ? AND kind = ?"
        " ORDER BY at DESC, id DESC LIMIT 1",
        (subject_id, kind),
    ).fetchone()
    return None if row is None else Consent(*row)


def count(conn: sqlite3.Connection) -> int:
    """How many decisions are stored."""
    return int(conn.execute("SELECT COUNT(*) FROM consents").fetchone()[0])
