"""One-time invitation links (stored only as sha256 hashes) and the onboarding step of a chat.

The token itself never reaches the database: whoever reads the file cannot open a link.
A chat that is in the middle of onboarding (choosing a language, giving consent, a volunteer
answering /newfamily's questions) has a `conversation_state` row (owned by
`storage.conversation`) whose state starts with `onboarding.`; these functions never touch
rows of other features.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from storage import conversation
from storage.conversation import ChatState

FLOW_PREFIX = "onboarding."


@dataclass(frozen=True)
class Invite:
    """A row of `invites`."""

    token_hash: str
    role: str
    person_id: int | None
    family_id: int | None
    created_by: int | None
    created_at: int
    expires_at: int
    used_at: int | None


_COLUMNS = "token_hash, role, person_id, family_id, created_by, created_at, expires_at, used_at"


def insert(
    conn: sqlite3.Connection,
    *,
    token_hash: str,
    role: str,
    now: int,
    expires_at: int,
    person_id: int | None = None,
    family_id: int | None = None,
    created_by: int | None = None,
) -> None:
    """Store a new link by its hash."""
    conn.execute(
        f"INSERT INTO invites ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, NULL)",
        (token_hash, role, person_id, family_id, created_by, now, expires_at),
    )


def by_hash(conn: sqlite3.Connection, token_hash: str) -> Invite | None:
    """The link with this hash, if any."""
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM invites WHERE token_hash = ?", (token_hash,)
    ).fetchone()
    return None if row is None else Invite(*row)


def mark_used(conn: sqlite3.Connection, token_hash: str, now: int) -> bool:
    """Spend a link; False if it was already spent (so two openers cannot both win)."""
    cur = conn.execute(
        "UPDATE invites SET used_at = ? WHERE token_hash = ? AND used_at IS NULL",
        (now, token_hash),
    )
    return cur.rowcount > 0


def drop_unused_for_family(conn: sqlite3.Connection, family_id: int) -> int:
    """Invalidate every unused caregiver and child link of a family (before fresh ones are made);
    parent links are made one by one on request and stay."""
    cur = conn.execute(
        "DELETE FROM invites WHERE family_id = ? AND used_at IS NULL AND role != 'parent'",
        (family_id,),
    )
    return cur.rowcount


def count(conn: sqlite3.Connection) -> int:
    """How many links exist, used or not."""
    return int(conn.execute("SELECT COUNT(*) FROM invites").fetchone()[0])


Flow = ChatState
"""The onboarding step a private chat is in: whose flow, which step, and its details."""


def load_flow(conn: sqlite3.Connection, chat_id: int) -> Flow | None:
    """The chat's onboarding step, or None (also when the chat is busy with another feature)."""
    return conversation.load_prefixed(conn, chat_id, FLOW_PREFIX)


def save_flow(
    conn: sqlite3.Connection,
    *,
    chat_id: int,
    person_id: int,
    state: str,
    data: dict[str, Any],
    now: int,
) -> None:
    """Store (or replace) the chat's onboarding step."""
    if not state.startswith(FLOW_PREFIX):
        raise ValueError(f"onboarding states start with {FLOW_PREFIX!r}: {state!r}")
    conversation.save(conn, chat_id=chat_id, person_id=person_id, state=state, data=data, now=now)


def clear_flow(conn: sqlite3.Connection, chat_id: int) -> None:
    """End the chat's onboarding step (other features' rows are left alone)."""
    conversation.clear_prefixed(conn, chat_id, FLOW_PREFIX)
