"""Queueing a card and keeping every sent or waiting copy of it current."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.services.alerts._card import Card, render_card_tx
from bot.services.alerts._common import card_priority
from storage import alerts, outbox
from storage import cards as cards_repo
from storage.alerts import Alert

if TYPE_CHECKING:
    from bot.content import ContentBundle

log = logging.getLogger(__name__)


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


def refresh_pending_tx(conn: sqlite3.Connection, content: ContentBundle, alert: Alert) -> None:
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
