"""Issue 15: from an alert's private details, only the claiming volunteer may ask a parent to
call; the parent gets a neutral note and the volunteer sees whether it arrived."""

from __future__ import annotations

from bot.simtelegram.harness import VOLUNTEER_CHAT_ID, Harness
from tests.alerts.desk import cards, press_on
from tests.factories import make_family
from tests.parents.support import family, newest, parent_joins, rows, texts

NEUTRAL = "请您今天给孩子打个电话"
WORDS = "我不想活了，晚上一个人偷偷哭"


async def claimed_alert(h: Harness) -> int:
    """The child writes something alarming; the family's volunteer claims it."""
    await h.say("child", WORDS)
    (alert_id,) = [r[0] for r in await rows(h, "SELECT id FROM alerts")]
    card = cards(h, alert_id)[-1]
    await press_on(h, "volunteer", card, "我来跟进")
    return int(alert_id)


async def test_nothing_goes_to_the_parent_by_itself(harness: Harness) -> None:
    """An alert, even claimed, sends the parent nothing until the volunteer asks."""
    await family(harness)
    await parent_joins(harness)
    before = len(texts(harness, "mother"))
    await claimed_alert(harness)
    assert len(texts(harness, "mother")) == before
    assert "请家长打电话" in newest(harness, "volunteer", "请家长打电话").plain_text


async def test_claimer_asks_and_sees_delivery(harness: Harness) -> None:
    """The claimer's press queues one neutral note, without details; "delivered?" says so."""
    await family(harness)
    await parent_joins(harness)
    await claimed_alert(harness)
    await harness.press("volunteer", "请妈妈")
    note = texts(harness, "mother")[-1]
    assert NEUTRAL in note
    assert "志愿者会再联系您" in note
    assert WORDS not in note
    assert "A-" not in note
    await harness.press("volunteer", "送到了吗")
    assert "已送达 ✓" in texts(harness, "volunteer")[-1]
    await harness.press("volunteer", "送到了吗")
    assert sum(NEUTRAL in t for t in texts(harness, "mother")) == 1


async def test_an_undelivered_note_is_shown_as_such(harness: Harness) -> None:
    """A parent who blocked Qiao: the volunteer reads "not delivered" and knows to phone."""
    await family(harness)
    await parent_joins(harness)
    await claimed_alert(harness)
    harness.sim.block(harness.user_id("mother"))
    await harness.press("volunteer", "请妈妈")
    await harness.press("volunteer", "送到了吗")
    assert "没送到" in texts(harness, "volunteer")[-1]


async def test_only_the_claimer_may_ask(harness: Harness) -> None:
    """Another volunteer, the grandmother or the parent pressing the same data sends nothing."""
    await family(harness)
    await parent_joins(harness)
    alert_id = await claimed_alert(harness)
    (parent_id,) = [
        r[0] for r in await rows(harness, "SELECT id FROM people WHERE role = 'parent'")
    ]
    await make_family(
        harness, caregiver="stranger", child="father", volunteer="volunteer2", suffix="2"
    )
    data = f"pa:ask:{alert_id}:{parent_id}"
    for who in ("volunteer2", "grandma", "mother", "admin"):
        await harness.say(who, "/help")
        carrier = harness.sim.bot_messages(harness.user_id(who))[-1]
        await harness.deliver(
            harness.sim.user_presses(harness.user_id(who), carrier.message_id, data)
        )
    group = harness.sim.bot_messages(VOLUNTEER_CHAT_ID)[-1]
    await harness.deliver(
        harness.sim.user_presses(
            harness.user_id("volunteer"), group.message_id, data, chat_id=VOLUNTEER_CHAT_ID
        )
    )
    assert await rows(harness, "SELECT * FROM parent_call_requests") == []
    assert not any(NEUTRAL in t for t in texts(harness, "mother"))


async def test_no_request_after_the_alert_is_resolved(harness: Harness) -> None:
    """Once the alert is closed, the old offer's button changes nothing."""
    await family(harness)
    await parent_joins(harness)
    alert_id = await claimed_alert(harness)
    offer = newest(harness, "volunteer", "请家长打电话")
    data = offer.buttons[0].callback_data or ""
    await harness.runtime.db.tx(
        lambda c: c.execute("UPDATE alerts SET status = 'resolved' WHERE id = ?", (alert_id,))
    )
    await harness.deliver(
        harness.sim.user_presses(harness.user_id("volunteer"), offer.message_id, data)
    )
    assert await rows(harness, "SELECT * FROM parent_call_requests") == []
