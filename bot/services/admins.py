"""The one way an admin listed in the config gets a person row (to act as a volunteer)."""

from __future__ import annotations

import sqlite3

from bot.services.pseudonyms import new_pseudonym
from storage import people
from storage.people import Person


def ensure_admin(
    conn: sqlite3.Connection, *, user_id: int, now: int, lang: str = "zh"
) -> tuple[Person, bool]:
    """The admin's row (role admin, a pseudonym, chat = their private chat, which Telegram
    numbers as the user), made on first use; True when it was made just now."""
    existing = people.by_telegram_user(conn, user_id)
    if existing is not None:
        return existing, False
    person_id = people.insert(
        conn,
        pseudonym=new_pseudonym(conn, "admin"),
        role="admin",
        now=now,
        telegram_user_id=user_id,
        chat_id=user_id,
        lang=lang,
        status="active",
    )
    person = people.by_id(conn, person_id)
    if person is None:  # the row was inserted in this same transaction
        raise RuntimeError("admin row vanished")
    return person, True
