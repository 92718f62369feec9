"""Joining as a parent on Telegram: the screens of the join flow and their presses.

Each press (`pa:<step>:0:<value>`) goes to `bot.services.parents.join_step`, which checks it
against the chat's stored step and the presser; a press that does not fit returns None and the
dispatcher in bot/telegram/parents.py answers it as stale.
"""

from __future__ import annotations

import logging

from bot.services import parents as svc
from bot.services.onboarding import Screen, ScreenName
from bot.telegram import outgoing
from bot.telegram.context import Ctx
from bot.telegram.press import Pressed
from bot.views import parents as views

log = logging.getLogger(__name__)
PREFIX = views.PREFIX
ACTIONS = ("lang", "ok", "rel", "tz", "qt", "day", "time")


async def show(context: Ctx, chat_id: int, screen: Screen) -> None:
    """Screens of the parent flow that onboarding's link handler returned."""
    out = views.link_screen(context.runtime.content, screen.name, screen.person)
    if out is not None:
        await outgoing.send(context.application, chat_id, out)


async def show_step(context: Ctx, chat_id: int, step: svc.Step) -> None:
    """Show the screen a join press led to; once done, the parent's command menu."""
    content = context.runtime.content
    out = views.join_screen(content, step)
    if out is None:
        return
    await outgoing.send(context.application, chat_id, out)
    if step.screen == ScreenName.PARENT_DONE:
        from bot.telegram.onboarding import set_chat_commands  # the menus live there

        await set_chat_commands(context.bot, content, chat_id, "parent", step.person.lang)


async def press(p: Pressed, context: Ctx, action: str, value: str) -> bool:
    """One press of the join flow; False when the service refused it."""
    runtime, chat_id, user_id = p.runtime, p.chat_id, p.user_id
    quiet = runtime.config.quiet_hours
    default_quiet = (
        quiet.start.hour * 60 + quiet.start.minute,
        quiet.end.hour * 60 + quiet.end.minute,
    )
    step = await runtime.db.tx(
        lambda c: svc.join_step(
            c,
            chat_id=chat_id,
            user_id=user_id,
            action=action,
            value=value,
            now=runtime.ts(),
            default_quiet=default_quiet,
        )
    )
    if step is None:
        return False
    await p.answer()
    await p.edit_markup(None)  # cosmetic: already edited, or too old
    log.info("parent joining", extra={"screen": step.screen})
    await show_step(context, chat_id, step)
    return True
