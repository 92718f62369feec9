"""Onboarding without Telegram: links, consent steps, families, pausing.

Every function here is synchronous and takes the open connection, so the adapter runs one
of them inside one `db.tx` (one thread hop, one transaction). A press or a link is checked
against the database here; a step that does not match the stored state returns None and
changes nothing, and the adapter answers it with a short "no longer active".

Flows (conversation_state rows, see storage/invites.py):
- caregiver: lang → consent → guardian (once per child still needing it) → address →
  voice ("read it to me", asked once) → done.
  Declining their own consent ends the flow and keeps only the refusal.
- child with their own phone: lang → consent. The link works only after guardian consent.
- child on a shared phone: no link and no flow; after guardian consent the caregiver gets a
  "hand the phone over" button and the child agrees in the caregiver's chat. Those presses
  are checked against the stored family (who the caregiver is, whether consent was given).
- volunteer's /newfamily: phone question → age question → the family is created.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import sqlite3
from dataclasses import dataclass
from typing import Any

from bot.services.checkins import spread_minute
from bot.services.pseudonyms import new_pseudonym, normalise
from storage import audit, consents, families, invites, people
from storage import lessons as lessons_repo
from storage import voice as voice_repo
from storage.families import Child, Family
from storage.invites import Flow
from storage.people import Person

TOKEN_BYTES = 24  # token_urlsafe(24) gives 32 characters, within Telegram's 64 for a payload
PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
CAREGIVER_FLOW = "onboarding.caregiver"
CHILD_FLOW = "onboarding.child"
NEWFAMILY_FLOW = "onboarding.newfamily"
AGE_BANDS = ("10-12", "13-16")
LABEL_MAX = 60
NICKNAME_MAX = 20
LANGUAGES = ("zh", "en")
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


@dataclass(frozen=True)
class Screen:
    """What the adapter should show next; `name` says which screen (see the module text)."""

    name: str
    person: Person | None = None
    child: Person | None = None
    handover: tuple[Person, ...] = ()
    children_ready: int = 0
    first_time: bool = False  # caregiver_finished right after their own consent: show the card


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


# --- admins and volunteers ---------------------------------------------------------------


def ensure_admin(
    conn: sqlite3.Connection, *, user_id: int, chat_id: int, lang: str, now: int
) -> tuple[Person, bool]:
    """The admin's person row, made on first use so they can act as a volunteer too."""
    existing = people.by_telegram_user(conn, user_id)
    if existing is not None:
        return existing, False
    person_id = people.insert(
        conn,
        pseudonym=new_pseudonym(conn, "admin"),
        role="admin",
        now=now,
        telegram_user_id=user_id,
        chat_id=chat_id,
        lang=lang,
        status="active",
    )
    person = people.by_id(conn, person_id)
    if person is None:  # the row was inserted in this same transaction
        raise RuntimeError("admin row vanished")
    return person, True


def volunteer_invite(
    conn: sqlite3.Connection, *, admin: Person, now: int, expire_days: int
) -> Link:
    """A one-time link that registers whoever opens it as a volunteer."""
    link = issue_link(conn, role="volunteer", now=now, expire_days=expire_days, created_by=admin.id)
    audit.record(conn, at=now, action="invite.volunteer", actor=admin.pseudonym)
    return link


# --- opening a link ----------------------------------------------------------------------


