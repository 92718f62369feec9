"""The consent steps: the language screen, the caregiver's own and their guardian consent,
and the one entry the adapter calls for any consent press."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from bot.services.onboarding import _flow
from bot.services.onboarding._flow import flow_at
from bot.services.onboarding.caregiver import next_guardian
from bot.services.onboarding.child import child_decides
from bot.services.onboarding.steps import (
    CAREGIVER_FLOW,
    CHILD_FLOW,
    LANGUAGES,
    Decision,
    Screen,
    ScreenName,
    Step,
)
from storage import families, invites, people


def choose_language(
    conn: sqlite3.Connection, *, chat_id: int, user_id: int, person_id: int, lang: str, now: int
) -> Screen | None:
    """The first screen of a caregiver's or child's flow: the language of everything after."""
    flow = flow_at(conn, chat_id, user_id, (CAREGIVER_FLOW, CHILD_FLOW), Step.LANG)
    if flow is None or flow.person_id != person_id or lang not in LANGUAGES:
        return None
    people.set_lang(conn, person_id, lang)
    _flow.advance(conn, flow, now, step=Step.CONSENT)
    person = people.by_id(conn, person_id)
    return Screen(
        ScreenName.CAREGIVER_CONSENT if flow.state == CAREGIVER_FLOW else ScreenName.CHILD_CONSENT,
        person,
    )


def caregiver_decides(conn: sqlite3.Connection, d: Decision) -> Screen | None:
    """The caregiver's own consent; agreeing binds their Telegram account to the person row."""
    chat_id, user_id, person_id, agree, now = d.chat_id, d.user_id, d.target, d.agree, d.now
    flow = flow_at(conn, chat_id, user_id, (CAREGIVER_FLOW,), Step.CONSENT)
    person = people.by_id(conn, person_id)
    if flow is None or flow.person_id != person_id or person is None:
        return None
    d.record(conn, by=person_id, about=person_id, kind="caregiver")
    if not agree:
        people.set_status(conn, person_id, "declined")
        invites.clear_flow(conn, chat_id)
        return Screen(ScreenName.CAREGIVER_DECLINED, person)
    taken = people.by_telegram_user(conn, user_id)
    if taken is not None and taken.id != person_id:
        invites.clear_flow(conn, chat_id)
        return Screen(ScreenName.REGISTERED, taken)
    people.activate(
        conn,
        person_id,
        telegram_user_id=user_id,
        chat_id=chat_id,
        display_name=person.display_name,
        lang=person.lang,
    )
    active = people.by_id(conn, person_id)
    if active is None:  # updated in this same transaction
        raise RuntimeError("caregiver row vanished")
    return next_guardian(
        conn, active, chat_id=chat_id, user_id=user_id, asked=[], now=now, first_time=True
    )


def guardian_decides(conn: sqlite3.Connection, d: Decision) -> Screen | None:
    """The caregiver's consent for one child (PIPL Art. 31: a guardian decides for a minor)."""
    chat_id, user_id, child_id, agree, now = d.chat_id, d.user_id, d.target, d.agree, d.now
    flow = flow_at(conn, chat_id, user_id, (CAREGIVER_FLOW,), Step.GUARDIAN)
    if flow is None or flow.data.get("child") != child_id:
        return None
    caregiver = people.by_id(conn, flow.person_id)
    child = people.by_id(conn, child_id)
    record = families.child(conn, child_id)
    if caregiver is None or child is None or record is None:
        return None
    if record.family_id != caregiver.family_id:
        return None
    d.record(conn, by=caregiver.id, about=child_id, kind="guardian")
    if agree:
        families.set_guardian_consent(conn, child_id, now)
        people.set_lang(conn, child_id, caregiver.lang)
        if child.status == "declined":
            people.set_status(conn, child_id, "pending")
    else:
        families.set_guardian_consent(conn, child_id, None)
        people.set_status(conn, child_id, "declined")
    asked = [int(x) for x in flow.data.get("asked", [])] + [child_id]
    return next_guardian(
        conn,
        caregiver,
        chat_id=chat_id,
        user_id=user_id,
        asked=asked,
        now=now,
        first_time=flow.data.get("first") is True,
    )


_DECIDERS: dict[str, Callable[[sqlite3.Connection, Decision], Screen | None]] = {
    "cg": caregiver_decides,
    "gd": guardian_decides,
    "ch": child_decides,
}
"""Which consent a button kind records: the caregiver's own, a guardian's, a child's."""


def decide(conn: sqlite3.Connection, kind: str, d: Decision) -> Screen | None:
    """Record one consent press of a button kind ("cg", "gd", "ch"); an unknown kind changes
    nothing."""
    decider = _DECIDERS.get(kind)
    return None if decider is None else decider(conn, d)
