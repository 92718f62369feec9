"""A volunteer's family commands: /family (summary, fresh links), /nickname, /erase."""

from __future__ import annotations

from telegram.constants import ChatType

from bot.services import erasure as erasure_service
from bot.services import onboarding as service
from bot.services.onboarding import Refusal
from bot.telegram import outgoing, parents
from bot.telegram.command import Commanded, command
from bot.telegram.context import Ctx
from bot.telegram.onboarding._ui import (
    acting_person,
    log,
    retire,
    say,
    send_links,
    stale,
    volunteer,
)
from bot.telegram.onboarding.menus import reset_chat_commands
from bot.telegram.onboarding.summary import send_summary
from bot.telegram.press import Pressed
from bot.views import onboarding as views

FAMILY_PRESSES = {("fam", "show"), ("fl", "go"), ("era", "y"), ("era", "n")}
"""The family buttons (kind, value) a volunteer's messages carry."""


@command
async def family(c: Commanded, context: Ctx) -> None:
    """`/family [F-XXXX]`: a family's summary (or a list to pick from) for its volunteer; a
    caregiver gets the button that invites the child's parents."""
    if c.caller.role == "caregiver" and c.private:
        await parents.caregiver_family(c.update, context, c.caller)
        return
    acting = await volunteer(c, context)
    if acting is None:
        return
    runtime, content, lang = c.runtime, c.runtime.content, acting.lang
    user_id, is_admin = acting_ids(c)
    text = c.args
    if not text:
        found = await runtime.db.run(
            lambda conn: service.families_for(conn, user_id=user_id, is_admin=is_admin)
        )
        if not found:
            await c.reply_html(content.ui("onboarding.family.none", lang))
            return
        await outgoing.send(context.application, c.chat_id, views.family_pick(content, lang, found))
        return
    summary = await runtime.db.run(
        lambda conn: service.summary_named(conn, text, user_id=user_id, is_admin=is_admin)
    )
    if isinstance(summary, Refusal):
        await c.reply_html(content.ui("onboarding.family.not_found", lang, text=text[:20]))
        return
    await send_summary(context, c.chat_id, summary, lang)


def acting_ids(c: Commanded | Pressed) -> tuple[int, bool]:
    """(Telegram user id, admin in the config) for the services' own who-may-act check."""
    user_id = c.caller.user_id
    if user_id is None:  # @command and @press hand over only updates with a sender
        raise RuntimeError("a command without a sender")
    return user_id, c.caller.is_admin


async def on_family_press(
    p: Pressed, context: Ctx, action: str, family_id: int, value: str
) -> None:
    """Family buttons: show a summary, make fresh links, confirm an erasure."""
    runtime, content = p.runtime, p.runtime.content
    if (action, value) not in FAMILY_PRESSES or not p.caller.is_volunteer:
        await stale(p)
        return
    if p.query.message is None or p.query.message.chat.type != ChatType.PRIVATE:
        await stale(p)
        return
    actor = await acting_person(context, p.caller, p.update)
    if actor is None:
        await stale(p)
        return
    lang, chat_id = actor.lang, p.chat_id
    user_id, is_admin = acting_ids(p)
    if action == "fam":
        summary = await runtime.db.run(
            lambda c: service.summary_for(c, family_id, user_id=user_id, is_admin=is_admin)
        )
        if isinstance(summary, Refusal):
            await stale(p)
            return
        await p.answer()
        await send_summary(context, chat_id, summary, lang)
    elif action == "fl":
        await _fresh_links(p, context, family_id, lang)
    elif value == "n":
        allowed = await runtime.db.run(
            lambda c: service.managed(c, family_id, user_id=user_id, is_admin=is_admin)
        )
        if isinstance(allowed, Refusal):
            await stale(p)
            return
        await p.answer()
        await retire(p, content.ui("onboarding.erase.kept", lang))
    else:
        await _erase_family(p, context, family_id, lang)


async def _fresh_links(p: Pressed, context: Ctx, family_id: int, lang: str) -> None:
    runtime = p.runtime
    user_id, is_admin = acting_ids(p)
    made = await runtime.db.tx(
        lambda c: service.fresh_links(
            c,
            family_id,
            user_id=user_id,
            is_admin=is_admin,
            now=runtime.ts(),
            expire_days=runtime.config.invites.expire_days,
        )
    )
    if isinstance(made, Refusal):
        await stale(p)
        return
    chosen, links = made
    await p.answer()
    if not links:
        await say(context, p.chat_id, runtime.content.ui("onboarding.family.no_links_needed", lang))
        return
    log.info("fresh links made", extra={"family": chosen.pseudonym, "links": len(links)})
    links.sort(key=lambda link: link.role != "child")  # the caregiver's last, as at creation
    await send_links(context, p.chat_id, lang, links)


async def _erase_family(p: Pressed, context: Ctx, family_id: int, lang: str) -> None:
    runtime = p.runtime
    user_id, is_admin = acting_ids(p)
    erased = await runtime.db.tx(
        lambda c: erasure_service.erase_family(
            c, family_id, user_id=user_id, is_admin=is_admin, now=runtime.ts()
        )
    )
    if isinstance(erased, Refusal):
        await stale(p)
        return
    await p.answer()
    log.info("family erased", extra={"family": erased.subject, "people": erased.people})
    done = runtime.content.ui(
        "onboarding.erase.done", lang, family=erased.subject, people=erased.people
    )
    await retire(p, done)
    for erased_chat in erased.chats:
        await reset_chat_commands(context.bot, erased_chat)
    await runtime.db.checkpoint()  # the erased words leave the -wal file too


@command
async def nickname(c: Commanded, context: Ctx) -> None:
    """`/nickname C-XXXX NAME`: what check-ins call a child (shared-phone children need it)."""
    acting = await volunteer(c, context)
    if acting is None:
        return
    content = c.runtime.content
    user_id, is_admin = acting_ids(c)
    pseudonym, _, name = " ".join(c.args.split()).partition(" ")
    child = await c.runtime.db.tx(
        lambda conn: service.set_nickname(
            conn, user_id=user_id, is_admin=is_admin, child_pseudonym=pseudonym, name=name
        )
    )
    if isinstance(child, Refusal):
        text = content.ui("onboarding.nickname.usage", acting.lang, max=service.NICKNAME_MAX)
    else:
        text = content.ui(
            "onboarding.nickname.done",
            acting.lang,
            pseudonym=child.pseudonym,
            name=child.display_name or "",
        )
    await c.reply_html(text)


@command
async def erase(c: Commanded, context: Ctx) -> None:
    """`/erase F-XXXX`: after a confirmation button, delete a whole family for good."""
    acting = await volunteer(c, context)
    if acting is None:
        return
    content, lang = c.runtime.content, acting.lang
    text = c.args
    if not text:
        await c.reply_html(content.ui("onboarding.erase.usage", lang))
        return
    user_id, is_admin = acting_ids(c)
    found = await c.runtime.db.run(
        lambda conn: service.erase_question(conn, text, user_id=user_id, is_admin=is_admin)
    )
    if isinstance(found, Refusal):
        await c.reply_html(content.ui("onboarding.family.not_found", lang, text=text[:20]))
        return
    chosen, count = found
    await outgoing.send(
        context.application, c.chat_id, views.erase_question(content, lang, chosen, count)
    )
