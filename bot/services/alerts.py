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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.callbacks import pack
from bot.levels import RiskLevel
from bot.services.admins import ensure_admin
from bot.services.charts import MoodWeek, WellbeingWeek
from bot.services.measures import score_weeks_tx
from bot.services.reporters import reporter_role
from storage import alerts, audit, families, outbox, people
from storage import cards as cards_repo
from storage import parents as parents_repo
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

ChangeKind = Literal["created", "updated", "level_raised", "watch", "duplicate"]


@dataclass(frozen=True)
class AlertChange:
    """What one risk signal did to the alert desk; the answer path decides its reply from it.

    `created`: a new alert (posted from `concern` up). `updated`: counted into the person's
    open alert, same level. `level_raised`: counted in, and the alert's level went up.
    `watch`: stored below the posting threshold for the digest. `duplicate`: this source was
    counted before (a re-delivered update): nothing changed.
    """

    kind: ChangeKind
    alert_id: int | None
    level: RiskLevel
    """The alert's level after the signal (its highest so far)."""
    posted: bool = False
    """Something for the group was queued or changed: wake the background sender."""

    @property
    def crisis_due(self) -> bool:
        """Send the crisis reply: a new urgent alert, or an open one that just became urgent.

        A child who keeps writing while their alert is open gets one crisis reply, not one
        per message (the volunteer sees every signal on the card and privately).
        """
        return self.level >= RiskLevel.URGENT and self.kind in ("created", "level_raised")


PRIORITY_STEP = 10
"""Outbox priority of a card: level x 10 (urgent 30, concern 20); re-posts a little lower."""
SIGNAL_PRIORITY = 25
"""The claimer's private note about a new signal: after urgent cards, before concern ones."""


def card_priority(level: int, *, repost: bool = False) -> int:
    """The background sender's order for a card of this level (higher goes first)."""
    return int(level) * PRIORITY_STEP - (5 if repost else 0)


def signal_tx(
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
) -> AlertChange:
    """Take in one signal: a new alert, or an update of the person's open one.

    One child, one open alert: while a risk alert of this person is open or claimed, a further
    risk signal (a new message, an edit, a later answer, an adult's report about the child)
    is counted into it (count, highest level, last time): its card is marked out of date for
    the background sender and the claimer is told privately. Help requests are their own
    alerts. A source counts once, so a re-delivered update changes nothing.
    """
    if alerts.source_seen(conn, person_id, source):
        existing = alerts.open_risk_alert(conn, person_id) if kind == "risk" else None
        return AlertChange(
            "duplicate",
            existing.id if existing else None,
            RiskLevel(existing.level if existing else level),
        )
    current = alerts.open_risk_alert(conn, person_id) if kind == "risk" else None
    if current is None or level <= RiskLevel.NONE:
        return _create_tx(
            conn,
            content,
            kind=kind,
            person_id=person_id,
            level=level,
            category=category,
            reasons=reasons,
            source=source,
            now=now,
            lang=lang,
        )
    alerts.add_signal(conn, current.id, person_id, source, int(level), now)
    alerts.count_signal(conn, current.id, int(level), now)
    updated = _require(conn, current.id)
    raised = updated.level > current.level
    _refresh_pending_tx(conn, content, updated)
    _tell_claimer_tx(conn, content, updated, now)
    log.info(
        "signal counted into an open alert",
        extra={"alert": updated.code, "signals": updated.signals, "raised": raised},
    )
    return AlertChange(
        "level_raised" if raised else "updated", updated.id, RiskLevel(updated.level), True
    )


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
    """`signal_tx` for callers that need only the alert's id; None for a repeated source.

    The id is the new alert's, or the open alert the signal was counted into.
    """
    change = signal_tx(
        conn,
        content,
        kind=kind,
        person_id=person_id,
        level=level,
        category=category,
        reasons=reasons,
        source=source,
        now=now,
        lang=lang,
    )
    return None if change.kind == "duplicate" else change.alert_id


