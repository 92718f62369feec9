"""The reading list's periodic work: one nudge a day to each volunteer with unread items, the
report of items unread after `[reading_list] late_hours` to the coordinators (pseudonyms
only, once per item), and forgetting adults' offers nobody answered.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from bot.services import schedule
from bot.services.reading import HOUR
from storage import alerts, outbox, people
from storage import reading as repo

if TYPE_CHECKING:
    from bot.config import Config
    from bot.content import ContentBundle

log = logging.getLogger(__name__)

OFFER_HOURS = 24
"""An offer nobody answered is deleted after this long: unsent words are not kept."""


# --- the daily nudge, the late report, and forgetting -----------------------------------


def nudges_tx(conn: sqlite3.Connection, content: ContentBundle, config: Config, now: int) -> int:
    """Queue one nudge a day for each volunteer with unread items (outside quiet hours)."""
    zone = config.locale.zone
    quiet = config.quiet_hours
    if schedule.in_quiet_hours(now, zone, quiet.start, quiet.end):
        return 0
    day = datetime.fromtimestamp(now, UTC).astimezone(zone).date().isoformat()
    queued = 0
    for volunteer_id, chat_id, lang, count in repo.volunteers_with_unread(conn):
        key = f"reading:nudge:{volunteer_id}:{day}"
        if outbox.get(conn, key) is not None:
            continue
        text = content.ui("reading.nudge", content.language(lang), count=count)
        outbox.enqueue(
            conn,
            dedupe_key=key,
            kind="reading",
            target=outbox.chat_target(chat_id),
            payload={"text": text},
            now=now,
        )
        queued += 1
    return queued


def late_tx(conn: sqlite3.Connection, content: ContentBundle, config: Config, now: int) -> int:
    """Tell every coordinator about items unread for `late_hours`, by pseudonym; returns how
    many items were reported. Nothing is marked reported until a coordinator can be told."""
    zone = config.locale.zone
    quiet = config.quiet_hours
    if schedule.in_quiet_hours(now, zone, quiet.start, quiet.end):
        return 0
    hours = config.reading_list.late_hours
    items = repo.late(conn, before=now - hours * HOUR)
    if not items:
        return 0
    reachable = [c for c in alerts.coordinators(conn, config.people.admins) if c.chat_id]
    if not reachable:
        log.warning("reading list: items are late and no coordinator can be told")
        return 0
    by_author: dict[tuple[str, str, int | None], int] = {}
    for item in items:
        key = (item.author_pseudonym, item.family_pseudonym, item.volunteer_id)
        by_author[key] = by_author.get(key, 0) + 1
    for coordinator in reachable:
        lang = content.language(coordinator.lang)
        lines = [content.ui("reading.late_head", lang, hours=hours)]
        for (person, family, volunteer_id), count in by_author.items():
            volunteer = people.by_id(conn, volunteer_id) if volunteer_id is not None else None
            lines.append(
                content.ui(
                    "reading.late_line",
                    lang,
                    person=person,
                    family=family,
                    volunteer=volunteer.pseudonym if volunteer else "-",
                    count=count,
                )
            )
        outbox.enqueue(
            conn,
            dedupe_key=f"reading:late:{coordinator.id}:{items[0].id}:{now}",
            kind="reading",
            target=outbox.chat_target(coordinator.chat_id or 0),
            payload={"text": "\n".join(lines)},
            now=now,
        )
    repo.mark_late(conn, [item.id for item in items], now)
    log.info("reading list: late items reported", extra={"items": len(items)})
    return len(items)


def forget_offers_tx(conn: sqlite3.Connection, now: int) -> int:
    """Delete offers nobody answered within a day."""
    return repo.drop_stale_offers(conn, before=now - OFFER_HOURS * HOUR)
