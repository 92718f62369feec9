"""One child, one open alert: further signals update the alert, its card and its claimer."""

from __future__ import annotations

from datetime import timedelta

from bot.simtelegram.harness import Harness
from storage import alerts
from storage.alerts import Alert
from tests.alerts.desk import (
    CHILD,
    GROUP,
    VOLUNTEER,
    alert_row,
    button_texts,
    cards,
    press_on,
    raise_alert,
)
from tests.factories import FamilyIds, make_family

URGENT = "我不想活了"
CONCERN = "同学总是欺负我"
CRISIS_NUMBER = "12356"
GRANDMA2, CHILD2 = 2003, 2004


async def second_family(h: Harness) -> FamilyIds:
    """Another family with its own grandmother and child on Telegram (same volunteer)."""
    h.sim.add_user(GRANDMA2, "李奶奶")
    h.sim.add_user(CHILD2, "小红")
    return await make_family(h, caregiver=GRANDMA2, child=CHILD2, suffix="2")


def crisis_replies(h: Harness, chat_id: int) -> int:
    """How many bot messages in a child's chat carry the crisis numbers."""
    return sum(1 for m in h.sim.bot_messages(chat_id) if CRISIS_NUMBER in m.plain_text)


def group_posts(h: Harness) -> int:
    """Successful sendMessage calls to the volunteer group."""
    return sum(1 for c in h.sim.calls_to("sendMessage") if c.ok and c.params["chat_id"] == GROUP)


async def open_alerts(h: Harness) -> list[Alert]:
    """Open and claimed alerts."""
    return await h.runtime.db.run(alerts.open_alerts)


async def test_a_flood_from_one_child_is_one_card_and_holds_back_no_other_child(
    h: Harness, family: FamilyIds
) -> None:
    """100 urgent messages make one alert, one card, one crisis reply; the next child's card
    is the very next group post."""
    second = await second_family(h)
    for _ in range(100):
        await h.say("child", URGENT)
    await h.say(CHILD2, URGENT)
    group = h.sim.bot_messages(GROUP)
    assert len(group) == 2
    assert family.child_pseudonym in group[0].plain_text
    assert second.child_pseudonym in group[1].plain_text
    assert crisis_replies(h, CHILD) == 1
    assert crisis_replies(h, CHILD2) == 1
    first, other = sorted(await open_alerts(h), key=lambda a: a.id)
    assert (first.person_id, first.signals) == (family.child_id, 100)
    assert (other.person_id, other.signals) == (second.child_id, 1)
    await h.advance(timedelta(minutes=1))
    assert "一共 100 次" in cards(h, first.id)[0].plain_text
    assert group_posts(h) == 2


async def test_edits_of_an_urgent_message_are_one_alert_one_card_one_crisis_reply(
    h: Harness, family: FamilyIds
) -> None:
    """Editing an urgent message twice counts into its alert: no new alert, card or reply."""
    await h.say("child", URGENT)
    sent = [m for m in h.sim.messages(CHILD) if not m.from_bot][-1]
    await h.deliver(h.sim.user_edits(CHILD, sent.message_id, URGENT + "，真的"))
    await h.deliver(h.sim.user_edits(CHILD, sent.message_id, URGENT + "，真的真的"))
    [alert] = await open_alerts(h)
    assert alert.signals == 3
    assert len(cards(h, alert.id)) == 1
    assert group_posts(h) == 1
    assert crisis_replies(h, CHILD) == 1


async def test_a_rising_level_raises_the_alert_and_sends_the_crisis_reply_once(
    h: Harness, family: FamilyIds
) -> None:
    """Concern then urgent makes one urgent alert and one crisis reply; more urgent adds none."""
    await h.say("child", CONCERN)
    assert crisis_replies(h, CHILD) == 0
    await h.say("child", URGENT)
    assert crisis_replies(h, CHILD) == 1
    [alert] = await open_alerts(h)
    assert "紧急" in cards(h, alert.id)[0].plain_text  # a rise is edited into the card at once
    await h.say("child", URGENT)
    assert crisis_replies(h, CHILD) == 1
    [alert] = await open_alerts(h)
    assert (alert.level, alert.signals, alert.category) == (3, 3, "bullying")
    assert group_posts(h) == 1


async def test_the_claimer_hears_of_new_signals_privately_and_the_group_gets_no_new_text(
    h: Harness, family: FamilyIds
) -> None:
    """After a claim, new signals reach the claimer in private; the group's card is edited."""
    await h.say("child", URGENT)
    [alert] = await open_alerts(h)
    await press_on(h, "volunteer", cards(h, alert.id)[0], "我来跟进")
    private_before = len(h.sim.bot_messages(VOLUNTEER))
    await h.say("child", URGENT)
    await h.say("child", CONCERN)
    notes = h.sim.bot_messages(VOLUNTEER)[private_before:]
    assert [f"A-{alert.id}" in n.plain_text and "又有新消息" in n.plain_text for n in notes] == [
        True,
        True,
    ]
    assert "一共 3 次" in notes[-1].plain_text
    assert URGENT not in notes[-1].plain_text
    assert group_posts(h) == 1
    await h.advance(timedelta(minutes=1))
    card = cards(h, alert.id)[0]
    assert "一共 3 次" in card.plain_text
    assert button_texts(card) == ["✅ 已解决"]
    assert group_posts(h) == 1


async def test_an_adults_report_about_a_child_joins_the_childs_open_alert(
    h: Harness, family: FamilyIds
) -> None:
    """A signal about the child from another source (an adult's report) updates the same alert."""
    await h.say("child", URGENT)
    [alert] = await open_alerts(h)
    joined = await raise_alert(h, family.child_id, source="report:grandma:1", category="abuse")
    assert joined == alert.id
    again = await raise_alert(h, family.child_id, source="report:grandma:1", category="abuse")
    assert again is None  # the same report delivered twice counts once
    assert (await alert_row(h, alert.id)).signals == 2


async def test_a_resolved_alert_lets_the_next_signal_open_a_new_one(
    h: Harness, family: FamilyIds
) -> None:
    """Once the alert is resolved, the child's next urgent message is a new alert and card."""
    await h.say("child", URGENT)
    [alert] = await open_alerts(h)
    await press_on(h, "volunteer", cards(h, alert.id)[0], "我来跟进")
    await h.say("volunteer", f"/resolve A-{alert.id}")
    await h.press("volunteer", "和孩子谈过了")
    await h.say("child", URGENT)
    [fresh] = await open_alerts(h)
    assert fresh.id != alert.id
    assert crisis_replies(h, CHILD) == 2
    assert group_posts(h) == 2


async def test_a_later_urgent_check_in_answer_joins_the_open_alert(
    h: Harness, family: FamilyIds
) -> None:
    """An urgent check-in answer after an urgent message is counted into the same alert,
    with no second crisis reply and no second card."""
    await h.say("child", URGENT)
    await h.say("child", "/checkin")
    for label in ("😐", "还行", "还行", "有，是大人"):
        await h.press("child", label)
    [alert] = await open_alerts(h)
    assert (alert.signals, alert.level) == (2, 3)
    assert crisis_replies(h, CHILD) == 1
    assert group_posts(h) == 1
    assert "爸爸妈妈说上话" in h.sim.bot_messages(CHILD)[-1].plain_text
