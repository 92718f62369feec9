"""The message ids of check-in exchanges are forgotten once Telegram could not delete them."""

from __future__ import annotations

from datetime import datetime

from bot.simtelegram.harness import Harness
from storage import checkins as repo
from tests.checkins.support import advance_to, sessions
from tests.factories import make_family


async def _recorded(h: Harness, session_id: int) -> int:
    """How many message ids of one exchange are still kept."""
    found = await h.runtime.db.run(lambda c: repo.undeleted_messages(c, session_id))
    return len(found)


async def test_exchange_ids_go_after_three_days_and_newer_ones_stay(harness: Harness) -> None:
    """The daily retention run drops ids older than three days and keeps the newer week's."""
    ids = await make_family(harness)
    await advance_to(harness, datetime(2026, 1, 10, 10, 1))
    await harness.press("child", "🙂")
    [first] = await sessions(harness, ids.child_id)
    assert await _recorded(harness, first.id) == 1
    await advance_to(harness, datetime(2026, 1, 13, 9, 30))  # 2 days 23 hours later
    assert await _recorded(harness, first.id) == 2  # and the reminder of the half-answered one
    await advance_to(harness, datetime(2026, 1, 17, 10, 1))
    first, second = await sessions(harness, ids.child_id)
    assert await _recorded(harness, first.id) == 0
    assert await _recorded(harness, second.id) == 1
