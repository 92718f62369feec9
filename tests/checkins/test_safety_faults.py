"""Faults on the safety path: crashes, failed edits, timeouts never lose or repeat what matters."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from bot.simtelegram import Fault, SimMessage, SimulatedCrash
from bot.simtelegram.harness import Harness
from storage import alerts
from storage import checkins as repo
from tests.checkins.answering import press_rotating
from tests.checkins.support import CHILD, GRANDMA, advance_to, answers, sessions
from tests.factories import make_family

URGENT_WORDS = "我不想活了"
CRISIS_MARK = "12356"
SAFE_QUESTION = "有没有人打你"
BEFORE_SAFE = ("🙂", "睡得挺好", "挺好，有好朋友")
ALREADY_ANSWERED = "这个问题你已经回答过啦。"
INTRO = "又到了每周聊聊的时间"


def _crisis_messages(h: Harness, chat_id: int) -> list[SimMessage]:
    return [
        m for m in h.sim.bot_messages(chat_id, include_deleted=True) if CRISIS_MARK in m.plain_text
    ]


def _intros_sent(h: Harness) -> int:
    """How many times the check-in's opening went to the child (delivered, answered or not)."""
    return sum(
        1
        for call in h.sim.calls_to("sendMessage")
        if call.params.get("chat_id") == CHILD and INTRO in str(call.params.get("text"))
    )


def _popups(h: Harness) -> list[str]:
    return [str(c.params.get("text", "")) for c in h.sim.calls_to("answerCallbackQuery")]


async def _crash_on_crisis(h: Harness, update: dict[str, Any], chat_id: int) -> None:
    """Deliver an update; the process dies at the crisis message's send (after the commit)."""
    h.sim.fail_next("sendMessage", Fault.process_dies(), chat_id=chat_id)
    with pytest.raises(SimulatedCrash):
        await h.deliver(update)
    assert _crisis_messages(h, chat_id) == []


async def _at_safe_question(h: Harness) -> SimMessage:
    """A child's check-in opened and answered up to the safety question."""
    await advance_to(h, datetime(2026, 1, 10, 10, 1))
    for label in BEFORE_SAFE:
        await h.press("child", label)
    question = h.sim.bot_messages(CHILD)[-1]
    assert SAFE_QUESTION in question.plain_text
    return question


def _button_data(message: SimMessage, label: str) -> str:
    [button] = [b for b in message.buttons if label in b.text]
    assert button.callback_data is not None
    return button.callback_data


async def test_urgent_message_replayed_after_a_crash_gets_one_crisis_reply(
    harness: Harness,
) -> None:
    """Killed between the commit and the crisis send, the replayed message sends it exactly once."""
    ids = await make_family(harness)
    update = harness.sim.user_sends(CHILD, URGENT_WORDS)
    await _crash_on_crisis(harness, update, CHILD)
    await harness.restart()
    await harness.deliver(update)  # the stored update handled again after the restart
    assert len(_crisis_messages(harness, CHILD)) == 1
    await harness.deliver(update)
    await harness.advance(timedelta(minutes=5))
    assert len(_crisis_messages(harness, CHILD)) == 1
    [alert] = await harness.runtime.db.run(alerts.open_alerts)
    assert alert.person_id == ids.child_id


async def test_crisis_left_by_a_dead_process_goes_out_from_the_outbox_once(
    harness: Harness,
) -> None:
    """Without a replay, the restarted bot's outbox sends the crisis text once the hold passed."""
    await make_family(harness)
    await _crash_on_crisis(harness, harness.sim.user_sends(CHILD, URGENT_WORDS), CHILD)
    await harness.restart()
    await harness.advance(timedelta(minutes=3))
    assert len(_crisis_messages(harness, CHILD)) == 1
    await harness.advance(timedelta(minutes=10))
    assert len(_crisis_messages(harness, CHILD)) == 1


async def test_replayed_urgent_press_completes_instead_of_already_answered(
    harness: Harness,
) -> None:
    """An urgent answer's press replayed after a crash sends the crisis and the next question."""
    ids = await make_family(harness)
    question = await _at_safe_question(harness)
    data = _button_data(question, "有，是大人")
    update = harness.sim.user_presses(CHILD, question.message_id, data)
    await _crash_on_crisis(harness, update, CHILD)
    await harness.restart()
    await harness.deliver(update)
    assert len(_crisis_messages(harness, CHILD)) == 1
    assert "已经回答" not in " ".join(_popups(harness))
    assert "爸爸妈妈" in harness.sim.bot_messages(CHILD)[-1].plain_text  # the next question
    await harness.advance(timedelta(minutes=5))
    assert len(_crisis_messages(harness, CHILD)) == 1
    [session] = await sessions(harness, ids.child_id)
    assert [a.option_id for a in await answers(harness, session.id)][-1] == "adult"


async def test_failed_edit_after_an_answer_does_not_strand_the_checkin(harness: Harness) -> None:
    """A network error on the edit after an answer: the next question is resent by the sweep."""
    ids = await make_family(harness)
    await advance_to(harness, datetime(2026, 1, 10, 10, 1))
    first = harness.sim.bot_messages(CHILD)[-1]
    harness.sim.fail_next("editMessageText", Fault.network_error(), chat_id=CHILD)
    await harness.press("child", "🙂")
    assert "睡得好吗" not in harness.sim.bot_messages(CHILD)[-1].plain_text
    await harness.advance(timedelta(minutes=6))
    resent = harness.sim.bot_messages(CHILD)[-1]
    assert resent.message_id != first.message_id
    assert "睡得好吗" in resent.plain_text
    assert "网络" in resent.plain_text
    data = _button_data(first, "🙂")  # the old message still shows the answered question
    await harness.deliver(harness.sim.user_presses(CHILD, first.message_id, data))
    assert _popups(harness)[-1] == ALREADY_ANSWERED
    for label in ("睡得挺好", "挺好，有好朋友"):
        await harness.press("child", label)
    assert SAFE_QUESTION in harness.sim.bot_messages(CHILD)[-1].plain_text
    await harness.press("child", "没有")
    [session] = await sessions(harness, ids.child_id)
    assert [a.question_id for a in await answers(harness, session.id)][-1] == "safe"