def open_link(
    conn: sqlite3.Connection, payload: str, *, user_id: int, chat_id: int, lang: str, now: int
) -> Screen:
    """Someone opened `t.me/<bot>?start=<payload>`: register, start a flow, or refuse."""
    invite = invites.by_hash(conn, hash_token(payload)) if PAYLOAD.fullmatch(payload) else None
    if invite is None:
        return Screen("unknown")
    existing = people.by_telegram_user(conn, user_id)
    if invite.used_at is not None:
        if existing is not None and existing.id == invite.person_id:
            return Screen("done", person=existing)  # their own link, tapped again later
        return _resume(conn, invite.person_id, user_id=user_id, chat_id=chat_id)
    if invite.expires_at <= now:
        return Screen("expired")
    if invite.role == "volunteer":
        if existing is not None:
            return Screen("registered", person=existing)
        invites.mark_used(conn, invite.token_hash, now)
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
        return Screen("volunteer_welcome", person=volunteer)
    if invite.role == "parent":
        from bot.services import parents  # parents builds on this module

        return parents.open_link(conn, invite, user_id=user_id, chat_id=chat_id, now=now)
    person = people.by_id(conn, invite.person_id) if invite.person_id is not None else None
    if person is None:
        return Screen("unknown")
    if existing is not None and existing.id != person.id:
        return Screen("registered", person=existing)
    if invite.role == "caregiver":
        return _open_caregiver(conn, invite.token_hash, person, user_id, chat_id, now)
    return _open_child(conn, invite.token_hash, person, user_id, chat_id, now)


def _resume(
    conn: sqlite3.Connection, person_id: int | None, *, user_id: int, chat_id: int
) -> Screen:
    """A spent link opened again by the person in the middle of its flow shows their step."""
    flow = invites.load_flow(conn, chat_id)
    if flow is None or person_id is None or flow.person_id != person_id:
        return Screen("used")
    if flow.data.get("user") != user_id or flow.state not in (CAREGIVER_FLOW, CHILD_FLOW):
        return Screen("used")
    person = people.by_id(conn, person_id)
    step = flow.data.get("step")
    if person is None:
        return Screen("used")
    if step == "lang":
        return Screen("lang", person=person)
    if step == "consent":
        return Screen(
            "caregiver_consent" if flow.state == CAREGIVER_FLOW else "child_consent", person
        )
    if step == "guardian":
        return Screen("guardian_consent", person, child=people.by_id(conn, int(flow.data["child"])))
    if step == "address":
        return Screen("address", person)
    if step == "voice":
        return Screen("voice", person)
    return Screen("used")


def _open_caregiver(
    conn: sqlite3.Connection, token_hash: str, person: Person, user_id: int, chat_id: int, now: int
) -> Screen:
    if person.status == "active":
        if person.telegram_user_id != user_id:
            return Screen("used")
        invites.mark_used(conn, token_hash, now)
        return _next_guardian(conn, person, chat_id=chat_id, user_id=user_id, asked=[], now=now)
    invites.mark_used(conn, token_hash, now)
    invites.save_flow(
        conn,
        chat_id=chat_id,
        person_id=person.id,
        state=CAREGIVER_FLOW,
        data={"user": user_id, "step": "lang"},
        now=now,
    )
    return Screen("lang", person=person)


def _open_child(
    conn: sqlite3.Connection, token_hash: str, person: Person, user_id: int, chat_id: int, now: int
) -> Screen:
    record = families.child(conn, person.id)
    if record is None:
        return Screen("unknown")
    if person.status == "active":
        return Screen("used")
    if record.guardian_consent_at is None:
        return Screen("not_ready", person=person)  # the link stays usable
    invites.mark_used(conn, token_hash, now)
    invites.save_flow(
        conn,
        chat_id=chat_id,
        person_id=person.id,
        state=CHILD_FLOW,
        data={"user": user_id, "step": "lang"},
        now=now,
    )
    return Screen("lang", person=person)


def _flow_at(
    conn: sqlite3.Connection, chat_id: int, user_id: int, states: tuple[str, ...], step: str
) -> Flow | None:
    """The chat's flow if it is at `step` and belongs to the presser; otherwise None."""
    flow = invites.load_flow(conn, chat_id)
    if flow is None or flow.state not in states:
        return None
    if flow.data.get("user") != user_id or flow.data.get("step") != step:
        return None
    return flow


def _advance(conn: sqlite3.Connection, flow: Flow, now: int, **changes: Any) -> None:
    invites.save_flow(
        conn,
        chat_id=flow.chat_id,
        person_id=flow.person_id,
        state=flow.state,
        data={**flow.data, **changes},
        now=now,
    )


# --- the steps ---------------------------------------------------------------------------


