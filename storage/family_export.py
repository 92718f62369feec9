"""SQL for `qiao export`: every row that belongs to one family, as plain JSON-ready data.

One read transaction beside a live bot; nothing is written. Re-exported by storage/maintenance.py.
"""

from __future__ import annotations

import base64
import json
import re
import sqlite3
from collections.abc import Iterable
from typing import Any

from storage import archive
from storage.erasure import family_chats
from storage.outbox import chat_target

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
