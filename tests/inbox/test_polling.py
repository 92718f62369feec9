"""Inbox polling: Telegram's offset moves only past updates the inbox has stored."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from bot.simtelegram.harness import Harness
from bot.telegram.context import RUNTIME_KEY
from tests.factories import make_family
from tests.inbox.support import URGENT_WORDS, crisis_replies, polling_bot

CHILD = 1004
WAIT_SECONDS = 30.0


async def until(condition: Callable[[], bool]) -> None:
    """Wait for a condition, checking often; fail after a generous bound."""
    for _ in range(int(WAIT_SECONDS / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("condition not reached")


async def test_polled_update_is_stored_handled_and_confirmed(harness: Harness) -> None:
    """A polled urgent message is answered, marked handled, then confirmed to Telegram."""
    await make_family(harness)
    await harness.stop()
    async with polling_bot(harness):
        harness.sim.user_sends(CHILD, URGENT_WORDS)
        await until(lambda: crisis_replies(harness, CHILD) == 1)
        await until(lambda: harness.sim.pending_updates == 0)
    assert crisis_replies(harness, CHILD) == 1


async def test_failed_store_leaves_the_update_with_telegram(harness: Harness) -> None:
    """While the database refuses writes, the update stays unconfirmed; then it is handled."""
    await make_family(harness)
    await harness.stop()
    async with polling_bot(harness) as app:
        db = app.bot_data[RUNTIME_KEY].db
        await db.run(lambda c: c.execute("PRAGMA query_only = ON"))
        polls = len(harness.sim.calls_to("getUpdates"))
        harness.sim.user_sends(CHILD, URGENT_WORDS)
        await until(lambda: len(harness.sim.calls_to("getUpdates")) > polls + 1)
        assert harness.sim.pending_updates == 1
        assert crisis_replies(harness, CHILD) == 0
        await db.run(lambda c: c.execute("PRAGMA query_only = OFF"))
        await until(lambda: crisis_replies(harness, CHILD) == 1)
        await until(lambda: harness.sim.pending_updates == 0)


async def test_updates_left_from_the_last_run_go_before_new_ones(harness: Harness) -> None:
    """At start, a stored update not yet handled is handled before a newly polled one."""
    await make_family(harness)
    first = harness.sim.user_sends(CHILD, "今天挺好的")
    await harness.app.bot.get_updates(offset=first["update_id"])  # fetched …
    await harness.store(first)  # … stored, and the process died
    await harness.app.bot.get_updates(offset=first["update_id"] + 1)  # confirmed
    harness.sim.user_sends(CHILD, URGENT_WORDS)
    await harness.stop()
    async with polling_bot(harness):
        await until(lambda: crisis_replies(harness, CHILD) == 1)
    replies = [m.plain_text for m in harness.sim.bot_messages(CHILD)]
    assert len(replies) == 2
    assert "12356" not in replies[0]
    assert "12356" in replies[1]
