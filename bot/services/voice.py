"""Voice mode: whether a caregiver's lesson steps come as voice notes ("read it to me").

Recordings exist only for some steps (content/audio/<lesson>/<step>.ogg); a step without
one is sent as text in either mode, with nothing said about the missing recording.
"""

from __future__ import annotations

import sqlite3

from bot.domain import PersonStatus, Refusal, Role
from storage import people
from storage import voice as store
from storage.people import Person


def can_choose(person: Person | None) -> bool:
    """Voice mode is a caregiver's setting (lessons are for caregivers)."""
    return (
        person is not None
        and person.role == Role.CAREGIVER
        and person.status == PersonStatus.ACTIVE
    )


def chooser_tx(
    conn: sqlite3.Connection, user_id: int, *, chat_id: int | None = None
) -> Person | Refusal:
    """The caregiver this Telegram user is, read in the caller's transaction; a refusal for
    anyone else, and for a press made outside the caregiver's own chat (`chat_id`)."""
    person = people.by_telegram_user(conn, user_id)
    if person is None or not can_choose(person):
        return Refusal("lessons.voice.not_for_you", person.lang if person else "zh")
    if chat_id is not None and chat_id != person.chat_id:
        return Refusal("lessons.press.not_yours", person.lang)
    return person


def choose_tx(
    conn: sqlite3.Connection, user_id: int, on: bool, now: int, *, chat_id: int | None = None
) -> Person | Refusal:
    """Store the choice if this user may make it (see `chooser_tx`), in one transaction."""
    person = chooser_tx(conn, user_id, chat_id=chat_id)
    if isinstance(person, Person):
        store.set_mode(conn, person.id, on, now)
    return person


def is_on(conn: sqlite3.Connection, person_id: int) -> bool:
    """True when the caregiver chose "read it to me" (never asked counts as text)."""
    return store.mode(conn, person_id) is True


def choose(conn: sqlite3.Connection, person_id: int, on: bool, now: int) -> None:
    """Store the caregiver's choice."""
    store.set_mode(conn, person_id, on, now)


# --- the uploaded recordings: Telegram's file id for each, so each is uploaded once ---------


def uploaded(conn: sqlite3.Connection, key: str, digest: str) -> str | None:
    """Telegram's file id of this recording as last uploaded (None: not yet, or it changed)."""
    return store.file_id(conn, key, digest)


def remember_upload(
    conn: sqlite3.Connection, key: str, digest: str, file_id: str, now: int
) -> None:
    """Keep the file id Telegram gave an upload, so the next send reuses it."""
    store.remember_file(conn, key, digest, file_id, now)


def forget_upload(conn: sqlite3.Connection, key: str, digest: str) -> None:
    """Telegram refused a stored file id: upload the recording again next time."""
    store.forget_file(conn, key, digest)
