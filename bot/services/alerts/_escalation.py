"""Unclaimed alerts handed on: a re-post in the group, then each coordinator in private."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.levels import RiskLevel
from bot.services.alerts._common import COORDINATORS, REPOST, card_priority
from bot.services.alerts._copies import queue_card_tx
from storage import alerts, audit, outbox
from storage.alerts import Alert, Coordinator

if TYPE_CHECKING:
    from bot.config import AlertConfig
    from bot.content import ContentBundle


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
