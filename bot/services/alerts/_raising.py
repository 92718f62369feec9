"""Taking in a risk signal: a new alert, or one more signal on the person's open alert."""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from bot.levels import RiskLevel
from bot.services.alerts._common import (
    POSTED_LEVEL,
    SIGNAL_PRIORITY,
    card_priority,
    level_label,
    local_time,
    require,
)
from bot.services.alerts._copies import queue_card_tx, refresh_pending_tx
from storage import alerts, families, outbox, people
from storage import parents as parents_repo
from storage.alerts import Alert

if TYPE_CHECKING:
    from bot.content import ContentBundle

log = logging.getLogger(__name__)

ChangeKind = Literal["created", "updated", "level_raised", "watch", "duplicate"]


@dataclass(frozen=True)
class Signal:
    """One risk signal (or help request) as a feature hands it to the alert desk.

    `source` names what raised it (`message:<id>`, `checkin:<session>:<question>`, …) and counts
    once; `lang` is the volunteer chat's language for the card.
    """

    kind: str  # "risk" or "help_request"
    person_id: int
    level: RiskLevel
    category: str
    reasons: list[dict[str, Any]]
    source: str
    now: int
    lang: str = "zh"


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


def signal_tx(conn: sqlite3.Connection, content: ContentBundle, signal: Signal) -> AlertChange:
    """Take in one signal: a new alert, or an update of the person's open one.

    One child, one open alert: while a risk alert of this person is open or claimed, a further
    risk signal (a new message, an edit, a later answer, an adult's report about the child)
    is counted into it (count, highest level, last time): its card is marked out of date for
    the background sender and the claimer is told privately. Help requests are their own
    alerts. A source counts once, so a re-delivered update changes nothing.
    """
    kind, person_id, level, source, now = (
        signal.kind,
        signal.person_id,
        signal.level,
        signal.source,
        signal.now,
    )
    if alerts.source_seen(conn, person_id, source):
        existing = alerts.open_risk_alert(conn, person_id) if kind == "risk" else None
        return AlertChange(
            "duplicate",
            existing.id if existing else None,
            RiskLevel(existing.level if existing else level),
        )
    current = alerts.open_risk_alert(conn, person_id) if kind == "risk" else None
    if current is None or level <= RiskLevel.NONE:
        return _create_tx(conn, content, signal)
    alerts.add_signal(conn, current.id, person_id, source, int(level), now)
    alerts.count_signal(conn, current.id, int(level), now)
    updated = require(conn, current.id)
    raised = updated.level > current.level
    refresh_pending_tx(conn, content, updated)
    _tell_claimer_tx(conn, content, updated, now)
    log.info(
        "signal counted into an open alert",
        extra={"alert": updated.code, "signals": updated.signals, "raised": raised},
    )
    return AlertChange(
        "level_raised" if raised else "updated", updated.id, RiskLevel(updated.level), True
    )


def raise_alert_tx(conn: sqlite3.Connection, content: ContentBundle, signal: Signal) -> int | None:
    """`signal_tx` for callers that need only the alert's id; None for a repeated source.

    The id is the new alert's, or the open alert the signal was counted into.
    """
    change = signal_tx(conn, content, signal)
    return None if change.kind == "duplicate" else change.alert_id


def _create_tx(conn: sqlite3.Connection, content: ContentBundle, signal: Signal) -> AlertChange:
    """Create the alert and queue its group post (`lang` is the volunteer chat's language).

    Risk signals below `concern` are stored for the coordinators' digest and not posted;
    help requests are always posted.
    """
    kind, person_id, level, category, source, now = (
        signal.kind,
        signal.person_id,
        signal.level,
        signal.category,
        signal.source,
        signal.now,
    )
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
        reasons=signal.reasons,
        source=source,
        now=now,
        lang=signal.lang,
        status=alerts.OPEN if posted else alerts.WATCH,
    )
    if alert_id is None:  # the same source raced in: source_seen missed it only in theory
        return AlertChange("duplicate", None, stored_level)
    alerts.add_signal(conn, alert_id, person_id, source, int(stored_level), now)
    if not posted:
        return AlertChange("watch", alert_id, stored_level)
    alert = require(conn, alert_id)
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
