"""Parents working away, without Telegram: invitations, joining, the weekly call slot, sharing.

A parent is a `people` row with role `parent` and no `family_id`: `parent_families` says which
families they belong to (two parents per family, a parent in two families). The join flow is a
conversation_state row (`onboarding.parent`), checked press by press like every onboarding flow:
lang → consent → relation → time zone → quiet hours → call day → call time. Nothing here reads a
child's answers except the mood face a child chose to share and whether they said they talked
with their parents; neither is shown while an alert about the child is open.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.services import onboarding
from bot.services.pseudonyms import new_pseudonym
from storage import audit, families, invites, people
from storage import erasure as erasure_repo
from storage import parents as repo
from storage.families import Family
from storage.people import Person

FLOW = "onboarding.parent"
RELATIONS = ("mother", "father")
ZONES = (
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Asia/Singapore",
    "Asia/Dubai",
    "Europe/Berlin",
    "Africa/Lagos",
)
"""Where parents from rural China often work: at home in China, Japan or Korea, South-East Asia,
the Gulf, Europe, Africa (one zone each is close enough for a weekly reminder)."""
QUIET = ((21 * 60, 8 * 60), (23 * 60, 7 * 60), (8 * 60, 16 * 60))
"""Quiet-hour choices (local minutes): evenings, late nights, or asleep by day after night work."""
CALL_MINUTES = (8 * 60, 12 * 60, 18 * 60, 19 * 60, 20 * 60, 21 * 60, 22 * 60)
WEEK = 7 * 86_400
SILENT_WEEKS = 3
HISTORY_WEEKS = 8
FACES = {1: "😢", 2: "🙁", 3: "😐", 4: "🙂", 5: "😄"}


def zone_of(name: str) -> ZoneInfo:
    """A stored zone name as a ZoneInfo (Shanghai if it is unknown)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("Asia/Shanghai")


def period_at(ts: int, zone: ZoneInfo) -> str:
    """The ISO week of a moment in a zone, as check-ins name it ('2026-W03')."""
    year, week, _ = datetime.fromtimestamp(ts, UTC).astimezone(zone).isocalendar()
    return f"{year}-W{week:02d}"


def periods_before(ts: int, zone: ZoneInfo, weeks: int) -> list[str]:
    """The `weeks` ISO weeks ending with the one containing `ts`, oldest first."""
    return [period_at(ts - back * WEEK, zone) for back in range(weeks - 1, -1, -1)]


def in_quiet(minute: int, start: int, end: int) -> bool:
    """Whether a local minute of the day falls in quiet hours (which may cross midnight)."""
    if start == end:
        return False
    return start <= minute < end if start < end else minute >= start or minute < end


