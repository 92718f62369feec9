"""/lessons and /next for caregivers and parents, and the handlers' registration."""

from __future__ import annotations

from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.services import lessons as svc
from bot.telegram.callbacks import pattern
from bot.telegram.command import PASS_ON, Commanded, PassOn, command
from bot.telegram.context import App, Ctx
from bot.telegram.lessons._presses import on_press
from bot.telegram.outgoing import send, send_all
from bot.views import lessons as views
from bot.views.lessons import PREFIX, Frame
from storage.people import Person


async def _caregiver(cmd: Commanded) -> Person | PassOn | None:
    """The caregiver asking; a child or volunteer gets a calm word (None: the update is done).

    Strangers are passed on to the fallbacks, which tell them Qiao works by invitation.
    """
    caller, person = cmd.caller, cmd.caller.person
    if caller.role == "stranger":
        return PASS_ON
    if person is not None and svc.can_take_lessons(person):
        return person
    child = caller.role == "child"
    await cmd.reply("lessons.not_for_you.child" if child else "lessons.not_for_you.volunteer")
    return None


@command
async def lessons_command(cmd: Commanded, context: Ctx) -> PassOn | None:
    """/lessons: the tracks with progress and a continue button."""
    person = await _caregiver(cmd)
    if not isinstance(person, Person):
        return person
    content, now = cmd.runtime.content, cmd.runtime.ts()
    view, who = await cmd.runtime.db.tx(
        lambda c: (svc.overview(c, content, person.id, now), svc.learner(c, person))
    )
    await send(context.application, cmd.chat_id, views.overview(Frame(content, who), view))
    return None


@command
async def next_command(cmd: Commanded, context: Ctx) -> PassOn | None:
    """/next: exactly where the grandparent stopped, or the next lesson."""
    person = await _caregiver(cmd)
    if not isinstance(person, Person):
        return person
    content, now = cmd.runtime.content, cmd.runtime.ts()
    position, who = await cmd.runtime.db.tx(
        lambda c: (svc.resume(c, content, person.id, now), svc.learner(c, person))
    )
    await send_all(context.application, cmd.chat_id, views.screen(Frame(content, who), position))
    return None


def register(app: App) -> None:
    """Add /lessons, /next and the lesson buttons (group 0, tried in registration order)."""
    private = filters.ChatType.PRIVATE
    app.add_handler(CommandHandler("lessons", lessons_command, filters=private))
    app.add_handler(CommandHandler("next", next_command, filters=private))
    app.add_handler(CallbackQueryHandler(on_press, pattern=pattern(PREFIX)))
