"""Migration 0012 rebuilds `people` and `invites` for the parent role without losing a row."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from storage.db import apply_migrations, bundled_migrations


def test_upgrade_keeps_every_row_and_reference(tmp_path: Path) -> None:
    """A 0011 database with a family, links and check-ins keeps them all after 0012."""
    conn = sqlite3.connect(tmp_path / "old.sqlite3", isolation_level=None)
    conn.execute("PRAGMA foreign_keys=ON")
    migrations = bundled_migrations()
    apply_migrations(conn, [m for m in migrations if m.version <= 11])
    conn.executescript(
        "BEGIN;"
        "INSERT INTO families VALUES (1, 'F-AAAA', '东村', NULL, 'Asia/Shanghai', 0);"
        "INSERT INTO people (id, pseudonym, role, family_id, status, created_at)"
        " VALUES (1, 'G-AAAA', 'caregiver', 1, 'active', 0),"
        " (2, 'C-AAAA', 'child', 1, 'active', 0);"
        "INSERT INTO children (person_id, family_id, caregiver_id, checkin_weekday, checkin_minute)"
        " VALUES (2, 1, 1, 5, 600);"
        "INSERT INTO invites VALUES ('h', 'child', 2, 1, NULL, 0, 99, NULL);"
        "COMMIT;"
    )
    assert apply_migrations(conn, migrations) == [m.version for m in migrations if m.version > 11]
    assert conn.execute("SELECT COUNT(*) FROM people").fetchone() == (2,)
    assert conn.execute("SELECT COUNT(*) FROM children").fetchone() == (1,)
    assert conn.execute("SELECT role FROM invites").fetchone() == ("child",)
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert conn.execute("PRAGMA foreign_keys").fetchone() == (1,)
    conn.execute("DELETE FROM people WHERE id = 2")  # cascades still reach the rebuilt table
    assert conn.execute("SELECT COUNT(*) FROM children").fetchone() == (0,)
    conn.execute(
        "INSERT INTO people (pseudonym, role, status, created_at) VALUES ('P-AAAA', 'parent',"
        " 'pending', 0)"
    )
    conn.close()
