"""Voice mode: whether a caregiver's lesson steps come as voice notes ("read it to me").

Recordings exist only for some steps (content/audio/<lesson>/<step>.ogg); a step without
one is sent as text in either mode, with nothing said about the missing recording.
"""

from __future__ import annotations

import sqlite3

from storage import voice as store
from storage.people import Person


def can_choose(person: Person | None) -> bool:
    """Voice mode is a caregiver's setting (lessons are for caregivers)."""
    return person is not None and person.role == "caregiver" and person.status == "active"


def is_on(conn: sqlite3.Connection, person_id: int) -> bool:
    """True when the caregiver chose "read it to me" (never asked counts as text)."""
    return store.mode(conn, person_id) is True


def choose(conn: sqlite3.Connection, person_id: int, on: bool, now: int) -> None:
    """Store the caregiver's choice."""
    store.set_mode(conn, person_id, on, now)