def _create_tx(
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
    lang: str,
) -> AlertChange:
    """Create the alert and queue its group post (`lang` is the volunteer chat's language).

    Risk signals below `concern` are stored for the coordinators' digest and not posted;
    help requests are always posted.
    """
    person = people.by_id(conn, person_id)
    if person is None:
        raise LookupError(f"no person {person_id}")
    family = families.get(conn, person.family_id) if person.family_id else None
    if family is None and person.role == "parent":  # a parent's help request: their family
        family = next(iter(parents_repo.families_of(conn, person.id)), None)
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
    if alert_id is None:  # the same source raced in: source_seen missed it only in theory
        return AlertChange("duplicate", None, stored_level)
    alerts.add_signal(conn, alert_id, person_id, source, int(stored_level), now)
    if not posted:
        return AlertChange("watch", alert_id, stored_level)
    alert = _require(conn, alert_id)
    queue_card_tx(
        conn,
        content,
        [alert],
        dedupe_key=f"alert:{alert_id}:post",
        target=outbox.VOLUNTEERS,
        priority=card_priority(alert.level),
        now=now,
    )
    log.info(
        "alert raised",
        extra={"alert": alert.code, "level": stored_level.label, "category": category},
    )
    return AlertChange("created", alert_id, stored_level, True)


def queue_card_tx(
    conn: sqlite3.Connection,
    content: ContentBundle,
    shown: Sequence[Alert],
    *,
    dedupe_key: str,
    target: str,
    priority: int,
    now: int,
    header: str | None = None,
) -> int | None:
    """Queue a card showing these alerts (one: an ordinary card; several: a shared card)."""
    card = render_card_tx(conn, content, shown, header=header)
    first = shown[0]
    payload = {**card.payload(first.id), "alert_ids": [a.id for a in shown]}
    outbox_id = outbox.add(
        conn,
        dedupe_key=dedupe_key,
        kind="alert",
        target=target,
        payload=payload,
        now=now,
        priority=priority,
        lane=f"person:{first.person_id}" if len(shown) == 1 else "shared",
    )
    if outbox_id is not None:
        cards_repo.link(conn, outbox_id, [a.id for a in shown])
    return outbox_id


def _tell_claimer_tx(
    conn: sqlite3.Connection, content: ContentBundle, alert: Alert, now: int
) -> None:
    """The claimer learns of a new signal privately; unsent notes of one alert fold into one."""
    if alert.status != alerts.CLAIMED or alert.claimed_by is None:
        return
    claimer = people.by_id(conn, alert.claimed_by)
    if claimer is None or claimer.telegram_user_id is None:
        return
    family = families.get(conn, alert.family_id) if alert.family_id else None
    lang = content.language(claimer.lang)
    text = content.ui(
        "alerts.signal.claimer",
        lang,
        code=alert.code,
        count=alert.signals,
        level=level_label(content, alert.level, lang),
        time=local_time(alert.last_signal_at or now, family, date=False),
    )
    lane = f"alert:{alert.id}"
    waiting = outbox.pending_in_lane(conn, "alert_signal", lane)
    if waiting is not None:
        outbox.replace_payload(conn, waiting.id, {"text": text})
        return
    outbox.enqueue(
        conn,
        dedupe_key=f"alert:{alert.id}:signal:{alert.signals}",
        kind="alert_signal",
        target=outbox.chat_target(claimer.telegram_user_id),
        payload={"text": text},
        now=now,
        priority=SIGNAL_PRIORITY,
        lane=lane,
    )


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
    elif person is not None and person.role == "parent":
        lines.append(ui("alerts.card.parent", lang, person=pseudonym))
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
    if alert.signals > 1 and alert.last_signal_at is not None:
        latest = local_time(alert.last_signal_at, family, date=False)
        lines.append(ui("alerts.card.signals", lang, count=alert.signals, time=latest))
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


SHARED_MAX = 20
"""At most this many alerts on one shared card (one button row each; well under 4096 chars)."""


def render_card_tx(
    conn: sqlite3.Connection,
    content: ContentBundle,
    shown: Sequence[Alert],
    *,
    header: str | None = None,
) -> Card:
    """One alert's card, or a shared card for several (most urgent first, a button each)."""
    if len(shown) == 1:
        return card_tx(conn, content, shown[0], header=header)
    return shared_card_tx(conn, content, shown)


