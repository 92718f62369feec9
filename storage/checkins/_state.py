"""The check-in's rows of `conversation_state` (the table is `storage.conversation`'s)."""

from __future__ import annotations

import sqlite3

from storage import conversation
from storage.conversation import ChatState

STATE = "checkin"


def chat_state(conn: sqlite3.Connection, chat_id: int) -> ChatState | None:
    """The state row of a private chat, whoever wrote it."""
    return conversation.load(conn, chat_id)


def set_checkin_state(
    conn: sqlite3.Connection, *, chat_id: int, child_id: int, session_id: int, now: int
) -> None:
    """This chat is answering this child's check-in."""
    conversation.save(
        conn,
        chat_id=chat_id,
        person_id=child_id,
        state=STATE,
        data={"session": session_id},
        now=now,
    )


def clear_checkin_state(conn: sqlite3.Connection, chat_id: int, session_id: int) -> None:
    """Forget the chat's check-in state if it still points at this session."""
    conversation.clear_session(conn, chat_id, STATE, session_id)
