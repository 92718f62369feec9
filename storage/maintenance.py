"""SQL for running Qiao: health facts, copies of the database, family export, retention.

These run beside a live bot (a second connection, from the `qiao` command line) or inside it
(the daily retention job), so every read is one statement or one transaction and every
write is a single conditional UPDATE.
"""

from __future__ import annotations

import base64
import json
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from storage import archive, inbox
from storage.db import BUSY_TIMEOUT_MS, bundled_migrations, current_version
from storage.erasure import family_chats
from storage.inbox import InboxFacts
from storage.outbox import chat_target

URGENT_LEVEL = 3
"""bot.levels.RiskLevel.URGENT; storage does not import bot/."""

ACTIVE_ALERT = ("open", "claimed")
"""Alert statuses that keep a child's words: a volunteer may still need to read them."""

_CORE_TABLES = ("schema_migrations", "people", "families", "outbox", "audit_log")


# --- connections ------------------------------------------------------------------------


def connect(path: Path | str, *, read_only: bool = False) -> sqlite3.Connection:
    """Open an existing database file (never create one) with Qiao's pragmas.

    Raises sqlite3.OperationalError when the file is missing or unreadable.
    """
    mode = "ro" if read_only else "rw"
    uri = f"{Path(path).absolute().as_uri()}?mode={mode}"
    conn = sqlite3.connect(uri, uri=True, isolation_level=None)
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


def code_schema_version() -> int:
    """The newest migration this code ships."""
    return max((m.version for m in bundled_migrations()), default=0)


def schema_version(conn: sqlite3.Connection) -> int:
    """The newest migration applied to a database."""
    return current_version(conn)


