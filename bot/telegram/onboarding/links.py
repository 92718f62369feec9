"""Links: `/start <token>` opens one, an admin's `/invite volunteer` makes one."""

from __future__ import annotations

from bot.services import onboarding as service
from bot.services.onboarding import Refusal
from bot.telegram.command import Commanded, command
from bot.telegram.context import Ctx
from bot.telegram.onboarding._ui import acting_person, log, private_or_note, refuse, say, url
from bot.telegram.onboarding.screens import show
from bot.views import onboarding as views


@command
async def open_link(c: Commanded, context: Ctx) -> None:
    """`/start <token>`: a volunteer registers, a caregiver or child starts their flow."""
    runtime, caller = c.runtime, c.caller
    content = runtime.content
    if caller.is_admin:
        await say(context, c.chat_id, content.ui("onboarding.link.registered", caller.lang))
        return
    user = c.update.effective_user
    if user is None:  # @command hands over only updates with a sender
        return
    payload = (context.args or [""])[0]
    lang = content.language(user.language_code)
    chat_id = c.chat_id
    screen = await runtime.db.tx(
        lambda conn: service.open_link(
            conn, payload, user_id=user.id, chat_id=chat_id, lang=lang, now=runtime.ts()
        )
    )
    log.info("invitation link opened", extra={"outcome": screen.name})
    await show(context, chat_id, screen, caller=caller)


@command
async def invite(c: Commanded, context: Ctx) -> None:
    """`/invite volunteer` (admins): a one-time link that registers a volunteer."""
    caller, runtime = c.caller, c.runtime
    if not await private_or_note(c):
        return
    if not caller.is_admin:
        await refuse(c, "onboarding.admins_only")
        return
    content = runtime.content
    if c.args.lower() != "volunteer":
        await c.reply_html(content.ui("onboarding.invite.usage", caller.lang))
        return
    admin = await acting_person(context, caller, c.update)
    if admin is None or caller.user_id is None:
        return
    user_id = caller.user_id
    expire_days = runtime.config.invites.expire_days
    link = await runtime.db.tx(
        lambda conn: service.volunteer_invite(
            conn,
            user_id=user_id,
            is_admin=caller.is_admin,
            now=runtime.ts(),
            expire_days=expire_days,
        )
    )
    if isinstance(link, Refusal):
        await refuse(c, "onboarding.admins_only")
        return
    zone = runtime.config.locale.zone
    out = views.volunteer_link(content, admin.lang, link, url(context, link), zone)
    await c.reply_html(out.text)
