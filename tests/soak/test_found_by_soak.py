"""Faults the soak met, each now handled: kept as regression tests."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from telegram.error import RetryAfter

from bot.simtelegram import Fault
from bot.simtelegram.harness import Harness
from bot.telegram.app import start_offline, stop_offline
from tests.checkins.support import CHILD, advance_to
from tests.factories import make_family


async def _first_question(h: Harness) -> None:
    await make_family(h)
    await advance_to(h, datetime(2026, 1, 10, 10, 2))


async def test_a_failed_reply_is_not_followed_by_a_fallback(harness: Harness) -> None:
    """When the answer to a child's urgent message fails, no fallback tells them to use buttons."""
    h = harness
    await make_family(h)
    h.sim.fail_next("sendMessage", Fault.server_error())  # the crisis reply fails
    await h.say("child", "我不想活了")
    use_buttons = h.runtime.content.ui("basics.use_buttons", "zh")
    replies = [m.text for m in h.sim.bot_messages(CHILD)]
    assert use_buttons not in replies


async def test_a_429_on_the_press_answer_does_not_stall_the_check_in(harness: Harness) -> None:
    """Telegram refusing the spinner's answer must not keep the next question from coming."""
    h = harness
    await _first_question(h)
    h.sim.fail_next("answerCallbackQuery", Fault.retry_after(5))
    await h.press("child", "🙂")
    newest = h.sim.last_bot_message(CHILD)
    assert newest is not None
    assert "睡得好吗" in newest.plain_text


async def test_flood_control_on_the_command_menu_does_not_stop_start_up(tmp_path: Path) -> None:
    """A 429 on setMyCommands while starting leaves a running bot (the menu is cosmetic)."""
    h = Harness(tmp_path)
    app = h.application()
    h.sim.fail_next("setMyCommands", Fault.retry_after(30))
    refused: RetryAfter | None = None
    try:
        await start_offline(app)
    except RetryAfter as exc:
        refused = exc
    finally:
        await stop_offline(app)  # closes the database post_init opened, started or not
    assert refused is None


async def test_the_crisis_text_survives_a_failed_send(harness: Harness) -> None:
    """A child who wrote something urgent gets the hotline numbers even if the first send fails."""
    h = harness
    await make_family(h)
    h.sim.fail_next("sendMessage", Fault.network_error())
    await h.say("child", "我不想活了")
    await h.advance(timedelta(minutes=30))
    assert any("12356" in m.plain_text for m in h.sim.bot_messages(CHILD))