def shared_card_tx(
    conn: sqlite3.Connection, content: ContentBundle, shown: Sequence[Alert]
) -> Card:
    """Several alerts on one card: a short block each, and one claim button per open alert.

    Posted when more alerts wait than the group's budget allows, so that every one of them is
    visible at once; claims, updates and resolving keep working on it alert by alert.
    """
    lang = shown[0].lang
    ui = content.ui
    ordered = sorted(shown, key=lambda a: (-a.level, a.created_at, a.id))
    lines = [ui("alerts.shared.head", lang, count=len(ordered))]
    buttons: list[list[list[str]]] = []
    for alert in ordered:
        person = people.by_id(conn, alert.person_id)
        family = families.get(conn, alert.family_id) if alert.family_id else None
        if alert.status == alerts.RESOLVED:
            state = ui("alerts.shared.resolved", lang)
        elif alert.claimed_by is not None:
            state = ui(
                "alerts.shared.assigned",
                lang,
                volunteer=_pseudonym_of(conn, alert.claimed_by) or "-",
            )
        else:
            state = ui("alerts.shared.unassigned", lang)
            claim = content.ui_label("alerts.button.claim_code", lang, code=alert.code)
            buttons.append([[claim, pack(CLAIM, alert.id)]])
        lines.append(
            ui(
                "alerts.shared.item",
                lang,
                level=level_label(content, alert.level, lang),
                category=category_label(content, alert.category, lang),
                code=alert.code,
                person=person.pseudonym if person else "-",
                family=family.pseudonym if family else "-",
                label=family.label if family else "-",
                time=local_time(alert.last_signal_at or alert.created_at, family, date=False),
                signals=alert.signals,
                state=state,
            )
        )
    return Card("\n".join(lines), buttons)


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
    """Bring every copy of every card showing this alert up to date: returns the edits to make.

    Unsent cards are fixed in the outbox itself: a first post (or a shared card) gets the new
    text; a re-post or a coordinator's copy of an alert someone already took is no longer
    needed. A shared card is rendered whole, with every alert on it as it stands now.
    """
    edits: list[Edit] = []
    rendered: dict[int, Card] = {}
    for copy in alerts.posted_copies(conn, alert.id):
        if copy.status == "dead":
            continue
        shows = cards_repo.alerts_on(conn, copy.outbox_id)
        if copy.status == "pending" and len(shows) == 1 and not copy.dedupe_key.endswith(":post"):
            if alert.status != alerts.OPEN:
                outbox.mark_dead(conn, copy.outbox_id, error="alert no longer open")
            continue
        card = rendered.get(copy.outbox_id)
        if card is None:
            card = _card_for_tx(conn, content, shows, alert)
            rendered[copy.outbox_id] = card
        if copy.status == "pending":
            outbox.replace_payload(
                conn, copy.outbox_id, {**card.payload(shows[0]), "alert_ids": shows}
            )
        elif copy.chat_id is not None and copy.message_id is not None:
            edits.append(Edit(copy.chat_id, copy.message_id, card))
    alerts.mark_card_shown(conn, alert.id, alert.card_version)
    return edits


def _card_for_tx(
    conn: sqlite3.Connection, content: ContentBundle, shows: list[int], changed: Alert
) -> Card:
    shown = [changed if a == changed.id else alerts.get(conn, a) for a in shows]
    return render_card_tx(conn, content, [a for a in shown if a is not None] or [changed])


def _refresh_pending_tx(conn: sqlite3.Connection, content: ContentBundle, alert: Alert) -> None:
    """Unsent cards of this alert take its new state now (sent copies wait for the sender)."""
    for copy in alerts.posted_copies(conn, alert.id):
        if copy.status != "pending" or copy.chat_id is not None:
            continue
        shows = cards_repo.alerts_on(conn, copy.outbox_id)
        if len(shows) == 1 and not copy.dedupe_key.endswith(":post"):
            continue
        card = _card_for_tx(conn, content, shows, alert)
        outbox.replace_payload(conn, copy.outbox_id, {**card.payload(shows[0]), "alert_ids": shows})
        outbox.raise_priority(conn, copy.outbox_id, card_priority(alert.level))


@dataclass(frozen=True)
class StaleCard:
    """An alert whose posted copies show an older state, and the edits that fix them."""

    alert: Alert
    edits: list[Edit]


