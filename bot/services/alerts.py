"""Raising alerts: written with their outbox message in the caller's transaction.

A risk signal is never lost: the alert row and the group message that announces it are
committed together with the answer that caused them; the outbox sends it afterwards.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from bot.levels import RiskLevel
from bot.telegram.callbacks import pack
from storage import alerts, families, outbox, people

if TYPE_CHECKING:
    from bot.content import ContentBundle


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
    """Create the alert and queue its group post; None if this source already raised one."""
    person = people.by_id(conn, person_id)
    if person is None:
        raise LookupError(f"no person {person_id}")
    family = families.get(conn, person.family_id) if person.family_id else None
    alert_id = alerts.insert(
        conn,
        kind=kind,
        person_id=person_id,
        family_id=family.id if family else None,
        level=int(level),
        category=category,
        reasons=reasons,
        source=source,
        now=now,
    )
    if alert_id is None:
        return None
    text = content.ui(
        "alerts.group_post",
        lang,
        code=f"A-{alert_id}",
        level=content.ui(f"alerts.level.{level.label}", lang),
        category=category_label(content, category, lang),
        person=person.pseudonym,
        family=family.pseudonym if family else "-",
        label=family.label if family else "-",
        time=datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )
    outbox.enqueue(
        conn,
        dedupe_key=f"alert:{alert_id}:post",
        kind="alert",
        target=outbox.VOLUNTEERS,
        payload={
            "text": text,
            "buttons": [
                [
                    [content.ui("alerts.button.claim", lang), pack("al", "claim", alert_id)],
                    [content.ui("alerts.button.resolve", lang), pack("al", "done", alert_id)],
                ]
            ],
            "alert_id": alert_id,
        },
        now=now,
    )
    return alert_id


def category_label(content: ContentBundle, category: str, lang: str) -> str:
    """A category's readable name, or the code itself for one without a label."""
    key = f"alerts.category.{category}"
    try:
        return content.ui(key, lang)
    except KeyError:
        return category
