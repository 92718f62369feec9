"""The one family seeder for tests, benchmarks, the soak and the demo (not production code).

Onboarding creates families through invitations and consents; everything that needs families
without walking that path (a test about check-ins, a bench of 100,000 children) writes them
here, with the same storage calls, so every seeded family has the shape onboarding gives it: an
active volunteer (found again by Telegram account), a family, an active caregiver and active
children with the guardian's consent.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from storage import families, people


@dataclass(frozen=True)
class ChildSeed:
    """One child of a seeded family; `uid` None is a child on the caregiver's phone."""

    pseudonym: str
    uid: int | None
    name: str = "小明"
    weekday: int = 5
    minute: int = 10 * 60
    age_band: str = "10-12"
    due_at: int | None = None
    """When set, the child's next check-in is due then (instead of at its weekly slot)."""


@dataclass(frozen=True)
class FamilySeed:
    """A family to write: its pseudonyms, Telegram accounts and children."""

    pseudonym: str
    volunteer_uid: int
    volunteer_pseudonym: str
    caregiver_uid: int
    caregiver_pseudonym: str
    children: tuple[ChildSeed, ...] = field(default=())
    caregiver_name: str = "奶奶"
    label: str = "东村小学"
    timezone: str = "Asia/Shanghai"


@dataclass(frozen=True)
class Seeded:
    """The database ids of a seeded family."""

    family_id: int
    volunteer_id: int
    caregiver_id: int
    child_ids: tuple[int, ...]


def seed_family(conn: sqlite3.Connection, seed: FamilySeed, now: int) -> Seeded:
    """Write one family (inside the caller's transaction); its volunteer is reused by account."""
    found = people.by_telegram_user(conn, seed.volunteer_uid)
    volunteer_id = (
        found.id
        if found is not None
        else _person(
            conn, seed.volunteer_pseudonym, "volunteer", seed.volunteer_uid, seed.volunteer_uid, now
        )
    )
    family_id = families.create(
        conn,
        pseudonym=seed.pseudonym,
        label=seed.label,
        volunteer_id=volunteer_id,
        timezone=seed.timezone,
        now=now,
    )
    caregiver_id = _person(
        conn,
        seed.caregiver_pseudonym,
        "caregiver",
        seed.caregiver_uid,
        seed.caregiver_uid,
        now,
        name=seed.caregiver_name,
        family_id=family_id,
    )
    child_ids = []
    for child in seed.children:
        shared = child.uid is None
        child_id = _person(
            conn,
            child.pseudonym,
            "child",
            child.uid,
            seed.caregiver_uid if shared else child.uid,
            now,
            name=child.name,
            family_id=family_id,
        )
        families.add_child(
            conn,
            person_id=child_id,
            family_id=family_id,
            caregiver_id=caregiver_id,
            shared_phone=shared,
            checkin_weekday=child.weekday,
            checkin_minute=child.minute,
            age_band=child.age_band,
        )
        families.set_guardian_consent(conn, child_id, now)
        if child.due_at is not None:
            families.set_next_due(conn, child_id, child.due_at)
        child_ids.append(child_id)
    return Seeded(family_id, volunteer_id, caregiver_id, tuple(child_ids))


def _person(
    conn: sqlite3.Connection,
    pseudonym: str,
    role: str,
    uid: int | None,
    chat_id: int | None,
    now: int,
    *,
    name: str | None = None,
    family_id: int | None = None,
) -> int:
    return people.insert(
        conn,
        pseudonym=pseudonym,
        role=role,
        now=now,
        telegram_user_id=uid,
        chat_id=chat_id,
        display_name=name,
        family_id=family_id,
        status="active",
    )
