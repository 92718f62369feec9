"""SQL for the monthly report: counts, delays and labels, never a name or a child's words.

Every function reads one month given as UTC bounds [start, end). The caller runs them in one
read transaction (`snapshot`), so the figures agree with each other even beside a running bot.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


def snapshot(conn: sqlite3.Connection, fn: Callable[[sqlite3.Connection], T]) -> T:
    """Run `fn` in one deferred (read) transaction: consistent figures, no write lock held."""
    conn.execute("BEGIN")
    try:
        return fn(conn)
    finally:
        if conn.in_transaction:
            conn.execute("COMMIT")


@dataclass(frozen=True)
class Enrolment:
    """Families and active children at the month's end, and how many joined in the month."""

    families: int
    children: int
    new_families: int
    new_children: int


def enrolment(conn: sqlite3.Connection, start: int, end: int) -> Enrolment:
    """Families created before `end`; children active (consent given) and created before it."""
    fam = conn.execute(
        "SELECT COUNT(*), COALESCE(SUM(created_at >= ?), 0) FROM families WHERE created_at < ?",
        (start, end),
    ).fetchone()
    kids = conn.execute(
        "SELECT COUNT(*), COALESCE(SUM(p.created_at >= ?), 0) FROM people p"
        " JOIN children c ON c.person_id = p.id"
        " WHERE p.role = 'child' AND p.status = 'active' AND p.created_at < ?",
        (start, end),
    ).fetchone()
    return Enrolment(int(fam[0]), int(kids[0]), int(fam[1]), int(kids[1]))


def alerts_by_level_category(
    conn: sqlite3.Connection, start: int, end: int
) -> list[tuple[int, str, int]]:
    """(level, category, count) of alerts raised in the month (watch rows are not alerts)."""
    cur = conn.execute(
        "SELECT level, category, COUNT(*) FROM alerts WHERE status != 'watch'"
        " AND created_at >= ? AND created_at < ? GROUP BY level, category"
        " ORDER BY level DESC, category",
        (start, end),
    )
    return [(int(r[0]), str(r[1]), int(r[2])) for r in cur.fetchall()]


def claim_seconds(conn: sqlite3.Connection, start: int, end: int) -> list[int]:
    """Seconds from raising to claiming, for the month's alerts that were claimed."""
    cur = conn.execute(
        "SELECT claimed_at - created_at FROM alerts WHERE status != 'watch'"
        " AND created_at >= ? AND created_at < ? AND claimed_at IS NOT NULL ORDER BY 1",
        (start, end),
    )
    return [max(0, int(r[0])) for r in cur.fetchall()]


def resolve_seconds(conn: sqlite3.Connection, start: int, end: int) -> list[int]:
    """Seconds from raising to resolving, for the month's alerts that were resolved."""
    cur = conn.execute(
        "SELECT resolved_at - created_at FROM alerts WHERE status = 'resolved'"
        " AND created_at >= ? AND created_at < ? AND resolved_at IS NOT NULL ORDER BY 1",
        (start, end),
    )
    return [max(0, int(r[0])) for r in cur.fetchall()]


def unreachable_families(conn: sqlite3.Connection, end: int) -> list[tuple[str, str]]:
    """(family pseudonym, village label) of families with a member the bot cannot reach."""
    cur = conn.execute(
        "SELECT f.pseudonym, f.label FROM families f WHERE f.created_at < ? AND EXISTS ("
        " SELECT 1 FROM people p WHERE p.family_id = f.id AND p.unreachable_at IS NOT NULL"
        " AND p.unreachable_at < ?) ORDER BY f.label, f.pseudonym",
        (end, end),
    )
    return [(str(r[0]), str(r[1])) for r in cur.fetchall()]


def parents_joined(conn: sqlite3.Connection) -> bool:
    """Whether any parent has joined a family (the contact rate means nothing before)."""
    return conn.execute("SELECT 1 FROM parent_families LIMIT 1").fetchone() is not None
