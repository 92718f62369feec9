"""Counting what a child's urgent message produced, read as plainly as possible."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from bot.simtelegram.harness import VOLUNTEER_CHAT_ID, Harness
from bot.telegram import polling
from bot.telegram.context import App

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


WAIT_SECONDS = 30.0
"""A generous bound on how long the polling bot may take to start or stop."""


@asynccontextmanager
async def polling_bot(
    h: Harness, *, backoff: Callable[[int], float] | None = None
) -> AsyncIterator[App]:
    """The bot polling the harness's simulated Telegram as `qiao run` does, until exit (the
    harness's own Application is stopped first; `backoff` replaces start-up retry waits)."""
    await h.stop()
    app = h.application()
    stop, ready = asyncio.Event(), asyncio.Event()
    if backoff is None:
        task = asyncio.create_task(polling.serve(app, stop, ready=ready))
    else:
        task = asyncio.create_task(polling.serve(app, stop, ready=ready, backoff=backoff))
    waiting = asyncio.create_task(ready.wait())
    # FIRST_COMPLETED: serving ends only at stop, so waiting for both would sit out the bound.
    await asyncio.wait({task, waiting}, timeout=WAIT_SECONDS, return_when=asyncio.FIRST_COMPLETED)
    waiting.cancel()
    if task.done():  # serving ended before it was ready: show why
        task.result()
    try:
        assert ready.is_set(), "the bot did not start"
        yield app
    finally:
        stop.set()
        await asyncio.wait_for(task, WAIT_SECONDS)