def stale_cards_tx(
    conn: sqlite3.Connection,
    content: ContentBundle,
    limit: int,
    wait: Callable[[Alert], bool] = lambda _: False,
    scan: int = 50,
) -> list[StaleCard]:
    """Up to `limit` alerts whose cards fell behind (new signals), most urgent first.

    `wait` holds an alert back (the sender spaces one alert's edits out).
    """
    found: list[StaleCard] = []
    for alert in alerts.stale_cards(conn, scan):
        if wait(alert):
            continue
        if len(found) >= limit:
            break
        found.append(StaleCard(alert, refresh_tx(conn, content, alert)))
    return found


def learn_copy_tx(
    conn: sqlite3.Connection,
    content: ContentBundle,
    alert_id: int,
    chat_id: int,
    message_id: int,
    now: int,
) -> Edit | None:
    """A pressed card in the group we never heard of (a send whose answer was lost).

    It is remembered as a copy of the alert's newest group card, so from now on it is edited
    with every other copy; the edit returned brings it up to date at once. None when known.
    """
    if cards_repo.card_of_message(conn, chat_id, message_id) is not None:
        return None
    outbox_id = cards_repo.newest_card_in(conn, alert_id, outbox.VOLUNTEERS)
    alert = alerts.get(conn, alert_id)
    if outbox_id is None or alert is None:
        return None
    if not cards_repo.record_copy(conn, outbox_id, chat_id, message_id, now):
        return None
    log.warning("an unknown copy of a card was pressed; it now updates with the alert")
    card = _card_for_tx(conn, content, cards_repo.alerts_on(conn, outbox_id), alert)
    return Edit(chat_id, message_id, card)


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
    wellbeing: list[WellbeingWeek] = field(default_factory=list)
    """WHO-5 raw scores over the same 12 weeks as `moods` (empty when the child has none)."""


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
    wellbeing = (
        wellbeing_weeks_tx(conn, person.id, now, family, child.age_band if child else None)
        if is_child
        else []
    )
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
        wellbeing=wellbeing if any(w.raw is not None for w in wellbeing) else [],
    )


MOOD_WEEKS = 12


def period_of(moment: datetime) -> str:
    """The check-in period (ISO week) of a local moment, e.g. `2026-W03`."""
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def _recent_weeks(now: int, family: Family | None) -> tuple[list[date], list[str]]:
    """The Mondays and ISO periods of the last 12 weeks (this one included), oldest first."""
    local = datetime.fromtimestamp(now, UTC).astimezone(_zone(family))
    monday = local.date() - timedelta(days=local.weekday())
    mondays = [monday - timedelta(weeks=n) for n in range(MOOD_WEEKS - 1, -1, -1)]
    periods = [period_of(datetime.combine(day, datetime.min.time())) for day in mondays]
    return mondays, periods


def wellbeing_weeks_tx(
    conn: sqlite3.Connection, child_id: int, now: int, family: Family | None, age_band: str | None
) -> list[WellbeingWeek]:
    """The child's WHO-5 raw score in each of the last 12 ISO weeks, oldest first."""
    mondays, periods = _recent_weeks(now, family)
    labelled = [
        (day.strftime("%m-%d"), period) for day, period in zip(mondays, periods, strict=True)
    ]
    return score_weeks_tx(conn, child_id, labelled, age_band)


def mood_weeks_tx(
    conn: sqlite3.Connection, child_id: int, now: int, family: Family | None
) -> list[MoodWeek]:
    """The child's mood in each of the last 12 ISO weeks (this one included), oldest first."""
    mondays, periods = _recent_weeks(now, family)
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
    queue_card_tx(
        conn,
        content,
        [alert],
        dedupe_key=f"alert:{alert.id}:esc{REPOST}",
        target=outbox.VOLUNTEERS,
        priority=card_priority(alert.level, repost=True),
        now=now,
        header=header,
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
        queue_card_tx(
            conn,
            content,
            [alert],
            dedupe_key=f"alert:{alert.id}:esc{COORDINATORS}:{coordinator.id}",
            target=outbox.chat_target(chat_id),
            priority=card_priority(alert.level, repost=True),
            now=now,
            header=header,
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
