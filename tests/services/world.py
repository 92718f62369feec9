"""A temp SQLite file with two families made by the services themselves (no Telegram)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from bot.services import onboarding as service
from storage import people
from storage.db import apply_migrations, bundled_migrations, transaction

T = TypeVar("T")
NOW = 1_780_000_000
VOLUNTEER, OTHER_VOLUNTEER, GRANDMA, CHILD, ADMIN, STRANGER = 11, 12, 21, 31, 41, 99


@dataclass(frozen=True)
class World:
    """The open connection and the rows the tests act on."""

    conn: sqlite3.Connection
    volunteer_id: int
    other_volunteer_id: int
    family: service.Created  # the volunteer's family, its caregiver active (GRANDMA)
    other_family: service.Created  # the other volunteer's family

    def tx(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run a service in one transaction, as the adapter's `db.tx` does."""
        return transaction(self.conn, fn)

    def count(self, table: str) -> int:
        """How many rows a table holds (to show a refusal changed nothing)."""
        row = self.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()  # noqa: S608
        return int(row[0])


def _volunteer(conn: sqlite3.Connection, user_id: int, pseudonym: str) -> int:
    return people.insert(
        conn,
        pseudonym=pseudonym,
        role="volunteer",
        now=NOW,
        telegram_user_id=user_id,
        chat_id=user_id,
        status="active",
    )


def _family(conn: sqlite3.Connection, volunteer_id: int, label: str) -> service.Created:
    return service.create_family(
        conn,
        volunteer_id=volunteer_id,
        label=label,
        shared_phone=False,
        age_band="10-12",
        timezone="Asia/Shanghai",
        weekday=5,
        minute=600,
        expire_days=7,
        now=NOW,
    )


def make_world(tmp_path: Path) -> World:
    """Two volunteers, each with a family; the first family's caregiver is active."""
    conn = sqlite3.connect(tmp_path / "qiao.sqlite3", isolation_level=None)
    conn.row_factory = sqlite3.Row  # as storage.db.Database opens it
    conn.execute("PRAGMA foreign_keys=ON")
    apply_migrations(conn, bundled_migrations())

    def build(c: sqlite3.Connection) -> World:
        volunteer_id = _volunteer(c, VOLUNTEER, "V-AAAA")
        other_id = _volunteer(c, OTHER_VOLUNTEER, "V-BBBB")
        family = _family(c, volunteer_id, "东村")
        other = _family(c, other_id, "西村")
        people.activate(
            c,
            family.caregiver.id,
            telegram_user_id=GRANDMA,
            chat_id=GRANDMA,
            display_name="奶奶",
            lang="zh",
        )
        return World(conn, volunteer_id, other_id, family, other)

    return transaction(conn, build)
