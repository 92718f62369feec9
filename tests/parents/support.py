"""Steps the parents' tests share: real commands and presses through the Harness."""

from __future__ import annotations

import re
import sqlite3
from typing import Any

from bot.simtelegram import SimMessage
from bot.simtelegram.harness import Harness
from tests.factories import FamilyIds, make_family

LINK = re.compile(r"https://t\.me/[A-Za-z0-9_]+\?start=([A-Za-z0-9_-]+)")
TOKYO, SHANGHAI = 1, 0
"""Indexes of the time-zone buttons (bot.services.parents.ZONES)."""


async def family(h: Harness, **kwargs: Any) -> FamilyIds:
    """F-TST9: an active volunteer, grandmother and child (own phone), as onboarding leaves them."""
    kwargs.setdefault("suffix", "9")
    return await make_family(h, **kwargs)


def links_in(h: Harness, who: str) -> list[str]:
    """Every invitation payload the bot has shown in a persona's chat, oldest first."""
    found: list[str] = []
    for message in h.sim.bot_messages(h.user_id(who)):
        found.extend(LINK.findall(message.plain_text))
    return found


async def parent_link(h: Harness, pseudonym: str = "F-TST9", who: str = "volunteer") -> str:
    """The volunteer opens /family and presses "invite a parent"; the new link's payload."""
    await h.say(who, f"/family {pseudonym}")
    await h.press(who, "邀请孩子爸妈")
    return links_in(h, who)[-1]


async def join(
    h: Harness,
    payload: str,
    *,
    who: str = "mother",
    relation: str = "妈妈",
    zone: int = SHANGHAI,
    quiet: int = 0,
    day: str = "星期日",
    time: str = "20:00",
) -> None:
    """A parent opens their link and answers every question by button."""
    await h.say(who, f"/start {payload}")
    await h.press(who, "中文")
    await h.press(who, "我同意")
    await h.press(who, relation)
    await h.press(who, zone + 1)
    await h.press(who, quiet + 1)
    await h.press(who, day)
    await h.press(who, time)


async def parent_joins(h: Harness, **kwargs: Any) -> None:
    """Invite (from F-TST9's volunteer) and join in one step."""
    pseudonym = kwargs.pop("pseudonym", "F-TST9")
    inviter = kwargs.pop("inviter", "volunteer")
    await join(h, await parent_link(h, pseudonym, inviter), **kwargs)


def texts(h: Harness, who: str | int) -> list[str]:
    """Every text the bot sent a persona (or chat), oldest first."""
    chat = h.user_id(who) if isinstance(who, str) else who
    return [m.plain_text for m in h.sim.bot_messages(chat)]


def newest(h: Harness, who: str, needle: str) -> SimMessage:
    """The newest bot message to a persona that contains `needle`."""
    for message in reversed(h.sim.bot_messages(h.user_id(who))):
        if needle in message.plain_text:
            return message
    raise LookupError(f"no message with {needle!r} to {who}")


async def rows(h: Harness, sql: str, *args: object) -> list[tuple[Any, ...]]:
    """Rows of a query, read through the running database."""

    def read(conn: sqlite3.Connection) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in conn.execute(sql, args).fetchall()]

    return await h.runtime.db.run(read)
