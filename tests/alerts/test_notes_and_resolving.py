"""Notes, resolving with an outcome, and the /alerts list."""

from __future__ import annotations

from datetime import timedelta

from bot.levels import RiskLevel
from bot.simtelegram.harness import Harness
from storage import alerts
from tests.alerts.desk import (
    GRANDMA,
    GROUP,
    VOLUNTEER,
    VOLUNTEER2,
    add_volunteer,
    alert_row,
    answer_to_last_press,
    audit_rows,
    button_texts,
    cards,
    press_on,
    raise_and_post,
)
from tests.factories import FamilyIds, make_family

NOTE = "奶奶说孩子这周一直哭"


async def test_note_in_the_group_is_stored_and_confirmed_without_its_text(
    h: Harness, family: FamilyIds
) -> None:
    """A group /note is stored; the bot's confirmation does not repeat what was written."""
    alert_id = await raise_and_post(h, family.child_id)
    await h.say("volunteer", f"/note A-{alert_id} {NOTE}", chat_id=GROUP)
    confirmation = h.sim.bot_messages(GROUP)[-1].plain_text
    assert f"已给 A-{alert_id} 添加备注" in confirmation
    assert NOTE not in confirmation
    notes = await h.runtime.db.run(lambda c: alerts.notes(c, alert_id))
    assert [(n.author, n.text) for n in notes] == [("V-TST", NOTE)]
    [row] = await audit_rows(h, "alert.note_added")
    assert (row.actor, row.subject) == ("V-TST", f"A-{alert_id}")
    assert NOTE not in str(row.detail)


async def test_note_in_the_group_is_removed_when_the_bot_may(h: Harness, family: FamilyIds) -> None:
    """With admin rights in the group, the bot deletes the volunteer's note message."""
    h.sim.chat(GROUP).bot_is_admin = True
    alert_id = await raise_and_post(h, family.child_id)
    await h.say("volunteer", f"/note A-{alert_id} {NOTE}", chat_id=GROUP)
    assert all(NOTE not in m.plain_text for m in h.sim.messages(GROUP))
    assert "删掉了" in h.sim.bot_messages(GROUP)[-1].plain_text


async def test_note_in_private_and_shown_in_the_details(h: Harness, family: FamilyIds) -> None:
    """A note written privately is confirmed there and appears in the next details view."""
    alert_id = await raise_and_post(h, family.child_id)
    await press_on(h, "volunteer", cards(h, alert_id)[0], "我来跟进")
    await h.say("volunteer", f"/note a{alert_id} {NOTE}")
    assert h.sim.bot_messages(VOLUNTEER)[-1].plain_text == f"已给 A-{alert_id} 添加备注。"
    await h.say("volunteer", f"/details {alert_id}")
    assert any(NOTE in m.plain_text for m in h.sim.bot_messages(VOLUNTEER)[-4:])


async def test_note_needs_a_volunteer_an_alert_and_a_text(h: Harness, family: FamilyIds) -> None:
    """Non-volunteers are refused in private, ignored in the group; bad input gets the usage."""
    alert_id = await raise_and_post(h, family.child_id)
    await h.say("grandma", f"/note A-{alert_id} hello")
    assert h.sim.bot_messages(GRANDMA)[-1].plain_text == "这个命令只给志愿者用。"
    before = len(h.sim.bot_messages(GROUP))
    await h.say("grandma", f"/note A-{alert_id} hello", chat_id=GROUP)
    assert len(h.sim.bot_messages(GROUP)) == before
    await h.say("volunteer", f"/note A-{alert_id}")
    assert "用法：/note" in h.sim.bot_messages(VOLUNTEER)[-1].plain_text
    await h.say("volunteer", "/note A-99 something")
    assert "没有找到提醒 A-99" in h.sim.bot_messages(VOLUNTEER)[-1].plain_text
    await h.say("volunteer", f"/note A-{alert_id} " + "字" * 2001)
    assert "太长" in h.sim.bot_messages(VOLUNTEER)[-1].plain_text
    assert await h.runtime.db.run(lambda c: alerts.notes(c, alert_id)) == []


async def test_resolving_asks_privately_then_the_card_shows_the_outcome(
    h: Harness, family: FamilyIds
) -> None:
    """ "Resolved" sends the outcome question privately; the choice closes the alert everywhere."""
    alert_id = await raise_and_post(h, family.child_id)
    await press_on(h, "volunteer", cards(h, alert_id)[0], "我来跟进")
    await press_on(h, "volunteer", cards(h, alert_id)[0], "已解决")
    assert "请在和桥的私聊里选择" in answer_to_last_press(h)
    question = h.sim.bot_messages(VOLUNTEER)[-1]
    assert button_texts(question) == [
        "和孩子谈过了",
        "和家长谈过了",
        "转给学校",
        "转给有关部门",
        "误报",
        "其他",
    ]
    await press_on(h, "volunteer", question, "和家长谈过了")
    [card] = cards(h, alert_id)
    assert "已解决（V-TST）：和家长谈过了" in card.plain_text
    assert card.buttons == []
    row = await alert_row(h, alert_id)
    assert (row.status, row.outcome, row.resolved_by) == (
        alerts.RESOLVED,
        "talked_caregiver",
        family.volunteer_id,
    )
    assert "已结束：和家长谈过了" in h.sim.bot_messages(VOLUNTEER)[-1].plain_text
    [audited] = await audit_rows(h, "alert.resolved")
    assert audited.detail == {"outcome": "talked_caregiver"}


