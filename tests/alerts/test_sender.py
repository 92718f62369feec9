"""The one background sender: one drain at a time, urgent first, shared cards, timed-out sends."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import timedelta

from bot.levels import RiskLevel
from bot.simtelegram import Fault, SimMessage
from bot.simtelegram.harness import Harness
from bot.telegram import outbox_sender
from bot.telegram.outbox_sender import drain
from storage import outbox, people
from tests.alerts.desk import (
    GROUP,
    alert_row,
    answer_to_last_press,
    button_texts,
    cards,
    post,
    press_on,
    raise_alert,
)
from tests.factories import FamilyIds


def group_posts(h: Harness) -> list[str]:
    """The text of every successful sendMessage to the volunteer group, in order."""
    return [
        str(c.params["text"])
        for c in h.sim.calls_to("sendMessage")
        if c.ok and c.params["chat_id"] == GROUP
    ]


async def children(h: Harness, family: FamilyIds, count: int) -> list[int]:
    """`count` more children of the family (person ids), each able to raise their own alert."""
    now = h.runtime.ts()

    def write(c: sqlite3.Connection) -> list[int]:
        return [
            people.insert(
                c,
                pseudonym=f"C-X{n:03d}",
                role="child",
                now=now,
                family_id=family.family_id,
                status="active",
            )
            for n in range(count)
        ]

    return await h.runtime.db.tx(write)


def claim_buttons(message: SimMessage) -> list[str]:
    """The claim buttons' callback data on a message."""
    return [
        b.callback_data or "" for b in message.buttons if (b.callback_data or "").startswith("alc:")
    ]


async def test_concurrent_drains_post_each_card_once(h: Harness, family: FamilyIds) -> None:
    """The minute job, a handler's wake-up and another drain at once still post each card once."""
    ids = [
        await raise_alert(h, family.child_id, source="a"),
        await raise_alert(h, family.caregiver_id, source="b", level=RiskLevel.CONCERN),
    ]
    now = h.clock.now()
    outbox_sender.wake(h.app)
    await asyncio.gather(drain(h.app, now), drain(h.app, now), h.run_all_jobs_now())
    await outbox_sender.settle(h.app)
    for alert_id in ids:
        assert alert_id is not None
        assert sum(f"A-{alert_id}" in text for text in group_posts(h)) == 1
    assert await h.runtime.db.run(outbox.backlog) == (0, None)


async def test_wake_ups_fold_into_one_drain(h: Harness, family: FamilyIds) -> None:
    """Ten wake-ups before the sender gets to run cause one drain, not ten."""
    await raise_alert(h, family.child_id, source="a")
    sender = outbox_sender.sender_of(h.app)
    before = sender.drains
    for _ in range(10):
        outbox_sender.wake(h.app)
    await outbox_sender.settle(h.app)
    assert sender.drains - before == 1
    assert len(group_posts(h)) == 1


async def test_urgent_cards_go_out_before_concern_cards_queued_earlier(
    h: Harness, family: FamilyIds
) -> None:
    """A concern card queued first waits behind an urgent card queued after it."""
    concern = await raise_alert(h, family.caregiver_id, source="c", level=RiskLevel.CONCERN)
    urgent = await raise_alert(h, family.child_id, source="u")
    await post(h)
    posts = group_posts(h)
    assert f"A-{urgent}" in posts[0]
    assert f"A-{concern}" in posts[1]


async def test_more_alerts_than_the_budget_share_one_card_and_claims_work_on_it(
    h: Harness, family: FamilyIds
) -> None:
    """Eight alerts at once (budget five) share one card, urgent first, a claim button each."""
    others = await children(h, family, 7)
    ids = [await raise_alert(h, family.caregiver_id, source="help", level=RiskLevel.CONCERN)]
    ids += [await raise_alert(h, child, source=f"m{child}") for child in others]
    await post(h)
    [shared] = h.sim.bot_messages(GROUP)
    assert "同时来了 8 条提醒" in shared.plain_text
    assert claim_buttons(shared)[-1] == f"alc:{ids[0]}"  # the concern one comes last
    assert sorted(claim_buttons(shared)) == sorted(f"alc:{i}" for i in ids)
    third = ids[3]
    assert third is not None
    await press_on(h, "volunteer", shared, f"A-{third}")
    assert (await alert_row(h, third)).claimed_by == family.volunteer_id
    shared = h.sim.bot_messages(GROUP)[0]
    assert f"alc:{third}" not in claim_buttons(shared)
    assert len(claim_buttons(shared)) == 7
    assert "V-TST 在跟进" in shared.plain_text
    await raise_alert(h, others[0], source="again")
    await h.advance(timedelta(minutes=1))
    shared = h.sim.bot_messages(GROUP)[0]
    assert "2 次" in shared.plain_text
    assert len(h.sim.bot_messages(GROUP)) == 1


async def test_every_urgent_alert_of_a_burst_is_in_the_group_within_a_minute(
    h: Harness, family: FamilyIds
) -> None:
    """Thirty urgent alerts arriving one by one all show in the group within a minute."""
    others = await children(h, family, 30)
    for child in others:
        await raise_alert(h, child, source="burst")
        await post(h)
    await h.advance(timedelta(seconds=60), step=timedelta(seconds=4))
    shown = "\n".join(m.plain_text for m in h.sim.bot_messages(GROUP))
    rows = await h.runtime.db.run(lambda c: c.execute("SELECT id FROM alerts").fetchall())
    assert len(rows) == 30
    for (alert_id,) in rows:
        assert f"A-{alert_id}" in shown
    assert len(group_posts(h)) <= 5 + 60 // 4


async def test_a_timed_out_card_that_arrived_updates_with_its_copy_after_a_claim(
    h: Harness, family: FamilyIds
) -> None:
    """A card whose send timed out after arriving is sent again identically; a claim on the
    stray copy updates both, and neither keeps a claim button."""
    h.sim.fail_next("sendMessage", Fault.delivered_timeout(), chat_id=GROUP)
    alert_id = await raise_alert(h, family.child_id)
    assert alert_id is not None
    await post(h)
    assert len(cards(h, alert_id)) == 1  # it arrived, but the bot never heard so
    h.clock.advance(timedelta(seconds=5))
    await post(h)
    stray, known = cards(h, alert_id)
    assert stray.buttons == known.buttons
    await press_on(h, "volunteer", stray, "我来跟进")
    for copy in cards(h, alert_id):
        assert button_texts(copy) == ["✅ 已解决"]
        assert "V-TST" in copy.plain_text


async def test_a_late_press_on_an_unknown_copy_changes_nothing_and_brings_it_up_to_date(
    h: Harness, family: FamilyIds
) -> None:
    """Claimed through the known copy, the stray copy's button only answers and updates it."""
    h.sim.fail_next("sendMessage", Fault.delivered_timeout(), chat_id=GROUP)
    alert_id = await raise_alert(h, family.child_id)
    assert alert_id is not None
    await post(h)
    h.clock.advance(timedelta(seconds=5))
    await post(h)
    stray, known = cards(h, alert_id)
    await press_on(h, "volunteer", known, "我来跟进")
    await press_on(h, "volunteer", stray, "我来跟进")
    assert f"A-{alert_id}" in answer_to_last_press(h)
    assert (await alert_row(h, alert_id)).claimed_by == family.volunteer_id
    for copy in cards(h, alert_id):
        assert button_texts(copy) == ["✅ 已解决"]
    await h.say("volunteer", f"/resolve A-{alert_id}")
    await h.press("volunteer", "误报")
    for copy in cards(h, alert_id):
        assert copy.buttons == []
