"""Erasure: real deletion of personal data, leaving an audit row of pseudonyms and counts.

- A caregiver's /deleteme removes their person row (and with it, by cascade, their consents,
  lesson progress, state and alerts) and everything queued for or kept about their chat. The
  family, its volunteer and any child with their own phone stay: the child agreed for
  themselves and the guardian's earlier consent for them is kept, detached from the erased
  caregiver. A child on the caregiver's shared phone is erased too: Qiao could reach them
  only through the caregiver's account, which is gone.
- A volunteer's (or admin's) /erase F-XXXX removes the whole family: every member, their
  links, consents, check-ins, alerts (all by cascade) and their chats' traces. A parent who
  belongs to no other family goes too; a parent of siblings in another family stays, without
  this family.
- A parent's /deleteme removes their row (settings, families, call reports by cascade) and
  their chat's traces; the families stay.

Who asks is checked here, in the erasing transaction (`erase_self`, `erase_family`): a press
from anyone else returns a `Refusal` and erases nothing.

The chat ids returned are for resetting Telegram's command menus right away; they are never
stored or logged.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from bot.domain import Refusal
from bot.services import parent_calls
from bot.services.onboarding import acting
from storage import audit, erasure, families, people
from storage.people import Person

SELF_ERASING = ("caregiver", "parent")
"""The roles whose /deleteme erases their own data."""


@dataclass(frozen=True)
class Erased:
    """What an erasure removed, in pseudonyms and counts (plus chats to reset, in memory)."""

    subject: str
    people: int
    states: int
    outbox: int
    chats: tuple[int, ...]


def erase_self(
    conn: sqlite3.Connection, person_id: int, *, user_id: int, chat_id: int, now: int
) -> Erased | Refusal:
    """/deleteme's confirmation: a caregiver or parent erases themself, pressing in their own
    chat with their own account; anyone else's press erases nothing."""
    person = own_row(conn, person_id, user_id=user_id, chat_id=chat_id)
    if isinstance(person, Refusal):
        return person
    if person.role == "parent":
        erased = _erase_parent(conn, person_id, now=now)
    else:
        erased = _erase_caregiver(conn, person_id, now=now)
    return Refusal.GONE if erased is None else erased


def own_row(
    conn: sqlite3.Connection, person_id: int, *, user_id: int, chat_id: int
) -> Person | Refusal:
    """The caregiver's or parent's row a /deleteme button names, if the presser is that
    person, pressing in their own chat."""
    person = people.by_telegram_user(conn, user_id)
    if person is None or person.id != person_id or person.chat_id != chat_id:
        return Refusal.NOT_ALLOWED
    if person.role not in SELF_ERASING:
        return Refusal.NOT_ALLOWED
    return person


def _erase_caregiver(conn: sqlite3.Connection, person_id: int, *, now: int) -> Erased | None:
    """Erase a caregiver (the caller checked it is their own request); None if there is no
    such caregiver."""
    person = people.by_id(conn, person_id)
    if person is None or person.role != "caregiver":
        return None
    family = families.get(conn, person.family_id) if person.family_id is not None else None
    shared = [
        c.person_id
        for c in (families.children_of(conn, family.id) if family else [])
        if c.shared_phone and c.caregiver_id == person.id
    ]
    shared_pseudonyms = [p.pseudonym for p in (people.by_id(conn, i) for i in shared) if p]
    chats = (person.chat_id,) if person.chat_id is not None else ()
    states, outbox_rows = erasure.delete_chat_traces(conn, chats)
    erasure.detach_consents_given_by(conn, person.id)
    for child_id in shared:
        erasure.delete_person(conn, child_id)
    erasure.delete_person(conn, person.id)
    audit.record(
        conn,
        at=now,
        action="erase.caregiver",
        actor=person.pseudonym,
        subject=person.pseudonym,
        detail={
            "family": None if family is None else family.pseudonym,
            "children_erased": shared_pseudonyms,
            "people": 1 + len(shared),
            "states": states,
            "outbox": outbox_rows,
        },
    )
    return Erased(person.pseudonym, 1 + len(shared), states, outbox_rows, chats)


def erase_family(
    conn: sqlite3.Connection, family_id: int, *, user_id: int, is_admin: bool, now: int
) -> Erased | Refusal:
    """Erase a whole family, if the one pressing may manage it (read in this transaction)."""
    found = acting.managed(conn, family_id, user_id=user_id, is_admin=is_admin)
    if isinstance(found, Refusal):
        return found
    actor, family = found
    members = [p.pseudonym for p in people.in_family(conn, family.id)]
    chats = tuple(erasure.family_chats(conn, family.id))
    states, outbox_rows = erasure.delete_chat_traces(conn, chats)
    parents_gone, parent_chats = parent_calls.erase_family_parents_tx(conn, family.id)
    members += parents_gone
    chats += tuple(parent_chats)
    outbox_rows += erasure.delete_family_cards(conn, family.id)
    erasure.delete_family(conn, family.id)
    audit.record(
        conn,
        at=now,
        action="erase.family",
        actor=actor.pseudonym,
        subject=family.pseudonym,
        detail={
            "members": members,
            "people": len(members),
            "states": states,
            "outbox": outbox_rows,
        },
    )
    return Erased(family.pseudonym, len(members), states, outbox_rows, chats)


def _erase_parent(conn: sqlite3.Connection, person_id: int, *, now: int) -> Erased | None:
    """Erase a parent (the caller checked it is their own request); None if there is no such
    parent."""
    person = people.by_id(conn, person_id)
    chats = parent_calls.erase_parent_tx(conn, person_id, now=now)
    if person is None or chats is None:
        return None
    return Erased(person.pseudonym, 1, 0, 0, chats)
