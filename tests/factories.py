"""Ready-made people for tests that start after onboarding: rows written through storage/.

Onboarding's own tests go through the links and buttons; the other features' tests use
these so that each test starts from the state it is about.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from bot.harness import Harness
from storage import families, people


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

    def write(conn: sqlite3.Connection) -> FamilyIds:
        vol = people.by_telegram_user(conn, volunteer_uid)
        if vol is None:
            vol_id = people.insert(
                conn,
                pseudonym=f"V-TST{suffix}",
                role="volunteer",
                now=now,
                telegram_user_id=volunteer_uid,
                chat_id=volunteer_uid,
                status="active",
            )
        else:
            vol_id = vol.id
        fam_pseudonym = f"F-TST{suffix}"
        fam_id = families.create(
            conn,
            pseudonym=fam_pseudonym,
            label=label,
            volunteer_id=vol_id,
            timezone="Asia/Shanghai",
            now=now,
        )
        care_id = people.insert(
            conn,
            pseudonym=f"G-TST{suffix}",
            role="caregiver",
            now=now,
            telegram_user_id=caregiver_uid,
            chat_id=caregiver_uid,
            display_name="王奶奶",
            family_id=fam_id,
            status="active",
        )
        child_pseudonym = f"C-TST{suffix}"
        kid_id = people.insert(
            conn,
            pseudonym=child_pseudonym,
            role="child",
            now=now,
            telegram_user_id=child_uid,
            chat_id=caregiver_uid if shared_phone else child_uid,
            display_name="小明",
            family_id=fam_id,
            status="active",
        )
        families.add_child(
            conn,
            person_id=kid_id,
            family_id=fam_id,
            caregiver_id=care_id,
            shared_phone=shared_phone,
            checkin_weekday=weekday,
            checkin_minute=minute,
            age_band="10-12",
        )
        families.set_guardian_consent(conn, kid_id, now)
        return FamilyIds(fam_id, fam_pseudonym, vol_id, care_id, kid_id, child_pseudonym)

    return await h.runtime.db.tx(write)
