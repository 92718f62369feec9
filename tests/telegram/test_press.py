"""`@press` with a tuple of arities: a prefix whose actions carry different numbers of parts."""

from __future__ import annotations

from telegram.ext import CallbackQueryHandler

from bot.callbacks import Callback
from bot.simtelegram.harness import Harness
from bot.telegram.callbacks import pattern
from bot.telegram.context import Ctx
from bot.telegram.press import Pressed, press
from tests.factories import make_family

SEEN: list[tuple[str, ...]] = []


def _even_step(data: Callback) -> bool:
    """The handler's own shape check: a three-part press carries an even step."""
    return len(data.parts) == 1 or data.int_part(2) % 2 == 0


@press("zt", (1, 3), valid=_even_step)
async def _on_zt(p: Pressed, context: Ctx) -> None:
    """Record what arrived and answer plainly."""
    SEEN.append(p.data.parts)
    await p.answer()


async def _press(h: Harness, data: str) -> str | None:
    """Press `data` on the grandmother's last message; the pop-up text (None: silent answer)."""
    SEEN.clear()
    chat = h.user_id("grandma")
    target = h.sim.bot_messages(chat)[-1]
    update = h.sim.user_presses(chat, target.message_id, data, chat_id=chat)
    await h.deliver(update)
    answer = h.sim.callback_answer(update["callback_query"]["id"])
    assert answer is not None
    text = answer.get("text")
    return text if isinstance(text, str) else None


async def test_each_listed_arity_reaches_the_handler(harness: Harness) -> None:
    """Data with one or three parts reaches the handler, decoded with its own count."""
    await make_family(harness)
    harness.app.add_handler(CallbackQueryHandler(_on_zt, pattern=pattern("zt")), group=-1)
    await harness.say("grandma", "/help")
    assert await _press(harness, "zt:go") is None
    assert SEEN == [("go",)]
    assert await _press(harness, "zt:next:l1:2") is None
    assert SEEN == [("next", "l1", "2")]


async def test_an_unlisted_arity_gets_the_stale_answer(harness: Harness) -> None:
    """Two or four parts, when one or three are listed, never reach the handler."""
    await make_family(harness)
    harness.app.add_handler(CallbackQueryHandler(_on_zt, pattern=pattern("zt")), group=-1)
    await harness.say("grandma", "/help")
    stale = harness.runtime.content.ui_label("basics.stale_button", "zh")
    for data in ("zt:go:l1", "zt:next:l1:2:x"):
        assert await _press(harness, data) == stale, data
        assert SEEN == []


async def test_the_shape_check_still_applies_to_a_listed_arity(harness: Harness) -> None:
    """A three-part press that fails the handler's own check gets the stale answer."""
    await make_family(harness)
    harness.app.add_handler(CallbackQueryHandler(_on_zt, pattern=pattern("zt")), group=-1)
    await harness.say("grandma", "/help")
    stale = harness.runtime.content.ui_label("basics.stale_button", "zh")
    assert await _press(harness, "zt:next:l1:3") == stale
    assert SEEN == []
