"""What the onboarding flows are made of: their names, their typed steps, the screens and
refusals the services return to the adapter.

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

import sqlite3
from dataclasses import dataclass
from enum import StrEnum

from storage import consents
from storage.people import Person

CAREGIVER_FLOW = "onboarding.caregiver"
CHILD_FLOW = "onboarding.child"
NEWFAMILY_FLOW = "onboarding.newfamily"
LANGUAGES = ("zh", "en")


class Step(StrEnum):
    """A flow's stored step (`data["step"]` of its conversation_state row)."""

    LANG = "lang"
    CONSENT = "consent"
    GUARDIAN = "guardian"
    ADDRESS = "address"
    VOICE = "voice"
    PHONE = "phone"
    AGE = "age"


class ScreenName(StrEnum):
    """Which screen a service asks the adapter to show (the views word each one)."""

    ADDRESS = "address"
    CAREGIVER_CONSENT = "caregiver_consent"
    CAREGIVER_DECLINED = "caregiver_declined"
    CAREGIVER_FINISHED = "caregiver_finished"
    CHILD_CONSENT = "child_consent"
    CHILD_DECLINED = "child_declined"
    CHILD_FINISHED = "child_finished"
    CHILD_FINISHED_SHARED = "child_finished_shared"
    DONE = "done"
    EXPIRED = "expired"
    GUARDIAN_CONSENT = "guardian_consent"
    LANG = "lang"
    NOT_READY = "not_ready"
    PARENT_ADDED = "parent_added"
    PARENT_CONSENT = "parent_consent"
    PARENT_DAY = "parent_day"
    PARENT_DECLINED = "parent_declined"
    PARENT_DONE = "parent_done"
    PARENT_LANG = "parent_lang"
    PARENT_QUIET = "parent_quiet"
    PARENT_RELATION = "parent_relation"
    PARENT_TIME = "parent_time"
    PARENT_ZONE = "parent_zone"
    REGISTERED = "registered"
    UNKNOWN = "unknown"
    USED = "used"
    VOICE = "voice"
    VOLUNTEER_WELCOME = "volunteer_welcome"


@dataclass(frozen=True)
class Screen:
    """What the adapter should show next; `name` says which screen (see bot/telegram/onboarding)."""

    name: ScreenName
    person: Person | None = None
    child: Person | None = None
    handover: tuple[Person, ...] = ()
    children_ready: int = 0
    first_time: bool = False  # caregiver_finished right after their own consent: show the card


@dataclass(frozen=True)
class Decision:
    """A consent press as the adapter read it: whose screen, which answer, which text."""

    chat_id: int
    user_id: int
    target: int  # the person the button names (the caregiver, or the child)
    agree: bool
    version: int
    now: int
    first_name: str | None = None  # the presser's Telegram first name (an own-phone child's)

    def record(self, conn: sqlite3.Connection, *, by: int, about: int, kind: str) -> None:
        """Keep this answer, with the consent text's version, in the consent log."""
        consents.record(
            conn,
            person_id=by,
            subject_id=about,
            kind=kind,
            text_version=self.version,
            agree=self.agree,
            at=self.now,
        )