def next_reminder(now: int, setting: repo.Settings) -> int | None:
    """The next moment of the parent's weekly slot after `now`, moved out of quiet hours."""
    if setting.call_weekday is None or setting.call_minute is None:
        return None
    zone = zone_of(setting.timezone)
    local = datetime.fromtimestamp(now, UTC).astimezone(zone)
    days = (setting.call_weekday - local.weekday()) % 7
    day = local.date() + timedelta(days=days)
    at = datetime.combine(day, time(setting.call_minute // 60, setting.call_minute % 60), zone)
    if int(at.timestamp()) <= now:
        at = datetime.combine(
            day + timedelta(days=7), time(setting.call_minute // 60, setting.call_minute % 60), zone
        )
    return quiet_shift(int(at.timestamp()), setting)


def quiet_shift(ts: int, setting: repo.Settings) -> int:
    """`ts`, or the end of the quiet hours it falls in (in the parent's zone)."""
    zone = zone_of(setting.timezone)
    local = datetime.fromtimestamp(ts, UTC).astimezone(zone)
    minute = local.hour * 60 + local.minute
    if not in_quiet(minute, setting.quiet_start, setting.quiet_end):
        return ts
    end = time(setting.quiet_end // 60, setting.quiet_end % 60)
    day = local.date() if minute < setting.quiet_end else local.date() + timedelta(days=1)
    return int(datetime.combine(day, end, zone).timestamp())


# --- invitations and joining ------------------------------------------------------------


def invite(
    conn: sqlite3.Connection, family: Family, *, actor: Person, now: int, expire_days: int
) -> onboarding.Link:
    """A one-time parent link for a family: a pending P- person until they agree."""
    person_id = people.insert(conn, pseudonym=new_pseudonym(conn, "parent"), role="parent", now=now)
    person = people.by_id(conn, person_id)
    if person is None:  # inserted just above
        raise RuntimeError("parent row vanished")
    link = onboarding.issue_link(
        conn,
        role="parent",
        now=now,
        expire_days=expire_days,
        person=person,
        family_id=family.id,
        created_by=actor.id,
    )
    audit.record(
        conn,
        at=now,
        action="invite.parent",
        actor=actor.pseudonym,
        subject=family.pseudonym,
        detail={"parent": person.pseudonym},
    )
    return link


def open_link(
    conn: sqlite3.Connection,
    invite_row: invites.Invite,
    *,
    user_id: int,
    chat_id: int,
    now: int,
) -> onboarding.Screen:
    """A parent link was opened: join a second family, or start the flow."""
    pending = people.by_id(conn, invite_row.person_id) if invite_row.person_id else None
    family = families.get(conn, invite_row.family_id) if invite_row.family_id else None
    if pending is None or family is None:
        return onboarding.Screen(onboarding.ScreenName.UNKNOWN)
    existing = people.by_telegram_user(conn, user_id)
    if existing is not None and existing.role != "parent":
        return onboarding.Screen(onboarding.ScreenName.REGISTERED, person=existing)
    if existing is not None:  # already a parent in another family: add this one
        invites.mark_used(conn, invite_row.token_hash, now)
        erasure_repo.delete_person(conn, pending.id)
        repo.link(conn, existing.id, family.id, "parent", now)
        audit.record(
            conn, at=now, action="parent.join", actor=existing.pseudonym, subject=family.pseudonym
        )
        return onboarding.Screen(onboarding.ScreenName.PARENT_ADDED, person=existing)
    invites.mark_used(conn, invite_row.token_hash, now)
    invites.save_flow(
        conn,
        chat_id=chat_id,
        person_id=pending.id,
        state=FLOW,
        data={"user": user_id, "step": "lang", "family": family.id},
        now=now,
    )
    return onboarding.Screen(onboarding.ScreenName.PARENT_LANG, person=pending)


def _flow(conn: sqlite3.Connection, chat_id: int, user_id: int, step: str) -> invites.Flow | None:
    flow = invites.load_flow(conn, chat_id)
    if flow is None or flow.state != FLOW:
        return None
    if flow.data.get("user") != user_id or flow.data.get("step") != step:
        return None
    return flow


def _next(conn: sqlite3.Connection, flow: invites.Flow, now: int, **changes: Any) -> None:
    invites.save_flow(
        conn,
        chat_id=flow.chat_id,
        person_id=flow.person_id,
        state=FLOW,
        data={**flow.data, **changes},
        now=now,
    )


@dataclass(frozen=True)
class Step:
    """Where a parent's join flow went after a press (`screen`), for the adapter to show."""

    screen: onboarding.ScreenName
    person: Person
    setting: repo.Settings | None = None


def join_step(
    conn: sqlite3.Connection,
    *,
    chat_id: int,
    user_id: int,
    action: str,
    value: str,
    now: int,
    default_quiet: tuple[int, int],
) -> Step | None:
    """One press of the join flow, checked against the stored step; None if it does not fit."""
    order = {"lang": "lang", "ok": "consent", "rel": "relation", "tz": "zone", "qt": "quiet"}
    order |= {"day": "day", "time": "time"}
    if action not in order:
        return None
    flow = _flow(conn, chat_id, user_id, order[action])
    person = people.by_id(conn, flow.person_id) if flow else None
    if flow is None or person is None:
        return None
    if action == "lang" and value in onboarding.LANGUAGES:
        people.set_lang(conn, person.id, value)
        _next(conn, flow, now, step="consent")
        return Step(onboarding.ScreenName.PARENT_CONSENT, _require(conn, person.id))
    if action == "ok" and value in ("y", "n"):
        return _consent(conn, flow, person, agree=value == "y", now=now, quiet=default_quiet)
    setting = repo.settings(conn, person.id)
    if setting is None:
        return None
    if action == "rel" and value in RELATIONS:
        family_id = int(flow.data["family"])
        conn.execute(
            "UPDATE parent_families SET relation = ? WHERE parent_id = ? AND family_id = ?",
            (value, person.id, family_id),
        )
        _next(conn, flow, now, step="zone")
        return Step(onboarding.ScreenName.PARENT_ZONE, person, setting)
    if action == "tz" and value.isdigit() and int(value) < len(ZONES):
        repo.set_zone(conn, person.id, ZONES[int(value)])
        _next(conn, flow, now, step="quiet")
        return Step(onboarding.ScreenName.PARENT_QUIET, person, repo.settings(conn, person.id))
    if action == "qt" and value.isdigit() and int(value) < len(QUIET):
        start, end = QUIET[int(value)]
        repo.set_quiet(conn, person.id, start, end)
        _next(conn, flow, now, step="day")
        return Step(onboarding.ScreenName.PARENT_DAY, person, repo.settings(conn, person.id))
    if action == "day" and value.isdigit() and int(value) < 7:
        _next(conn, flow, now, step="time", day=int(value))
        return Step(onboarding.ScreenName.PARENT_TIME, person, setting)
    if action == "time" and value.isdigit() and int(value) in allowed_minutes(setting):
        set_slot(conn, person.id, int(flow.data["day"]), int(value), now)
        invites.clear_flow(conn, chat_id)
        return Step(onboarding.ScreenName.PARENT_DONE, person, repo.settings(conn, person.id))
    return None


def _consent(
    conn: sqlite3.Connection,
    flow: invites.Flow,
    person: Person,
    *,
    agree: bool,
    now: int,
    quiet: tuple[int, int],
) -> Step:
    """Agreeing binds the account and joins the family; declining keeps nothing."""
    user_id = int(flow.data["user"])
    if not agree:
        invites.clear_flow(conn, flow.chat_id)
        audit.record(conn, at=now, action="parent.declined", actor=person.pseudonym)
        erasure_repo.delete_person(conn, person.id)
        return Step(onboarding.ScreenName.PARENT_DECLINED, person)
    taken = people.by_telegram_user(conn, user_id)
    if taken is not None:
        invites.clear_flow(conn, flow.chat_id)
        return Step(onboarding.ScreenName.REGISTERED, taken)
    people.activate(
        conn,
        person.id,
        telegram_user_id=user_id,
        chat_id=flow.chat_id,
        display_name=None,
        lang=person.lang,
    )
    family_id = int(flow.data["family"])
    family = families.get(conn, family_id)
    zone = family.timezone if family else "Asia/Shanghai"
    repo.insert(
        conn, person_id=person.id, timezone=zone, quiet_start=quiet[0], quiet_end=quiet[1], now=now
    )
    repo.link(conn, person.id, family_id, "parent", now)
    _next(conn, flow, now, step="relation")
    audit.record(
        conn,
        at=now,
        action="parent.join",
        actor=person.pseudonym,
        subject=None if family is None else family.pseudonym,
    )
    return Step(onboarding.ScreenName.PARENT_RELATION, _require(conn, person.id))


def _require(conn: sqlite3.Connection, person_id: int) -> Person:
    person = people.by_id(conn, person_id)
    if person is None:
        raise LookupError(f"no person {person_id}")
    return person


def allowed_minutes(setting: repo.Settings) -> tuple[int, ...]:
    """The call times offered: those outside the parent's quiet hours."""
    return tuple(m for m in CALL_MINUTES if not in_quiet(m, setting.quiet_start, setting.quiet_end))


def set_slot(conn: sqlite3.Connection, person_id: int, weekday: int, minute: int, now: int) -> None:
    """Store the weekly slot and plan the next reminder."""
    repo.set_slot(conn, person_id, weekday, minute, None)
    setting = repo.settings(conn, person_id)
    if setting is not None:
        repo.set_next(conn, person_id, next_reminder(now, setting))


def change_slot(
    conn: sqlite3.Connection, parent: Person, *, weekday: int, minute: int, now: int
) -> repo.Settings | None:
    """/calltime after joining: a new slot (only outside quiet hours)."""
    setting = repo.settings(conn, parent.id)
    if setting is None or not 0 <= weekday < 7 or minute not in allowed_minutes(setting):
        return None
    set_slot(conn, parent.id, weekday, minute, now)
    return repo.settings(conn, parent.id)


def active_parent(person: Person | None) -> bool:
    """An active parent (the only one who may use the parents' buttons)."""
    return person is not None and person.role == "parent" and person.status == "active"
