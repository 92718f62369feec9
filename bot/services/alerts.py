"""The alert desk's rules, free of Telegram: raising, claiming, resolving, notes, escalation.

A risk signal is never lost: the alert row and the group message that announces it are
committed together with the answer that caused them; the outbox sends it afterwards. Every
state change is one conditional UPDATE in storage, so racing presses cannot both win, and
every function here that changes state runs inside the caller's transaction (`*_tx`).

What the volunteer group sees is built only from pseudonyms, labels and categories: the
child's name and words are read in `details_tx`, which only the private chat uses.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.levels import RiskLevel
from bot.services.charts import MoodWeek
from bot.services.pseudonyms import new_pseudonym
from bot.services.reporters import reporter_role
from bot.telegram.callbacks import pack
from storage import alerts, audit, families, outbox, people
from storage.alerts import Alert, Coordinator, Note, Written
from storage.families import Family
from storage.people import Person

if TYPE_CHECKING:
    from bot.config import AlertConfig
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


# --- raising ----------------------------------------------------------------------------


def raise_alert_tx(
    conn: sqlite3.Connection,
    content: ContentBundle,
    *,
    kind: str,
    person_id: int,
    level: RiskLevel,
    category: str,
    reasons: list[dict[str, Any]],
    source: str,
    now: int,
    lang: str = "zh",
) -> int | None:
    """Create the alert and queue its group post; None if this source already raised one.

    `lang` is the language of the volunteer chat's post. Risk signals below `concern` are
    stored for the coordinators' digest and not posted; help requests are always posted.
    """
    person = people.by_id(conn, person_id)
    if person is None:
        raise LookupError(f"no person {person_id}")
    family = families.get(conn, person.family_id) if person.family_id else None
    posted = kind == "help_request" or level >= POSTED_LEVEL
    stored_level = max(level, POSTED_LEVEL) if kind == "help_request" else level
    alert_id = alerts.insert(
        conn,
        kind=kind,
        person_id=person_id,
        family_id=family.id if family else None,
        level=int(stored_level),
        category=category,
        reasons=reasons,
        source=source,
        now=now,
        lang=lang,
        status=alerts.OPEN if posted else alerts.WATCH,
    )
    if alert_id is None or not posted:
        return alert_id
    alert = _require(conn, alert_id)
    outbox.enqueue(
        conn,
        dedupe_key=f"alert:{alert_id}:post",
        kind="alert",
        target=outbox.VOLUNTEERS,
        payload=card_tx(conn, content, alert).payload(alert_id),
        now=now,
    )
    log.info(
        "alert raised",
        extra={"alert": alert.code, "level": stored_level.label, "category": category},
    )
    return alert_id


# --- the card the group sees ------------------------------------------------------------


@dataclass(frozen=True)
class Card:
    """An alert as the volunteer chat shows it: text (HTML) and buttons for its state."""

    text: str
    buttons: list[list[list[str]]]

    def payload(self, alert_id: int) -> dict[str, Any]:
        """The outbox payload for this card."""
        return {"text": self.text, "buttons": self.buttons, "alert_id": alert_id}


def card_tx(
    conn: sqlite3.Connection,
    content: ContentBundle,
    alert: Alert,
    *,
    header: str | None = None,
    lang: str | None = None,
) -> Card:
    """Render an alert for the group: level, category, pseudonyms, label, age band, time, who.

    Nothing here reads a display name or a message: the card cannot leak what it never sees.
    `lang` defaults to the volunteer chat's language, stored with the alert.
    """
    lang = lang or alert.lang
    person = people.by_id(conn, alert.person_id)
    family = families.get(conn, alert.family_id) if alert.family_id else None
    child = families.child(conn, alert.person_id)
    ui = content.ui
    lines = [header] if header else []
    lines.append(
        ui(
            "alerts.card.head",
            lang,
            level=level_label(content, alert.level, lang),
            category=category_label(content, alert.category, lang),
            code=alert.code,
        )
    )
    pseudonym = person.pseudonym if person else "-"
    if person is not None and person.role == "caregiver":
        lines.append(ui("alerts.card.caregiver", lang, person=pseudonym))
    elif child is not None and child.age_band:
        lines.append(ui("alerts.card.child", lang, person=pseudonym, age=child.age_band))
    else:
        lines.append(ui("alerts.card.child_no_age", lang, person=pseudonym))
    reporter = reporter_role(alert.source)
    if reporter is not None:
        role = content.ui_label(f"alerts.reporter.{reporter}", lang)
        lines.append(ui("alerts.card.reported_by", lang, role=role))
    if family is not None:
        lines.append(ui("alerts.card.family", lang, family=family.pseudonym, label=family.label))
    lines.append(ui("alerts.card.time", lang, time=local_time(alert.created_at, family)))
    volunteer = _pseudonym_of(conn, family.volunteer_id if family else None)
    lines.append(ui("alerts.card.family_volunteer", lang, volunteer=volunteer or "-"))
    claimer = _pseudonym_of(conn, alert.claimed_by)
    if alert.status == alerts.RESOLVED:
        lines.append(
            ui(
                "alerts.card.resolved",
                lang,
                volunteer=_pseudonym_of(conn, alert.resolved_by) or "-",
                outcome=outcome_label(content, alert.outcome, lang),
            )
        )
    elif claimer is not None and alert.claimed_at is not None:
        lines.append(
            ui(
                "alerts.card.assigned",
                lang,
                volunteer=claimer,
                time=local_time(alert.claimed_at, family, date=False),
            )
        )
    else:
        lines.append(ui("alerts.card.unassigned", lang))
    return Card("\n".join(lines), buttons_for(content, alert))


def buttons_for(content: ContentBundle, alert: Alert) -> list[list[list[str]]]:
    """Open: claim and resolve; claimed: resolve only; resolved: none."""
    lang = alert.lang
    resolve = [content.ui_label("alerts.button.resolve", lang), pack(RESOLVE, alert.id)]
    if alert.status == alerts.OPEN:
        return [[[content.ui_label("alerts.button.claim", lang), pack(CLAIM, alert.id)], resolve]]
    if alert.status == alerts.CLAIMED:
        return [[resolve]]
    return []


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
    moment = datetime.fromtimestamp(ts, UTC).astimezone(_zone(family))
    return moment.strftime("%Y-%m-%d %H:%M %Z" if date else "%H:%M %Z")


def _zone(family: Family | None) -> tzinfo:
    if family is not None:
        try:
            return ZoneInfo(family.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            log.warning("family has an unknown time zone; using UTC", extra={"family": family.id})
    return UTC


def _pseudonym_of(conn: sqlite3.Connection, person_id: int | None) -> str | None:
    if person_id is None:
        return None
    person = people.by_id(conn, person_id)
    return person.pseudonym if person else None


def _require(conn: sqlite3.Connection, alert_id: int) -> Alert:
    alert = alerts.get(conn, alert_id)
    if alert is None:
        raise LookupError(f"no alert {alert_id}")
    return alert


def parse_code(text: str | None) -> int | None:
    """Read an alert reference as volunteers type it: `A-12`, `a12` or `12`."""
    match = _CODE.match(text or "")
    return int(match.group(1)) if match else None


# --- who acts -----------------------------------------------------------------------------


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
    one here, as onboarding makes it (role admin, an A- pseudonym, private chat = their user
    id), so claims and notes can name them.
    """
    person = people.by_telegram_user(conn, telegram_user_id)
    if person is None and is_config_admin:
        person_id = people.insert(
            conn,
            pseudonym=new_pseudonym(conn, "admin"),
            role="admin",
            now=now,
            telegram_user_id=telegram_user_id,
            chat_id=telegram_user_id,
            status="active",
        )
        person = people.by_id(conn, person_id)
    if person is None:
        return None
    is_admin = is_config_admin or person.role == "admin"
    if not is_admin and (person.role != "volunteer" or person.status != "active"):
        return None
    return Actor(person.id, person.pseudonym, is_admin, person.lang)


