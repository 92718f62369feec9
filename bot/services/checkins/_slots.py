"""A child's check-in slot: a new child's spread default, and /checkin_time's choices."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from bot.callbacks import pack
from bot.domain import Refusal
from bot.outgoing import Outgoing
from bot.services import schedule
from bot.services.checkins._base import (
    DAY,
    TIME,
    TIME_CHOICES,
    Household,
    chat_children,
    household,
    may_act_for,
    refuse,
)
from bot.services.checkins._messages import (
    nickname,
    weekday_name,
)
from storage import families

if TYPE_CHECKING:
    from bot.content import ContentBundle


SPREAD_STEP = 5
"""Minutes between the slots a spread hands out."""


def spread_minute(minute: int, spread: int, child_id: int) -> int:
    """A new child's default check-in minute: `minute` plus an offset within `spread`.

    The offset is stable (the same child always gets the same one) and spreads consecutive
    ids evenly (a multiplicative hash), in steps of `SPREAD_STEP`: with 240 minutes, children
    land on 48 slots from 10:00 to 13:55 instead of all at 10:00.
    """
    slots = max(1, spread // SPREAD_STEP)
    mixed = (child_id * 2654435761) % 2**32
    return minute + (mixed * slots >> 32) * SPREAD_STEP


def slot_targets(conn: sqlite3.Connection, *, user_id: int, chat_id: int) -> list[Household] | None:
    """The children whose check-in time this chat may change (None: not a child's chat)."""
    candidates = chat_children(conn, user_id, chat_id)
    if candidates is None:
        return None
    homes = [h for h in (household(conn, c.id) for c in candidates) if h is not None]
    return homes or None


def weekday_keyboard(content: ContentBundle, home: Household) -> Outgoing:
    """Seven weekday buttons for one child."""
    lang = home.child.lang
    text = content.ui(
        "checkins.time_pick_day",
        lang,
        nickname=nickname(content, home.child, home.settings.age_band),
        weekday=weekday_name(content, home.settings.checkin_weekday, lang),
        time=schedule.hhmm(home.settings.checkin_minute),
    )
    days = [(weekday_name(content, day, lang), pack(DAY, home.child.id, day)) for day in range(7)]
    return Outgoing(text, (tuple(days[:4]), tuple(days[4:])))


def time_keyboard(content: ContentBundle, home: Household, weekday: int) -> Outgoing:
    """A few time buttons for the chosen weekday."""
    lang = home.child.lang
    text = content.ui("checkins.time_pick_time", lang, weekday=weekday_name(content, weekday, lang))
    times = tuple(
        (schedule.hhmm(minute), pack(TIME, home.child.id, weekday, minute))
        for minute in TIME_CHOICES
    )
    return Outgoing(text, (times,))


def slot_press_tx(
    conn: sqlite3.Connection,
    *,
    user_id: int,
    chat_id: int,
    child_id: int,
    weekday: int,
    minute: int | None,
    now: int,
) -> Household | Refusal:
    """A weekday (minute None) or weekday-and-time press; the time press stores the new slot."""
    home = household(conn, child_id)
    if home is None or not may_act_for(home, user_id, chat_id):
        return refuse("basics.stale_button")
    if not 0 <= weekday <= 6 or (minute is not None and minute not in TIME_CHOICES):
        return refuse("basics.stale_button", home)
    if minute is None:
        return home
    families.set_slot(conn, child_id, weekday, minute)
    following = schedule.next_due(now, weekday, minute, home.zone)
    families.set_next_due(conn, child_id, following)
    return household(conn, child_id) or home
