"""Counting what a child's urgent message produced, read as plainly as possible."""

from __future__ import annotations

import sqlite3

from bot.harness import VOLUNTEER_CHAT_ID, Harness

URGENT_WORDS = "我不想活了"
CRISIS_NUMBER = "12356"
"""Part of the crisis text every urgent message is answered with."""


def crisis_replies(h: Harness, chat_id: int) -> int:
    """The bot's crisis messages in a child's chat."""
    return sum(CRISIS_NUMBER in m.plain_text for m in h.sim.bot_messages(chat_id))


def cards(h: Harness) -> int:
    """The bot's posts in the volunteer group."""
    return len(h.sim.bot_messages(VOLUNTEER_CHAT_ID))


async def count(h: Harness, sql: str, *args: object) -> int:
    """One number from plain SQL on the bot's own database."""

    def read(conn: sqlite3.Connection) -> int:
        return int(conn.execute(sql, args).fetchone()[0])

    return await h.runtime.db.run(read)


async def waiting(h: Harness) -> int:
    """Updates stored in the inbox and not handled yet."""
    return await count(h, "SELECT COUNT(*) FROM inbox WHERE handled_at IS NULL")