async def test_resolve_command_in_the_group_asks_in_private(h: Harness, family: FamilyIds) -> None:
    """`/resolve A-n` in the group puts the outcome question in the volunteer's private chat."""
    alert_id = await raise_and_post(h, family.child_id)
    await h.say("volunteer", f"/resolve A-{alert_id}", chat_id=GROUP)
    assert "请在和桥的私聊里选择" in h.sim.bot_messages(GROUP)[-1].plain_text
    await h.press("volunteer", "误报")
    assert "误报" in cards(h, alert_id)[0].plain_text
    assert (await alert_row(h, alert_id)).status == alerts.RESOLVED


async def test_only_the_claimer_or_a_coordinator_closes_a_claimed_alert(
    h: Harness, family: FamilyIds
) -> None:
    """Another volunteer cannot resolve an alert someone took; the config admin can."""
    await add_volunteer(h)
    alert_id = await raise_and_post(h, family.child_id)
    await press_on(h, "volunteer", cards(h, alert_id)[0], "我来跟进")
    await press_on(h, "volunteer2", cards(h, alert_id)[0], "已解决")
    assert "由 V-TST 跟进" in answer_to_last_press(h)
    assert h.sim.bot_messages(VOLUNTEER2) == []
    await press_on(h, "admin", cards(h, alert_id)[0], "已解决")
    await h.press("admin", "转给学校")
    assert (await alert_row(h, alert_id)).outcome == "referred_school"


async def test_an_outcome_chosen_twice_closes_once(h: Harness, family: FamilyIds) -> None:
    """Two outcome questions answered one after the other: the second learns it is closed."""
    alert_id = await raise_and_post(h, family.child_id)
    await h.say("volunteer", f"/resolve A-{alert_id}")
    await h.say("volunteer", f"/resolve A-{alert_id}")
    first, second = [m for m in h.sim.bot_messages(VOLUNTEER) if m.buttons]
    await press_on(h, "volunteer", first, "误报")
    await press_on(h, "volunteer", second, "其他")
    assert "已经结束了" in answer_to_last_press(h)
    assert (await alert_row(h, alert_id)).outcome == "false_alarm"
    assert len(await audit_rows(h, "alert.resolved")) == 1


async def test_resolved_alert_cannot_be_claimed_or_resolved_again(
    h: Harness, family: FamilyIds
) -> None:
    """Old buttons on a resolved alert's copies get a short answer and change nothing."""
    alert_id = await raise_and_post(h, family.child_id)
    card = cards(h, alert_id)[0]
    await h.say("volunteer", f"/resolve A-{alert_id}")
    await h.press("volunteer", "误报")
    await h.deliver(
        h.sim.user_presses(VOLUNTEER, card.message_id, f"alc:{alert_id}", chat_id=GROUP)
    )
    assert "已经解决了" in answer_to_last_press(h)
    await h.say("volunteer", f"/resolve A-{alert_id}")
    assert "已经结束了" in h.sim.bot_messages(VOLUNTEER)[-1].plain_text


async def test_alerts_lists_open_alerts_with_age_level_and_status(
    h: Harness, family: FamilyIds
) -> None:
    """/alerts shows each open alert's code, level, category, age and who is on it."""
    urgent = await raise_and_post(h, family.child_id, source="a")
    await h.advance(timedelta(minutes=5))
    second = await make_family(h, shared_phone=True, caregiver="stranger", suffix="2")
    concern = await raise_and_post(
        h, second.child_id, source="b", level=RiskLevel.CONCERN, category="bullying"
    )
    closed = await raise_and_post(h, family.caregiver_id, source="c")
    await h.say("volunteer", f"/resolve A-{closed}")
    await h.press("volunteer", "误报")
    await press_on(h, "volunteer", cards(h, concern)[0], "我来跟进")
    await h.advance(timedelta(minutes=2))
    await h.say("volunteer", "/alerts", chat_id=GROUP)
    listing = h.sim.bot_messages(GROUP)[-1].plain_text.splitlines()
    assert listing[0] == "还没解决的提醒（2）"
    assert listing[1] == f"A-{urgent} · 🔴 紧急 · 自伤 · 7 分钟前 · 还没有人认领"
    assert listing[2] == f"A-{concern} · 🟠 需要关注 · 欺凌 · 2 分钟前 · V-TST 跟进中"


async def test_alerts_is_for_volunteers_only(h: Harness, family: FamilyIds) -> None:
    """A caregiver asking /alerts in private is refused; in the group nothing is said."""
    await raise_and_post(h, family.child_id)
    await h.say("grandma", "/alerts")
    assert h.sim.bot_messages(GRANDMA)[-1].plain_text == "这个命令只给志愿者用。"
    before = len(h.sim.bot_messages(GROUP))
    await h.say("grandma", "/alerts", chat_id=GROUP)
    assert len(h.sim.bot_messages(GROUP)) == before


async def test_alerts_says_when_there_are_none(h: Harness, family: FamilyIds) -> None:
    """With nothing open, /alerts says so."""
    await h.say("volunteer", "/alerts")
    assert "现在没有未解决的提醒" in h.sim.bot_messages(VOLUNTEER)[-1].plain_text
