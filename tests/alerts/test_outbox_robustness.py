"""A raised alert reaches the group through flood limits, network errors, restarts and migration."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.simtelegram import Fault
from bot.simtelegram.harness import Harness
from storage import outbox, settings
from tests.alerts.desk import (
    GROUP,
    alert_row,
    cards,
    post,
    press_on,
    raise_alert,
    raise_and_post,
)
from tests.factories import FamilyIds

SUPERGROUP = -1004001


def sends_to(h: Harness, chat_id: int, alert_id: int) -> int:
    """How many successful sendMessage calls carried this alert's card to a chat."""
    return sum(
        1
        for call in h.sim.calls_to("sendMessage")
        if call.ok and call.params["chat_id"] == chat_id and f"A-{alert_id}" in call.params["text"]
    )


async def test_flood_limit_is_obeyed_and_the_alert_posted_once_after_the_wait(
    h: Harness, family: FamilyIds
) -> None:
    """A 429 with retry_after=20 delays the post until 20 s have passed; it is posted once."""
    h.sim.fail_next("sendMessage", Fault.retry_after(20), chat_id=GROUP)
    alert_id = await raise_alert(h, family.child_id)
    assert alert_id is not None
    await post(h)
    assert cards(h, alert_id) == []
    item = await h.runtime.db.run(lambda c: outbox.get(c, f"alert:{alert_id}:post"))
    assert item is not None
    assert item.next_attempt_at == h.runtime.ts() + 20
    h.clock.advance(timedelta(seconds=19))
    await post(h)
    assert cards(h, alert_id) == []
    h.clock.advance(timedelta(seconds=1))
    await post(h)
    await h.advance(timedelta(minutes=5))
    assert len(cards(h, alert_id)) == 1
    assert sends_to(h, GROUP, alert_id) == 1


async def test_network_errors_are_retried_with_backoff(h: Harness, family: FamilyIds) -> None:
    """Two network failures push the next attempt back 5 then 10 seconds; then it is posted."""
    h.sim.fail_next("sendMessage", Fault.network_error(), chat_id=GROUP, times=2)
    alert_id = await raise_alert(h, family.child_id)
    assert alert_id is not None
    start = h.runtime.ts()
    await post(h)
    item = await h.runtime.db.run(lambda c: outbox.get(c, f"alert:{alert_id}:post"))
    assert item is not None
    assert (item.attempts, item.next_attempt_at) == (1, start + 5)
    h.clock.advance(timedelta(seconds=5))
    await post(h)
    item = await h.runtime.db.run(lambda c: outbox.get(c, f"alert:{alert_id}:post"))
    assert item is not None
    assert (item.attempts, item.next_attempt_at) == (2, start + 15)
    assert cards(h, alert_id) == []
    await h.advance(timedelta(minutes=1))
    assert len(cards(h, alert_id)) == 1
    assert sends_to(h, GROUP, alert_id) == 1


async def test_restart_between_write_and_send_posts_once(h: Harness, family: FamilyIds) -> None:
    """An alert committed just before a restart is posted by the restarted bot, once."""
    alert_id = await raise_alert(h, family.child_id)
    assert alert_id is not None
    await h.restart()
    assert cards(h, alert_id) == []
    await h.advance(timedelta(minutes=1))
    await h.advance(timedelta(minutes=5))
    assert len(cards(h, alert_id)) == 1


async def test_group_upgraded_to_supergroup_gets_the_alert_and_keeps_the_new_id(
    h: Harness, family: FamilyIds
) -> None:
    """When the group migrated unnoticed, the post follows ChatMigrated and the id is stored."""
    h.sim.group_migrated(GROUP, SUPERGROUP)  # the bot never saw the service message
    alert_id = await raise_and_post(h, family.child_id)
    assert await h.runtime.volunteer_chat_id() == SUPERGROUP
    stored = await h.runtime.db.run(settings.migrated_volunteer_chat)
    assert stored == (GROUP, SUPERGROUP)
    assert len(cards(h, alert_id, SUPERGROUP)) == 1
    assert cards(h, alert_id, GROUP) == []
    await press_on(h, "volunteer", cards(h, alert_id, SUPERGROUP)[0], "我来跟进")
    assert "跟进：V-TST" in cards(h, alert_id, SUPERGROUP)[0].plain_text
    await h.restart()
    second = await raise_and_post(h, family.child_id, source="after-restart")
    assert len(cards(h, second, SUPERGROUP)) == 1


