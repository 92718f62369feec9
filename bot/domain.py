"""The domain's words, once: roles, statuses, outcomes, and the one shape of a refusal.

Every layer may import this module (storage included): it holds no behaviour, only names. The
values are the strings stored in SQLite (each enum mirrors a `CHECK (… IN …)` of a migration),
so a `StrEnum` member equals its stored string and rows read back compare as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar


class Role(StrEnum):
    """Who a person is to Qiao (`people.role`); `STRANGER` is never stored: no row, or inactive."""

    ADMIN = "admin"
    VOLUNTEER = "volunteer"
    CAREGIVER = "caregiver"
    CHILD = "child"
    PARENT = "parent"
    STRANGER = "stranger"


class PersonStatus(StrEnum):
    """`people.status`: invited but not yet agreed, taking part, or declined."""

    PENDING = "pending"
    ACTIVE = "active"
    DECLINED = "declined"


class SessionStatus(StrEnum):
    """`checkin_sessions.status`, in the order a check-in lives through them."""

    PENDING = "pending"
    SENT = "sent"
    ANSWERING = "answering"
    DONE = "done"
    CLOSED = "closed"
    MISSED = "missed"


FINISHED_SESSIONS = frozenset({SessionStatus.DONE, SessionStatus.CLOSED, SessionStatus.MISSED})
"""A check-in in one of these states takes no more answers."""


class AlertStatus(StrEnum):
    """`alerts.status`: on the desk (open → claimed → resolved), or below it (watch: digest)."""

    OPEN = "open"
    CLAIMED = "claimed"
    RESOLVED = "resolved"
    WATCH = "watch"


class Outcome(StrEnum):
    """How a volunteer closed an alert (`alerts.outcome`), as offered on the card's buttons."""

    TALKED_CHILD = "talked_child"
    TALKED_CAREGIVER = "talked_caregiver"
    REFERRED_SCHOOL = "referred_school"
    REFERRED_AUTHORITIES = "referred_authorities"
    FALSE_ALARM = "false_alarm"
    OTHER = "other"


class OutboxStatus(StrEnum):
    """`outbox.status`: waiting to go, sent, or given up after Telegram refused for good."""

    PENDING = "pending"
    SENT = "sent"
    DEAD = "dead"


class ReadingStatus(StrEnum):
    """`reading_items.status`: offered to an adult first, then on the volunteer's list."""

    OFFERED = "offered"
    UNREAD = "unread"
    READ = "read"


@dataclass(frozen=True)
class Refusal:
    """An action that changes nothing, decided by the service in its transaction: `key` names
    the interface text the adapter shows (a pop-up or a reply), in `lang`.

    Three shared reasons exist as constants for services whose adapter picks the words itself
    (onboarding answers every one of them with the same "no longer active"): `NOT_ALLOWED`
    (the actor's role, status, chat or family does not fit), `GONE` (what the press names no
    longer exists) and `INVALID` (the typed words or pressed value are not usable).
    """

    key: str
    lang: str = "zh"

    NOT_ALLOWED: ClassVar[Refusal]
    GONE: ClassVar[Refusal]
    INVALID: ClassVar[Refusal]


Refusal.NOT_ALLOWED = Refusal("refused.not_allowed")
Refusal.GONE = Refusal("refused.gone")
Refusal.INVALID = Refusal("refused.invalid")