async def test_half_answered_checkin_gets_a_reminder_with_the_next_question(
    harness: Harness,
) -> None:
    """A check-in left after two answers is reminded a day later, so the safety question comes."""
    await make_family(harness)
    await advance_to(harness, datetime(2026, 1, 10, 10, 1))
    await harness.press("child", "🙂")
    await harness.press("child", "睡得挺好")
    await harness.advance(timedelta(hours=25))
    reminder = harness.sim.bot_messages(CHILD)[-1]
    assert "还在等" in reminder.plain_text
    assert "和同学们处得好吗" in reminder.plain_text
    await harness.press("child", "挺好，有好朋友")
    assert SAFE_QUESTION in harness.sim.bot_messages(CHILD)[-1].plain_text


async def test_shared_phone_crisis_resent_from_the_outbox_is_deleted_with_the_exchange(
    harness: Harness,
) -> None:
    """On a shared phone, a crisis text re-sent by the outbox goes when the exchange is tidied."""
    await make_family(harness, shared_phone=True)
    await advance_to(harness, datetime(2026, 1, 10, 10, 1))
    await harness.press("grandma", "我是小明")
    for label in BEFORE_SAFE:
        await harness.press("grandma", label)
    harness.sim.fail_next("sendMessage", Fault.network_error(), chat_id=GRANDMA)
    await harness.press("grandma", "有，是大人")
    await harness.advance(timedelta(minutes=2))
    failed = [c for c in harness.sim.calls_to("sendMessage") if not c.ok]
    assert CRISIS_MARK in str(failed[-1].params.get("text"))
    [crisis] = _crisis_messages(harness, GRANDMA)  # re-sent from the outbox
    assert not crisis.deleted
    await harness.press("grandma", "说了，挺开心的")
    await press_rotating(harness, "grandma")
    await harness.press("grandma", "跳过")
    await harness.press("grandma", "清理对话")
    [crisis] = _crisis_messages(harness, GRANDMA)
    assert crisis.deleted


async def test_timed_out_first_question_is_not_sent_twice_and_works(harness: Harness) -> None:
    """A first question whose send timed out but arrived is not repeated, and answering it works."""
    ids = await make_family(harness)
    harness.sim.fail_next("sendMessage", Fault.timeout_after_delivery(), chat_id=CHILD)
    await advance_to(harness, datetime(2026, 1, 10, 10, 1))
    await harness.advance(timedelta(minutes=3))
    assert _intros_sent(harness) == 1
    await harness.press("child", "🙂")
    assert "睡得好吗" in harness.sim.bot_messages(CHILD)[-1].plain_text
    await harness.advance(timedelta(minutes=30))
    assert _intros_sent(harness) == 1
    [session] = await sessions(harness, ids.child_id)
    assert [a.question_id for a in await answers(harness, session.id)] == ["mood"]


async def test_unanswered_timed_out_question_is_resent_and_both_copies_answer_once(
    harness: Harness,
) -> None:
    """Resent after ten quiet minutes, the two copies answer the same question once."""
    ids = await make_family(harness)
    harness.sim.fail_next("sendMessage", Fault.timeout_after_delivery(), chat_id=CHILD)
    await advance_to(harness, datetime(2026, 1, 10, 10, 1))
    await harness.advance(timedelta(minutes=16))
    first, second = [m for m in harness.sim.bot_messages(CHILD) if INTRO in m.plain_text]
    assert second.plain_text == first.plain_text
    await harness.press("child", "🙂")  # on the newer copy
    data = _button_data(first, "😢")
    await harness.deliver(harness.sim.user_presses(CHILD, first.message_id, data))
    assert _popups(harness)[-1] == ALREADY_ANSWERED
    [session] = await sessions(harness, ids.child_id)
    assert [a.option_id for a in await answers(harness, session.id)] == ["4"]
    assert second.message_id > first.message_id


async def test_replayed_urgent_typed_answer_sends_the_crisis_once_and_stores_nothing_new(
    harness: Harness,
) -> None:
    """A typed urgent answer replayed after a crash is not taken for a new message."""
    ids = await make_family(harness)
    await advance_to(harness, datetime(2026, 1, 10, 10, 1))
    for label in ("😐", "还行", "还行", "没有", "没说上话"):
        await harness.press("child", label)
    await press_rotating(harness, "child")
    update = harness.sim.user_sends(CHILD, URGENT_WORDS)
    await _crash_on_crisis(harness, update, CHILD)
    await harness.restart()
    await harness.deliver(update)
    await harness.deliver(update)
    assert len(_crisis_messages(harness, CHILD)) == 1
    kept = await harness.runtime.db.run(lambda c: repo.child_messages(c, ids.child_id))
    assert kept == []
    [session] = await sessions(harness, ids.child_id)
    assert (await answers(harness, session.id))[-1].level == 3
    assert len(await harness.runtime.db.run(alerts.open_alerts)) == 1
