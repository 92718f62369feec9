"""Rows the operations tests start from, written through storage/ as the features write them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.simtelegram.harness import Harness
from storage import alerts, checkins

DAY = 24 * 60 * 60


def write_config(h: Harness, folder: Path, database: Path | None = None) -> Path:
    """A config.toml for the `qiao` commands, pointing at the harness's database."""
    db = database if database is not None else Path(h.config.storage.database)
    path = folder / "config.toml"
    path.write_text(
        f'[people]\nadmins = [1001]\nvolunteer_chat_id = -4001\n[storage]\ndatabase = "{db}"\n',
        encoding="utf-8",
    )
    return path


def add_answer(
    conn: sqlite3.Connection,
    *,
    child_id: int,
    period: str,
    at: int,
    text: str | None = None,
    mood: int | None = None,
    level: int = 0,
    question_id: str = "anything",
) -> int:
    """A finished check-in session with one answer; returns the session id."""
    session_id = checkins.create_session(
        conn,
        child_id=child_id,
        period=period,
        set_id="weekly",
        set_version=1,
        origin="schedule",
        due_at=at,
        first_question=question_id,
        now=at,
        status="done",
    )
    assert session_id is not None
    checkins.insert_answer(
        conn,
        session_id=session_id,
        question_id=question_id,
        now=at,
        mood=mood,
        text=text,
        level=level,
        reasons=[{"category": "test"}] if level else [],
    )
    if level:
        checkins.raise_level(conn, session_id, level, [{"category": "test"}])
    return session_id


def add_message(
    conn: sqlite3.Connection, *, child_id: int, text: str, at: int, level: int = 0
) -> int:
    """A free message of a child."""
    return checkins.insert_child_message(
        conn, child_id=child_id, text=text, length=len(text), level=level, reasons=[], now=at
    )


def add_alert(
    conn: sqlite3.Connection,
    *,
    person_id: int,
    family_id: int,
    level: int,
    at: int,
    source: str,
    status: str = alerts.OPEN,
    volunteer_id: int | None = None,
) -> int:
    """An alert row in a given state (open, claimed or resolved)."""
    alert_id = alerts.insert(
        conn,
        kind="risk",
        person_id=person_id,
        family_id=family_id,
        level=level,
        category="bullying",
        reasons=[{"category": "bullying"}],
        source=source,
        now=at,
    )
    assert alert_id is not None
    if status in (alerts.CLAIMED, alerts.RESOLVED):
        assert volunteer_id is not None
        assert alerts.claim(conn, alert_id, volunteer_id, at + 60)
    if status == alerts.RESOLVED:
        assert volunteer_id is not None
        assert alerts.resolve(conn, alert_id, volunteer_id, "talked_child", at + 120)
    return alert_id