async def test_chat_migrated_fault_is_followed(h: Harness, family: FamilyIds) -> None:
    """A single ChatMigrated answer re-sends the alert to the new chat id and stores it."""
    h.sim.add_group(SUPERGROUP, "Volunteers", kind="supergroup")
    h.sim.fail_next("sendMessage", Fault.chat_migrated(SUPERGROUP), chat_id=GROUP)
    alert_id = await raise_and_post(h, family.child_id)
    assert await h.runtime.volunteer_chat_id() == SUPERGROUP
    assert len(cards(h, alert_id, SUPERGROUP)) == 1


async def test_migration_seen_by_the_gate_moves_later_alerts(h: Harness, family: FamilyIds) -> None:
    """When the bot receives the migration service message, later alerts go to the supergroup."""
    await h.deliver(h.sim.group_migrated(GROUP, SUPERGROUP))
    alert_id = await raise_and_post(h, family.child_id)
    assert len(cards(h, alert_id, SUPERGROUP)) == 1
    assert sends_to(h, GROUP, alert_id) == 0


RESTART_POINTS = ["after_raise", "after_post", "after_claim", "after_escalation"]


@pytest.mark.parametrize("point", RESTART_POINTS)
async def test_a_restart_at_any_point_loses_nothing_and_repeats_nothing(
    h: Harness, family: FamilyIds, point: str
) -> None:
    """Whatever moment the bot restarts, every alert is posted once and its state is kept."""
    first = await raise_alert(h, family.child_id, source="one")
    second = await raise_alert(h, family.caregiver_id, source="two")
    assert first is not None
    assert second is not None
    if point == "after_raise":
        await h.restart()
    await post(h)
    if point == "after_post":
        await h.restart()
    await press_on(h, "volunteer", cards(h, first)[0], "我来跟进")
    if point == "after_claim":
        await h.restart()
    await h.advance(timedelta(minutes=10))
    if point == "after_escalation":
        await h.restart()
    await h.run_all_jobs_now()
    await h.advance(timedelta(hours=1))
    assert sends_to(h, GROUP, first) == 1
    assert sends_to(h, GROUP, second) == 2  # the post and its one 10-minute re-post
    assert (await alert_row(h, first)).claimed_by == family.volunteer_id
    assert await h.runtime.db.run(lambda c: outbox.backlog(c)) == (0, None)


async def test_config_naming_another_group_overrides_an_old_migration(
    h: Harness, family: FamilyIds
) -> None:
    """A stored migration of the old group no longer applies once the config names a new group."""
    await h.runtime.db.tx(lambda c: settings.record_volunteer_migration(c, -999, -1000999))
    assert await h.runtime.volunteer_chat_id() == GROUP


async def test_bot_removed_from_the_group_keeps_the_alert(h: Harness, family: FamilyIds) -> None:
    """Forbidden from the volunteer chat leaves the alert pending for retry, never dead."""
    h.sim.fail_next("sendMessage", Fault.forbidden("Forbidden: bot was kicked from the group chat"))
    alert_id = await raise_and_post(h, family.child_id)
    assert cards(h, alert_id, GROUP) == []
    item = await h.runtime.db.run(lambda c: outbox.get(c, f"alert:{alert_id}:post"))
    assert item is not None
    assert item.status == "pending"
    await h.advance(timedelta(minutes=2))
    assert len(cards(h, alert_id, GROUP)) == 1
