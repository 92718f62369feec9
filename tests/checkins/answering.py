"""Answering a whole check-in by question id, whatever set and rotating question it asks."""

from __future__ import annotations

from collections.abc import Mapping

from bot.services.checkin_plan import base_of
from bot.simtelegram import SimMessage
from bot.simtelegram.harness import Harness
from storage import checkins as repo
from tests.checkins.support import sessions

CALM: dict[str, str] = {
    "mood": "4",
    "sleep": "good",
    "friends": "good",
    "safe": "no",
    "parents": "talked",
    "basics": "yes",
    "chores": "little",
    "homework": "had_help",
    "home_alone": "always",
    "who5_1": "4",
    "who5_2": "4",
    "who5_3": "4",
    "who5_4": "4",
    "who5_5": "4",
    "better": "better",
    "talk": "no",
    "anything": "-skip",
}
"""An unremarkable answer to every question any set asks (who5: 4 × 5 = 20, not low)."""


def _open_question(h: Harness, chat_id: int) -> tuple[SimMessage, str, str] | None:
    """The newest message asking a check-in question: (message, session part, question id)."""
    for message in reversed(h.sim.bot_messages(chat_id)):
        for button in message.buttons:
            data = button.callback_data or ""
            if data.startswith("ci:"):
                _, session, question, _ = data.split(":")
                return message, session, question
            if data.startswith(("cix:", "cik:")):
                return None
    return None


async def answer_all(
    h: Harness, chat_id: int, choices: Mapping[str, str] | None = None
) -> list[str]:
    """Answer every open question in a chat (`choices` first, else `CALM`); the ids asked."""
    asked: list[str] = []
    while (found := _open_question(h, chat_id)) is not None:
        message, session, question = found
        option = (choices or {}).get(question, CALM[question])
        data = f"ci:{session}:{question}:{option}"
        await h.deliver(h.sim.user_presses(chat_id, message.message_id, data))
        asked.append(question)
        assert len(asked) < 30, "the check-in never ended"
    return asked


async def latest_session(h: Harness, child_id: int) -> repo.Session:
    """The child's newest check-in session."""
    found = await sessions(h, child_id)
    assert found, "no check-in session yet"
    return found[-1]


async def bases(h: Harness, child_id: int) -> list[str]:
    """The base set of each of the child's sessions, oldest first."""
    return [base_of(s.set_id) for s in await sessions(h, child_id)]


ROTATING_CALM_LABELS: dict[str, str] = {
    "basics": "吃得饱，穿得暖",
    "chores": "不多，还有时间玩、写作业",
    "homework": "有人可以问",
    "home_alone": "每天都有",
}
"""The calm button of each rotating question, by question id."""


async def press_rotating(h: Harness, who: str) -> str:
    """Press the calm answer of the rotating question now asked in a persona's chat."""
    found = _open_question(h, h.user_id(who))
    assert found is not None, "no open check-in question"
    question = found[2]
    await h.press(who, ROTATING_CALM_LABELS[question])
    return question
