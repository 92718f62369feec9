"""Small helpers the check-in tests share: reading sessions and moving the clock to a local time."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.simtelegram import SimMessage
from bot.simtelegram.harness import Harness
from storage import checkins as repo
from storage import families, people

SHANGHAI = ZoneInfo("Asia/Shanghai")
GRANDMA, CHILD, VOLUNTEER = 1003, 1004, 1002


async def sessions(h: Harness, child_id: int) -> list[repo.Session]:
    """Every check-in session of a child, oldest first."""
    return await h.runtime.db.run(lambda c: repo.of_child(c, child_id))


async def answers(h: Harness, session_id: int) -> list[repo.Answer]:
    """The stored answers of one session."""
    return await h.runtime.db.run(lambda c: repo.answers(c, session_id))


async def next_due(h: Harness, child_id: int) -> int | None:
    """The child's stored next due moment (UTC seconds)."""
    child = await h.runtime.db.run(lambda c: families.child(c, child_id))
    assert child is not None
    return child.next_due_at


async def advance_to(h: Harness, local: datetime) -> None:
    """Run the world until the given Shanghai wall-clock time (jobs run on the way)."""
    target = local.replace(tzinfo=SHANGHAI)
    delta = target - h.clock.now()
    assert delta >= timedelta(0), "the clock only moves forward"
    await h.advance(delta)


def texts(messages: list[SimMessage]) -> list[str]:
    """What each message says."""
    return [m.plain_text for m in messages]


def intro_messages(h: Harness, chat_id: int) -> list[SimMessage]:
    """The bot's check-in openings in a chat, weekly and two-weekly (WHO-5) alike (deleted
    ones too; reminders not)."""
    openings = ("小明，你好！又到了每周聊聊的时间", "小明，你好！这周的聊聊多几个问题")
    return [
        m
        for m in h.sim.bot_messages(chat_id, include_deleted=True)
        if m.plain_text.startswith(openings)
    ]


def reminders(h: Harness, chat_id: int) -> list[SimMessage]:
    """The bot's reminders in a chat (deleted ones too)."""
    return [
        m for m in h.sim.bot_messages(chat_id, include_deleted=True) if "还在等" in m.plain_text
    ]


async def lone_children(
    h: Harness, count: int, *, first_uid: int, due_at: int, prefix: str
) -> list[int]:
    """`count` active children with consent and their own phone, in families without a
    volunteer or caregiver, all due at `due_at` (pages of the dispatcher and the sweep)."""
    now = h.runtime.ts()

    def write(conn: sqlite3.Connection) -> list[int]:
        made = []
        for n in range(count):
            family = families.create(
                conn,
                pseudonym=f"F-{prefix}{n:03d}",
                label="东村小学",
                volunteer_id=None,
                timezone="Asia/Shanghai",
                now=now,
            )
            child = people.insert(
                conn,
                pseudonym=f"C-{prefix}{n:03d}",
                role="child",
                now=now,
                telegram_user_id=first_uid + n,
                chat_id=first_uid + n,
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
