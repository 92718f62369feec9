"""The dispatcher works a page at a time: every due child once, held sessions passed over."""

from __future__ import annotations

from datetime import datetime
from functools import partial

from bot.services import checkins as svc
from bot.simtelegram.harness import Harness
from storage import checkins as repo
from storage import families
from tests.checkins.support import SHANGHAI, lone_children

CHILDREN = 5
PAGE = 2
FIRST_UID = 900_100


def _local(hour: int, minute: int = 0) -> int:
    """Saturday 10 January 2026 at a Shanghai wall-clock time, as Unix seconds."""
    return int(datetime(2026, 1, 10, hour, minute, tzinfo=SHANGHAI).timestamp())


async def _due_children(h: Harness, due_at: int) -> list[int]:
    """`CHILDREN` active children with consent, all due at `due_at`; returns their ids."""
    return await lone_children(h, CHILDREN, first_uid=FIRST_UID, due_at=due_at, prefix="PG")


async def _schedule_pages(h: Harness, now: int) -> list[svc.DispatchCount]:
    """Call step 1 page by page, as the dispatcher does, until a page comes back short."""
    runtime = h.runtime
    counts = []
    while True:
        count = await runtime.db.tx(
            lambda c: svc.schedule_due_tx(c, runtime.content, runtime.config, now, limit=PAGE)
        )
        counts.append(count)
        if count.seen < PAGE:
            return counts


async def _send_pages(h: Harness, now: int) -> list[list[int]]:
    """Call step 2 page by page from the first pending session; the sessions planned per page."""
    runtime = h.runtime
    after, planned = 0, []
    while True:
        page = await runtime.db.tx(
            partial(
                svc.sendable_tx,
                content=runtime.content,
                config=runtime.config,
                now=now,
                after=after,
                limit=PAGE,
            )
        )
        planned.append([plan.session_id for plan in page.plans])
        after = page.last_id
        if page.seen < PAGE:
            return planned


async def test_due_children_are_scheduled_a_page_at_a_time_each_once(harness: Harness) -> None:
    """Five due children take three pages of two; each gets one session and a later moment."""
    children = await _due_children(harness, _local(10))
    counts = await _schedule_pages(harness, _local(10, 1))
    assert [c.seen for c in counts] == [2, 2, 1]
    assert sum(c.opened for c in counts) == CHILDREN
    again = await _schedule_pages(harness, _local(10, 2))
    assert [c.seen for c in again] == [0]
    for child in children:
        found = await harness.runtime.db.run(partial(repo.of_child, child_id=child))
        assert [(s.period, s.status) for s in found] == [("2026-W02", "pending")]
        settings = await harness.runtime.db.run(partial(families.child, person_id=child))
        assert settings is not None
        assert settings.next_due_at == _local(10) + 7 * 86400


async def test_pending_sessions_held_by_quiet_hours_are_paged_past_then_sent(
    harness: Harness,
) -> None:
    """At 22:00 pages plan nothing but still end; in the morning each session is planned once."""
    await _due_children(harness, _local(21, 30))
    await _schedule_pages(harness, _local(21, 31))
    night = await _send_pages(harness, _local(22))
    assert night == [[], [], []]
    morning = await _send_pages(harness, _local(8) + 86400)
    planned = [session for page in morning for session in page]
    assert len(planned) == CHILDREN
    assert len(set(planned)) == CHILDREN
    assert [len(page) for page in morning] == [2, 2, 1]
