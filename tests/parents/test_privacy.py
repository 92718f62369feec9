"""Issue 15: a parent never reaches a child's words or answers, by any command or any button."""

from __future__ import annotations

import re

from telegram.ext import CommandHandler

from bot.simtelegram.harness import VOLUNTEER_CHAT_ID, Harness
from tests.alerts.desk import cards, press_on
from tests.checkins.answering import answer_all
from tests.parents.support import family, parent_joins, rows

FREE_WORDS = "豆豆是我在河边捡的小猫"
ANSWER_WORDS = "同桌借了我的橡皮一直不还"
ALARMING = "叔叔喝醉了又打我"
ARGUMENTS = {
    "start": "",
    "family": "F-TST9",
    "details": "A-1",
    "note": "A-1 看看",
    "resolve": "A-1",
    "nickname": "C-TST9 小红",
    "erase": "F-TST9",
    "newfamily": "南村",
    "invite": "volunteer",
}


def _commands(h: Harness) -> list[str]:
    found: set[str] = set()
    for handlers in h.app.handlers.values():
        for handler in handlers:
            if isinstance(handler, CommandHandler):
                found |= set(handler.commands)
    return sorted(found)


def _all_button_data(h: Harness) -> set[str]:
    chats = [h.user_id(p) for p in ("volunteer", "grandma", "child", "admin")]
    found: set[str] = set()
    for chat in [*chats, VOLUNTEER_CHAT_ID]:
        for message in h.sim.bot_messages(chat):
            found |= {b.callback_data for b in message.buttons if b.callback_data}
    return found


def _seen_by(h: Harness, who: str, first_call: int) -> str:
    """Everything the bot wrote to the parent, and every press answer since `first_call`."""
    texts = [m.plain_text for m in h.sim.bot_messages(h.user_id(who))]
    answers = [
        str(c.params.get("text", ""))
        for c in h.sim.calls[first_call:]
        if c.method == "answerCallbackQuery"
    ]
    return "\n".join(texts + answers)


async def test_a_parent_never_reaches_the_childs_words(harness: Harness) -> None:
    """With the child's words stored and an alert claimed, every command and every button
    anyone was shown, used from the parent's account, shows the parent none of them."""
    ids = await family(harness)
    await parent_joins(harness)
    await harness.say("child", "/sharing")
    await harness.press("child", "打开")
    await harness.say("child", FREE_WORDS)
    await harness.say("child", "/checkin")
    await answer_all(harness, harness.user_id("child"), {"anything": "-skip"})
    await harness.say("child", ANSWER_WORDS)
    await harness.say("child", ALARMING)
    (alert_id,) = [r[0] for r in await rows(harness, "SELECT id FROM alerts")]
    await press_on(harness, "volunteer", cards(harness, alert_id)[-1], "我来跟进")
    await harness.say("volunteer", "/family F-TST9")
    await harness.say("volunteer", "/inbox")
    first_call = len(harness.sim.calls)
    for command in _commands(harness):
        await harness.say("mother", f"/{command} {ARGUMENTS.get(command, '')}".strip())
    for data in sorted(_all_button_data(harness)):
        carrier = harness.sim.bot_messages(harness.user_id("mother"))[-1]
        await harness.deliver(
            harness.sim.user_presses(harness.user_id("mother"), carrier.message_id, data)
        )
    seen = _seen_by(harness, "mother", first_call)
    for words in (FREE_WORDS, ANSWER_WORDS, ALARMING):
        assert words not in seen
    assert not re.search(r"A-\d", seen), "an alert code reached the parent"
    assert ids.child_pseudonym not in seen
