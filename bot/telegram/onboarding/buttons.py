"""Every `ob:<kind>:<id>:<value>` press, sent by its kind to the handler that owns it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.telegram.context import Ctx
from bot.telegram.onboarding._ui import stale
from bot.telegram.onboarding.family import on_family_press
from bot.telegram.onboarding.flow_presses import STEPS, on_step
from bot.telegram.onboarding.newfamily import on_new_family_press
from bot.telegram.onboarding.self_service import on_deleteme_press
from bot.telegram.press import Pressed, number_parts, press
from bot.views.onboarding import PREFIX

PressKind = Callable[[Pressed, Ctx, str, int, str], Awaitable[None]]

KINDS: dict[str, PressKind] = {
    **dict.fromkeys(STEPS, on_step),
    "fam": on_family_press,
    "fl": on_family_press,
    "era": on_family_press,
    "del": on_deleteme_press,
    "nf": on_new_family_press,
    "age": on_new_family_press,
}
"""Which handler takes each kind of onboarding button."""


@press(PREFIX, 3, valid=number_parts(1))
async def on_button(p: Pressed, context: Ctx) -> None:
    """Every `ob:` press: the kind's handler lets the service check it, then shows what follows."""
    if p.query.message is None:
        await stale(p)
        return
    kind, target, value = p.data.parts[0], p.data.int_part(1), p.data.parts[2]
    handler = KINDS.get(kind)
    if handler is None:
        await stale(p)
        return
    await handler(p, context, kind, target, value)
