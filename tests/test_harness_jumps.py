"""The harness's jumping clock runs every job no later than a literal stepped schedule would."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.simtelegram import SimMessage
from bot.simtelegram.harness import VOLUNTEER_CHAT_ID, Harness
from bot.telegram.app import all_jobs
from bot.telegram.job_due import DUE
from tests.alerts.desk import add_coordinator
from tests.factories import make_family
from tests.parents.support import TOKYO, join, parent_link

pytestmark = pytest.mark.slow  # simulated days stepped minute by minute for comparison

FRIDAY = datetime(2026, 1, 9, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
STEP = timedelta(minutes=5)
"""The literal schedule's step: every job runs at every step its interval allows."""
SLACK = timedelta(minutes=15)
"""How much earlier a jumping run may act: a step plus the longest interval (lesson nudges)
between a job's grid moment and the stepped run's next one."""
CHATS = ("admin", "volunteer", "grandma", "child", "mother")


async def _world(tmp: Path, *, step: timedelta | None) -> list[SimMessage]:
    """Friday to Monday for one family: an unclaimed urgent alert, a harmless message for the
    reading list, an unanswered Saturday check-in, a mother in Tokyo reminded on Sunday evening,
    Monday's digest; every bot message sent."""
    h = Harness(tmp, start=FRIDAY)
    await h.start()
    try:
        await add_coordinator(h)
        await make_family(h, suffix="9")
        await join(h, await parent_link(h, "F-TST9"), zone=TOKYO, day="星期日", time="20:00")
        await h.say("child", "我不想活了，今晚就去河边")
        await h.advance(timedelta(hours=2), step=step)
        await h.say("child", "今天奶奶包了饺子")
        await h.advance(timedelta(days=3, hours=2), step=step)
        chats = (VOLUNTEER_CHAT_ID, *(h.user_id(who) for who in CHATS))
        return [m for chat in chats for m in h.sim.bot_messages(chat, include_deleted=True)]
    finally:
        await h.stop()


RANDOM = re.compile(r"start=[A-Za-z0-9_-]+|\b[A-Z]-[A-Z0-9]{4,5}\b")
"""Invitation tokens and freshly drawn pseudonyms differ from run to run."""


def _text(message: SimMessage) -> str:
    return RANDOM.sub("…", message.plain_text)


def _what(messages: list[SimMessage]) -> Counter[tuple[int, str]]:
    return Counter((m.chat_id, _text(m)) for m in messages)


async def test_jumping_sends_what_stepping_sends_and_never_later(tmp_path: Path) -> None:
    """Over three days of reminders, escalations, reading-list nudges, a parent's call reminder
    and a digest, the jumping
    clock sends the same messages as a 5-minute stepped clock, each no later than it
    (and at most one job interval earlier)."""
    jumped = await _world(tmp_path / "jumped", step=None)
    stepped = await _world(tmp_path / "stepped", step=STEP)
    assert len(jumped) > 10, "the scenario should exercise the periodic jobs"
    assert _what(jumped) == _what(stepped)
    by_text: dict[tuple[int, str], list[float]] = {}
    for m in stepped:
        by_text.setdefault((m.chat_id, _text(m)), []).append(m.date)
    for m in jumped:
        when = by_text[(m.chat_id, _text(m))].pop(0)
        assert 0 <= when - m.date <= SLACK.total_seconds(), m.plain_text[:40]


def test_every_job_more_frequent_than_hourly_can_say_when_it_is_due() -> None:
    """A job the harness cannot ask would be run every interval: each frequent one is askable."""
    frequent = {job.name for job in all_jobs() if job.interval < timedelta(hours=1)}
    assert frequent <= set(DUE)
