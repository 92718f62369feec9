"""The child's own agreement: on their own phone (a flow), or on the caregiver's shared one."""

from __future__ import annotations

import sqlite3

from bot.services.onboarding._flow import flow_at
from bot.services.onboarding.steps import CHILD_FLOW, Decision, Screen, ScreenName, Step
from storage import families, invites, people
from storage.people import Person

NICKNAME_MAX = 20


def shared_phone_child(
    conn: sqlite3.Connection, *, chat_id: int, user_id: int, child_id: int
) -> tuple[Person, Person] | None:
    """(child, caregiver) if this press comes from the caregiver whose phone the child uses."""
    child = people.by_id(conn, child_id)
    record = families.child(conn, child_id)
    if child is None or record is None or not record.shared_phone:
        return None
    if child.status == "active" or record.guardian_consent_at is None:
        return None
    caregiver = people.by_id(conn, record.caregiver_id) if record.caregiver_id else None
    if caregiver is None or caregiver.status != "active":
        return None
    if caregiver.telegram_user_id != user_id or caregiver.chat_id != chat_id:
        return None
    return child, caregiver


def handover(
    conn: sqlite3.Connection, *, chat_id: int, user_id: int, child_id: int
) -> Screen | None:
    """The caregiver hands the phone over: the child's own agreement screen, in this chat."""
    found = shared_phone_child(conn, chat_id=chat_id, user_id=user_id, child_id=child_id)
    if found is None:
        return None
    child, _caregiver = found
    return Screen(ScreenName.CHILD_CONSENT, child, child=child)


def child_decides(conn: sqlite3.Connection, d: Decision) -> Screen | None:
    """The child's own agreement (after the guardian's); agreeing activates the child.

    A child with their own phone is known by their Telegram first name unless a volunteer
    set a nickname; a shared-phone child has no Telegram account of their own and keeps no
    name until the volunteer sets a nickname with /nickname: messages then call them by an
    age-fitting default (`bot.services.addressing`).
    """
    chat_id, user_id, child_id, first_name = d.chat_id, d.user_id, d.target, d.first_name
    child = people.by_id(conn, child_id)
    record = families.child(conn, child_id)
    if child is None or record is None or child.status == "active":
        return None
    if record.guardian_consent_at is None:
        return None
    if record.shared_phone:
        found = shared_phone_child(conn, chat_id=chat_id, user_id=user_id, child_id=child_id)
        if found is None:
            return None
        telegram_user: int | None = None
        name = child.display_name
        lang = found[1].lang
    else:
        flow = flow_at(conn, chat_id, user_id, (CHILD_FLOW,), Step.CONSENT)
        if flow is None or flow.person_id != child_id:
            return None
        invites.clear_flow(conn, chat_id)
        taken = people.by_telegram_user(conn, user_id)
        if taken is not None and taken.id != child_id:
            return Screen(ScreenName.REGISTERED, taken)
        telegram_user = user_id
        name = child.display_name or (first_name or "").strip()[:NICKNAME_MAX] or None
        lang = child.lang
    d.record(conn, by=child_id, about=child_id, kind="child")
    if not d.agree:
        people.set_status(conn, child_id, "declined")
        return Screen(ScreenName.CHILD_DECLINED, child, child=child)
    people.activate(
        conn,
        child_id,
        telegram_user_id=telegram_user,
        chat_id=chat_id,
        display_name=name,
        lang=lang,
    )
    active = people.by_id(conn, child_id)
    return Screen(
        ScreenName.CHILD_FINISHED_SHARED if record.shared_phone else ScreenName.CHILD_FINISHED,
        active,
    )


def checkin_slot(conn: sqlite3.Connection, child_id: int) -> tuple[int, int]:
    """(weekday, minute of day) of a child's weekly check-in, for the welcome text; Saturday
    10:00 if the row is gone."""
    record = families.child(conn, child_id)
    if record is None:
        return 5, 600
    return record.checkin_weekday, record.checkin_minute
