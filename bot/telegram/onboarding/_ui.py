"""The onboarding adapter's shared pieces: sending, retiring a pressed message, the calm
refusals, and the acting volunteer's prologue (the words are in bot.views.onboarding)."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from telegram import Message, Update

from bot.outgoing import Outgoing
from bot.services import onboarding as service
from bot.services.onboarding import Link
from bot.telegram import outgoing
from bot.telegram.command import Commanded
from bot.telegram.context import Caller, Ctx
from bot.telegram.onboarding.menus import set_chat_commands
from bot.telegram.press import Pressed
from bot.views import onboarding as views
from bot.views.onboarding import both
from storage.people import Person

log = logging.getLogger("bot.telegram.onboarding")


async def say(context: Ctx, chat_id: int, text: str) -> Message:
    """A new text message without buttons."""
    return await outgoing.send(context.application, chat_id, Outgoing(text))


async def retire(p: Pressed, mark: str | None = None) -> None:
    """Take the buttons off a pressed message (adding the choice made); cosmetic, so never fatal."""
    message = p.query.message
    if not isinstance(message, Message):
        return
    if mark is None or message.text is None:
        await p.edit_markup(None)
    else:
        await p.edit_text(f"{message.text_html}\n\n{mark}")


async def stale(p: Pressed, lang: str | None = None) -> None:
    """A press that is forged, foreign, repeated or too late: a short answer, nothing changed."""
    log.info("onboarding press refused")
    await p.answer("basics.stale_button", lang or p.caller.lang)


def url(context: Ctx, link: Link) -> str:
    """The deep link that carries a token."""
    return f"https://t.me/{context.bot.username}?start={link.token}"


async def refuse(c: Commanded, key: str) -> None:
    """A calm answer to a command this person cannot use; strangers learn about invitations."""
    content = c.runtime.content
    if c.caller.role == "stranger":
        await c.reply_html(both(content, "basics.start_stranger"))
    else:
        await c.reply_html(content.ui(key, c.caller.lang))


async def private_or_note(c: Commanded) -> bool:
    """True in a private chat; in the volunteer group, volunteers get a short pointer."""
    if c.private:
        return True
    if c.caller.is_volunteer:
        await c.reply_html(c.runtime.content.ui("onboarding.private_only", c.caller.lang))
    return False


async def acting_person(context: Ctx, caller: Caller, update: Update) -> Person | None:
    """The caller's person row; an admin gets one on first use (to act as a volunteer)."""
    if caller.person is not None or not caller.is_admin or caller.user_id is None:
        return caller.person
    runtime = context.runtime
    user_id = caller.user_id
    user = update.effective_user
    lang = runtime.content.language(user.language_code if user else None)
    person, created = await runtime.db.tx(
        lambda c: service.ensure_admin(c, user_id=user_id, lang=lang, now=runtime.ts())
    )
    if created:
        log.info("admin row created", extra={"pseudonym": person.pseudonym})
        await set_chat_commands(context.bot, runtime.content, user_id, "admin", person.lang)
    return person


async def volunteer(c: Commanded, context: Ctx) -> Person | None:
    """The acting volunteer's row for a volunteer command in a private chat, or None after
    the calm answer (the service checks again in its transaction)."""
    if not await private_or_note(c):
        return None
    if not c.caller.is_volunteer:
        await refuse(c, "onboarding.volunteers_only")
        return None
    return await acting_person(context, c.caller, c.update)


async def send_links(context: Ctx, chat_id: int, lang: str, links: Sequence[Link]) -> None:
    """One message per link, so the volunteer can forward each to its person."""
    runtime = context.runtime
    zone = runtime.config.locale.zone
    for link in links:
        out = views.family_link(runtime.content, lang, link, url(context, link), zone)
        await outgoing.send(context.application, chat_id, out)
