"""Constants, labels, local times and small look-ups that every part of the desk shares."""

from __future__ import annotations

import logging
import re
import sqlite3
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.levels import RiskLevel
from storage import alerts, people
from storage.alerts import Alert
from storage.families import Family

if TYPE_CHECKING:
    from bot.content import ContentBundle

log = logging.getLogger(__name__)

OUTCOMES = (
    "talked_child",
    "talked_caregiver",
    "referred_school",
    "referred_authorities",
    "false_alarm",
    "other",
)

CLAIM, RESOLVE, OUTCOME = "alc", "ald", "alo"
"""Callback prefixes: `alc:<id>` claim, `ald:<id>` resolve, `alo:<id>:<outcome>` outcome."""

POSTED_LEVEL = RiskLevel.CONCERN
"""Risk signals from this level up are posted; below it they wait for the weekly digest."""

REPOST, COORDINATORS = 1, 2
"""Escalation stages stored in alerts.escalation."""

_CODE = re.compile(r"^\s*(?:A-?)?(\d{1,9})\s*$", re.IGNORECASE)

PRIORITY_STEP = 10
"""Outbox priority of a card: level x 10 (urgent 30, concern 20); re-posts a little lower."""

SIGNAL_PRIORITY = 25
"""The claimer's private note about a new signal: after urgent cards, before concern ones."""


def card_priority(level: int, *, repost: bool = False) -> int:
    """The background sender's order for a card of this level (higher goes first)."""
    return int(level) * PRIORITY_STEP - (5 if repost else 0)


def level_label(content: ContentBundle, level: int, lang: str) -> str:
    """A level's readable name."""
    return content.ui_label(f"alerts.level.{RiskLevel(level).label}", lang)


def category_label(content: ContentBundle, category: str, lang: str) -> str:
    """A category's readable name, or the code itself for one without a label."""
    key = f"alerts.category.{category}"
    try:
        return content.ui_label(key, lang)
    except KeyError:
        return category.replace("_", " ")


def outcome_label(content: ContentBundle, outcome: str | None, lang: str) -> str:
    """An outcome's readable name."""
    return content.ui_label(f"alerts.outcome.{outcome or 'other'}", lang)


def local_time(ts: int, family: Family | None, *, date: bool = True) -> str:
    """A moment in the family's time zone (UTC without a family), e.g. `2026-01-05 09:00 CST`."""
    moment = datetime.fromtimestamp(ts, UTC).astimezone(zone_of(family))
    return moment.strftime("%Y-%m-%d %H:%M %Z" if date else "%H:%M %Z")


def zone_of(family: Family | None) -> tzinfo:
    if family is not None:
        try:
            return ZoneInfo(family.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            log.warning("family has an unknown time zone; using UTC", extra={"family": family.id})
    return UTC


def pseudonym_of(conn: sqlite3.Connection, person_id: int | None) -> str | None:
    if person_id is None:
        return None
    person = people.by_id(conn, person_id)
    return person.pseudonym if person else None


def require(conn: sqlite3.Connection, alert_id: int) -> Alert:
    alert = alerts.get(conn, alert_id)
    if alert is None:
        raise LookupError(f"no alert {alert_id}")
    return alert


def parse_code(text: str | None) -> int | None:
    """Read an alert reference as volunteers type it: `A-12`, `a12` or `12`."""
    match = _CODE.match(text or "")
    return int(match.group(1)) if match else None
