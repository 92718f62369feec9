"""The sweep reminds and closes a page of sessions per transaction, and every page in one run."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from functools import partial

from bot.services import checkins as svc
from bot.simtelegram.harness import Harness
from bot.telegram import checkins as checkins_tg
from storage import checkins as repo
from storage import families, people
from tests.checkins.support import SHANGHAI, advance_to, reminders

CHILDREN = svc.PAGE + 3
FIRST_UID = 910_000
DUE = datetime(2026, 1, 10, 10, 0)


async def _due_children(h: Harness) -> list[int]:
    """`CHILDREN` children with consent and their own phone, all due on Saturday at 10:00."""
    now = h.runtime.ts()
    due_at = int(DUE.replace(tzinfo=SHANGHAI).timestamp())
    for n in range(CHILDREN):
        h.sim.add_user(FIRST_UID + n, f"孩子{n}")

    def write(conn: sqlite3.Connection) -> list[int]:
        made = []
        for n in range(CHILDREN):
            family = families.create(
                conn,
                pseudonym=f"F-SW{n:03d}",
                label="东村小学",
                volunteer_id=None,
                timezone="Asia/Shanghai",
                now=now,
            )
            child = people.insert(
                conn,
                pseudonym=f"C-SW{n:03d}",
                role="child",
                now=now,
                telegram_user_id=FIRST_UID + n,
                chat_id=FIRST_UID + n,
                family_id=family,
                status="active",
            )
            families.add_child(
                conn,
                person_id=child,
                family_id=family,
                caregiver_id=None,
                shared_phone=False,
                checkin_weekday=5,
                checkin_minute=10 * 60,
                age_band="10-12",
            )
            families.set_guardian_consent(conn, child, now)
            families.set_next_due(conn, child, due_at)
            made.append(child)
        return made

    return await h.runtime.db.tx(write)


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
