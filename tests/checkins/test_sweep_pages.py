"""The sweep reminds and closes a page of sessions per transaction, and every page in one run."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

import pytest

from bot.services import checkins as svc
from bot.simtelegram.harness import Harness
from bot.telegram import checkins as checkins_tg
from storage import checkins as repo
from tests.checkins.support import SHANGHAI, advance_to, lone_children, reminders

pytestmark = pytest.mark.slow  # more sessions than a page, through the real jobs

CHILDREN = svc.PAGE + 3
FIRST_UID = 910_000
DUE = datetime(2026, 1, 10, 10, 0)


async def _due_children(h: Harness) -> list[int]:
    """`CHILDREN` children with consent and their own phone, all due on Saturday at 10:00."""
    due_at = int(DUE.replace(tzinfo=SHANGHAI).timestamp())
    for n in range(CHILDREN):
        h.sim.add_user(FIRST_UID + n, f"孩子{n}")
    return await lone_children(h, CHILDREN, first_uid=FIRST_UID, due_at=due_at, prefix="SW")


async def _statuses(h: Harness, children: list[int]) -> set[str]:
    """The status of every child's one session."""
    found: set[str] = set()
    for child in children:
        [session] = await h.runtime.db.run(partial(repo.of_child, child_id=child))
        found.add(session.status)
    return found


async def test_one_sweep_reminds_then_closes_more_sessions_than_a_page(harness: Harness) -> None:
    """More unanswered check-ins: one sweep reminds each once, one closes all."""
    children = await _due_children(harness)
    await advance_to(harness, DUE + timedelta(minutes=1))
    assert await _statuses(harness, children) == {"sent"}
    await advance_to(harness, DUE + timedelta(hours=23))
    harness.clock.advance(timedelta(hours=2))
    await checkins_tg.sweep(harness.app, harness.clock.now())
    counts = {len(reminders(harness, FIRST_UID + n)) for n in range(CHILDREN)}
    assert counts == {1}
    assert await _statuses(harness, children) == {"sent"}
    harness.clock.advance(timedelta(hours=48))
    await checkins_tg.sweep(harness.app, harness.clock.now())
    assert await _statuses(harness, children) == {"closed"}
    note = harness.runtime.content.ui("checkins.closed_note", "zh")
    lasts = {harness.sim.bot_messages(FIRST_UID + n)[-1].text for n in range(CHILDREN)}
    assert lasts == {note}
