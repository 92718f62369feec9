"""`qiao export F-XXXX`: everything Qiao stores about one family, as JSON (PIPL access right).

The rows are read and the export is written to the audit log in one transaction, so the
audit trail never misses an export that happened. The document holds personal data and a
child's own words: it is written with owner-only permissions, and docs/privacy.md says who
may receive which part of it.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from storage import audit, maintenance
from storage.db import transaction

FORMAT = "qiao.family-export"
VERSION = 1


class ExportError(Exception):
    """An export that cannot be made; the text says why in one line."""


def export_tx(
    conn: sqlite3.Connection, family_pseudonym: str, *, now: int, actor: str = "cli"
) -> dict[str, Any] | None:
    """Collect a family's rows and audit the export (inside the caller's transaction)."""
    data = maintenance.family_export(conn, family_pseudonym)
    if data is None:
        return None
    rows = len(data["people"]) + 1 + sum(len(r) for r in data["tables"].values())
    audit.record(
        conn,
        at=now,
        action="export",
        actor=actor,
        subject=family_pseudonym,
        detail={"people": len(data["people"]), "rows": rows},
    )
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": datetime.fromtimestamp(now, UTC).isoformat(),
        "schema_version": maintenance.schema_version(conn),
        **data,
    }


def normalise_pseudonym(text: str) -> str:
    """F-7q2k, ' f-7Q2K ' → F-7Q2K."""
    return text.strip().upper()


def export_family(database: Path | str, family_pseudonym: str, *, now: int) -> dict[str, Any]:
    """Open the database beside a running bot and export one family."""
    pseudonym = normalise_pseudonym(family_pseudonym)
    try:
        conn = maintenance.connect(database)
    except sqlite3.Error as exc:
        raise ExportError(f"cannot open {database}: {exc}") from None
    try:
        if not maintenance.is_qiao_database(conn):
            raise ExportError(f"{database} is not a Qiao database")
        doc = transaction(conn, lambda c: export_tx(c, pseudonym, now=now))
    finally:
        conn.close()
    if doc is None:
        raise ExportError(f"no family {pseudonym}")
    return doc


def to_json(doc: dict[str, Any]) -> str:
    """The export as readable JSON (Chinese kept as characters)."""
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
