"""Who may act, read inside the transaction of the service that acts.

The adapter's early checks only choose which calm text to show; these are the ones that
decide. `is_admin` comes from the config (admins are listed there, not in the database).
"""

from __future__ import annotations

import sqlite3

from bot.domain import Refusal
from storage import families, people
from storage.families import Family
from storage.people import Person

VOLUNTEER_ROLES = ("volunteer", "admin")


def volunteer(conn: sqlite3.Connection, *, user_id: int, is_admin: bool) -> Person | Refusal:
    """The acting volunteer (or coordinator): an admin of the config with a row, or an active
    volunteer; anyone else is refused."""
    person = people.by_telegram_user(conn, user_id)
    if person is None:
        return Refusal.NOT_ALLOWED
    if is_admin:
        return person
    if person.status != "active" or person.role not in VOLUNTEER_ROLES:
        return Refusal.NOT_ALLOWED
    return person


def registered(conn: sqlite3.Connection, *, user_id: int, is_admin: bool) -> Person | Refusal:
    """The acting person for what everyone registered may do for themselves (/stop, /resume)."""
    person = people.by_telegram_user(conn, user_id)
    if person is None or (not is_admin and person.status != "active"):
        return Refusal.NOT_ALLOWED
    return person


def may_manage(family: Family, actor: Person, *, is_admin: bool) -> bool:
    """A volunteer manages their own families; admins manage all."""
    return is_admin or family.volunteer_id == actor.id


def managed(
    conn: sqlite3.Connection, family_id: int, *, user_id: int, is_admin: bool
) -> tuple[Person, Family] | Refusal:
    """(actor, family) when this volunteer may manage the family the button names."""
    actor = volunteer(conn, user_id=user_id, is_admin=is_admin)
    if isinstance(actor, Refusal):
        return actor
    family = families.get(conn, family_id)
    if family is None:
        return Refusal.GONE
    if not may_manage(family, actor, is_admin=is_admin):
        return Refusal.NOT_ALLOWED
    return actor, family
