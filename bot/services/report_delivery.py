"""Sending the monthly report to the coordinators through the outbox, once per month each.

Two outbox rows per coordinator and month (`report:<month>:<person>` for the HTML page and
`report-csv:<month>:<person>` for the CSV), kind `document`: the durable path every other
message takes, so a restart or a failed upload never loses or doubles a report. A month
before the first person joined is never reported, so a new installation stays quiet.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from bot.services.report import Month, file_names
from storage import alerts, outbox
from storage.alerts import Coordinator

KIND = "document"


@dataclass(frozen=True)
class Waiting:
    """Coordinators still owed a month's report, and admins the bot cannot reach in private."""

    coordinators: list[Coordinator]
    unreachable: int


def waiting_tx(
    conn: sqlite3.Connection, month: Month, admin_user_ids: Sequence[int]
) -> Waiting | None:
    """Who still needs the month's report; None when there is nothing to report on."""
    first = alerts.first_person_at(conn)
    if first is None or first >= month.end:
        return None
    everyone = alerts.coordinators(conn, admin_user_ids)
    known = {c.telegram_user_id for c in everyone}
    unreachable = sum(1 for c in everyone if c.chat_id is None)
    unreachable += len(set(admin_user_ids) - known)
    owed = [
        c for c in everyone if c.chat_id is not None and outbox.get(conn, key(month, c)) is None
    ]
    return Waiting(owed, unreachable)


def queue_tx(
    conn: sqlite3.Connection,
    month: Month,
    coordinators: Sequence[Coordinator],
    *,
    html: str,
    csv_text: str,
    captions: dict[str, str],
    now: int,
) -> int:
    """Queue the HTML and CSV for each coordinator not yet sent them; how many were queued."""
    html_name, csv_name = file_names(month)
    queued = 0
    for person in coordinators:
        if person.chat_id is None:
            continue
        caption = captions.get(person.lang) or captions["zh"]
        target = outbox.chat_target(person.chat_id)
        documents = (
            (key(month, person), html_name, html, caption),
            (f"report-csv:{month.label}:{person.id}", csv_name, csv_text, ""),
        )
        for dedupe_key, name, text, words in documents:
            payload = {"text": words, "document": {"filename": name, "content": text}}
            if outbox.enqueue(
                conn, dedupe_key=dedupe_key, kind=KIND, target=target, payload=payload, now=now
            ):
                queued += 1
    return queued


def key(month: Month, person: Coordinator) -> str:
    """The dedupe key of a coordinator's HTML report for a month."""
    return f"report:{month.label}:{person.id}"
