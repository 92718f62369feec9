"""Showing the screens the onboarding services return: the view words them
(bot.views.onboarding), this sends them and does what a screen does besides its message."""

from __future__ import annotations

from bot.services import onboarding as service
from bot.services.onboarding import Screen, ScreenName
from bot.telegram import emergency, outgoing, parents
from bot.telegram.context import Caller, Ctx
from bot.telegram.onboarding._ui import log
from bot.telegram.onboarding.menus import set_chat_commands
from bot.views import onboarding as views

MENUS = {
    "volunteer_welcome": "volunteer",
    "caregiver_finished": "caregiver",
    "child_finished": "child",
}
"""The screens that end a flow, and the command menu the person gets with them."""


async def show(context: Ctx, chat_id: int, screen: Screen, *, caller: Caller) -> None:
    """Show one screen a service returned."""
    if screen.name.startswith("parent_"):
        await parents.show(context, chat_id, screen)
        return
    runtime = context.runtime
    content, person = runtime.content, screen.person
    lang = person.lang if person is not None else caller.lang
    viewer = views.Viewer(
        content,
        lang,
        caller.lang,
        known=caller.role != "stranger",
        days=runtime.config.retention.child_text_days,
    )
    slot = None
    if screen.name in views.CHILD_FINISHED and person is not None:
        child_id = person.id
        slot = await runtime.db.run(lambda c: service.checkin_slot(c, child_id))
    messages = views.screen(viewer, screen, slot)
    if not messages:  # a screen without the person it needs: nothing sensible to show
        log.warning("onboarding screen not shown", extra={"screen": screen.name})
        return
    first, *rest = messages
    await outgoing.send(context.application, chat_id, first)
    if screen.name == ScreenName.CAREGIVER_FINISHED and screen.first_time:
        await emergency.send_card(context.bot, content, chat_id, lang)
    role = MENUS.get(screen.name)
    if role is not None:
        await set_chat_commands(context.bot, content, chat_id, role, lang)
    for out in rest:
        await outgoing.send(context.application, chat_id, out)
