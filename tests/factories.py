"""Ready-made people for tests that start after onboarding: rows written through storage/.

Onboarding's own tests go through the links and buttons; the other features' tests use
these so that each test starts from the state it is about.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from bot.simtelegram.harness import Harness
from bot.simtelegram.seed import ChildSeed, FamilySeed, seed_family


@dataclass(frozen=True)
class FamilyIds:
    """Ids of a family made for a test."""

    family_id: int
    family_pseudonym: str
    volunteer_id: int
    caregiver_id: int
    child_id: int
    child_pseudonym: str


async def make_family(
    h: Harness,
    *,
    shared_phone: bool = False,
    caregiver: str | int = "grandma",
    child: str | int = "child",
    volunteer: str | int = "volunteer",
    label: str = "东村小学",
    weekday: int = 5,
    minute: int = 10 * 60,
    suffix: str = "",
) -> FamilyIds:
    """An active volunteer, caregiver and child (with every consent given)."""
    now = h.runtime.ts()
    caregiver_uid = h.user_id(caregiver)
    child_uid = None if shared_phone else h.user_id(child)
    volunteer_uid = h.user_id(volunteer)

    seed = FamilySeed(
        pseudonym=f"F-TST{suffix}",
        volunteer_uid=volunteer_uid,
        volunteer_pseudonym=f"V-TST{suffix}",
        caregiver_uid=caregiver_uid,
        caregiver_pseudonym=f"G-TST{suffix}",
        caregiver_name="王奶奶",
        label=label,
        children=(ChildSeed(f"C-TST{suffix}", child_uid, weekday=weekday, minute=minute),),
    )

    def write(conn: sqlite3.Connection) -> FamilyIds:
        made = seed_family(conn, seed, now)
        return FamilyIds(
            made.family_id,
            seed.pseudonym,
            made.volunteer_id,
            made.caregiver_id,
            made.child_ids[0],
            seed.children[0].pseudonym,
        )

    return await h.runtime.db.tx(write)
