"""The card the volunteer group sees: one alert's, or a shared one; built from pseudonyms only."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.callbacks import pack
from bot.outgoing import Buttons, Outgoing, Row, grid
from bot.services.alerts._common import (
    CLAIM,
    OUTCOME,
    OUTCOMES,
    RESOLVE,
    category_label,
    level_label,
    local_time,
    outcome_label,
    pseudonym_of,
)
from bot.services.reporters import reporter_role
from storage import alerts, families, people
from storage.alerts import Alert

if TYPE_CHECKING:
    from bot.content import ContentBundle


@dataclass(frozen=True)
class Card(Outgoing):
    """An alert as the volunteer chat shows it: text (HTML) and buttons for its state."""

    def payload(self, alert_id: int) -> dict[str, Any]:
        """The outbox payload for this card (buttons as JSON lists of [label, data])."""
        rows = [[list(button) for button in row] for row in self.buttons]
        return {"text": self.text, "buttons": rows, "alert_id": alert_id}


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
    volunteer = pseudonym_of(conn, family.volunteer_id if family else None)
    lines.append(ui("alerts.card.family_volunteer", lang, volunteer=volunteer or "-"))
    claimer = pseudonym_of(conn, alert.claimed_by)
    if alert.status == alerts.RESOLVED:
        lines.append(
            ui(
                "alerts.card.resolved",
                lang,
                volunteer=pseudonym_of(conn, alert.resolved_by) or "-",
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


def buttons_for(content: ContentBundle, alert: Alert) -> Buttons:
    """Open: claim and resolve; claimed: resolve only; resolved: none."""
    lang = alert.lang
    resolve = (content.ui_label("alerts.button.resolve", lang), pack(RESOLVE, alert.id))
    if alert.status == alerts.OPEN:
        return (((content.ui_label("alerts.button.claim", lang), pack(CLAIM, alert.id)), resolve),)
    if alert.status == alerts.CLAIMED:
        return ((resolve,),)
    return ()


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
    buttons: list[Row] = []
    for alert in ordered:
        person = people.by_id(conn, alert.person_id)
        family = families.get(conn, alert.family_id) if alert.family_id else None
        if alert.status == alerts.RESOLVED:
            state = ui("alerts.shared.resolved", lang)
        elif alert.claimed_by is not None:
            state = ui(
                "alerts.shared.assigned",
                lang,
                volunteer=pseudonym_of(conn, alert.claimed_by) or "-",
            )
        else:
            state = ui("alerts.shared.unassigned", lang)
            claim = content.ui_label("alerts.button.claim_code", lang, code=alert.code)
            buttons.append(((claim, pack(CLAIM, alert.id)),))
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
    return Card("\n".join(lines), tuple(buttons))


def outcome_question(content: ContentBundle, alert_id: int, code: str, lang: str) -> Outgoing:
    """Asked privately of whoever resolves an alert: how did it end? (two outcomes a row)"""
    choices = (
        (content.ui_label(f"alerts.outcome.{outcome}", lang), pack(OUTCOME, alert_id, outcome))
        for outcome in OUTCOMES
    )
    return Outgoing(content.ui("alerts.resolve.ask", lang, code=code), grid(choices, 2))
