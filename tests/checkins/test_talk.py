""" "I'd like to talk to someone" on the closing: a concern alert and a warm, honest reply."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from bot.levels import RiskLevel
from bot.simtelegram.harness import VOLUNTEER_CHAT_ID, Harness
from storage import alerts
from storage.alerts import Alert
from tests.checkins.answering import answer_all
from tests.checkins.support import CHILD, GRANDMA, advance_to, sessions
from tests.factories import make_family


async def _alerts_of(h: Harness, child_id: int) -> list[Alert]:
    def read(conn: sqlite3.Connection) -> list[Alert]:
        ids = [r[0] for r in conn.execute("SELECT id FROM alerts WHERE person_id = ?", (child_id,))]
        return [a for a in (alerts.get(conn, i) for i in ids) if a is not None]

    return await h.runtime.db.run(read)


async def test_the_talk_button_raises_a_concern_and_answers_warmly(harness: Harness) -> None:
    """Pressing the button posts a `wants_to_talk` concern card and tells the child when."""
    ids = await make_family(harness)
    await advance_to(harness, datetime(2026, 1, 10, 10, 1))
    await answer_all(harness, CHILD)
    closing = harness.sim.bot_messages(CHILD)[-1]
    assert [b.text for b in closing.buttons] == ["💬 我想找人聊聊", "清理这段对话 🧹"]
    await harness.press("child", "我想找人聊聊")
    reply = harness.sim.bot_messages(CHILD)[-1].plain_text
    assert "一两天之内" in reply
    assert "12356" in reply
    [alert] = await _alerts_of(harness, ids.child_id)
    assert (alert.level, alert.category, alert.status) == (
        RiskLevel.CONCERN,
        "wants_to_talk",
        alerts.OPEN,
    )
    card = harness.sim.bot_messages(VOLUNTEER_CHAT_ID)[-1].plain_text
    assert "孩子想找人聊聊" in card
    assert ids.child_pseudonym in card
    [session] = await sessions(harness, ids.child_id)
    assert session.level == RiskLevel.CONCERN


async def test_a_second_press_raises_no_second_alert(harness: Harness) -> None:
    """Pressing again is answered calmly and adds no alert and no card."""
    ids = await make_family(harness)
    await advance_to(harness, datetime(2026, 1, 10, 10, 1))
    await answer_all(harness, CHILD)
    closing = harness.sim.bot_messages(CHILD)[-1]
    await harness.press("child", "我想找人聊聊")
    cards = len(harness.sim.bot_messages(VOLUNTEER_CHAT_ID))
    button = next(b for b in closing.buttons if "聊聊" in b.text)
    assert button.callback_data is not None
    await harness.deliver(harness.sim.user_presses(CHILD, closing.message_id, button.callback_data))
    assert "已经告诉志愿者了" in harness.sim.bot_messages(CHILD)[-1].plain_text
    assert len(await _alerts_of(harness, ids.child_id)) == 1
    assert len(harness.sim.bot_messages(VOLUNTEER_CHAT_ID)) == cards


async def test_someone_elses_talk_press_changes_nothing(harness: Harness) -> None:
    """A forged press from another account, or with a made-up session, raises nothing."""
    ids = await make_family(harness)
    await advance_to(harness, datetime(2026, 1, 10, 10, 1))
    await answer_all(harness, CHILD)
    [session] = await sessions(harness, ids.child_id)
    await harness.say("grandma", "/help")
    message = harness.sim.bot_messages(GRANDMA)[-1]
    for data in (f"cik:{session.id}", f"cik:{session.id + 7}", "cik:x", "cik:1:2"):
        await harness.deliver(harness.sim.user_presses(GRANDMA, message.message_id, data))
    closing = harness.sim.bot_messages(CHILD)[-1]
    await harness.deliver(harness.sim.user_presses(CHILD, closing.message_id, "cik:999999"))
    assert await _alerts_of(harness, ids.child_id) == []


async def test_on_a_shared_phone_the_reply_is_tidied_with_the_exchange(harness: Harness) -> None:
    """On grandma's phone the talk reply is deleted with the rest when the child tidies up."""
    ids = await make_family(harness, shared_phone=True)
    await advance_to(harness, datetime(2026, 1, 10, 10, 1))
    await harness.press("grandma", "开始")
    await answer_all(harness, GRANDMA)
    await harness.press("grandma", "我想找人聊聊")
    assert len(await _alerts_of(harness, ids.child_id)) == 1
    await harness.press("grandma", "清理对话")
    left = [m.plain_text for m in harness.sim.bot_messages(GRANDMA)]
    assert not any("一两天之内" in text for text in left)
