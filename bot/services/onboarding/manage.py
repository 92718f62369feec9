"""A volunteer's family commands (/family, fresh links, /nickname, /erase's question) and
everyone's /stop and /resume; each checks who acts in its own transaction."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from bot.domain import Refusal
from bot.services.onboarding import acting
from bot.services.onboarding.child import NICKNAME_MAX
from bot.services.onboarding.links import Link, issue_link
from bot.services.pseudonyms import normalise
from storage import audit, consents, erasure, families, invites, people
from storage import lessons as lessons_repo
from storage.families import Child, Family
from storage.people import Person


def find_family(
    conn: sqlite3.Connection, text: str, *, user_id: int, is_admin: bool
) -> Family | Refusal:
    """A family by typed pseudonym, only if this volunteer may see it."""
    actor = acting.volunteer(conn, user_id=user_id, is_admin=is_admin)
    if isinstance(actor, Refusal):
        return actor
    pseudonym = normalise(text)
    if pseudonym is None or not pseudonym.startswith("F-"):
        return Refusal.INVALID
    family = families.by_pseudonym(conn, pseudonym)
    if family is None:
        return Refusal.GONE
    if not acting.may_manage(family, actor, is_admin=is_admin):
        return Refusal.NOT_ALLOWED
    return family


def families_for(conn: sqlite3.Connection, *, user_id: int, is_admin: bool) -> list[Family]:
    """The families a volunteer can pick from (admins: the newest of everyone's)."""
    actor = acting.volunteer(conn, user_id=user_id, is_admin=is_admin)
    if isinstance(actor, Refusal):
        return []
    return families.newest(conn) if is_admin else families.of_volunteer(conn, actor.id)


@dataclass(frozen=True)
class Member:
    """One person in a family summary."""

    person: Person
    own_consent: str | None  # 'agree', 'decline' or None (not decided yet)
    child: Child | None  # a child's settings; None for a caregiver
    guardian: str | None  # for a child: the guardian's latest decision


@dataclass(frozen=True)
class Summary:
    """What /family shows a volunteer: pseudonyms, statuses and consent states, no answers."""

    family: Family
    volunteer: str | None
    members: tuple[Member, ...]


def family_summary(conn: sqlite3.Connection, family: Family) -> Summary:
    """Build a family's summary from its rows (the caller has checked who may see it)."""
    members: list[Member] = []
    for person in people.in_family(conn, family.id):
        kind = "child" if person.role == "child" else "caregiver"
        own = consents.latest(conn, person.id, kind)
        record = families.child(conn, person.id) if person.role == "child" else None
        guardian = consents.latest(conn, person.id, "guardian") if record else None
        members.append(
            Member(
                person,
                None if own is None else own.decision,
                record,
                None if guardian is None else guardian.decision,
            )
        )
    volunteer = people.by_id(conn, family.volunteer_id) if family.volunteer_id else None
    return Summary(family, None if volunteer is None else volunteer.pseudonym, tuple(members))


def summary_for(
    conn: sqlite3.Connection, family_id: int, *, user_id: int, is_admin: bool
) -> Summary | Refusal:
    """A family's summary for the volunteer who may manage it (a pressed family button)."""
    found = acting.managed(conn, family_id, user_id=user_id, is_admin=is_admin)
    if isinstance(found, Refusal):
        return found
    return family_summary(conn, found[1])


def summary_named(
    conn: sqlite3.Connection, text: str, *, user_id: int, is_admin: bool
) -> Summary | Refusal:
    """A family's summary by typed pseudonym (/family F-XXXX), for a volunteer who may see it."""
    family = find_family(conn, text, user_id=user_id, is_admin=is_admin)
    if isinstance(family, Refusal):
        return family
    return family_summary(conn, family)


def fresh_links(
    conn: sqlite3.Connection,
    family_id: int,
    *,
    user_id: int,
    is_admin: bool,
    now: int,
    expire_days: int,
) -> tuple[Family, list[Link]] | Refusal:
    """New links for everyone in the family who still has a step to take; old unused ones die.

    The caregiver gets one while they are not active or a child still needs them (guardian
    consent, or a shared-phone child's agreement on their phone); an own-phone child gets
    one until they are active.
    """
    found = acting.managed(conn, family_id, user_id=user_id, is_admin=is_admin)
    if isinstance(found, Refusal):
        return found
    actor, family = found
    invites.drop_unused_for_family(conn, family.id)
    links: list[Link] = []
    records = {c.person_id: c for c in families.children_of(conn, family.id)}
    members = people.in_family(conn, family.id)
    waiting = [p for p in members if p.role == "child" and p.status != "active"]
    common: dict[str, Any] = {
        "now": now,
        "expire_days": expire_days,
        "family_id": family.id,
        "created_by": actor.id,
    }
    for person in members:
        if person.role == "caregiver":
            needed = person.status != "active" or any(
                records[c.id].shared_phone or records[c.id].guardian_consent_at is None
                for c in waiting
                if c.id in records
            )
            if needed:
                links.append(issue_link(conn, role="caregiver", person=person, **common))
        elif person in waiting and person.id in records and not records[person.id].shared_phone:
            links.append(issue_link(conn, role="child", person=person, **common))
    audit.record(
        conn,
        at=now,
        action="links.fresh",
        actor=actor.pseudonym,
        subject=family.pseudonym,
        detail={"links": len(links)},
    )
    return family, links


def erase_question(
    conn: sqlite3.Connection, text: str, *, user_id: int, is_admin: bool
) -> tuple[Family, int] | Refusal:
    """/erase's confirmation: the family a volunteer may erase and how many people it holds."""
    family = find_family(conn, text, user_id=user_id, is_admin=is_admin)
    if isinstance(family, Refusal):
        return family
    return family, erasure.family_people_count(conn, family.id)


def set_nickname(
    conn: sqlite3.Connection, *, user_id: int, is_admin: bool, child_pseudonym: str, name: str
) -> Person | Refusal:
    """A volunteer names a child of their family (what check-ins call the child)."""
    actor = acting.volunteer(conn, user_id=user_id, is_admin=is_admin)
    if isinstance(actor, Refusal):
        return actor
    pseudonym = normalise(child_pseudonym)
    clean = " ".join(name.split())
    if pseudonym is None or not clean or len(clean) > NICKNAME_MAX:
        return Refusal.INVALID
    child = people.by_pseudonym(conn, pseudonym)
    if child is None or child.role != "child" or child.family_id is None:
        return Refusal.GONE
    family = families.get(conn, child.family_id)
    if family is None:
        return Refusal.GONE
    if not acting.may_manage(family, actor, is_admin=is_admin):
        return Refusal.NOT_ALLOWED
    people.set_display_name(conn, child.id, clean)
    return people.by_id(conn, child.id) or Refusal.GONE


def set_paused(
    conn: sqlite3.Connection, *, user_id: int, is_admin: bool, paused: bool, now: int
) -> list[Person] | Refusal:
    """Pause (or resume) the sender and whoever Qiao reaches on the same phone.

    On a shared phone the owner of the phone decides what arrives on it, so a caregiver's
    /stop pauses the children who use their phone too.
    """
    person = acting.registered(conn, user_id=user_id, is_admin=is_admin)
    if isinstance(person, Refusal):
        return person
    targets = [person]
    if person.chat_id is not None and person.role == "caregiver":
        targets += [
            p
            for p in people.in_chat(conn, person.chat_id)
            if p.role == "child" and p.telegram_user_id is None and p.id != person.id
        ]
    for target in targets:
        people.set_paused(conn, target.id, paused)
    if not paused and person.role == "caregiver":
        # The idle clock for lesson reminders restarts: no "it's been a while" right away.
        lessons_repo.touch(conn, person.id, now)
    return targets