# --- claiming -------------------------------------------------------------------------------

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
        alert = _require(conn, alert_id)
        audit.record(
            conn, at=now, action="alert.claimed", actor=actor.pseudonym, subject=alert.code
        )
        return ClaimResult("claimed", alert, actor.pseudonym, refresh_tx(conn, content, alert))
    alert = _require(conn, alert_id)
    holder = _pseudonym_of(conn, alert.claimed_by)
    if alert.status == alerts.RESOLVED:
        return ClaimResult("closed", alert, holder)
    if alert.claimed_by == actor.person_id:
        return ClaimResult("mine", alert, holder)
    if alert.status == alerts.WATCH:
        return ClaimResult("missing")
    return ClaimResult("taken", alert, holder)


# --- keeping every copy of the card current ----------------------------------------------


@dataclass(frozen=True)
class Edit:
    """A message already sent that must be edited to show the alert's new state."""

    chat_id: int
    message_id: int
    card: Card


def refresh_tx(conn: sqlite3.Connection, content: ContentBundle, alert: Alert) -> list[Edit]:
    """Bring every copy of a card up to date: returns the sent ones to edit.

    Unsent copies are fixed in the outbox itself: the first post gets the new text; a re-post
    or a coordinator's copy of an alert someone already took is no longer needed.
    """
    card = card_tx(conn, content, alert)
    edits: list[Edit] = []
    for copy in alerts.posted_copies(conn, alert.id):
        if copy.status == "sent" and copy.chat_id is not None and copy.message_id is not None:
            edits.append(Edit(copy.chat_id, copy.message_id, card))
        elif copy.status == "pending" and copy.dedupe_key.endswith(":post"):
            outbox.replace_payload(conn, copy.outbox_id, card.payload(alert.id))
        elif copy.status == "pending" and alert.status != alerts.OPEN:
            outbox.mark_dead(conn, copy.outbox_id, error="alert no longer open")
    return edits


