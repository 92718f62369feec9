"""Who may press the parents' buttons, decided inside the transaction that acts.

The adapter passes the presser's Telegram user id (and the config's admin flag); each function
reads the presser's row, checks it may act on what the button names, and only then writes. A
press that does not fit returns None and changes nothing (the adapter answers it as stale).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.domain import PersonStatus, Role
from bot.services import onboarding
from bot.services import parent_calls as calls
from bot.services import parents as svc
from bot.services.onboarding.acting import volunteer
from storage import alerts, families, people
from storage import parents as repo
from storage.families import Family
from storage.people import Person

if TYPE_CHECKING:
    from bot.content import ContentBundle


@dataclass(frozen=True)
class Asked:
    """The claimer's "ask the parent to call", or its delivery status: who, and how it stands."""

    actor: Person
    parent: Person
    outcome: str  # "queued", "again" or "status"
    status: str | None


def _active(conn: sqlite3.Connection, user_id: int) -> Person | None:
    person = people.by_telegram_user(conn, user_id)
    return person if person is not None and person.status == PersonStatus.ACTIVE else None


def parent(conn: sqlite3.Connection, user_id: int) -> Person | None:
    """The presser, if an active parent."""
    person = _active(conn, user_id)
    return person if svc.active_parent(person) else None


def own_phone_child(conn: sqlite3.Connection, user_id: int) -> Person | None:
    """The presser, if an active child on their own phone (/sharing is theirs alone)."""
    person = _active(conn, user_id)
    if person is None or person.role != Role.CHILD or person.telegram_user_id is None:
        return None
    return person


def report_call_tx(
    conn: sqlite3.Connection, user_id: int, *, family_id: int, period: str, talked: bool, now: int
) -> Person | None:
    """A parent's "we talked" / "not this week", for a family they belong to."""
    me = parent(conn, user_id)
    if me is None or not calls.report_tx(
        conn, me, family_id=family_id, period=period, talked=talked, now=now
    ):
        return None
    return me


def sharing_tx(conn: sqlite3.Connection, user_id: int) -> tuple[Person, bool] | None:
    """/sharing: the child and whether their mood is shared with their parents now."""
    child = own_phone_child(conn, user_id)
    return None if child is None else (child, repo.sharing(conn, child.id))


def set_sharing_tx(
    conn: sqlite3.Connection, user_id: int, child_id: int, on: bool, now: int
) -> Person | None:
    """The child switches sharing on or off, on a button that names them."""
    child = own_phone_child(conn, user_id)
    if child is None or child.id != child_id:
        return None
    repo.set_sharing(conn, child.id, on, now)
    return child


def slot_setting_tx(conn: sqlite3.Connection, user_id: int) -> tuple[Person, repo.Settings] | None:
    """/calltime's day was picked: the parent and their settings (for the times offered)."""
    me = parent(conn, user_id)
    setting = None if me is None else repo.settings(conn, me.id)
    return None if me is None or setting is None else (me, setting)


def change_slot_tx(
    conn: sqlite3.Connection, user_id: int, *, weekday: int, minute: int, now: int
) -> Person | None:
    """/calltime's time was picked: store the new weekly slot (outside quiet hours only)."""
    me = parent(conn, user_id)
    if me is None:
        return None
    changed = svc.change_slot(conn, me, weekday=weekday, minute=minute, now=now)
    return None if changed is None else me


def invite_tx(
    conn: sqlite3.Connection,
    user_id: int,
    family_id: int,
    *,
    is_admin: bool,
    now: int,
    expire_days: int,
) -> tuple[Person, Family, onboarding.Link] | None:
    """A parent link, for the family's volunteer (admins: any family) or its own caregiver."""
    managed = onboarding.managed(conn, family_id, user_id=user_id, is_admin=is_admin)
    if isinstance(managed, tuple):
        actor, family = managed
    else:
        caregiver, found = _active(conn, user_id), families.get(conn, family_id)
        if caregiver is None or found is None or caregiver.role != Role.CAREGIVER:
            return None
        if caregiver.family_id != found.id:
            return None
        actor, family = caregiver, found
    link = svc.invite(conn, family, actor=actor, now=now, expire_days=expire_days)
    return actor, family, link


def _claimer(
    conn: sqlite3.Connection, user_id: int, is_admin: bool, alert_id: int, parent_id: int
) -> tuple[Person, Person] | None:
    actor = volunteer(conn, user_id=user_id, is_admin=is_admin)
    if not isinstance(actor, Person):
        return None
    asked = calls.may_ask(conn, alert_id, parent_id, actor.id)
    return None if asked is None else (actor, asked)


def call_status_tx(
    conn: sqlite3.Connection, user_id: int, *, is_admin: bool, alert_id: int, parent_id: int
) -> Asked | None:
    """How the neutral note to the parent stands, for the alert's claimer only."""
    found = _claimer(conn, user_id, is_admin, alert_id, parent_id)
    if found is None:
        return None
    status = calls.call_status(conn, alert_id, parent_id)
    return None if status is None else Asked(*found, "status", status)


def ask_call_tx(
    conn: sqlite3.Connection,
    content: ContentBundle,
    user_id: int,
    *,
    is_admin: bool,
    alert_id: int,
    parent_id: int,
    now: int,
) -> Asked | None:
    """The claimer asks Qiao to send the parent the neutral note (once; then its status)."""
    found = _claimer(conn, user_id, is_admin, alert_id, parent_id)
    if found is None:
        return None
    actor, asked = found
    text = content.ui("parents.call_request", asked.lang)
    result = calls.ask_call_tx(
        conn, alert_id=alert_id, parent_id=parent_id, actor=actor, text=text, now=now
    )
    if result.parent is None:
        return None
    status = calls.call_status(conn, alert_id, parent_id)
    return Asked(actor, result.parent, result.outcome, status)


# --- what other features show about parents ------------------------------------------------


def parents_for_alert(conn: sqlite3.Connection, alert_id: int) -> list[tuple[Person, str]]:
    """The parents (with their relation) of the family an alert is about; none for no family."""
    alert = alerts.get(conn, alert_id)
    if alert is None or alert.family_id is None:
        return []
    return repo.parents_of(conn, alert.family_id)


@dataclass(frozen=True)
class FamilyParents:
    """The parents' section of a volunteer's /family: who, the last weeks' contact, silence."""

    members: list[tuple[Person, str]]
    weeks: list[calls.WeekContact]
    silent: bool


def family_parents(conn: sqlite3.Connection, family_id: int, now: int) -> FamilyParents:
    """Read the parents' section of one family's summary."""
    return FamilyParents(
        repo.parents_of(conn, family_id),
        calls.history(conn, family_id, now),
        calls.silent_watch(conn, family_id),
    )


def caregiver_family_tx(conn: sqlite3.Connection, user_id: int) -> tuple[Person, Family] | None:
    """A caregiver's own family, for their /family (the parent-link button)."""
    person = _active(conn, user_id)
    if person is None or person.role != Role.CAREGIVER or person.family_id is None:
        return None
    family = families.get(conn, person.family_id)
    return None if family is None else (person, family)
