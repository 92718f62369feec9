"""Real deletion: the rows that hold a person's or a family's data, and the chat traces.

Deleting a people or families row cascades to everything that references it (every table
uses ON DELETE CASCADE); what a cascade cannot reach is keyed by chat rather than by person:
conversation state and queued messages. Those go here, explicitly.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from storage import inbox
from storage.outbox import chat_target


def family_chats(conn: sqlite3.Connection, family_id: int) -> list[int]:
    """Every private chat a family's members are reached in."""
    cur = conn.execute(
        "SELECT DISTINCT chat_id FROM people WHERE family_id = ? AND chat_id IS NOT NULL",
        (family_id,),
    )
    return [int(row[0]) for row in cur.fetchall()]


def family_people_count(conn: sqlite3.Connection, family_id: int) -> int:
    """How many people rows a family has."""
    row = conn.execute("SELECT COUNT(*) FROM people WHERE family_id = ?", (family_id,)).fetchone()
    return int(row[0])


def delete_chat_traces(conn: sqlite3.Connection, chat_ids: Iterable[int]) -> tuple[int, int]:
    """Delete these chats' conversation state, outbox rows and handled inbox rows.

    Sent and dead outbox rows go too: their payloads may hold a name or a lesson text addressed to
    the person. Returns (state rows, outbox rows) deleted.
    """
    states = outbox_rows = 0
    for chat_id in chat_ids:
        states += conn.execute(
            "DELETE FROM conversation_state WHERE chat_id = ?", (chat_id,)
        ).rowcount
        outbox_rows += conn.execute(
            "DELETE FROM outbox WHERE target = ?", (chat_target(chat_id),)
        ).rowcount
        inbox.forget_chat(conn, chat_id)  # handled updates: what they said is not kept either
    return states, outbox_rows


def detach_consents_given_by(conn: sqlite3.Connection, person_id: int) -> int:
    """Keep the decisions a person made for others (a guardian's consent) without naming them."""
    cur = conn.execute(
        "UPDATE consents SET person_id = NULL WHERE person_id = ? AND subject_id IS NOT ?",
        (person_id, person_id),
    )
    return cur.rowcount


def delete_person(conn: sqlite3.Connection, person_id: int) -> bool:
    """Delete a person row (cascading to their progress, consents, state, alerts)."""
    return conn.execute("DELETE FROM people WHERE id = ?", (person_id,)).rowcount > 0


def delete_family(conn: sqlite3.Connection, family_id: int) -> bool:
    """Delete a family (cascading to its people, children, links and everything of theirs)."""
    return conn.execute("DELETE FROM families WHERE id = ?", (family_id,)).rowcount > 0


def delete_family_cards(conn: sqlite3.Connection, family_id: int) -> int:
    """Delete volunteer-group outbox rows that show only this family's alerts.

    Their payloads hold pseudonyms, the village label, age band and category. A shared card
    that also shows another family's alert stays: that alert's signal must not be lost.
    """
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS erasing_alerts (id INTEGER PRIMARY KEY)")
    conn.execute("DELETE FROM temp.erasing_alerts")
    conn.execute(
        "INSERT INTO temp.erasing_alerts (id) SELECT id FROM alerts WHERE family_id = ?"
        " UNION SELECT a.id FROM alerts a JOIN people p ON p.id = a.person_id"
        " WHERE p.family_id = ?",
        (family_id, family_id),
    )
    removed = conn.execute(
        "DELETE FROM outbox WHERE id IN ("
        " SELECT ca.outbox_id FROM card_alerts ca JOIN temp.erasing_alerts e ON e.id = ca.alert_id)"
        " AND NOT EXISTS (SELECT 1 FROM card_alerts other WHERE other.outbox_id = outbox.id"
        "  AND other.alert_id NOT IN (SELECT id FROM temp.erasing_alerts))"
    ).rowcount
    for (alert_id,) in conn.execute("SELECT id FROM temp.erasing_alerts").fetchall():
        # Rows keyed by the alert but not cards (signals, escalations): a key range, no LIKE.
        removed += conn.execute(
            "DELETE FROM outbox WHERE dedupe_key >= ? AND dedupe_key < ?"
            " AND id NOT IN (SELECT outbox_id FROM card_alerts)",
            (f"alert:{alert_id}:", f"alert:{alert_id};"),
        ).rowcount
    conn.execute("DELETE FROM temp.erasing_alerts")
    return removed
