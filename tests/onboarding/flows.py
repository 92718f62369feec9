"""Steps the onboarding tests share: real commands and presses through the Harness."""

from __future__ import annotations

import re

from bot.simtelegram import SimMessage
from bot.simtelegram.harness import Harness

LINK = re.compile(r"https://t\.me/[A-Za-z0-9_]+\?start=([A-Za-z0-9_-]+)")


def links_in(h: Harness, who: str) -> list[str]:
    """Every invitation payload the bot has shown in a persona's chat, oldest first."""
    found: list[str] = []
    for message in h.sim.bot_messages(h.user_id(who)):
        found.extend(LINK.findall(message.plain_text))
    return found


def last_message(h: Harness, who: str | int) -> SimMessage:
    """The bot's newest message to a persona (or a chat id)."""
    message = h.sim.last_bot_message(h.user_id(who))
    assert message is not None, f"the bot never wrote to {who}"
    return message


def last_text(h: Harness, who: str | int) -> str:
    """The plain text of the bot's newest message to a persona (or a chat id)."""
    return last_message(h, who).plain_text


async def register_volunteer(h: Harness, who: str = "volunteer") -> None:
    """The admin invites a volunteer and the volunteer opens the link."""
    await h.say("admin", "/invite volunteer")
    await h.say(who, f"/start {links_in(h, 'admin')[-1]}")


async def create_family(
    h: Harness, *, shared_phone: bool = False, who: str = "volunteer", label: str = "东村小学"
) -> tuple[str, str | None]:
    """A volunteer runs /newfamily and answers by buttons; returns (caregiver, child) payloads."""
    before = len(links_in(h, who))
    await h.say(who, f"/newfamily {label}")
    await h.press(who, "用家长的手机" if shared_phone else "有自己的手机")
    await h.press(who, "10–12")
    new = links_in(h, who)[before:]
    if shared_phone:
        assert len(new) == 1
        return new[0], None
    assert len(new) == 2
    return new[1], new[0]  # the child's link is shown first, the caregiver's last


async def caregiver_joins(
    h: Harness, payload: str, *, who: str = "grandma", lang: str = "中文", voice: bool = False
) -> None:
    """A caregiver opens their link, picks a language, agrees twice, picks a form of address
    and chooses whether lessons are read aloud."""
    await h.say(who, f"/start {payload}")
    await h.press(who, lang)
    await h.press(who, 1)  # agree for themselves
    await h.press(who, 1)  # agree for the child
    await h.press(who, 1)  # 奶奶 / Grandma
    await h.press(who, 1 if voice else 2)  # 🔊 read it to me / 📖 I'll read it myself


async def press_data(
    h: Harness, who: str, data: str, *, message_id: int | None = None, chat_id: int | None = None
) -> str:
    """Send any callback data from a persona (forged, foreign or stale) and return the answer text.

    Without a message id the press lands on the bot's newest message in that chat.
    """
    chat = h.user_id(who) if chat_id is None else chat_id
    if message_id is None:
        newest = h.sim.last_bot_message(chat)
        assert newest is not None, "no bot message to press on"
        message_id = newest.message_id
    update = h.sim.user_presses(h.user_id(who), message_id, data, chat_id=chat_id)
    await h.deliver(update)
    answer = h.sim.callback_answer(update["callback_query"]["id"])
    assert answer is not None, "the press was never answered"
    return str(answer.get("text") or "")
