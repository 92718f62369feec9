"""Detection in depth on a child's messages: context across messages and the learned opinion."""

from __future__ import annotations

from datetime import timedelta

from bot.levels import RiskLevel
from bot.simtelegram.harness import VOLUNTEER_CHAT_ID, Harness
from storage import alerts
from storage import checkins as repo
from tests.checkins.support import CHILD
from tests.factories import make_family

MODEL_ONLY = "我不想回那个家"
"""The rules see nothing in it; the model trained on the labelled data reads it as concern."""


async def _alerts(h: Harness) -> list[alerts.Alert]:
    return await h.runtime.db.run(alerts.open_alerts)


async def test_a_disclosure_split_across_two_messages_raises_an_urgent_alert(
    harness: Harness,
) -> None:
    """我真的不想 then 活了: the second message gets the crisis reply and an urgent alert."""
    ids = await make_family(harness)
    await harness.say("child", "我真的不想")
    await harness.say("child", "活了")
    assert "12356" in harness.sim.bot_messages(CHILD)[-1].plain_text
    urgent = [a for a in await _alerts(harness) if a.level == RiskLevel.URGENT]
    assert len(urgent) == 1
    stored = await harness.runtime.db.run(lambda c: repo.child_messages(c, ids.child_id))
    assert stored[-1].level == RiskLevel.URGENT  # counted into the child's one open alert
    assert any(r["code"].startswith("context:") for r in stored[-1].reasons)
    assert "活了" not in "\n".join(
        m.plain_text for m in harness.sim.messages(VOLUNTEER_CHAT_ID, include_deleted=True)
    )


async def test_messages_further_apart_than_the_window_are_not_joined(harness: Harness) -> None:
    """An hour between the two halves: the second message alone raises nothing urgent."""
    await make_family(harness)
    await harness.say("child", "我真的不想")
    await harness.advance(timedelta(hours=1))
    await harness.say("child", "活了")
    assert "12356" not in harness.sim.bot_messages(CHILD)[-1].plain_text
    assert all(a.level < RiskLevel.URGENT for a in await _alerts(harness))


async def test_where_only_the_model_fires_a_volunteer_is_asked_without_a_crisis_reply(
    harness: Harness,
) -> None:
    """A message only the model flags: a concern alert with a model reason, a warm thanks."""
    rules = harness.runtime.risk
    assert rules.assess_rules(MODEL_ONLY).level < RiskLevel.CONCERN
    ids = await make_family(harness)
    await harness.say("child", MODEL_ONLY)
    reply = harness.sim.bot_messages(CHILD)[-1].plain_text
    assert "12356" not in reply
    assert "志愿者认真看" in reply
    [alert] = await _alerts(harness)
    assert (alert.person_id, alert.level) == (ids.child_id, RiskLevel.CONCERN)
    assert any(r["code"].startswith("model:") for r in alert.reasons)
    assert len(harness.sim.bot_messages(VOLUNTEER_CHAT_ID)) == 1
