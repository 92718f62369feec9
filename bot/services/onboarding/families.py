"""Families made by a volunteer's /newfamily: the label, the phone and age questions, the rows."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from bot.domain import Refusal
from bot.services.checkins import spread_minute
from bot.services.onboarding import _flow, acting
from bot.services.onboarding._flow import flow_at
from bot.services.onboarding.links import Link, issue_link
from bot.services.onboarding.steps import NEWFAMILY_FLOW, Step
from bot.services.pseudonyms import new_pseudonym
from storage import audit, families, invites, people
from storage.families import Family
from storage.people import Person

AGE_BANDS = ("10-12", "13-16")
LABEL_MAX = 60


@dataclass(frozen=True)
class Created:
    """A new family with its pending caregiver and child, and their first links."""

    family: Family
    caregiver: Person
    child: Person
    shared_phone: bool
    caregiver_link: Link
    child_link: Link | None


def clean_label(text: str) -> str | None:
    """The /newfamily label: trimmed, one line, 1–60 characters; None if unusable."""
    label = " ".join(text.split())
    if not label or len(label) > LABEL_MAX:
        return None
    return label


def _may_enrol(conn: sqlite3.Connection, volunteer_id: int) -> bool:
    """Read in the transaction that would create the family: only an active volunteer or
    coordinator enrols families (one deactivated mid-flow gets no links)."""
    volunteer = people.by_id(conn, volunteer_id)
    return (
        volunteer is not None
        and volunteer.status == "active"
        and volunteer.role in ("volunteer", "admin")
    )


def start_new_family(
    conn: sqlite3.Connection, *, user_id: int, is_admin: bool, chat_id: int, label: str, now: int
) -> Person | Refusal:
    """Remember the label while the volunteer answers the phone and age questions."""
    volunteer = acting.volunteer(conn, user_id=user_id, is_admin=is_admin)
    if isinstance(volunteer, Refusal):
        return volunteer
    _flow.start(
        conn,
        chat_id=chat_id,
        person_id=volunteer.id,
        state=NEWFAMILY_FLOW,
        user_id=user_id,
        step=Step.PHONE,
        now=now,
        label=label,
    )
    return volunteer


def new_family_phone(
    conn: sqlite3.Connection,
    *,
    chat_id: int,
    user_id: int,
    volunteer_id: int,
    shared_phone: bool,
    now: int,
) -> bool:
    """The volunteer said whether the child has their own phone; next comes the age band."""
    flow = flow_at(conn, chat_id, user_id, (NEWFAMILY_FLOW,), Step.PHONE)
    if flow is None or flow.person_id != volunteer_id:
        return False
    if not _may_enrol(conn, volunteer_id):
        invites.clear_flow(conn, chat_id)
        return False
    _flow.advance(conn, flow, now, step=Step.AGE, shared=shared_phone)
    return True


def new_family_age(
    conn: sqlite3.Connection,
    *,
    chat_id: int,
    user_id: int,
    volunteer_id: int,
    age_band: str,
    timezone: str,
    weekday: int,
    minute: int,
    expire_days: int,
    now: int,
    spread_minutes: int = 0,
) -> Created | None:
    """The last answer: create the family, its people and their links."""
    flow = flow_at(conn, chat_id, user_id, (NEWFAMILY_FLOW,), Step.AGE)
    if flow is None or flow.person_id != volunteer_id or age_band not in AGE_BANDS:
        return None
    invites.clear_flow(conn, chat_id)
    if not _may_enrol(conn, volunteer_id):
        return None  # deactivated since /newfamily began: no family, no live links
    return create_family(
        conn,
        volunteer_id=volunteer_id,
        label=str(flow.data["label"]),
        shared_phone=bool(flow.data.get("shared")),
        age_band=age_band,
        timezone=timezone,
        weekday=weekday,
        minute=minute,
        expire_days=expire_days,
        now=now,
        spread_minutes=spread_minutes,
    )


def create_family(
    conn: sqlite3.Connection,
    *,
    volunteer_id: int,
    label: str,
    shared_phone: bool,
    age_band: str,
    timezone: str,
    weekday: int,
    minute: int,
    expire_days: int,
    now: int,
    spread_minutes: int = 0,
) -> Created:
    """A family (F-), a pending caregiver (G-) and child (C-) with the default check-in slot
    (`minute` plus the child's stable offset within `spread_minutes`)."""
    family_id = families.create(
        conn,
        pseudonym=new_pseudonym(conn, "family"),
        label=label,
        volunteer_id=volunteer_id,
        timezone=timezone,
        now=now,
    )
    caregiver_id = people.insert(
        conn,
        pseudonym=new_pseudonym(conn, "caregiver"),
        role="caregiver",
        now=now,
        family_id=family_id,
    )
    child_id = people.insert(
        conn, pseudonym=new_pseudonym(conn, "child"), role="child", now=now, family_id=family_id
    )
    families.add_child(
        conn,
        person_id=child_id,
        family_id=family_id,
        caregiver_id=caregiver_id,
        shared_phone=shared_phone,
        checkin_weekday=weekday,
        checkin_minute=spread_minute(minute, spread_minutes, child_id),
        age_band=age_band,
    )
    family = families.get(conn, family_id)
    caregiver = people.by_id(conn, caregiver_id)
    child = people.by_id(conn, child_id)
    if family is None or caregiver is None or child is None:  # inserted just above
        raise RuntimeError("new family rows vanished")
    volunteer = people.by_id(conn, volunteer_id)
    audit.record(
        conn,
        at=now,
        action="family.create",
        actor=None if volunteer is None else volunteer.pseudonym,
        subject=family.pseudonym,
        detail={"caregiver": caregiver.pseudonym, "child": child.pseudonym, "shared": shared_phone},
    )
    common: dict[str, Any] = {
        "now": now,
        "expire_days": expire_days,
        "family_id": family_id,
        "created_by": volunteer_id,
    }
    caregiver_link = issue_link(conn, role="caregiver", person=caregiver, **common)
    child_link = None if shared_phone else issue_link(conn, role="child", person=child, **common)
    return Created(family, caregiver, child, shared_phone, caregiver_link, child_link)