def choose_language(
    conn: sqlite3.Connection, *, chat_id: int, user_id: int, person_id: int, lang: str, now: int
) -> Screen | None:
    """The first screen of a caregiver's or child's flow: the language of everything after."""
    flow = _flow_at(conn, chat_id, user_id, (CAREGIVER_FLOW, CHILD_FLOW), "lang")
    if flow is None or flow.person_id != person_id or lang not in LANGUAGES:
        return None
    people.set_lang(conn, person_id, lang)
    _advance(conn, flow, now, step="consent")
    person = people.by_id(conn, person_id)
    return Screen("caregiver_consent" if flow.state == CAREGIVER_FLOW else "child_consent", person)


def caregiver_decides(
    conn: sqlite3.Connection,
    *,
    chat_id: int,
    user_id: int,
    person_id: int,
    agree: bool,
    version: int,
    now: int,
) -> Screen | None:
    """The caregiver's own consent; agreeing binds their Telegram account to the person row."""
    flow = _flow_at(conn, chat_id, user_id, (CAREGIVER_FLOW,), "consent")
    person = people.by_id(conn, person_id)
    if flow is None or flow.person_id != person_id or person is None:
        return None
    consents.record(
        conn,
        person_id=person_id,
        subject_id=person_id,
        kind="caregiver",
        text_version=version,
        agree=agree,
        at=now,
    )
    if not agree:
        people.set_status(conn, person_id, "declined")
        invites.clear_flow(conn, chat_id)
        return Screen("caregiver_declined", person)
    taken = people.by_telegram_user(conn, user_id)
    if taken is not None and taken.id != person_id:
        invites.clear_flow(conn, chat_id)
        return Screen("registered", taken)
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
    return _next_guardian(
        conn, active, chat_id=chat_id, user_id=user_id, asked=[], now=now, first_time=True
    )


def _next_guardian(
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
        for c in _children(conn, caregiver)
        if c.guardian_consent_at is None and c.person_id not in asked and not _active(conn, c)
    ]
    if waiting:
        child_id = waiting[0].person_id
        invites.save_flow(
            conn,
            chat_id=chat_id,
            person_id=caregiver.id,
            state=CAREGIVER_FLOW,
            data={
                "user": user_id,
                "step": "guardian",
                "child": child_id,
                "asked": asked,
                "first": first_time,
            },
            now=now,
        )
        return Screen("guardian_consent", caregiver, child=people.by_id(conn, child_id))
    if caregiver.display_name is None and first_time:  # "other" stores no name: ask once only
        invites.save_flow(
            conn,
            chat_id=chat_id,
            person_id=caregiver.id,
            state=CAREGIVER_FLOW,
            data={"user": user_id, "step": "address", "first": first_time},
            now=now,
        )
        return Screen("address", caregiver)
    return _voice_or_finished(
        conn, caregiver, chat_id=chat_id, user_id=user_id, now=now, first_time=first_time
    )


