"""Who may act on a lesson button, decided inside the press's own transaction."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from bot.services.lessons._model import Learner
from bot.services.lessons._order import can_take_lessons, learner
from storage import people
from storage.people import Person

T = TypeVar("T")


@dataclass(frozen=True)
class NotYours:
    """A press by someone who may not act on lessons here: not an active caregiver or parent,
    or pressed in a chat that is not theirs. Nothing was changed."""


NOT_YOURS = NotYours()


def taker(conn: sqlite3.Connection, user_id: int, chat_id: int) -> Person | None:
    """The caregiver or parent pressing in their own chat; None for anyone else."""
    person = people.by_telegram_user(conn, user_id)
    if person is None or not can_take_lessons(person) or person.chat_id != chat_id:
        return None
    return person


def as_taker(
    conn: sqlite3.Connection,
    user_id: int,
    chat_id: int,
    act: Callable[[sqlite3.Connection, Person], T | None],
) -> tuple[T, Learner] | NotYours | None:
    """Run `act` for the presser if they may take lessons in this chat, in the caller's
    transaction: its result with the names their lesson texts use, NOT_YOURS for anyone else,
    None when `act` found the press stale."""
    person = taker(conn, user_id, chat_id)
    if person is None:
        return NOT_YOURS
    result = act(conn, person)
    if result is None:
        return None
    return result, learner(conn, person)
