"""People and their roles: admins, volunteers, caregivers, children."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from bot.domain import PersonStatus, Role
from storage.rows import build_one


@dataclass(frozen=True)
class Person:
    """A row of `people`, as the services see it."""

    id: int
    pseudonym: str
    role: Role
    telegram_user_id: int | None
    chat_id: int | None
    display_name: str | None
    lang: str
    family_id: int | None
    status: PersonStatus
    paused: bool
    unreachable_at: int | None


_COLUMNS = (
    "id, pseudonym, role, telegram_user_id, chat_id, display_name, lang, family_id, status,"
    " paused, unreachable_at"
)


PERSON_TYPES = {"role": Role, "status": PersonStatus, "paused": bool}
"""How a people row's stored values become Person's field types."""


def _person(row: sqlite3.Row | None) -> Person | None:
    return build_one(Person, row, **PERSON_TYPES)


def by_telegram_user(conn: sqlite3.Connection, user_id: int) -> Person | None:
    """The person registered with this Telegram account, if any."""
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM people WHERE telegram_user_id = ?", (user_id,)
    ).fetchone()
    return _person(row)


def by_id(conn: sqlite3.Connection, person_id: int) -> Person | None:
    """A person by primary key."""
    row = conn.execute(f"SELECT {_COLUMNS} FROM people WHERE id = ?", (person_id,)).fetchone()
    return _person(row)


def by_pseudonym(conn: sqlite3.Connection, pseudonym: str) -> Person | None:
    """A person by their pseudonym (case-insensitive)."""
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM people WHERE pseudonym = ?", (pseudonym.upper(),)
    ).fetchone()
    return _person(row)


def in_chat(conn: sqlite3.Connection, chat_id: int) -> list[Person]:
    """Everyone reached through one private chat (a caregiver and shared-phone children)."""
    cur = conn.execute(f"SELECT {_COLUMNS} FROM people WHERE chat_id = ? ORDER BY id", (chat_id,))
    return [p for p in (_person(r) for r in cur.fetchall()) if p is not None]


def pseudonym_taken(conn: sqlite3.Connection, pseudonym: str) -> bool:
    """Tell whether a pseudonym is used by a person or a family."""
    row = conn.execute(
        "SELECT 1 FROM people WHERE pseudonym = ?"
        " UNION ALL SELECT 1 FROM families WHERE pseudonym = ?",
        (pseudonym, pseudonym),
    ).fetchone()
    return row is not None


def insert(
    conn: sqlite3.Connection,
    *,
    pseudonym: str,
    role: str,
    now: int,
    telegram_user_id: int | None = None,
    chat_id: int | None = None,
    display_name: str | None = None,
    lang: str = "zh",
    family_id: int | None = None,
    status: str = "pending",
) -> int:
    """Create a person row and return its id."""
    cur = conn.execute(
        "INSERT INTO people (pseudonym, role, telegram_user_id, chat_id, display_name, lang,"
        " family_id, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (pseudonym, role, telegram_user_id, chat_id, display_name, lang, family_id, status, now),
    )
    if cur.lastrowid is None:  # only possible if the INSERT did not happen
        raise RuntimeError("insert into people returned no row id")
    return cur.lastrowid


def set_lang(conn: sqlite3.Connection, person_id: int, lang: str) -> None:
    """Remember the language a person chose."""
    conn.execute("UPDATE people SET lang = ? WHERE id = ?", (lang, person_id))


def set_paused(conn: sqlite3.Connection, person_id: int, paused: bool) -> None:
    """Pause or resume everything Qiao sends a person on its own."""
    conn.execute("UPDATE people SET paused = ? WHERE id = ?", (int(paused), person_id))


def set_unreachable(conn: sqlite3.Connection, person_id: int, at: int | None) -> bool:
    """Mark (or clear) a person as unreachable; True when this changed the row."""
    if at is None:
        cur = conn.execute(
            "UPDATE people SET unreachable_at = NULL WHERE id = ? AND unreachable_at IS NOT NULL",
            (person_id,),
        )
    else:
        cur = conn.execute(
            "UPDATE people SET unreachable_at = ? WHERE id = ? AND unreachable_at IS NULL",
            (at, person_id),
        )
    return cur.rowcount > 0


def count(conn: sqlite3.Connection) -> int:
    """How many people rows exist (tests use it to prove strangers store nothing)."""
    return int(conn.execute("SELECT COUNT(*) FROM people").fetchone()[0])


def activate(
    conn: sqlite3.Connection,
    person_id: int,
    *,
    telegram_user_id: int | None,
    chat_id: int,
    display_name: str | None,
    lang: str,
) -> None:
    """Bind a pending person to the Telegram account that opened their link."""
    conn.execute(
        "UPDATE people SET telegram_user_id = ?, chat_id = ?, display_name = ?, lang = ?,"
        " status = 'active' WHERE id = ?",
        (telegram_user_id, chat_id, display_name, lang, person_id),
    )


def in_family(conn: sqlite3.Connection, family_id: int) -> list[Person]:
    """Every person of a family (caregivers and children), oldest first."""
    cur = conn.execute(
        f"SELECT {_COLUMNS} FROM people WHERE family_id = ? ORDER BY id", (family_id,)
    )
    return [p for p in (_person(r) for r in cur.fetchall()) if p is not None]


def set_status(conn: sqlite3.Connection, person_id: int, status: str) -> None:
    """Set 'pending', 'active' or 'declined'; a refusal also forgets the Telegram account."""
    if status == "declined":
        conn.execute(
            "UPDATE people SET status = 'declined', telegram_user_id = NULL, chat_id = NULL,"
            " display_name = NULL WHERE id = ?",
            (person_id,),
        )
    else:
        conn.execute("UPDATE people SET status = ? WHERE id = ?", (status, person_id))


def set_display_name(conn: sqlite3.Connection, person_id: int, name: str | None) -> None:
    """Store how Qiao addresses a person (a form of address or a child's nickname)."""
    conn.execute("UPDATE people SET display_name = ? WHERE id = ?", (name, person_id))
