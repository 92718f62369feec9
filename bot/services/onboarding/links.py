"""One-time links: making them, an admin's volunteer invitation, and what opening one does."""

from __future__ import annotations

import hashlib
import re
import secrets
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from bot.domain import Refusal
from bot.services.onboarding import _flow
from bot.services.onboarding.caregiver import next_guardian
from bot.services.onboarding.steps import (
    CAREGIVER_FLOW,
    CHILD_FLOW,
    Screen,
    ScreenName,
    Step,
)
from bot.services.pseudonyms import new_pseudonym
from storage import audit, families, invites, people
from storage.invites import Flow
from storage.people import Person

TOKEN_BYTES = 24  # token_urlsafe(24) gives 32 characters, within Telegram's 64 for a payload
PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
DAY = 86_400


def new_token() -> str:
    """A one-time token: 24 random bytes, URL-safe (only [A-Za-z0-9_-])."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    """What the database keeps instead of the token."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Link:
    """A fresh link: the token exists only in this object and in the message that shows it."""

    role: str
    token: str
    expires_at: int
    pseudonym: str | None


def issue_link(
    conn: sqlite3.Connection,
    *,
    role: str,
    now: int,
    expire_days: int,
    person: Person | None = None,
    family_id: int | None = None,
    created_by: int | None = None,
) -> Link:
    """Store a new link's hash and return the link (with its token) once."""
    token = new_token()
    expires_at = now + expire_days * DAY
    invites.insert(
        conn,
        token_hash=hash_token(token),
        role=role,
        now=now,
        expires_at=expires_at,
        person_id=None if person is None else person.id,
        family_id=family_id,
        created_by=created_by,
    )
    return Link(role, token, expires_at, None if person is None else person.pseudonym)


def volunteer_invite(
    conn: sqlite3.Connection, *, user_id: int, is_admin: bool, now: int, expire_days: int
) -> Link | Refusal:
    """A one-time link that registers whoever opens it as a volunteer (admins only; the admin
    is the config's, so `is_admin` comes from it, and their row is read here)."""
    admin = people.by_telegram_user(conn, user_id)
    if not is_admin or admin is None:
        return Refusal.NOT_ALLOWED
    link = issue_link(conn, role="volunteer", now=now, expire_days=expire_days, created_by=admin.id)
    audit.record(conn, at=now, action="invite.volunteer", actor=admin.pseudonym)
    return link


def open_link(
    conn: sqlite3.Connection, payload: str, *, user_id: int, chat_id: int, lang: str, now: int
) -> Screen:
    """Someone opened `t.me/<bot>?start=<payload>`: register, start a flow, or refuse."""
    invite = invites.by_hash(conn, hash_token(payload)) if PAYLOAD.fullmatch(payload) else None
    if invite is None:
        return Screen(ScreenName.UNKNOWN)
    existing = people.by_telegram_user(conn, user_id)
    if invite.used_at is not None:
        if existing is not None and existing.id == invite.person_id:
            return Screen(ScreenName.DONE, person=existing)  # their own link, tapped again later
        return resume(conn, invite.person_id, user_id=user_id, chat_id=chat_id)
    if invite.expires_at <= now:
        return Screen(ScreenName.EXPIRED)
    if invite.role == "volunteer":
        if existing is not None:
            return Screen(ScreenName.REGISTERED, person=existing)
        invites.mark_used(conn, invite.token_hash, now)
        return _register_volunteer(conn, user_id=user_id, chat_id=chat_id, lang=lang, now=now)
    if invite.role == "parent":
        from bot.services import parents  # parents builds on this package

        return parents.open_link(conn, invite, user_id=user_id, chat_id=chat_id, now=now)
    person = people.by_id(conn, invite.person_id) if invite.person_id is not None else None
    if person is None:
        return Screen(ScreenName.UNKNOWN)
    if existing is not None and existing.id != person.id:
        return Screen(ScreenName.REGISTERED, person=existing)
    if invite.role == "caregiver":
        return _open_caregiver(conn, invite.token_hash, person, user_id, chat_id, now)
    return _open_child(conn, invite.token_hash, person, user_id, chat_id, now)


