"""Small helpers the lesson tests share: pressing raw callback data, reading progress."""

from __future__ import annotations

import sqlite3
from typing import Any

from bot.services import lessons as lesson_service
from bot.simtelegram import SimMessage
from bot.simtelegram.harness import Harness
from storage import lessons as store
from storage import people
from storage.lessons import Progress

HELP = "找志愿者"
NEXT = "下一步"


async def press_data(
    h: Harness,
    who: str,
    data: str,
    *,
    message: SimMessage | None = None,
    chat: str | None = None,
) -> dict[str, Any] | None:
    """Press `data` (whatever it is) on a bot message; return how the press was answered."""
    chat_id = h.user_id(chat or who)
    target = message or h.sim.bot_messages(chat_id)[-1]
    update = h.sim.user_presses(h.user_id(who), target.message_id, data, chat_id=chat_id)
    await h.deliver(update)
    return h.sim.callback_answer(update["callback_query"]["id"])


async def progress(h: Harness, person_id: int) -> list[Progress]:
    """Every lesson row of a caregiver."""
    return await h.runtime.db.run(lambda c: store.all_of(c, person_id))


async def take_whole_lesson(
    h: Harness, who: str = "grandma", option: int = 1, plan: str = "这个周末试"
) -> None:
    """From a lesson's first step to its end: every next, an answer, a day to try the task."""
    chat = h.user_id(who)
    while NEXT in _labels(h.sim.bot_messages(chat)[-1]):
        await h.press(who, NEXT)
    await h.press(who, option)
    await h.press(who, plan)


async def finish_without_a_plan(h: Harness, who: str = "grandma", option: int = 1) -> None:
    """Take a lesson to its practice task and finish it as Qiao did before follow-through
    existed, with no plan: the state the upgrade finds such lessons in."""
    chat = h.user_id(who)
    while NEXT in _labels(h.sim.bot_messages(chat)[-1]):
        await h.press(who, NEXT)
    await h.press(who, option)
    content, now, uid = h.runtime.content, h.runtime.ts(), h.user_id(who)

    def finish(conn: sqlite3.Connection) -> None:
        person = people.by_telegram_user(conn, uid)
        assert person is not None
        current = store.current(conn, person.id)
        assert current is not None
        assert lesson_service.finish(conn, content, person.id, current.lesson_id, now)

    await h.runtime.db.tx(finish)


def _labels(message: SimMessage) -> str:
    return " ".join(b.text for b in message.buttons)


def texts(h: Harness, who: str) -> list[str]:
    """What the bot wrote in a persona's private chat, oldest first."""
    return [m.plain_text for m in h.sim.bot_messages(h.user_id(who))]
