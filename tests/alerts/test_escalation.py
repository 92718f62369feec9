"""Unclaimed alerts escalate on time, once per stage: group re-post, then coordinators privately."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from bot.levels import RiskLevel
from bot.simtelegram.harness import Harness, sim_config
from tests.alerts.desk import (
    ADMIN,
    add_coordinator,
    alert_row,
    button_texts,
    cards,
    press_on,
    raise_and_post,
)
from tests.factories import FamilyIds, make_family


def reposts(h: Harness, alert_id: int) -> list[str]:
    """Group messages that re-post this alert as still unclaimed."""
    return [m.plain_text for m in cards(h, alert_id) if "没有人认领。" in m.plain_text]


async def test_urgent_alert_escalates_at_10_and_30_minutes(h: Harness, family: FamilyIds) -> None:
    """Nothing at 9 minutes; a re-post naming coordinators at 10; coordinators privately at 30."""
    await add_coordinator(h)
    alert_id = await raise_and_post(h, family.child_id)
    await h.advance(timedelta(minutes=9))
    assert len(cards(h, alert_id)) == 1
    assert h.sim.bot_messages(ADMIN) == []
    await h.advance(timedelta(minutes=1))
    [repost] = reposts(h, alert_id)
    assert "10 分钟" in repost
    assert "V-ADM1" in repost
    assert h.sim.bot_messages(ADMIN) == []
    await h.advance(timedelta(minutes=19))
    assert h.sim.bot_messages(ADMIN) == []
    await h.advance(timedelta(minutes=1))
    [private] = h.sim.bot_messages(ADMIN)
    assert f"紧急提醒 A-{alert_id} 已经 30 分钟没有人认领" in private.plain_text
    assert button_texts(private) == ["🙋 我来跟进", "✅ 已解决"]
    await h.advance(timedelta(hours=3))
    assert len(reposts(h, alert_id)) == 1
    assert len(h.sim.bot_messages(ADMIN)) == 1
    assert (await alert_row(h, alert_id)).escalation == 2


async def test_concern_alert_is_reposted_after_a_day_and_never_sent_privately(
    h: Harness, family: FamilyIds
) -> None:
    """A concern alert unclaimed for 24 hours is re-posted once and never sent privately."""
    await add_coordinator(h)
    alert_id = await raise_and_post(
        h, family.child_id, level=RiskLevel.CONCERN, category="bullying"
    )
    await h.advance(timedelta(hours=23, minutes=55))
    assert reposts(h, alert_id) == []
    await h.advance(timedelta(minutes=5))
    assert len(reposts(h, alert_id)) == 1
    await h.advance(timedelta(days=2))
    assert len(reposts(h, alert_id)) == 1
    assert h.sim.bot_messages(ADMIN) == []


async def test_claimed_alert_does_not_escalate(h: Harness, family: FamilyIds) -> None:
    """An urgent alert taken within 10 minutes is never re-posted."""
    await add_coordinator(h)
    alert_id = await raise_and_post(h, family.child_id)
    await h.advance(timedelta(minutes=3))
    await press_on(h, "volunteer", cards(h, alert_id)[0], "我来跟进")
    await h.advance(timedelta(hours=1))
    assert reposts(h, alert_id) == []
    assert h.sim.bot_messages(ADMIN) == []


async def test_claim_after_escalation_updates_every_copy(h: Harness, family: FamilyIds) -> None:
    """Claiming from the admin's private copy edits the original post and the re-post too."""
    await add_coordinator(h)
    alert_id = await raise_and_post(h, family.child_id)
    await h.advance(timedelta(minutes=30))
    [private] = h.sim.bot_messages(ADMIN)
    await press_on(h, "admin", private, "我来跟进")
    copies = [*cards(h, alert_id), *h.sim.bot_messages(ADMIN)[:1]]
    assert len(copies) == 3
    for copy in copies:
        assert "跟进：V-ADM1" in copy.plain_text
        assert button_texts(copy) == ["✅ 已解决"]


async def test_timings_come_from_the_config(tmp_path_factory: pytest.TempPathFactory) -> None:
    """With urgent_repost_minutes = 3 the re-post comes at 3 minutes."""
    path = tmp_path_factory.mktemp("timings")
    config = sim_config(
        path / "q.sqlite3",
        rate_limits={"enabled": False},
        alerts={"urgent_repost_minutes": 3, "urgent_coordinators_minutes": 5},
    )
    async with Harness(path, config=config) as harness:
        family = await make_family(harness)
        alert_id = await raise_and_post(harness, family.child_id)
        await harness.advance(timedelta(minutes=2))
        assert reposts(harness, alert_id) == []
        await harness.advance(timedelta(minutes=1))
        assert len(reposts(harness, alert_id)) == 1


async def test_coordinators_without_a_private_chat_are_logged(
    h: Harness, family: FamilyIds, caplog: pytest.LogCaptureFixture
) -> None:
    """An admin who never used the bot cannot be told privately: the log says how many."""
    alert_id = await raise_and_post(h, family.child_id)
    with caplog.at_level(logging.WARNING):
        await h.advance(timedelta(minutes=30))
    assert len(reposts(h, alert_id)) == 1
    [record] = [
        r for r in caplog.records if "coordinators without a private chat" in r.getMessage()
    ]
    assert record.__dict__["count"] == 1
    assert h.sim.bot_messages(ADMIN) == []


async def test_restart_between_stages_sends_each_stage_once(h: Harness, family: FamilyIds) -> None:
    """Restarting after the re-post and again after the private copies repeats nothing."""
    await add_coordinator(h)
    alert_id = await raise_and_post(h, family.child_id)
    await h.advance(timedelta(minutes=10))
    await h.restart()
    await h.run_all_jobs_now()
    await h.advance(timedelta(minutes=20))
    await h.restart()
    await h.run_all_jobs_now()
    await h.advance(timedelta(minutes=30))
    assert len(reposts(h, alert_id)) == 1
    assert len(h.sim.bot_messages(ADMIN)) == 1


async def test_bot_down_past_both_stages_catches_up_once(h: Harness, family: FamilyIds) -> None:
    """After 40 minutes without jobs, the first run sends the re-post and the private copy once."""
    await add_coordinator(h)
    alert_id = await raise_and_post(h, family.child_id)
    await h.stop()
    h.clock.advance(timedelta(minutes=40))
    await h.start()
    await h.run_all_jobs_now()
    await h.run_all_jobs_now()
    assert len(reposts(h, alert_id)) == 1
    assert len(h.sim.bot_messages(ADMIN)) == 1


async def test_concern_repost_counts_hours_not_minutes(h: Harness, family: FamilyIds) -> None:
    """A concern re-post after a day says "24 小时", not "1440 分钟"."""
    await add_coordinator(h)
    alert_id = await raise_and_post(
        h, family.child_id, level=RiskLevel.CONCERN, category="bullying"
    )
    await h.advance(timedelta(hours=24))
    (repost,) = reposts(h, alert_id)
    assert "24 小时没有人认领" in repost
    assert "分钟" not in repost