def _register_volunteer(
    conn: sqlite3.Connection, *, user_id: int, chat_id: int, lang: str, now: int
) -> Screen:
    person_id = people.insert(
        conn,
        pseudonym=new_pseudonym(conn, "volunteer"),
        role="volunteer",
        now=now,
        telegram_user_id=user_id,
        chat_id=chat_id,
        lang=lang,
        status="active",
    )
    volunteer = people.by_id(conn, person_id)
    audit.record(
        conn,
        at=now,
        action="register.volunteer",
        actor=None if volunteer is None else volunteer.pseudonym,
    )
    return Screen(ScreenName.VOLUNTEER_WELCOME, person=volunteer)


def resume(
    conn: sqlite3.Connection, person_id: int | None, *, user_id: int, chat_id: int
) -> Screen:
    """A spent link opened again by the person in the middle of its flow shows their step."""
    flow = invites.load_flow(conn, chat_id)
    if flow is None or person_id is None or flow.person_id != person_id:
        return Screen(ScreenName.USED)
    if flow.data.get("user") != user_id or flow.state not in (CAREGIVER_FLOW, CHILD_FLOW):
        return Screen(ScreenName.USED)
    person = people.by_id(conn, person_id)
    if person is None:
        return Screen(ScreenName.USED)
    try:
        step = Step(str(flow.data.get("step")))
    except ValueError:
        return Screen(ScreenName.USED)
    return _RESUMED[step](conn, flow, person)


def _consent_screen(flow: Flow) -> ScreenName:
    return (
        ScreenName.CAREGIVER_CONSENT if flow.state == CAREGIVER_FLOW else ScreenName.CHILD_CONSENT
    )


_RESUMED: dict[Step, Callable[[sqlite3.Connection, Flow, Person], Screen]] = {
    Step.LANG: lambda c, flow, person: Screen(ScreenName.LANG, person),
    Step.CONSENT: lambda c, flow, person: Screen(_consent_screen(flow), person),
    Step.GUARDIAN: lambda c, flow, person: Screen(
        ScreenName.GUARDIAN_CONSENT, person, child=people.by_id(c, int(flow.data["child"]))
    ),
    Step.ADDRESS: lambda c, flow, person: Screen(ScreenName.ADDRESS, person),
    Step.VOICE: lambda c, flow, person: Screen(ScreenName.VOICE, person),
    Step.PHONE: lambda c, flow, person: Screen(ScreenName.USED),
    Step.AGE: lambda c, flow, person: Screen(ScreenName.USED),
}
"""The screen that shows a caregiver's or child's stored step again."""


def _open_caregiver(
    conn: sqlite3.Connection, token_hash: str, person: Person, user_id: int, chat_id: int, now: int
) -> Screen:
    if person.status == "active":
        if person.telegram_user_id != user_id:
            return Screen(ScreenName.USED)
        invites.mark_used(conn, token_hash, now)
        return next_guardian(conn, person, chat_id=chat_id, user_id=user_id, asked=[], now=now)
    invites.mark_used(conn, token_hash, now)
    _flow.start(
        conn,
        chat_id=chat_id,
        person_id=person.id,
        state=CAREGIVER_FLOW,
        user_id=user_id,
        step=Step.LANG,
        now=now,
    )
    return Screen(ScreenName.LANG, person=person)


def _open_child(
    conn: sqlite3.Connection, token_hash: str, person: Person, user_id: int, chat_id: int, now: int
) -> Screen:
    record = families.child(conn, person.id)
    if record is None:
        return Screen(ScreenName.UNKNOWN)
    if person.status == "active":
        return Screen(ScreenName.USED)
    if record.guardian_consent_at is None:
        return Screen(ScreenName.NOT_READY, person=person)  # the link stays usable
    invites.mark_used(conn, token_hash, now)
    _flow.start(
        conn,
        chat_id=chat_id,
        person_id=person.id,
        state=CHILD_FLOW,
        user_id=user_id,
        step=Step.LANG,
        now=now,
    )
    return Screen(ScreenName.LANG, person=person)


def shown_lang(conn: sqlite3.Connection, person_id: int) -> str | None:
    """The language a person's screens were shown in (None if the row is gone)."""
    person = people.by_id(conn, person_id)
    return None if person is None else person.lang
