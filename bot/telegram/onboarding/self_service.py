"""What every registered person does for themself: /stop, /resume, /deleteme."""

from __future__ import annotations

from bot.services import erasure as erasure_service
from bot.services import onboarding as service
from bot.services.onboarding import Refusal
from bot.telegram import outgoing
from bot.telegram.command import Commanded, command
from bot.telegram.context import Ctx
from bot.telegram.onboarding._ui import acting_person, log, refuse, retire, say, stale
from bot.telegram.onboarding.menus import reset_chat_commands
from bot.telegram.press import Pressed
from bot.views import onboarding as views


@command
async def stop(c: Commanded, context: Ctx) -> None:
    """`/stop`: nothing is sent on Qiao's own initiative until `/resume`."""
    await _pause(c, context, paused=True)


@command
async def resume(c: Commanded, context: Ctx) -> None:
    """`/resume`: lessons, nudges and check-ins come again."""
    await _pause(c, context, paused=False)


async def _pause(c: Commanded, context: Ctx, *, paused: bool) -> None:
    caller = c.caller
    if caller.role == "stranger" or caller.user_id is None:
        await refuse(c, "basics.start_stranger")
        return
    person = await acting_person(context, caller, c.update)
    if person is None:
        return
    runtime, user_id = c.runtime, caller.user_id
    changed = await runtime.db.tx(
        lambda conn: service.set_paused(
            conn, user_id=user_id, is_admin=caller.is_admin, paused=paused, now=runtime.ts()
        )
    )
    if isinstance(changed, Refusal):
        await refuse(c, "basics.start_stranger")
        return
    log.info("paused" if paused else "resumed", extra={"people": len(changed)})
    key = "onboarding.stop.done" if paused else "onboarding.resume.done"
    await c.reply_html(runtime.content.ui(key, person.lang))


@command
async def deleteme(c: Commanded, context: Ctx) -> None:
    """`/deleteme` (caregivers, parents): after a confirmation button, erase their own data."""
    person = c.caller.person
    if c.caller.role not in erasure_service.SELF_ERASING or person is None:
        await refuse(c, "onboarding.deleteme.not_caregiver")
        return
    await outgoing.send(
        context.application, c.chat_id, views.deleteme_question(c.runtime.content, person)
    )


async def on_deleteme_press(
    p: Pressed, context: Ctx, action: str, person_id: int, value: str
) -> None:
    """Only the caregiver (or parent) themself, pressing in their own chat, can confirm; the
    service checks it in the erasing transaction."""
    runtime, content = p.runtime, p.runtime.content
    chat_id, user_id = p.chat_id, p.user_id
    if value not in ("y", "n") or p.query.message is None:
        await stale(p)
        return
    if value == "n":
        own = await runtime.db.run(
            lambda c: erasure_service.own_row(c, person_id, user_id=user_id, chat_id=chat_id)
        )
        if isinstance(own, Refusal):
            await stale(p)
            return
        await p.answer()
        await retire(p, content.ui("onboarding.deleteme.kept", own.lang))
        return
    erased = await runtime.db.tx(
        lambda c: erasure_service.erase_self(
            c, person_id, user_id=user_id, chat_id=chat_id, now=runtime.ts()
        )
    )
    if isinstance(erased, Refusal):
        await stale(p)
        return
    lang = p.caller.lang  # the row is gone; the caller was read before the press
    await p.answer()
    log.info("caregiver erased", extra={"pseudonym": erased.subject, "people": erased.people})
    await retire(p)
    await say(context, chat_id, content.ui("onboarding.deleteme.done", lang))
    for erased_chat in erased.chats:
        await reset_chat_commands(context.bot, erased_chat)
    await runtime.db.checkpoint()  # the erased words leave the -wal file too
