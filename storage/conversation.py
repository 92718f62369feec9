"""What a private chat is in the middle of: the `conversation_state` table's one owner.

One row per chat. Onboarding steps (`storage.invites`, states starting `onboarding.`) and a
check-in being answered (`storage.checkins`, state `checkin`) share it: a chat is in one flow
at a time. Keyed by chat, not by person: on a shared phone the chat is the caregiver's while
the person answering is the child. Each feature reads and clears only its own rows, by state.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from storage.rows import build_one, from_json


@dataclass(frozen=True)
class ChatState:
    """A chat's row: whose flow, which step, and its details."""

    chat_id: int
    person_id: int
    state: str
    data: dict[str, Any]


def _state(row: sqlite3.Row | None) -> ChatState | None:
    return build_one(ChatState, row, data=from_json)


def load(conn: sqlite3.Connection, chat_id: int) -> ChatState | None:
    """The chat's row, whichever feature wrote it."""
    return _state(
        conn.execute(
            "SELECT chat_id, person_id, state, data FROM conversation_state WHERE chat_id = ?",
            (chat_id,),
        ).fetchone()
    )


def load_prefixed(conn: sqlite3.Connection, chat_id: int, prefix: str) -> ChatState | None:
    """The chat's row if its state starts with `prefix` (a feature's own steps), else None."""
    return _state(
        conn.execute(
            "SELECT chat_id, person_id, state, data FROM conversation_state"
            " WHERE chat_id = ? AND state LIKE ?",
            (chat_id, prefix + "%"),
        ).fetchone()
    )


def save(
    conn: sqlite3.Connection,
    *,
    chat_id: int,
    person_id: int,
    state: str,
    data: dict[str, Any],
    now: int,
) -> None:
    """Store (or replace) the chat's row: starting a flow ends whatever the chat was in."""
    conn.execute(
        "INSERT INTO conversation_state (chat_id, person_id, state, data, updated_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT(chat_id) DO UPDATE SET person_id = excluded.person_id,"
        " state = excluded.state, data = excluded.data, updated_at = excluded.updated_at",
        (chat_id, person_id, state, json.dumps(data, sort_keys=True), now),
    )


def clear_prefixed(conn: sqlite3.Connection, chat_id: int, prefix: str) -> None:
    """Forget the chat's row if its state starts with `prefix` (other features' rows stay)."""
    conn.execute(
        "DELETE FROM conversation_state WHERE chat_id = ? AND state LIKE ?",
        (chat_id, prefix + "%"),
    )


def clear_session(conn: sqlite3.Connection, chat_id: int, state: str, session_id: int) -> None:
    """Forget the chat's row if it is in `state` and still points at this session."""
    conn.execute(
        "DELETE FROM conversation_state WHERE chat_id = ? AND state = ?"
        " AND json_extract(data, '$.session') = ?",
        (chat_id, state, session_id),
    )
