"""Helpers the reading-list tests share: who is who, the rows as stored, the volunteer's view."""

from __future__ import annotations

import sqlite3

from bot.simtelegram import SimMessage
from bot.simtelegram.harness import Harness
from storage import people

ADMIN = 1001
VOLUNTEER = 1002
GRANDMA = 1003
CHILD = 1004
VOLUNTEER2 = 1006


async def items(h: Harness) -> list[sqlite3.Row]:
    """Every reading-list row, oldest first."""
    return await h.runtime.db.run(
        lambda c: c.execute("SELECT * FROM reading_items ORDER BY id").fetchall()
    )


async def add_coordinator(h: Harness) -> int:
    """The config's admin with a people row and a private chat."""
    now = h.runtime.ts()
    return await h.runtime.db.tx(
        lambda c: people.insert(
            c,
            pseudonym="V-ADM1",
            role="admin",
            now=now,
            telegram_user_id=ADMIN,
            chat_id=ADMIN,
            status="active",
        )
    )


async def add_second_volunteer(h: Harness) -> int:
    """An active volunteer who does not look after the test family."""
    now = h.runtime.ts()
    return await h.runtime.db.tx(
        lambda c: people.insert(
            c,
            pseudonym="V-TWO",
            role="volunteer",
            now=now,
            telegram_user_id=VOLUNTEER2,
            chat_id=VOLUNTEER2,
            status="active",
        )
    )


def listed(h: Harness, chat_id: int = VOLUNTEER) -> list[SimMessage]:
    """The list entries shown in a chat: bot messages with a "read" button."""
    return [
        m
        for m in h.sim.bot_messages(chat_id)
        if any("已读" in b.text or "Read" in b.text for b in m.buttons)
    ]


def last_answer(h: Harness) -> str:
    """The text of the newest answerCallbackQuery call."""
    return str(h.sim.calls_to("answerCallbackQuery")[-1].params.get("text", ""))


def sent_file_id(message: SimMessage) -> str:
    """The file id of a photo, voice note or video note a user sent."""
    media = message.extra[message.kind]
    found = media[-1] if isinstance(media, list) else media
    return str(found["file_id"])