# --- resolving --------------------------------------------------------------------------------

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
    holder = _pseudonym_of(conn, alert.claimed_by)
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
    alert = _require(conn, alert_id)
    audit.record(
        conn,
        at=now,
        action="alert.resolved",
        actor=actor.pseudonym,
        subject=alert.code,
        detail={"outcome": outcome},
    )
    return ResolveResult("ok", alert, check.holder, refresh_tx(conn, content, alert))


# --- notes ------------------------------------------------------------------------------------

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


# --- details for the claimer ----------------------------------------------------------------


@dataclass(frozen=True)
class Details:
    """What the claimer sees in private: never posted to a group."""

    alert: Alert
    card: Card
    person: Person
    family: Family | None
    age_band: str | None
    family_volunteer: str | None
    claimer: str | None
    words: list[Written]
    notes: list[Note]
    help_lesson: str | None
    moods: list[MoodWeek]


def may_view(alert: Alert, actor: Actor) -> bool:
    """Details are for the volunteer who took the alert, and for coordinators."""
    return actor.is_admin or alert.claimed_by == actor.person_id


def details_tx(
    conn: sqlite3.Connection, content: ContentBundle, alert_id: int, now: int, lang: str
) -> Details | None:
    """Everything the claimer needs, read in one go; None for an unknown alert."""
    alert = alerts.get(conn, alert_id)
    if alert is None:
        return None
    person = people.by_id(conn, alert.person_id)
    if person is None:  # cascades make this impossible; a guard for mypy and for safety
        return None
    family = families.get(conn, alert.family_id) if alert.family_id else None
    child = families.child(conn, alert.person_id)
    is_child = person.role == "child"
    words = alerts.words_behind(conn, alert) if is_child else []
    moods = mood_weeks_tx(conn, person.id, now, family) if is_child else []
    return Details(
        alert=alert,
        card=card_tx(conn, content, alert, lang=lang),
        person=person,
        family=family,
        age_band=child.age_band if child else None,
        family_volunteer=_pseudonym_of(conn, family.volunteer_id if family else None),
        claimer=_pseudonym_of(conn, alert.claimed_by),
        words=words,
        notes=alerts.notes(conn, alert_id),
        help_lesson=alerts.help_lesson(conn, alert_id) if alert.kind == "help_request" else None,
        moods=moods,
    )


MOOD_WEEKS = 12


def period_of(moment: datetime) -> str:
    """The check-in period (ISO week) of a local moment, e.g. `2026-W03`."""
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def mood_weeks_tx(
    conn: sqlite3.Connection, child_id: int, now: int, family: Family | None
) -> list[MoodWeek]:
    """The child's mood in each of the last 12 ISO weeks (this one included), oldest first."""
    local = datetime.fromtimestamp(now, UTC).astimezone(_zone(family))
    monday = local.date() - timedelta(days=local.weekday())
    mondays = [monday - timedelta(weeks=n) for n in range(MOOD_WEEKS - 1, -1, -1)]
    periods = [period_of(datetime.combine(day, datetime.min.time())) for day in mondays]
    moods = alerts.moods_by_period(conn, child_id, periods[0])
    return [
        MoodWeek(day.strftime("%m-%d"), moods.get(period))
        for day, period in zip(mondays, periods, strict=True)
    ]


