"""Who acts on an alert, and what they do: claim, resolve, note, list."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from bot.services.admins import ensure_admin
from bot.services.alerts._common import OUTCOMES, pseudonym_of, require
from bot.services.alerts._copies import Edit, refresh_tx
from storage import alerts, audit, people
from storage.alerts import Alert

if TYPE_CHECKING:
    from bot.content import ContentBundle


@dataclass(frozen=True)
class Actor:
    """A volunteer or coordinator acting on an alert, as the audit log names them."""

    person_id: int
    pseudonym: str
    is_admin: bool
    lang: str


def actor_tx(
    conn: sqlite3.Connection,
    *,
    telegram_user_id: int,
    is_config_admin: bool,
    now: int,
) -> Actor | None:
    """The acting volunteer, or None for anyone else.

    Volunteers and admins need an active people row; an admin listed only in the config gets
    one here (`bot.services.admins`, as onboarding makes it), so claims and notes can name them.
    """
    person = people.by_telegram_user(conn, telegram_user_id)
    if person is None and is_config_admin:
        person, _created = ensure_admin(conn, user_id=telegram_user_id, now=now)
    if person is None:
        return None
    is_admin = is_config_admin or person.role == "admin"
    if not is_admin and (person.role != "volunteer" or person.status != "active"):
        return None
    return Actor(person.id, person.pseudonym, is_admin, person.lang)


ClaimOutcome = Literal["claimed", "mine", "taken", "closed", "missing"]


@dataclass(frozen=True)
class ClaimResult:
    """What a claim press did, and what the group's copies must now show."""

    outcome: ClaimOutcome
    alert: Alert | None = None
    holder: str | None = None
    edits: list[Edit] = field(default_factory=list)


def claim_tx(
    conn: sqlite3.Connection, content: ContentBundle, alert_id: int, actor: Actor, now: int
) -> ClaimResult:
    """Take an alert with one conditional UPDATE; a second claim learns who was first."""
    if alerts.get(conn, alert_id) is None:
        return ClaimResult("missing")
    if alerts.claim(conn, alert_id, actor.person_id, now):
        alert = require(conn, alert_id)
        audit.record(
            conn, at=now, action="alert.claimed", actor=actor.pseudonym, subject=alert.code
        )
        return ClaimResult("claimed", alert, actor.pseudonym, refresh_tx(conn, content, alert))
    alert = require(conn, alert_id)
    holder = pseudonym_of(conn, alert.claimed_by)
    if alert.status == alerts.RESOLVED:
        return ClaimResult("closed", alert, holder)
    if alert.claimed_by == actor.person_id:
        return ClaimResult("mine", alert, holder)
    if alert.status == alerts.WATCH:
        return ClaimResult("missing")
    return ClaimResult("taken", alert, holder)


ResolveStatus = Literal["ok", "closed", "not_yours", "missing"]


@dataclass(frozen=True)
class ResolveResult:
    """Whether an actor may close an alert (or just did), and what to edit."""

    status: ResolveStatus
    alert: Alert | None = None
    holder: str | None = None
    edits: list[Edit] = field(default_factory=list)


def may_resolve_tx(conn: sqlite3.Connection, alert_id: int, actor: Actor) -> ResolveResult:
    """The claimer or a coordinator may close a claimed alert; any volunteer an open one."""
    alert = alerts.get(conn, alert_id)
    if alert is None or alert.status == alerts.WATCH:
        return ResolveResult("missing")
    holder = pseudonym_of(conn, alert.claimed_by)
    if alert.status == alerts.RESOLVED:
        return ResolveResult("closed", alert, holder)
    if (
        alert.status == alerts.CLAIMED
        and alert.claimed_by != actor.person_id
        and not actor.is_admin
    ):
        return ResolveResult("not_yours", alert, holder)
    return ResolveResult("ok", alert, holder)


def resolve_tx(
    conn: sqlite3.Connection,
    content: ContentBundle,
    alert_id: int,
    actor: Actor,
    outcome: str,
    now: int,
) -> ResolveResult:
    """Close an alert with an outcome (checked again: the state may have moved meanwhile)."""
    if outcome not in OUTCOMES:
        return ResolveResult("missing")
    check = may_resolve_tx(conn, alert_id, actor)
    if check.status != "ok":
        return check
    if not alerts.resolve(conn, alert_id, actor.person_id, outcome, now):
        return ResolveResult("closed", check.alert, check.holder)
    alert = require(conn, alert_id)
    audit.record(
        conn,
        at=now,
        action="alert.resolved",
        actor=actor.pseudonym,
        subject=alert.code,
        detail={"outcome": outcome},
    )
    return ResolveResult("ok", alert, check.holder, refresh_tx(conn, content, alert))


NOTE_MAX = 2000


def add_note_tx(
    conn: sqlite3.Connection, alert_id: int, actor: Actor, text: str, now: int
) -> Alert | None:
    """Store a note (any volunteer, any state); the audit row says who, never what."""
    alert = alerts.get(conn, alert_id)
    if alert is None or alert.status == alerts.WATCH:
        return None
    alerts.add_note(conn, alert_id, actor.person_id, text, now)
    audit.record(conn, at=now, action="alert.note_added", actor=actor.pseudonym, subject=alert.code)
    return alert


@dataclass(frozen=True)
class Listed:
    """An open alert for `/alerts`."""

    alert: Alert
    holder: str | None


def list_open_tx(conn: sqlite3.Connection) -> list[Listed]:
    """Open and claimed alerts, most serious and oldest first."""
    return [Listed(a, pseudonym_of(conn, a.claimed_by)) for a in alerts.open_alerts(conn)]