def is_qiao_database(conn: sqlite3.Connection) -> bool:
    """Tell whether a database has Qiao's core tables (and so was made by Qiao)."""
    try:
        names = {
            str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
    except sqlite3.DatabaseError:  # not an SQLite file at all
        return False
    return all(table in names for table in _CORE_TABLES)


def quick_check(conn: sqlite3.Connection) -> bool:
    """SQLite's own consistency check of every page and index."""
    try:
        row = conn.execute("PRAGMA quick_check").fetchone()
    except sqlite3.DatabaseError:
        return False
    return row is not None and row[0] == "ok"


def copy_database(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    """Copy every page of `source` into `target` as one consistent snapshot.

    The online backup API copies in one step under one read transaction, so a bot writing
    through WAL meanwhile neither blocks nor tears the copy.
    """
    source.backup(target)


def make_standalone(conn: sqlite3.Connection) -> None:
    """Leave a copied file self-contained (rollback journal, not WAL) so it is one file."""
    conn.execute("PRAGMA journal_mode=DELETE")


def table_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Rows per table: a short summary of a copy for the operator."""
    names = [
        str(r[0])
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " ORDER BY name"
        )
    ]
    return {
        name: int(conn.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0]) for name in names
    }


# --- health -----------------------------------------------------------------------------


@dataclass(frozen=True)
class HealthFacts:
    """What `qiao health` judges, read in one transaction."""

    schema_version: int
    last_dispatch_at: int | None
    outbox_pending: int
    outbox_oldest_at: int | None
    urgent_open: int
    urgent_oldest_at: int | None
    inbox: InboxFacts = inbox.EMPTY
    """Updates stored and not handled yet, and updates given up (empty before migration 6)."""


def health_facts(conn: sqlite3.Connection) -> HealthFacts:
    """Read schema version, last dispatcher run, outbox backlog and unclaimed urgent alerts.

    Tables a behind-schema database lacks count as empty; the version says it is behind.
    """
    conn.execute("BEGIN")
    try:
        names = {
            str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        version = current_version(conn)
        last_dispatch: int | None = None
        if "settings" in names:
            row = conn.execute(
                "SELECT value FROM settings WHERE key = 'last_dispatch_at'"
            ).fetchone()
            last_dispatch = _int_or_none(row[0]) if row is not None else None
        pending, oldest = 0, None
        if "outbox" in names:
            row = conn.execute(
                "SELECT COUNT(*), MIN(created_at) FROM outbox WHERE status = 'pending'"
            ).fetchone()
            pending, oldest = int(row[0]), row[1]
        urgent, urgent_oldest = 0, None
        if "alerts" in names:
            row = conn.execute(
                "SELECT COUNT(*), MIN(created_at) FROM alerts WHERE status = 'open' AND level >= ?",
                (URGENT_LEVEL,),
            ).fetchone()
            urgent, urgent_oldest = int(row[0]), row[1]
        waiting = inbox.facts(conn) if "inbox" in names else inbox.EMPTY
    finally:
        conn.execute("COMMIT")
    return HealthFacts(version, last_dispatch, pending, oldest, urgent, urgent_oldest, waiting)


def _int_or_none(value: object) -> int | None:
    try:
        return int(float(str(value)))
    except ValueError:
        return None


# --- export -----------------------------------------------------------------------------

_NOT_EXPORTED = ("schema_migrations", "settings", "audit_log", "outbox", "families", "people")
"""Tables the export reads by hand rather than by following foreign keys."""


def family_export(conn: sqlite3.Connection, family_pseudonym: str) -> dict[str, Any] | None:
    """Every row stored about one family, found by following foreign keys; None if unknown.

    Rows of any table that point (directly, or through a row that does) at the family or at
    one of its people are included, so tables added by later migrations are exported
    without changes here. The outbox is matched by the family's chats and alert codes, the
    audit log by exact pseudonyms and alert codes. People outside the family whom the rows
    mention (the volunteer who claimed an alert) appear by pseudonym and role only.
    Call it inside a transaction for one consistent snapshot.
    """
    family_row = conn.execute(
        "SELECT * FROM families WHERE pseudonym = ?", (family_pseudonym,)
    ).fetchone()
    if family_row is None:
        return None
    family = _dicts_of([family_row])[0]
    members = _dicts(
        conn.execute(
            "SELECT * FROM people WHERE family_id = ? OR id IN"
            " (SELECT parent_id FROM parent_families WHERE family_id = ?) ORDER BY id",
            (family["id"], family["id"]),
        )
    )
    tables = _only_this_family(
        _linked_rows(conn, {"families": [family], "people": members}), int(family["id"])
    )
    archive.decode_in_export(conn, tables.get("checkin_sessions", []))
    alert_ids = [int(r["id"]) for r in tables.get("alerts", [])]
    tokens = [str(family["pseudonym"])] + [str(p["pseudonym"]) for p in members]
    tokens += [f"A-{i}" for i in alert_ids]
    return {
        "family": family,
        "people": members,
        "tables": tables,
        "outbox": _outbox_rows(
            conn,
            family_chats(conn, int(family["id"]))
            + [int(p["chat_id"]) for p in members if p["role"] == "parent" and p["chat_id"]],
            alert_ids,
        ),
        "audit_log": _audit_rows(conn, tokens),
        "other_people": _referenced_people(conn, family, members, tables),
    }


def _only_this_family(
    tables: dict[str, list[dict[str, Any]]], family_id: int
) -> dict[str, list[dict[str, Any]]]:
    """A parent of siblings in two families: rows about the other family stay out."""
    for name in ("parent_families", "parent_calls"):
        if name in tables:
            tables[name] = [r for r in tables[name] if r.get("family_id") == family_id]
    return {name: rows for name, rows in tables.items() if rows}


def _dicts_of(rows: Iterable[sqlite3.Row]) -> list[dict[str, Any]]:
    # sqlite3.Row iterates over values; its column names come only from .keys()
    return [{k: _plain(row[k]) for k in row.keys()} for row in rows]  # noqa: SIM118


def _dicts(cursor: sqlite3.Cursor) -> list[dict[str, Any]]:
    return _dicts_of(cursor.fetchall())


def _plain(value: Any) -> Any:
    if isinstance(value, bytes):
        return {"base64": base64.b64encode(value).decode("ascii")}
    return value


def _table_names(conn: sqlite3.Connection) -> list[str]:
    cur = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " ORDER BY name"
    )
    return [str(r[0]) for r in cur.fetchall()]


def _foreign_keys(conn: sqlite3.Connection, table: str) -> list[tuple[str, str, str]]:
    """(column, parent table, parent column) for each foreign key of a table."""
    keys = []
    for row in conn.execute(f'PRAGMA foreign_key_list("{table}")').fetchall():
        parent_column = row["to"] if row["to"] is not None else "id"
        keys.append((str(row["from"]), str(row["table"]), str(parent_column)))
    return keys


def _linked_rows(
    conn: sqlite3.Connection, roots: dict[str, list[dict[str, Any]]]
) -> dict[str, list[dict[str, Any]]]:
    """Rows of every other table whose foreign keys point at a root row or a linked row.

    Repeats until nothing new is found, so chains (alert → note, session → answer) of any
    length are followed whatever order the tables come in.
    """
    found: dict[str, list[dict[str, Any]]] = dict(roots)
    candidates = [n for n in _table_names(conn) if n not in _NOT_EXPORTED]
    keys = {name: _foreign_keys(conn, name) for name in candidates}
    changed = True
    while changed:
        changed = False
        for name in candidates:
            conditions: list[str] = []
            args: list[Any] = []
            for column, parent, parent_column in keys[name]:
                values = sorted(
                    {
                        r[parent_column]
                        for r in found.get(parent, [])
                        if r.get(parent_column) is not None
                    },
                    key=str,
                )
                if values:
                    conditions.append(f'"{column}" IN ({", ".join("?" for _ in values)})')
                    args.extend(values)
            if not conditions:
                continue
            rows = _dicts(
                conn.execute(f'SELECT * FROM "{name}" WHERE {" OR ".join(conditions)}', args)
            )
            if len(rows) > len(found.get(name, [])):
                found[name] = rows
                changed = True
    return {name: rows for name, rows in sorted(found.items()) if name not in roots and rows}


def _outbox_rows(
    conn: sqlite3.Connection, chats: list[int], alert_ids: list[int]
) -> list[dict[str, Any]]:
    targets = [chat_target(c) for c in chats]
    found: dict[int, dict[str, Any]] = {}
    if targets:
        marks = ", ".join("?" for _ in targets)
        for row in _dicts(conn.execute(f"SELECT * FROM outbox WHERE target IN ({marks})", targets)):
            found[int(row["id"])] = row
    for alert_id in alert_ids:
        # A key range on the unique dedupe_key index ("alert:N:" up to "alert:N;", ';' being
        # the character after ':'), where LIKE would read the whole outbox.
        cur = conn.execute(
            "SELECT * FROM outbox WHERE kind = 'alert' AND dedupe_key >= ? AND dedupe_key < ?",
            (f"alert:{alert_id}:", f"alert:{alert_id};"),
        )
        for row in _dicts(cur):
            found[int(row["id"])] = row
    return [found[k] for k in sorted(found)]


def _audit_rows(conn: sqlite3.Connection, tokens: list[str]) -> list[dict[str, Any]]:
    """Audit rows whose actor, subject or detail names one of the tokens exactly."""
    if not tokens:
        return []
    pattern = re.compile(
        r"(?<![A-Za-z0-9-])(?:" + "|".join(re.escape(t) for t in tokens) + r")(?![A-Za-z0-9])"
    )
    like = " OR ".join(
        "(COALESCE(actor,'') || ' ' || COALESCE(subject,'') || ' ' || detail) LIKE ?"
        for _ in tokens
    )
    cur = conn.execute(
        f"SELECT * FROM audit_log WHERE {like} ORDER BY id",
        [f"%{t}%" for t in tokens],
    )
    rows = []
    for row in _dicts(cur):
        haystack = " ".join(str(row.get(k) or "") for k in ("actor", "subject", "detail"))
        if pattern.search(haystack):
            row["detail"] = json.loads(row["detail"]) if row.get("detail") else {}
            rows.append(row)
    return rows


def _referenced_people(
    conn: sqlite3.Connection,
    family: dict[str, Any],
    members: list[dict[str, Any]],
    tables: dict[str, list[dict[str, Any]]],
) -> list[dict[str, Any]]:
    """Pseudonym and role of people outside the family that the exported rows point at."""
    own = {int(p["id"]) for p in members}
    wanted: set[int] = set()
    for name, rows in [*tables.items(), ("families", [family]), ("people", members)]:
        columns = [c for c, parent, _ in _foreign_keys(conn, name) if parent == "people"]
        for row in rows:
            for column in columns:
                value = row.get(column)
                if isinstance(value, int) and value not in own:
                    wanted.add(value)
    if not wanted:
        return []
    marks = ", ".join("?" for _ in wanted)
    return _dicts(
        conn.execute(
            f"SELECT id, pseudonym, role FROM people WHERE id IN ({marks}) ORDER BY id",
            sorted(wanted),
        )
    )


# --- retention --------------------------------------------------------------------------


def clear_child_texts(conn: sqlite3.Connection, *, before: int) -> int:
    """Blank children's own words written before `before`; levels and scores stay.

    A child with an alert still open or claimed keeps every text: the volunteer handling it
    may need the words behind it and the recent ones around them. The next run after the
    alert is resolved removes them. Returns how many texts were blanked. (Every batch in one
    call: the daily job runs `clear_texts_batch` a batch per transaction instead.)
    """
    total = 0
    cursor: TextCursor | None = TextCursor()
    while cursor is not None:
        cleared, cursor = clear_texts_batch(conn, before=before, cursor=cursor)
        total += cleared
    return total


@dataclass(frozen=True)
class TextCursor:
    """Where a batched retention run goes on: the last (time, key) seen in each table."""

    answers: tuple[int, int, str] | None = (-1, -1, "")
    messages: tuple[int, int] | None = (-1, -1)


def _held_children(conn: sqlite3.Connection) -> set[int]:
    """Children whose words stay: an alert of theirs is open or claimed (a handful)."""
    marks = ", ".join("?" for _ in ACTIVE_ALERT)
    cur = conn.execute(
        f"SELECT DISTINCT person_id FROM alerts WHERE status IN ({marks})", ACTIVE_ALERT
    )
    return {int(r[0]) for r in cur}


def clear_texts_batch(
    conn: sqlite3.Connection, *, before: int, cursor: TextCursor, limit: int = 500
) -> tuple[int, TextCursor | None]:
    """Blank up to `limit` answer texts, then message texts, written before `before`.

    Reads along the partial indexes of texts not yet blanked, oldest first, from `cursor`
    (texts of children with an active alert are stepped over and stay); returns how many
    were blanked and where to go on (None when nothing is left). One batch is one short
    transaction, so an urgent answer waits for one batch at most, not the whole run.
    """
    held = _held_children(conn)
    cleared = 0
    if cursor.answers is not None:
        found = conn.execute(
            "SELECT a.answered_at, a.session_id, a.question_id, s.child_id"
            " FROM checkin_answers a INDEXED BY checkin_answers_texts"
            " JOIN checkin_sessions s ON s.id = a.session_id"
            " WHERE a.text IS NOT NULL AND a.answered_at < ?"
            " AND (a.answered_at, a.session_id, a.question_id) > (?, ?, ?)"
            " ORDER BY a.answered_at, a.session_id, a.question_id LIMIT ?",
            (before, *cursor.answers, limit),
        ).fetchall()
        keys = [(int(r[1]), str(r[2])) for r in found if int(r[3]) not in held]
        conn.executemany(
            "UPDATE checkin_answers SET text = NULL WHERE session_id = ? AND question_id = ?",
            keys,
        )
        if len(found) == limit:
            last = found[-1]
            return len(keys), TextCursor((int(last[0]), int(last[1]), str(last[2])))
        cleared = len(keys)
        cursor = TextCursor(None, cursor.messages)
    if cursor.messages is None:
        return cleared, None
    rows = conn.execute(
        "SELECT at, id, child_id FROM child_messages INDEXED BY child_messages_texts"
        " WHERE text IS NOT NULL AND at < ? AND (at, id) > (?, ?) ORDER BY at, id LIMIT ?",
        (before, *cursor.messages, limit),
    ).fetchall()
    ids = [(int(r[1]),) for r in rows if int(r[2]) not in held]
    conn.executemany("UPDATE child_messages SET text = NULL WHERE id = ?", ids)
    cleared += len(ids)
    if len(rows) == limit:
        return cleared, TextCursor(None, (int(rows[-1][0]), int(rows[-1][1])))
    return cleared, None


def prune_exchange_messages(conn: sqlite3.Connection, *, before: int) -> int:
    """Forget the ids of check-in exchange messages recorded before `before`.

    They are kept only to delete an exchange from the chat, which Telegram allows for 48
    hours; after that they are dead weight (without pruning, the largest table of a year).
    Returns how many rows went.
    """
    total = 0
    while True:
        pruned = prune_exchange_batch(conn, before=before, limit=5000)
        total += pruned
        if pruned < 5000:
            return total


def prune_exchange_batch(conn: sqlite3.Connection, *, before: int, limit: int = 2000) -> int:
    """Forget up to `limit` of the oldest exchange message ids recorded before `before`
    (one short transaction of the daily job); returns how many went."""
    cur = conn.execute(
        "DELETE FROM checkin_messages WHERE rowid IN (SELECT rowid FROM checkin_messages"
        " INDEXED BY checkin_messages_at WHERE at < ? ORDER BY at LIMIT ?)",
        (before, limit),
    )
    return int(cur.rowcount)
