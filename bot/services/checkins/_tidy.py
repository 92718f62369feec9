"""Deleting an exchange's messages: tidied, finished or idle exchanges on a shared phone."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.services.checkins._base import (
    SHARED_FINISHED_SECONDS,
    SHARED_IDLE_SECONDS,
    TIDY_WINDOW_SECONDS,
)
from storage import checkins as repo

if TYPE_CHECKING:
    pass


@dataclass(frozen=True)
class Deletion:
    """Messages of one exchange to delete now."""

    session_id: int
    messages: tuple[repo.ExchangeMessage, ...]


def deletions_tx(conn: sqlite3.Connection, now: int) -> list[Deletion]:
    """What to delete now: tidied exchanges, finished shared ones, idle shared ones."""
    since = now - TIDY_WINDOW_SECONDS
    for session in repo.finished_shared_untidied(
        conn, now - SHARED_FINISHED_SECONDS, finished_since=since
    ):
        repo.request_tidy(conn, session.id, now)
    found: dict[int, Deletion] = {}
    for session in repo.awaiting_tidy(conn, since=since):
        found[session.id] = Deletion(session.id, tuple(repo.undeleted_messages(conn, session.id)))
    for session in repo.idle_shared_sessions(conn, now - SHARED_IDLE_SECONDS):
        if session.id not in found:
            messages = repo.undeleted_messages(conn, session.id, keep_handover=True)
            found[session.id] = Deletion(session.id, tuple(messages))
    return [d for d in found.values() if d.messages]


def exchange_tx(conn: sqlite3.Connection, session_id: int) -> Deletion:
    """Every undeleted message of one exchange (the tidy-up button deletes them at once)."""
    return Deletion(session_id, tuple(repo.undeleted_messages(conn, session_id)))


def mark_deleted_tx(conn: sqlite3.Connection, gone: Sequence[tuple[int, int]], now: int) -> None:
    """Messages deleted, or that Telegram will never let us delete."""
    for chat_id, message_id in gone:
        repo.mark_message_deleted(conn, chat_id, message_id, now)