def _voice_or_finished(
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
        invites.save_flow(
            conn,
            chat_id=chat_id,
            person_id=caregiver.id,
            state=CAREGIVER_FLOW,
            data={"user": user_id, "step": "voice", "first": first_time},
            now=now,
        )
        return Screen("voice", caregiver)
    invites.clear_flow(conn, chat_id)
    return finished(conn, caregiver, first_time=first_time)


def _children(conn: sqlite3.Connection, caregiver: Person) -> list[Child]:
    if caregiver.family_id is None:
        return []
    return families.children_of(conn, caregiver.family_id)


def _active(conn: sqlite3.Connection, record: Child) -> bool:
    person = people.by_id(conn, record.person_id)
    return person is not None and person.status == "active"


def guardian_decides(
    conn: sqlite3.Connection,
    *,
    chat_id: int,
    user_id: int,
    child_id: int,
    agree: bool,
    version: int,
    now: int,
) -> Screen | None:
    """The caregiver's consent for one child (PIPL Art. 31: a guardian decides for a minor)."""
    flow = _flow_at(conn, chat_id, user_id, (CAREGIVER_FLOW,), "guardian")
    if flow is None or flow.data.get("child") != child_id:
        return None
    caregiver = people.by_id(conn, flow.person_id)
    child = people.by_id(conn, child_id)
    record = families.child(conn, child_id)
    if caregiver is None or child is None or record is None:
        return None
    if record.family_id != caregiver.family_id:
        return None
    consents.record(
        conn,
        person_id=caregiver.id,
        subject_id=child_id,
        kind="guardian",
        text_version=version,
        agree=agree,
        at=now,
    )
    if agree:
        families.set_guardian_consent(conn, child_id, now)
        people.set_lang(conn, child_id, caregiver.lang)
        if child.status == "declined":
            people.set_status(conn, child_id, "pending")
    else:
        families.set_guardian_consent(conn, child_id, None)
        people.set_status(conn, child_id, "declined")
    asked = [int(x) for x in flow.data.get("asked", [])] + [child_id]
    return _next_guardian(
        conn,
        caregiver,
        chat_id=chat_id,
        user_id=user_id,
        asked=asked,
        now=now,
        first_time=flow.data.get("first") is True,
    )


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
    flow = _flow_at(conn, chat_id, user_id, (CAREGIVER_FLOW,), "address")
    if flow is None or flow.person_id != person_id:
        return None
    people.set_display_name(conn, person_id, name)
    caregiver = people.by_id(conn, person_id)
    if caregiver is None:
        return None
    return _voice_or_finished(
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
    flow = _flow_at(conn, chat_id, user_id, (CAREGIVER_FLOW,), "voice")
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
    for record in _children(conn, caregiver):
        child = people.by_id(conn, record.person_id)
        if child is None or child.status == "active" or record.guardian_consent_at is None:
            continue
        if record.shared_phone:
            handover.append(child)
        else:
            ready += 1
    return Screen(
        "caregiver_finished",
        caregiver,
        handover=tuple(handover),
        children_ready=ready,
        first_time=first_time,
    )


def _shared_phone_child(
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
    found = _shared_phone_child(conn, chat_id=chat_id, user_id=user_id, child_id=child_id)
    if found is None:
        return None
    child, _caregiver = found
    return Screen("child_consent", child, child=child)


def child_decides(
    conn: sqlite3.Connection,
    *,
    chat_id: int,
    user_id: int,
    child_id: int,
    agree: bool,
    version: int,
    now: int,
    first_name: str | None,
    placeholder: str,
) -> Screen | None:
    """The child's own agreement (after the guardian's); agreeing activates the child.

    A child with their own phone is known by their Telegram first name unless a volunteer
    set a nickname; a shared-phone child has no Telegram account of their own and keeps no
    name until the volunteer sets a nickname with /nickname: messages then call them by an
    age-fitting default (`bot.services.addressing`). `placeholder` is kept for callers.
    """
    child = people.by_id(conn, child_id)
    record = families.child(conn, child_id)
    if child is None or record is None or child.status == "active":
        return None
    if record.guardian_consent_at is None:
        return None
    if record.shared_phone:
        found = _shared_phone_child(conn, chat_id=chat_id, user_id=user_id, child_id=child_id)
        if found is None:
            return None
        telegram_user: int | None = None
        name = child.display_name
        lang = found[1].lang
    else:
        flow = _flow_at(conn, chat_id, user_id, (CHILD_FLOW,), "consent")
        if flow is None or flow.person_id != child_id:
            return None
        invites.clear_flow(conn, chat_id)
        taken = people.by_telegram_user(conn, user_id)
        if taken is not None and taken.id != child_id:
            return Screen("registered", taken)
        telegram_user = user_id
        name = child.display_name or (first_name or "").strip()[:NICKNAME_MAX] or None
        lang = child.lang
    consents.record(
        conn,
        person_id=child_id,
        subject_id=child_id,
        kind="child",
        text_version=version,
        agree=agree,
        at=now,
    )
    if not agree:
        people.set_status(conn, child_id, "declined")
        return Screen("child_declined", child, child=child)
    people.activate(
        conn,
        child_id,
        telegram_user_id=telegram_user,
        chat_id=chat_id,
        display_name=name,
        lang=lang,
    )
    active = people.by_id(conn, child_id)
    return Screen("child_finished_shared" if record.shared_phone else "child_finished", active)


# --- families ----------------------------------------------------------------------------


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
    conn: sqlite3.Connection, *, volunteer: Person, user_id: int, chat_id: int, label: str, now: int
) -> None:
    """Remember the label while the volunteer answers the phone and age questions."""
    invites.save_flow(
        conn,
        chat_id=chat_id,
        person_id=volunteer.id,
        state=NEWFAMILY_FLOW,
        data={"user": user_id, "step": "phone", "label": label},
        now=now,
    )


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
    flow = _flow_at(conn, chat_id, user_id, (NEWFAMILY_FLOW,), "phone")
    if flow is None or flow.person_id != volunteer_id:
        return False
    if not _may_enrol(conn, volunteer_id):
        invites.clear_flow(conn, chat_id)
        return False
    _advance(conn, flow, now, step="age", shared=shared_phone)
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
    flow = _flow_at(conn, chat_id, user_id, (NEWFAMILY_FLOW,), "age")
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


def may_manage(family: Family, actor: Person, *, is_admin: bool) -> bool:
    """A volunteer manages their own families; admins manage all."""
    return is_admin or family.volunteer_id == actor.id


def find_family(
    conn: sqlite3.Connection, text: str, *, actor: Person, is_admin: bool
) -> Family | None:
    """A family by typed pseudonym, only if this volunteer may see it."""
    pseudonym = normalise(text)
    if pseudonym is None or not pseudonym.startswith("F-"):
        return None
    family = families.by_pseudonym(conn, pseudonym)
    if family is None or not may_manage(family, actor, is_admin=is_admin):
        return None
    return family


def managed_family(
    conn: sqlite3.Connection, family_id: int, *, actor: Person, is_admin: bool
) -> Family | None:
    """A family by id (from a button), only if this volunteer may see it."""
    family = families.get(conn, family_id)
    if family is None or not may_manage(family, actor, is_admin=is_admin):
        return None
    return family


def families_for(conn: sqlite3.Connection, *, actor: Person, is_admin: bool) -> list[Family]:
    """The families a volunteer can pick from (admins: the newest of everyone's)."""
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
    """Build a family's summary from its rows."""
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


def fresh_links(
    conn: sqlite3.Connection, family: Family, *, actor: Person, now: int, expire_days: int
) -> list[Link]:
    """New links for everyone in the family who still has a step to take; old unused ones die.

    The caregiver gets one while they are not active or a child still needs them (guardian
    consent, or a shared-phone child's agreement on their phone); an own-phone child gets
    one until they are active.
    """
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
    return links


def set_nickname(
    conn: sqlite3.Connection, *, actor: Person, is_admin: bool, child_pseudonym: str, name: str
) -> Person | None:
    """A volunteer names a child of their family (what check-ins call the child)."""
    pseudonym = normalise(child_pseudonym)
    clean = " ".join(name.split())
    if pseudonym is None or not clean or len(clean) > NICKNAME_MAX:
        return None
    child = people.by_pseudonym(conn, pseudonym)
    if child is None or child.role != "child" or child.family_id is None:
        return None
    family = families.get(conn, child.family_id)
    if family is None or not may_manage(family, actor, is_admin=is_admin):
        return None
    people.set_display_name(conn, child.id, clean)
    return people.by_id(conn, child.id)


def set_paused(
    conn: sqlite3.Connection, person: Person, *, paused: bool, now: int | None = None
) -> list[Person]:
    """Pause (or resume) a person and whoever Qiao reaches on the same phone.

    On a shared phone the owner of the phone decides what arrives on it, so a caregiver's
    /stop pauses the children who use their phone too.
    """
    targets = [person]
    if person.chat_id is not None and person.role == "caregiver":
        targets += [
            p
            for p in people.in_chat(conn, person.chat_id)
            if p.role == "child" and p.telegram_user_id is None and p.id != person.id
        ]
    for target in targets:
        people.set_paused(conn, target.id, paused)
    if not paused and now is not None and person.role == "caregiver":
        # The idle clock for lesson reminders restarts: no "it's been a while" right away.
        lessons_repo.touch(conn, person.id, now)
    return targets
