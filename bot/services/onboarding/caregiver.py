"""The caregiver's flow after their consent: guardian questions, form of address, voice, done."""

from __future__ import annotations

import sqlite3

from bot.services.onboarding import _flow
from bot.services.onboarding._flow import flow_at
from bot.services.onboarding.steps import CAREGIVER_FLOW, Screen, ScreenName, Step
from storage import families, invites, people
from storage import voice as voice_repo
from storage.families import Child
from storage.people import Person


def next_guardian(
    conn: sqlite3.Connection,
    caregiver: Person,
    *,
    chat_id: int,
    user_id: int,
    asked: list[int],
    now: int,
    first_time: bool = False,
) -> Screen:
    """Ask guardian consent for the next child that needs it, then the form of address.

    `first_time` (the caregiver has just agreed) rides along in the flow, so the last screen
    knows to show the emergency card once.
    """
    waiting = [
        c
        for c in children(conn, caregiver)
        if c.guardian_consent_at is None and c.person_id not in asked and not _active(conn, c)
    ]
    common = {"chat_id": chat_id, "person_id": caregiver.id, "user_id": user_id, "now": now}
    if waiting:
        child_id = waiting[0].person_id
        _flow.start(
            conn,
            state=CAREGIVER_FLOW,
            step=Step.GUARDIAN,
            child=child_id,
            asked=asked,
            first=first_time,
            **common,
        )
        return Screen(ScreenName.GUARDIAN_CONSENT, caregiver, child=people.by_id(conn, child_id))
    if caregiver.display_name is None and first_time:  # "other" stores no name: ask once only
        _flow.start(conn, state=CAREGIVER_FLOW, step=Step.ADDRESS, first=first_time, **common)
        return Screen(ScreenName.ADDRESS, caregiver)
    return voice_or_finished(
        conn, caregiver, chat_id=chat_id, user_id=user_id, now=now, first_time=first_time
    )


def voice_or_finished(
    conn: sqlite3.Connection,
    caregiver: Person,
    *,
    chat_id: int,
    user_id: int,
    now: int,
    first_time: bool = False,
) -> Screen:
    """Ask once whether lessons should be read aloud; then the caregiver's last screen."""
    if voice_repo.mode(conn, caregiver.id) is None:
        _flow.start(
            conn,
            chat_id=chat_id,
            person_id=caregiver.id,
            state=CAREGIVER_FLOW,
            user_id=user_id,
            step=Step.VOICE,
            now=now,
            first=first_time,
        )
        return Screen(ScreenName.VOICE, caregiver)
    invites.clear_flow(conn, chat_id)
    return finished(conn, caregiver, first_time=first_time)


def children(conn: sqlite3.Connection, caregiver: Person) -> list[Child]:
    """The children of the caregiver's family (none without a family)."""
    if caregiver.family_id is None:
        return []
    return families.children_of(conn, caregiver.family_id)


def _active(conn: sqlite3.Connection, record: Child) -> bool:
    person = people.by_id(conn, record.person_id)
    return person is not None and person.status == "active"


def choose_address(
    conn: sqlite3.Connection,
    *,
    chat_id: int,
    user_id: int,
    person_id: int,
    name: str | None,
    now: int,
) -> Screen | None:
    """How Qiao addresses the caregiver (奶奶, 姥姥 …), chosen by button; the flow ends.

    `None` ("other") stores no name: texts then use the neutral default form of address
    instead of a pronoun posing as a name (which rendered "您，您又下地…").
    """
    flow = flow_at(conn, chat_id, user_id, (CAREGIVER_FLOW,), Step.ADDRESS)
    if flow is None or flow.person_id != person_id:
        return None
    people.set_display_name(conn, person_id, name)
    caregiver = people.by_id(conn, person_id)
    if caregiver is None:
        return None
    return voice_or_finished(
        conn,
        caregiver,
        chat_id=chat_id,
        user_id=user_id,
        now=now,
        first_time=flow.data.get("first") is True,
    )


def choose_voice(
    conn: sqlite3.Connection, *, chat_id: int, user_id: int, person_id: int, on: bool, now: int
) -> Screen | None:
    """ "Read it to me" or "I'll read myself": lesson steps as voice notes or as text."""
    flow = flow_at(conn, chat_id, user_id, (CAREGIVER_FLOW,), Step.VOICE)
    if flow is None or flow.person_id != person_id:
        return None
    voice_repo.set_mode(conn, person_id, on, now)
    invites.clear_flow(conn, chat_id)
    caregiver = people.by_id(conn, person_id)
    if caregiver is None:
        return None
    return finished(conn, caregiver, first_time=flow.data.get("first") is True)


def finished(conn: sqlite3.Connection, caregiver: Person, *, first_time: bool = False) -> Screen:
    """The caregiver's last screen: which children can now agree, here or on their own phone."""
    handover: list[Person] = []
    ready = 0
    for record in children(conn, caregiver):
        child = people.by_id(conn, record.person_id)
        if child is None or child.status == "active" or record.guardian_consent_at is None:
            continue
        if record.shared_phone:
            handover.append(child)
        else:
            ready += 1
    return Screen(
        ScreenName.CAREGIVER_FINISHED,
        caregiver,
        handover=tuple(handover),
        children_ready=ready,
        first_time=first_time,
    )