def record_view_tx(conn: sqlite3.Connection, alert: Alert, actor: Actor, now: int) -> None:
    """Audit one view of an alert's details: who and which alert, no content."""
    audit.record(
        conn, at=now, action="alert.details_viewed", actor=actor.pseudonym, subject=alert.code
    )


# --- listing ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Listed:
    """An open alert for `/alerts`."""

    alert: Alert
    holder: str | None


def list_open_tx(conn: sqlite3.Connection) -> list[Listed]:
    """Open and claimed alerts, most serious and oldest first."""
    return [Listed(a, _pseudonym_of(conn, a.claimed_by)) for a in alerts.open_alerts(conn)]


# --- escalation -----------------------------------------------------------------------------------


@dataclass
class EscalationReport:
    """What one escalation pass queued."""

    reposts: int = 0
    private: int = 0
    unreachable_coordinators: int = 0


def escalate_tx(
    conn: sqlite3.Connection,
    content: ContentBundle,
    timings: AlertConfig,
    admin_user_ids: Sequence[int],
    now: int,
) -> EscalationReport:
    """Queue each due escalation stage exactly once (the alerts.escalation column decides).

    Urgent: re-post in the group naming the coordinators, then each coordinator privately.
    Concern: re-post in the group. Both only while nobody has taken the alert.
    """
    report = EscalationReport()
    coordinators = alerts.coordinators(conn, admin_user_ids)
    names = ", ".join(c.pseudonym for c in coordinators) or "-"
    for alert in alerts.unclaimed(conn, min_level=int(RiskLevel.CONCERN)):
        age = now - alert.created_at
        urgent = alert.level >= RiskLevel.URGENT
        repost_after = (
            timings.urgent_repost_minutes * 60 if urgent else timings.concern_repost_hours * 3600
        )
        if age >= repost_after and alerts.raise_escalation(conn, alert.id, REPOST):
            _repost(conn, content, alert, names, age, now)
            report.reposts += 1
        if (
            urgent
            and age >= timings.urgent_coordinators_minutes * 60
            and alerts.raise_escalation(conn, alert.id, COORDINATORS)
        ):
            sent, missing = _tell_coordinators(conn, content, alert, coordinators, age, now)
            report.private += sent
            report.unreachable_coordinators += missing
            configured = {c.telegram_user_id for c in coordinators}
            report.unreachable_coordinators += len(set(admin_user_ids) - configured)
    return report


def _minutes(seconds: int) -> int:
    return max(1, seconds // 60)


def _repost(
    conn: sqlite3.Connection,
    content: ContentBundle,
    alert: Alert,
    names: str,
    age: int,
    now: int,
) -> None:
    header = content.ui(
        "alerts.escalate.repost", alert.lang, code=alert.code, minutes=_minutes(age), names=names
    )
    card = card_tx(conn, content, alert, header=header)
    outbox.enqueue(
        conn,
        dedupe_key=f"alert:{alert.id}:esc{REPOST}",
        kind="alert",
        target=outbox.VOLUNTEERS,
        payload=card.payload(alert.id),
        now=now,
    )
    audit.record(conn, at=now, action="alert.escalated", subject=alert.code, detail={"stage": 1})


def _tell_coordinators(
    conn: sqlite3.Connection,
    content: ContentBundle,
    alert: Alert,
    coordinators: list[Coordinator],
    age: int,
    now: int,
) -> tuple[int, int]:
    sent = missing = 0
    for coordinator in coordinators:
        chat_id = coordinator.chat_id
        if chat_id is None:
            missing += 1
            continue
        header = content.ui(
            "alerts.escalate.private", alert.lang, code=alert.code, minutes=_minutes(age)
        )
        card = card_tx(conn, content, alert, header=header)
        outbox.enqueue(
            conn,
            dedupe_key=f"alert:{alert.id}:esc{COORDINATORS}:{coordinator.id}",
            kind="alert",
            target=outbox.chat_target(chat_id),
            payload=card.payload(alert.id),
            now=now,
        )
        sent += 1
    audit.record(
        conn,
        at=now,
        action="alert.escalated",
        subject=alert.code,
        detail={"stage": 2, "coordinators": sent},
    )
    return sent, missing
