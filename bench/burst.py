"""Figure: 40 children send an urgent message at the same moment, with the production limiter.

The Application runs as in production: `app.start()` takes updates from its queue, PTB's
AIORateLimiter paces every call (30 a second overall, 20 a minute in the volunteer group),
and the background sender posts the cards with its own group budget and wakes itself when
that budget frees. The clock is the wall clock, so the budget refills in real time. All 40
messages are put on the update queue at once; the figures run from that moment to:

- the crisis reply: the message carrying the crisis numbers arriving in the child's chat;
- the card: the child's pseudonym first showing in the volunteer group (its own card or a
  shared card; a post or an edit);
- every alert visible: the last of those moments.

Goals: every crisis reply under 1 s; every urgent alert visible within a minute.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from telegram import Update

from bench import cli
from bench.results import Result, below, info
from bench.world import BenchFamily, add_families, fresh, harness
from bot.clock import ManualClock
from bot.simtelegram import SimMessage
from bot.simtelegram.harness import VOLUNTEER_CHAT_ID
from bot.telegram import outbox_sender

CRISIS_TARGET_MS = 1000.0
VISIBLE_TARGET_S = 60.0
URGENT = "我不想活了"
CRISIS_MARK = "12356"
_CHILD = re.compile(r"C-B\d{6}")


class WallClock(ManualClock):
    """The injected clock reading the wall clock, so the group budget refills in real time."""

    def __init__(self) -> None:
        super().__init__(datetime.now(UTC))

    def now(self) -> datetime:
        """The real current time."""
        return datetime.now(UTC)

    def timestamp(self) -> float:
        """The real current time as Unix seconds."""
        return time.time()


@dataclass
class Watch:
    """Listens on the simulated server for crisis replies and for cards naming each child."""

    uid_to_child: dict[int, str]
    entered: float = 0.0
    crisis: dict[str, float] = field(default_factory=dict)
    visible: dict[str, float] = field(default_factory=dict)
    group_posts: int = 0
    done: asyncio.Event = field(default_factory=asyncio.Event)

    def __call__(self, action: str, message: SimMessage) -> None:
        now = time.perf_counter() - self.entered
        text = message.plain_text or ""
        if message.chat_id == VOLUNTEER_CHAT_ID:
            self.group_posts += action == "sent"
            for child in _CHILD.findall(text):
                self.visible.setdefault(child, now)
        elif action == "sent" and CRISIS_MARK in text:
            child = self.uid_to_child.get(message.chat_id)
            if child is not None:
                self.crisis.setdefault(child, now)
        expected = len(self.uid_to_child)
        if len(self.crisis) >= expected and len(self.visible) >= expected:
            self.done.set()


async def measure(workdir: Path, quick: bool) -> list[Result]:
    """Send the burst and return the latencies of the last child and of the whole burst."""
    count = 4 if quick else 40
    h = harness(fresh(workdir / "burst"), limiter=True, real_time_sim=True)
    h.clock = WallClock()
    await h.start()
    try:
        families: Sequence[BenchFamily] = await add_families(h, count)
        watch = Watch({f.child_uid: f.child_pseudonym for f in families})
        h.sim.subscribe(watch)
        outbox_sender.sender_of(h.app).timers = True
        updates = [
            Update.de_json(h.sim.user_sends(f.child_uid, URGENT), h.app.bot) for f in families
        ]
        await h.app.start()
        try:
            watch.entered = time.perf_counter()
            for update in updates:
                h.app.update_queue.put_nowait(update)
            await asyncio.wait_for(watch.done.wait(), timeout=3 * VISIBLE_TARGET_S)
        finally:
            await h.app.stop()
    finally:
        await h.stop()
    last = families[-1].child_pseudonym
    return [
        info("burst: children writing at once", count, "children"),
        below(
            "burst: last child's crisis reply", watch.crisis[last] * 1000, "ms", CRISIS_TARGET_MS
        ),
        below(
            "burst: slowest crisis reply",
            max(watch.crisis.values()) * 1000,
            "ms",
            CRISIS_TARGET_MS,
        ),
        info("burst: last child's alert in the group", watch.visible[last], "s"),
        below(
            "burst: every urgent alert visible in the group",
            max(watch.visible.values()),
            "s",
            VISIBLE_TARGET_S,
        ),
        info("burst: posts in the group", watch.group_posts, "messages"),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m bench.burst [--quick]`."""
    return cli.main(measure, __doc__ or "", argv)


if __name__ == "__main__":
    raise SystemExit(main())
