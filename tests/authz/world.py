"""Who acts where, how the database is compared, and what one action was seen to do.

The matrix's six roles are the harness cast plus two extra people for a second family:

    stranger    Telegram user the bot does not know (1005)
    child       the child of family F-TST9 (1004; in shared-phone worlds a child of F-TST2)
    caregiver   the grandmother of F-TST9 (1003)
    volunteer   F-TST9's volunteer (1002)
    volunteer2  a volunteer of another family, F-TST2 (1006)
    admin       a coordinator listed in the config (1001)
    parent      F-TST9's mother, working away (1011; issue 15)

and the three kinds of chat are the actor's own private chat, the volunteer group, and a group
the bot was added to by somebody else.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bot.simtelegram import SimMessage
from bot.simtelegram.harness import UNKNOWN_GROUP_ID, VOLUNTEER_CHAT_ID, Harness, Persona
from bot.simtelegram.model import ApiCall

ROLES: dict[str, str] = {
    "stranger": "stranger",
    "child": "child",
    "caregiver": "grandma",
    "volunteer": "volunteer",
    "volunteer2": "volunteer2",
    "admin": "admin",
    "parent": "mother",
}
"""Matrix role -> harness persona."""

CHATS: dict[str, int | None] = {
    "private": None,
    "group": VOLUNTEER_CHAT_ID,
    "unknown": UNKNOWN_GROUP_ID,
}
"""Matrix chat kind -> chat id (None: the actor's own private chat)."""

EXTRA_CAST = (
    Persona("grandpa2", 2003, "李爷爷"),
    Persona("child2", 2004, "小红"),
)
"""The second family's caregiver and child (the harness cast has one family's people)."""

SENDING = frozenset(
    {"sendmessage", "sendphoto", "sendvoice", "senddocument", "sendmediagroup", "copymessage"}
)
CHANGING = frozenset(
    {"editmessagetext", "editmessagecaption", "editmessagereplymarkup", "deletemessage"}
)

# Every table, every row, in storage order: the before/after picture of a refused action.
# A WITHOUT ROWID table has no rowid to order by; its primary key is its storage order.
TABLES_SQL = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
WITHOUT_ROWID_SQL = "SELECT wr FROM pragma_table_list WHERE schema = 'main' AND name = ?"
KEY_SQL = "SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk"
ROWS_SQL = 'SELECT * FROM "{table}" ORDER BY {order}'

Snapshot = dict[str, tuple[int, str]]
"""Table name -> (row count, sha256 of every row)."""


def add_extra_cast(h: Harness) -> None:
    """Make the second family's people known to the simulated Telegram and to `h.user_id`."""
    for persona in EXTRA_CAST:
        h.personas[persona.name] = persona
        h.sim.add_user(persona.user_id, persona.first_name, language_code=persona.language_code)


def _read_all(conn: sqlite3.Connection) -> Snapshot:
    picture: Snapshot = {}
    for (table,) in conn.execute(TABLES_SQL).fetchall():
        order = "rowid"
        if conn.execute(WITHOUT_ROWID_SQL, (table,)).fetchone()[0]:
            key = [str(name) for (name,) in conn.execute(KEY_SQL, (table,)).fetchall()]
            order = ", ".join(f'"{name}"' for name in key)
        # Names come from the schema itself, never from input, and are quoted as identifiers.
        rows = conn.execute(ROWS_SQL.format(table=table, order=order)).fetchall()
        digest = hashlib.sha256(repr([tuple(row) for row in rows]).encode()).hexdigest()
        picture[str(table)] = (len(rows), digest)
    return picture


async def snapshot(h: Harness) -> Snapshot:
    """Row count and content hash of every table (nothing excluded: see the module docstring
    of test_commands for why no column needs to be)."""
    return await h.runtime.db.run(_read_all)


class _Failures(logging.Handler):
    """Counts handler crashes: the error handler logs each as "handler failed"."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage() == "handler failed":
            self.count += 1


@contextmanager
def _counting_failures() -> Iterator[_Failures]:
    failures = _Failures()
    root = logging.getLogger()
    root.addHandler(failures)
    try:
        yield failures
    finally:
        root.removeHandler(failures)


@dataclass(frozen=True)
class Observation:
    """What one action did: the database before and after, the Bot API calls it caused, and
    (for a press) how the press was answered."""

    chat_id: int
    actor_chat: int
    before: Snapshot
    after: Snapshot
    calls: tuple[ApiCall, ...]
    answer: Mapping[str, Any] | None
    pressed: int | None
    crashes: int

    def changed(self, *tables: str) -> bool:
        """Whether any of these tables (all tables when none named) changed."""
        names = tables or tuple(self.before.keys() | self.after.keys())
        return any(self.before.get(name) != self.after.get(name) for name in names)

    def changed_tables(self) -> list[str]:
        """The tables whose rows changed, with their row counts before and after."""
        return [
            f"{name} {self.before.get(name, (0, ''))[0]}->{self.after.get(name, (0, ''))[0]}"
            for name in sorted(self.before.keys() | self.after.keys())
            if self.before.get(name) != self.after.get(name)
        ]

    def sends(self) -> list[ApiCall]:
        """Messages the bot sent (successfully)."""
        return [c for c in self.calls if c.ok and c.method.lower() in SENDING]

    def changes(self) -> list[ApiCall]:
        """Messages the bot edited or deleted."""
        return [c for c in self.calls if c.ok and c.method.lower() in CHANGING]

    def texts(self, chat_id: int | None = None) -> list[str]:
        """Texts (and captions) the bot sent or edited in, into a chat (every chat when None)."""
        found: list[str] = []
        for call in [*self.sends(), *self.changes()]:
            if chat_id is not None and _chat_of(call) != chat_id:
                continue
            text = call.params.get("text", call.params.get("caption"))
            if isinstance(text, str):
                found.append(text)
        return found

    def wrote(self, needle: str, chat_id: int | None = None) -> bool:
        """Whether some text the bot sent or edited into a chat contains `needle`."""
        return any(needle in text for text in self.texts(chat_id))

    def buttons(self, prefix: str, chat_id: int | None = None) -> bool:
        """Whether the bot sent or edited in a button whose callback data starts with `prefix`."""
        for call in [*self.sends(), *self.changes()]:
            if chat_id is not None and _chat_of(call) != chat_id:
                continue
            markup = call.params.get("reply_markup")
            rows = markup.get("inline_keyboard", []) if isinstance(markup, dict) else []
            for row in rows:
                for button in row:
                    if str(button.get("callback_data", "")).startswith(prefix):
                        return True
        return False

    def answer_text(self) -> str:
        """The text a press was answered with ("" for none or a silent answer)."""
        if self.answer is None:
            return ""
        return str(self.answer.get("text") or "")

    def elsewhere(self) -> list[ApiCall]:
        """Messages sent to, edited or deleted in any chat other than the one acted in."""
        return [c for c in [*self.sends(), *self.changes()] if _chat_of(c) != self.chat_id]


def _chat_of(call: ApiCall) -> int | None:
    raw = call.params.get("chat_id")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str) and raw.lstrip("-").isdigit():
        return int(raw)
    return None


def chat_for(h: Harness, role: str, chat: str) -> int:
    """The chat id a role acts in for a chat kind."""
    fixed = CHATS[chat]
    return h.user_id(ROLES[role]) if fixed is None else fixed


async def _observe(h: Harness, role: str, chat: str) -> tuple[int, int, Snapshot, int]:
    # One second passes before every action, so a refusal that so much as touches a
    # timestamp column shows up as a changed row.
    h.clock.advance(timedelta(seconds=1))
    return chat_for(h, role, chat), h.user_id(ROLES[role]), await snapshot(h), len(h.sim.calls)


async def say(h: Harness, role: str, chat: str, text: str) -> Observation:
    """A role sends a text (a command) in a chat; observe what it did."""
    chat_id, uid, before, first = await _observe(h, role, chat)
    with _counting_failures() as failures:
        await h.say(uid, text, chat_id=CHATS[chat])
    after = await snapshot(h)
    return Observation(
        chat_id, uid, before, after, tuple(h.sim.calls[first:]), None, None, failures.count
    )


async def carrier(h: Harness, chat_id: int) -> SimMessage:
    """A bot message in `chat_id` a forged press can be made on (the newest, or a new one)."""
    newest = h.sim.last_bot_message(chat_id)
    if newest is not None:
        return newest
    await h.app.bot.send_message(chat_id, "·")
    made = h.sim.last_bot_message(chat_id)
    assert made is not None
    return made


async def press(
    h: Harness, role: str, chat: str, data: str, real: SimMessage | None
) -> Observation:
    """A role presses a button with `data` in a chat: on the real message when it is in that
    chat, otherwise (a modified client) on some bot message there; observe what it did."""
    chat_id = chat_for(h, role, chat)
    message = real if real is not None and real.chat_id == chat_id else await carrier(h, chat_id)
    _, uid, before, first = await _observe(h, role, chat)
    update = h.sim.user_presses(uid, message.message_id, data, chat_id=CHATS[chat])
    with _counting_failures() as failures:
        await h.deliver(update)
    after = await snapshot(h)
    answer = h.sim.callback_answer(update["callback_query"]["id"])
    return Observation(
        chat_id,
        uid,
        before,
        after,
        tuple(h.sim.calls[first:]),
        answer,
        message.message_id,
        failures.count,
    )
