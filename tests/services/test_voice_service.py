"""Who may switch "read it to me" is decided by the voice service inside its transaction."""

from __future__ import annotations

import sqlite3

from bot.domain import Refusal
from bot.services import voice
from storage import people
from storage.people import Person

NOW = 1_780_000_000


def person(conn: sqlite3.Connection, role: str, user_id: int, *, status: str = "active") -> int:
    """A person of this role, registered with this Telegram account in their own chat."""
    return people.insert(
        conn,
        pseudonym=f"P-{user_id}",
        role=role,
        now=NOW,
        telegram_user_id=user_id,
        chat_id=user_id,
        status=status,
    )


def test_caregiver_switches_voice_on(conn: sqlite3.Connection) -> None:
    """An active caregiver's choice is stored and read back."""
    pid = person(conn, "caregiver", 10)
    chosen = voice.choose_tx(conn, 10, True, NOW)
    assert isinstance(chosen, Person)
    assert chosen.id == pid
    assert voice.is_on(conn, pid)


def test_child_volunteer_and_stranger_are_refused(conn: sqlite3.Connection) -> None:
    """A child, a volunteer and an unknown account get a refusal and nothing is stored."""
    child = person(conn, "child", 20)
    person(conn, "volunteer", 30)
    for user_id in (20, 30, 99):
        refused = voice.choose_tx(conn, user_id, True, NOW)
        assert isinstance(refused, Refusal)
        assert refused.key == "lessons.voice.not_for_you"
    assert not voice.is_on(conn, child)


def test_pending_caregiver_is_refused(conn: sqlite3.Connection) -> None:
    """A caregiver who has not agreed yet cannot choose voice mode."""
    pid = person(conn, "caregiver", 40, status="pending")
    assert isinstance(voice.choose_tx(conn, 40, True, NOW), Refusal)
    assert not voice.is_on(conn, pid)


def test_press_from_another_chat_is_refused(conn: sqlite3.Connection) -> None:
    """The caregiver's own account pressing in another chat (a group) changes nothing."""
    pid = person(conn, "caregiver", 50)
    refused = voice.choose_tx(conn, 50, True, NOW, chat_id=-100)
    assert isinstance(refused, Refusal)
    assert refused.key == "lessons.press.not_yours"
    assert not voice.is_on(conn, pid)
