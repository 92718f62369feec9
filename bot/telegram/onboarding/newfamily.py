"""A volunteer's /newfamily: the label, then the phone and age questions as buttons."""

from __future__ import annotations

from bot.config import WEEKDAYS
from bot.services import onboarding as service
from bot.services.onboarding import Created, Refusal
from bot.telegram import outgoing
from bot.telegram.command import Commanded, command
from bot.telegram.context import Ctx
from bot.telegram.onboarding._ui import log, retire, send_links, stale, volunteer
from bot.telegram.press import Pressed
from bot.views import onboarding as views
from bot.views.onboarding import AGE_BUTTONS, PHONES


@command
async def new_family(c: Commanded, context: Ctx) -> None:
    """`/newfamily LABEL`: ask about the child's phone and age, then create the family."""
    acting = await volunteer(c, context)
    if acting is None or c.caller.user_id is None:
        return
    runtime, content, lang = c.runtime, c.runtime.content, acting.lang
    label = service.clean_label(c.args)
    if label is None:
        await c.reply_html(content.ui("onboarding.newfamily.usage", lang, max=service.LABEL_MAX))
        return
    chat_id, user_id, is_admin = c.chat_id, c.caller.user_id, c.caller.is_admin
    started = await runtime.db.tx(
        lambda conn: service.start_new_family(
            conn, user_id=user_id, is_admin=is_admin, chat_id=chat_id, label=label, now=runtime.ts()
        )
    )
    if isinstance(started, Refusal):
        await c.reply_html(content.ui("onboarding.volunteers_only", lang))
        return
    await outgoing.send(
        context.application, chat_id, views.new_family_phone(content, lang, started.id, label)
    )


async def on_new_family_press(
    p: Pressed, context: Ctx, action: str, volunteer_id: int, value: str
) -> None:
    """The volunteer's answers to /newfamily's questions; the flow checks who pressed."""
    runtime = p.runtime
    lang = await runtime.db.run(lambda c: service.shown_lang(c, volunteer_id))
    if lang is None:
        await stale(p)
    elif action == "nf" and value in PHONES:
        await _phone(p, context, volunteer_id, value, lang)
    elif action == "age" and value in AGE_BUTTONS:
        await _age(p, context, volunteer_id, value, lang)
    else:
        await stale(p)


async def _phone(p: Pressed, context: Ctx, volunteer_id: int, value: str, lang: str) -> None:
    runtime, content = p.runtime, p.runtime.content
    chat_id, user_id, now = p.chat_id, p.user_id, runtime.ts()
    ok = await runtime.db.tx(
        lambda c: service.new_family_phone(
            c,
            chat_id=chat_id,
            user_id=user_id,
            volunteer_id=volunteer_id,
            shared_phone=value == "shared",
            now=now,
        )
    )
    if not ok:
        await stale(p)
        return
    await p.answer()
    await retire(p, views.chosen(content.ui(PHONES[value], lang)))
    await outgoing.send(
        context.application, chat_id, views.new_family_age(content, lang, volunteer_id)
    )


async def _age(p: Pressed, context: Ctx, volunteer_id: int, value: str, lang: str) -> None:
    runtime, content = p.runtime, p.runtime.content
    checkins = runtime.config.checkins
    weekday = WEEKDAYS.index(checkins.default_weekday)
    minute = checkins.default_time.hour * 60 + checkins.default_time.minute
    chat_id, user_id, now = p.chat_id, p.user_id, runtime.ts()
    created = await runtime.db.tx(
        lambda c: service.new_family_age(
            c,
            chat_id=chat_id,
            user_id=user_id,
            volunteer_id=volunteer_id,
            age_band=AGE_BUTTONS[value],
            timezone=runtime.config.locale.timezone,
            weekday=weekday,
            minute=minute,
            expire_days=runtime.config.invites.expire_days,
            now=now,
            spread_minutes=checkins.default_spread_minutes,
        )
    )
    if created is None:
        await stale(p)
        return
    await p.answer()
    await retire(p, views.chosen(content.ui(f"onboarding.newfamily.age.{value}", lang)))
    log.info("family created", extra={"family": created.family.pseudonym})
    await _announce(context, chat_id, created, lang)


async def _announce(context: Ctx, chat_id: int, created: Created, lang: str) -> None:
    """The new family's pseudonyms, then its links."""
    await outgoing.send(
        context.application, chat_id, views.family_created(context.runtime.content, lang, created)
    )
    # The child's link first, the caregiver's last: the grandparent goes first, and the newest
    # link in the chat is theirs.
    links = [link for link in (created.child_link, created.caregiver_link) if link is not None]
    await send_links(context, chat_id, lang, links)
