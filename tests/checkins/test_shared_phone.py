"""A child on the caregiver's phone: the hand-over, answers kept as the child's, nothing left."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.simtelegram import SimMessage
from bot.simtelegram.harness import Harness
from storage import checkins as repo
from tests.checkins.answering import press_rotating
from tests.checkins.support import GRANDMA, advance_to, answers, sessions
from tests.factories import FamilyIds, make_family

ANSWER_LABELS = ("🙂", "睡得挺好", "挺好，有好朋友", "没有", "说了，挺开心的")
CHILD_WORDS = "我养的小兔子长大了"


async def _handed_over(h: Harness) -> tuple[FamilyIds, SimMessage]:
    """A shared-phone family whose check-in hand-over has just arrived in grandma's chat."""
    ids = await make_family(h, shared_phone=True)
    await advance_to(h, datetime(2026, 1, 10, 10, 1))
    handover = h.sim.bot_messages(GRANDMA)[-1]
    return ids, handover


def _private_bits(h: Harness) -> list[str]:
    """Everything of the child's check-in the caregiver must never be able to read."""
    replies = ("不错呀", "能和爸爸妈妈聊聊", "心情怎么样", "睡得好吗")
    return [*ANSWER_LABELS, CHILD_WORDS, *replies]


def _visible_after(h: Harness, first: SimMessage) -> list[SimMessage]:
    """Messages in grandma's chat from `first` on that are still there."""
    return [m for m in h.sim.messages(GRANDMA) if m.message_id >= first.message_id]


async def test_shared_phone_checkin_end_to_end_leaves_nothing_behind(harness: Harness) -> None:
    """Hand-over, answers as the child's, tidy-up: every message of the exchange is deleted."""
    ids, handover = await _handed_over(harness)
    assert "请把手机交给小明" in handover.plain_text
    assert [b.text for b in handover.buttons] == ["我是小明，开始"]
    await harness.press("grandma", "我是小明")
    for label in ANSWER_LABELS:
        await harness.press("grandma", label)
    await press_rotating(harness, "grandma")
    await harness.say("grandma", CHILD_WORDS)
    closing = harness.sim.bot_messages(GRANDMA)[-1]
    assert [b.text for b in closing.buttons] == ["💬 我想找人聊聊", "聊完了，清理对话 🧹"]
    await harness.press("grandma", "清理对话")

    exchange = [
        m
        for m in harness.sim.messages(GRANDMA, include_deleted=True)
        if m.message_id >= handover.message_id
    ]
    *deleted, farewell = exchange
    assert (
        len(deleted) == 4
    )  # hand-over, the questions (edited in place), the child's text, closing
    assert all(m.deleted for m in deleted)
    assert any(not m.from_bot for m in deleted)  # the child's own typed words went too
    assert farewell.from_bot
    assert not farewell.deleted
    assert "收好了" in farewell.plain_text
    assert not any(bit in farewell.plain_text for bit in _private_bits(harness))

    [session] = await sessions(harness, ids.child_id)
    assert session.child_id == ids.child_id
    assert session.status == "done"
    stored = await answers(harness, session.id)
    assert len(stored) == 7  # five weekly questions, the rotating one, the message
    assert stored[-1].text == CHILD_WORDS

    for command in ("/help", "/start", "/checkin", "/next", "/lessons"):
        await harness.say("grandma", command)
    seen = " ".join(m.plain_text for m in _visible_after(harness, handover))
    assert not any(bit in seen for bit in _private_bits(harness))
    assert "小明这周的聊聊已经做过啦" in seen


async def test_finished_exchange_is_deleted_even_without_the_tidy_button(
    harness: Harness,
) -> None:
    """If nobody presses tidy-up, the finished exchange is deleted ten minutes later."""
    _, handover = await _handed_over(harness)
    await harness.press("grandma", "我是小明")
    for label in ANSWER_LABELS:
        await harness.press("grandma", label)
    await press_rotating(harness, "grandma")
    await harness.press("grandma", "跳过")
    shown = _visible_after(harness, handover)
    assert [m.message_id for m in shown][:1] == [handover.message_id]
    assert "下个星期六见" in shown[-1].plain_text  # the questions, edited into the closing
    await harness.advance(timedelta(minutes=16))
    assert _visible_after(harness, handover) == []


async def test_abandoned_half_way_is_hidden_and_can_be_resumed(harness: Harness) -> None:
    """Two answers then 30 idle minutes: answers vanish, the hand-over stays and resumes at Q3."""
    ids, handover = await _handed_over(harness)
    await harness.press("grandma", "我是小明")
    await harness.press("grandma", "🙂")
    await harness.press("grandma", "睡得挺好")
    await harness.advance(timedelta(minutes=36))
    visible = _visible_after(harness, handover)
    assert [m.message_id for m in visible] == [handover.message_id]
    await harness.press("grandma", "我是小明")
    resumed = harness.sim.bot_messages(GRANDMA)[-1]
    assert "和同学们处得好吗" in resumed.plain_text
    assert "又到了每周聊聊" not in resumed.plain_text
    [session] = await sessions(harness, ids.child_id)
    assert len(await answers(harness, session.id)) == 2


async def test_caregiver_text_is_never_taken_as_the_childs_answer(harness: Harness) -> None:
    """While the check-in waits for a button, grandma's own words are not stored as the child's."""
    ids, handover = await _handed_over(harness)
    await harness.say("grandma", "你好，我想问一下")  # offered to the volunteer, not an answer
    take = next(b.callback_data for b in handover.buttons if "我是小明" in b.text)
    assert take is not None
    await harness.deliver(harness.sim.user_presses(GRANDMA, handover.message_id, take))
    await harness.say("grandma", "孩子今天不太听话")
    [session] = await sessions(harness, ids.child_id)
    assert await answers(harness, session.id) == []
    kept = await harness.runtime.db.run(lambda c: repo.child_messages(c, ids.child_id))
    assert kept == []


async def test_answer_buttons_need_the_hand_over_first(harness: Harness) -> None:
    """A question press in a chat that has not been handed to the child is refused."""
    ids, handover = await _handed_over(harness)
    [session] = await sessions(harness, ids.child_id)
    data = f"ci:{session.id}:mood:4"
    await harness.deliver(harness.sim.user_presses(GRANDMA, handover.message_id, data))
    answered = harness.sim.calls_to("answerCallbackQuery")[-1]
    assert answered.params.get("text") == "请先点“我是……，开始”那个按钮。"
    assert await answers(harness, session.id) == []


async def test_session_closed_by_time_is_tidied_away(harness: Harness) -> None:
    """Started and left: after the close nothing of the answers is visible in grandma's chat."""
    ids, handover = await _handed_over(harness)
    await harness.press("grandma", "我是小明")
    await harness.press("grandma", "😐")
    await harness.advance(timedelta(hours=73))
    [session] = await sessions(harness, ids.child_id)
    assert session.status == "closed"
    seen = " ".join(m.plain_text for m in _visible_after(harness, handover))
    assert not any(bit in seen for bit in _private_bits(harness))
    assert [a.option_id for a in await answers(harness, session.id)] == ["3"]
