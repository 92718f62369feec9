"""Adults are heard: a caregiver's report raises an alert naming their role; the rest is offered."""

from __future__ import annotations

from datetime import timedelta

from bot.simtelegram.harness import VOLUNTEER_CHAT_ID, Harness
from storage import alerts
from tests.factories import make_family
from tests.reading.support import (
    CHILD,
    GRANDMA,
    VOLUNTEER,
    items,
    last_answer,
    listed,
)

REPORT = "孩子跟我说他不想活了，我该怎么办"


async def test_a_grandparents_report_raises_an_alert_naming_the_reporter(harness: Harness) -> None:
    """A grandparent's report: an urgent alert about the child, the card says "reported by:
    caregiver" with pseudonyms only, and the words wait for the family's volunteer."""
    ids = await make_family(harness)
    await harness.say("grandma", REPORT)
    reply = harness.sim.bot_messages(GRANDMA)[-1].plain_text
    assert "紧急提醒" in reply
    assert "110" in reply
    [alert] = await harness.runtime.db.run(alerts.open_alerts)
    assert (alert.person_id, alert.level, alert.category) == (ids.child_id, 3, "suicide")
    assert alert.source.startswith("report:caregiver:")
    [card] = harness.sim.bot_messages(VOLUNTEER_CHAT_ID)
    assert "报告人：家长" in card.plain_text
    assert ids.child_pseudonym in card.plain_text
    for secret in ("不想活", "王奶奶", "小明"):
        assert secret not in card.plain_text
    await harness.say("volunteer", "/inbox")
    [entry] = listed(harness)
    assert REPORT in entry.plain_text
    assert "G-TST" in entry.plain_text


async def test_a_third_person_report_without_the_childs_words_raises_an_alert(
    harness: Harness,
) -> None:
    """A grandparent's own observation of injuries raises an alert, not only quoted words."""
    await make_family(harness)
    await harness.say("grandma", "我孙子身上好多伤，问他也不说是谁打的")
    assert len(await harness.runtime.db.run(alerts.open_alerts)) == 1


async def test_a_grandparents_voice_note_is_offered_to_the_volunteer(harness: Harness) -> None:
    """A grandparent's voice note is offered; "send" puts it on the volunteer's list."""
    await make_family(harness)
    await harness.deliver(harness.sim.user_sends_media(GRANDMA, "voice"))
    offer = harness.sim.bot_messages(GRANDMA)[-1]
    assert "发给您家的志愿者吗" in offer.plain_text
    [row] = await items(harness)
    assert (row["kind"], row["status"]) == ("voice", "offered")
    await harness.say("volunteer", "/inbox")
    assert listed(harness) == []
    await harness.press("grandma", "发给志愿者")
    assert "24 小时之内" in harness.sim.bot_messages(GRANDMA)[-1].plain_text
    assert harness.sim.bot_messages(GRANDMA)[-1].buttons == []
    await harness.say("volunteer", "/inbox")
    assert [m.kind for m in harness.sim.bot_messages(VOLUNTEER)].count("voice") == 1


async def test_a_declined_offer_is_deleted_and_cannot_be_answered_twice(harness: Harness) -> None:
    """ "No, thanks" deletes the words at once; a second press on the same offer is refused."""
    await make_family(harness)
    await harness.say("grandma", "今天孩子写完作业了，挺乖")
    offer = harness.sim.bot_messages(GRANDMA)[-1]
    data = offer.buttons[0].callback_data
    assert data is not None
    await harness.press("grandma", "不用了")
    assert "删掉" in harness.sim.bot_messages(GRANDMA)[-1].plain_text
    assert await items(harness) == []
    await harness.deliver(harness.sim.user_presses(GRANDMA, offer.message_id, data))
    assert "不能用" in last_answer(harness)


async def test_only_the_author_can_answer_an_offer(harness: Harness) -> None:
    """A press on a grandparent's offer from another account is refused and changes nothing."""
    await make_family(harness)
    await harness.say("grandma", "今天孩子写完作业了，挺乖")
    offer = harness.sim.bot_messages(GRANDMA)[-1]
    data = offer.buttons[0].callback_data
    assert data is not None
    await harness.say("child", "/start")
    child_message = harness.sim.bot_messages(CHILD)[-1]
    await harness.deliver(harness.sim.user_presses(CHILD, child_message.message_id, data))
    assert "不能用" in last_answer(harness)
    [row] = await items(harness)
    assert row["status"] == "offered"


async def test_an_unanswered_offer_is_forgotten_after_a_day(harness: Harness) -> None:
    """Words a grandparent never chose to send are deleted after a day."""
    await make_family(harness)
    await harness.say("grandma", "今天孩子写完作业了，挺乖")
    harness.clock.advance(timedelta(hours=25))
    await harness.run_all_jobs_now()
    assert await items(harness) == []
