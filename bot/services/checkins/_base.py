"""Constants, a child's household, and who may act for the child."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.domain import Refusal
from bot.services import checkin_plan, schedule
from storage import checkins as repo
from storage import people
from storage.families import Child, Family
from storage.people import Person

WEEKLY, FOLLOWUP = checkin_plan.WEEKLY, checkin_plan.FOLLOWUP
ANSWER, GO, TIDY, DAY, TIME = "ci", "cig", "cix", "cid", "cit"
"""Callback prefixes: `ci:<session>:<question>:<option>` answer, `cig:<session>` the child
takes the shared phone, `cix:<session>` tidy up, `cid:<child>:<weekday>` and
`cit:<child>:<weekday>:<minute>` choose the check-in time."""

TALK = "cik"
"""Callback prefix on the closing: `cik:<session>` "I'd like to talk to someone"
(bot.services.talk)."""

SKIP = "-skip"
"""The option part of a skip press (option ids never contain '-')."""

TIME_CHOICES = (8 * 60, 10 * 60, 16 * 60, 19 * 60, 20 * 60)
"""The times /checkin_time offers, in minutes after midnight."""

TREND_WEEKS = 6
"""Earlier weeks whose moods the trend rule reads."""

SHARED_IDLE_SECONDS = 30 * 60
"""A shared phone's half-answered exchange is deleted after this long without activity, so
it never outlives Telegram's 48-hour window for deleting messages."""

SHARED_FINISHED_SECONDS = 10 * 60
"""A finished exchange on a shared phone is deleted this long after the end at the latest
(at once when the child presses the tidy-up button)."""

TIDY_WINDOW_SECONDS = 7 * 24 * 60 * 60
"""How far back the sweep looks for exchanges to delete: Telegram deletes a message for 48
hours only, and retention forgets exchange message ids after three days, so older finished
sessions have nothing left to tidy (bounding the read keeps the sweep short at any scale)."""


@dataclass(frozen=True)
class Household:
    """A child with their settings and family, as one read."""

    child: Person
    settings: Child
    family: Family

    @property
    def shared_phone(self) -> bool:
        """The child answers on the caregiver's Telegram account."""
        return self.settings.shared_phone

    @property
    def zone(self) -> ZoneInfo:
        """The family's zoneinfo."""
        return schedule.zone_of(self.family.timezone)


def household(conn: sqlite3.Connection, child_id: int) -> Household | None:
    """Read a child, their check-in settings and their family (one query)."""
    found = repo.household(conn, child_id)
    return None if found is None else Household(*found)


def chat_children(conn: sqlite3.Connection, user_id: int, chat_id: int) -> list[Person] | None:
    """The children whose check-ins this chat answers for: a child's own chat, or the shared
    phone's children in their caregiver's chat; None when the caller is neither."""
    caller = people.by_telegram_user(conn, user_id)
    if caller is None or caller.status != "active" or caller.chat_id != chat_id:
        return None
    if caller.role == "child":
        return [caller]
    if caller.role == "caregiver":
        return [
            p
            for p in people.in_chat(conn, chat_id)
            if p.role == "child" and p.status == "active" and p.telegram_user_id is None
        ]
    return None


def may_act_for(home: Household, user_id: int, chat_id: int) -> bool:
    """A press or message in `chat_id` by `user_id` may speak for this child.

    Own account: the child's own Telegram account in the child's chat. Shared phone: the
    caregiver's account in the caregiver's private chat, which is the child's chat too.
    """
    child = home.child
    return may_act(child.chat_id, child.telegram_user_id, child.status, user_id, chat_id)


def may_act(
    child_chat: int | None, child_user: int | None, status: str, user_id: int, chat_id: int
) -> bool:
    """`may_act_for` on the columns a narrow read gives (no household needed)."""
    if child_chat is None or chat_id != child_chat or status != "active":
        return False
    if child_user is not None:
        return user_id == child_user
    return user_id == chat_id


def pressed_session(
    conn: sqlite3.Connection, session_id: int, user_id: int, chat_id: int
) -> tuple[repo.Session, Household] | Refusal:
    """The session a button names and its household, if this presser in this chat may act for
    the child; the "no longer valid" refusal otherwise (nothing is told about why)."""
    session = repo.get(conn, session_id)
    if session is None:
        return refuse("basics.stale_button")
    home = household(conn, session.child_id)
    if home is None or not may_act_for(home, user_id, chat_id):
        return refuse("basics.stale_button")
    return session, home


def refuse(key: str, home: Household | None = None) -> Refusal:
    """A refusal in the child's language (Chinese when the child is unknown)."""
    return Refusal(key, home.child.lang if home else "zh")


def answering_here(conn: sqlite3.Connection, chat_id: int, child_id: int, session_id: int) -> bool:
    """On a shared phone, the chat's state says this child is answering this session."""
    state = repo.chat_state(conn, chat_id)
    return (
        state is not None
        and state.state == repo.STATE
        and state.person_id == child_id
        and state.data.get("session") == session_id
    )
