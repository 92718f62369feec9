"""What the background sender sends next: most urgent first, lanes taking turns, shared cards.

Transport-free: the Telegram side (bot/telegram/outbox_sender.py) asks for a plan with the
group budget it has left, sends it in order, and records what Telegram answered.

- **Order.** Higher priority first (a child's crisis text, then urgent cards, the claimer's
  notes, concern cards, re-posts, the rest); within one priority the lanes (one person, one
  alert) take turns, so one child's flood cannot hold back another child's card.
- **Shared cards.** The group takes about 20 posts a minute. When more group posts wait
  than the budget allows, every waiting first post (and any shared card not sent yet) is
  packed into shared cards, most urgent first, so every alert is visible with the next post.
"""

from __future__ import annotations

import sqlite3
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.services import alerts as desk
from storage import alerts, outbox
from storage import cards as cards_repo
from storage.alerts import Alert
from storage.outbox import OutboxItem

if TYPE_CHECKING:
    from bot.content import ContentBundle

KIND_PRIORITY = {"crisis": 100}
"""A kind's priority when its row was queued without one (a child's crisis text: first)."""
DUE_LIMIT = 200


def priority_of(item: OutboxItem) -> int:
    """The item's place in the queue: its own priority, or its kind's."""
    return max(item.priority, KIND_PRIORITY.get(item.kind, 0))


def fair_order(items: Sequence[OutboxItem]) -> list[OutboxItem]:
    """Most urgent first; within a priority, one item per lane in turn, oldest first."""
    by_priority: dict[int, OrderedDict[str, list[OutboxItem]]] = {}
    for item in sorted(items, key=lambda i: (-priority_of(i), i.next_attempt_at, i.id)):
        lanes = by_priority.setdefault(priority_of(item), OrderedDict())
        lanes.setdefault(item.lane or f"item:{item.id}", []).append(item)
    ordered: list[OutboxItem] = []
    for priority in sorted(by_priority, reverse=True):
        queues = list(by_priority[priority].values())
        depth = max(len(q) for q in queues)
        for turn in range(depth):
            ordered.extend(q[turn] for q in queues if turn < len(q))
    return ordered


@dataclass(frozen=True)
class Plan:
    """Items to try now, in order, and how many group posts wait for budget after them."""

    items: list[OutboxItem]
    shared: int
    """Shared cards made in this plan."""


def is_group(item: OutboxItem) -> bool:
    """Posts to the volunteer chat count against the group's budget."""
    return item.target == outbox.VOLUNTEERS


def _foldable(conn: sqlite3.Connection, item: OutboxItem) -> list[int]:
    """The alerts of a group card that may join a shared card (first posts, shared cards)."""
    if item.kind != "alert" or not is_group(item):
        return []
    if item.dedupe_key.endswith(":post") or item.dedupe_key.startswith("shared:"):
        return cards_repo.alerts_on(conn, item.id)
    return []


def plan_tx(conn: sqlite3.Connection, content: ContentBundle, now: int, budget: int) -> Plan:
    """The next items to send; packs waiting cards into shared ones when the group's budget
    (posts it may still take now) is smaller than the number of group posts waiting."""
    due = outbox.due(conn, now, DUE_LIMIT)
    group = [i for i in due if is_group(i)]
    made = 0
    if budget >= 1 and len(group) > budget:
        folded: list[tuple[OutboxItem, list[int]]] = []
        for item in group:
            ids = _foldable(conn, item)
            if ids:
                folded.append((item, ids))
        if len(folded) >= 2:
            made = _pack(conn, content, folded, now)
            due = outbox.due(conn, now, DUE_LIMIT)
    return Plan(fair_order(due), made)


def _pack(
    conn: sqlite3.Connection,
    content: ContentBundle,
    folded: list[tuple[OutboxItem, list[int]]],
    now: int,
) -> int:
    shown: list[Alert] = []
    for item, ids in folded:
        outbox.mark_dead(conn, item.id, error="packed into a shared card")
        shown.extend(a for a in (alerts.get(conn, i) for i in ids) if a is not None)
    live = [a for a in shown if a.status in alerts.ACTIVE_STATUSES]
    live.sort(key=lambda a: (-a.level, a.created_at, a.id))
    made = 0
    for start in range(0, len(live), desk.SHARED_MAX):
        chunk = live[start : start + desk.SHARED_MAX]
        key = (
            f"shared:{now}:{chunk[0].id}"
            if len(chunk) > 1
            else f"alert:{chunk[0].id}:repacked{now}:post"
        )
        queued = desk.queue_card_tx(
            conn,
            content,
            chunk,
            dedupe_key=key,
            target=outbox.VOLUNTEERS,
            priority=desk.card_priority(chunk[0].level),
            now=now,
        )
        made += queued is not None
    return made
