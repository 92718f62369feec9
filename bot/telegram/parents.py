"""Parents working away on Telegram: joining, /calltime, the weekly reminder's buttons, a child's
/sharing, the parent link from /family, and the claimer's "ask the parent to call".

Thin like every adapter: each press is decoded strictly (`pa:<action>:<id>:<value>`), checked
by a service inside one transaction against the presser and the stored state, and a press that
does not fit is answered with the short "no longer active" and changes nothing. Every message a
parent gets on Qiao's own initiative goes through the outbox.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from markupsafe import Markup
from telegram import Bot, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.outgoing import Outgoing
from bot.runtime import Runtime
from bot.services import parent_acting as acting
from bot.services import parent_calls as calls
from bot.services import parents as svc
from bot.telegram import outbox_sender, outgoing
from bot.telegram import parent_join as join
from bot.telegram.callbacks import pattern
from bot.telegram.command import Commanded, command
from bot.telegram.context import App, Caller, Ctx, app_runtime
from bot.telegram.jobs import PeriodicJob
from bot.telegram.keyboards import keyboard
from bot.telegram.press import STALE, Pressed, number_parts, press
from bot.views import parents as views

log = logging.getLogger(__name__)
PREFIX = views.PREFIX
show = join.show
"""Onboarding's link handler shows the parent screens it gets back through this."""


def register(app: App) -> None:
    """The parents' commands and buttons (before the fallbacks)."""
    private = filters.ChatType.PRIVATE
    app.add_handler(CommandHandler("calltime", calltime, filters=private))
    app.add_handler(CommandHandler("sharing", sharing, filters=private))
    app.add_handler(CallbackQueryHandler(on_button, pattern=pattern(PREFIX)))


# --- commands -----------------------------------------------------------------------------


@command
async def calltime(cmd: Commanded, context: Ctx) -> None:
    """`/calltime` (parents): pick a new weekly call day, then a time outside quiet hours."""
    caller, runtime = cmd.caller, cmd.runtime
    if not svc.active_parent(caller.person):
        await _refuse(cmd, "parents.calltime.not_parent")
        return
    await outgoing.send(
        context.application, cmd.chat_id, views.day_prompt(runtime.content, caller.lang, "sday")
    )


async def _refuse(cmd: Commanded, key: str) -> None:
    """Not for this sender: strangers get the invitation note in both languages."""
    content = cmd.runtime.content
    if cmd.caller.role == "stranger":
        key = "basics.start_stranger"
        await cmd.reply_html(f"{content.ui(key, 'zh')}\n\n{content.ui(key, 'en')}")
        return
    await cmd.reply_html(content.ui(key, cmd.caller.lang))


@command
async def sharing(cmd: Commanded, context: Ctx) -> None:
    """`/sharing` (a child with their own phone): explain mood sharing and offer on/off."""
    runtime, user_id = cmd.runtime, cmd.caller.user_id
    found = (
        None if user_id is None else await runtime.db.run(lambda c: acting.sharing_tx(c, user_id))
    )
    if found is None:
        await _refuse(cmd, "parents.sharing.not_child")
        return
    child, on = found
    await outgoing.send(context.application, cmd.chat_id, views.sharing(runtime.content, child, on))


# --- buttons ------------------------------------------------------------------------------


@press(PREFIX, 3, valid=number_parts(1))
async def on_button(p: Pressed, context: Ctx) -> None:
    """Every `pa:` press: the service checks the presser against what the button names, acts."""
    message = p.query.message
    action, target, value = p.data.parts[0], p.data.int_part(1), p.data.parts[2]
    handled = False
    if message is None or message.chat.type != ChatType.PRIVATE:
        handled = False  # parents' buttons work only in their private chat
    elif action in join.ACTIONS and target == 0:
        handled = await join.press(p, context, action, value)
    elif action in _PRESSES:
        handled = await _PRESSES[action](p, context, target, value)
    if not handled:
        log.info("parents press refused")
        await p.answer(STALE)


async def _taken(p: Pressed, context: Ctx, out: Outgoing) -> bool:
    """A press the service took: answer it, take its buttons off, show what follows."""
    await p.answer()
    await p.edit_markup(None)  # cosmetic: already edited, or too old
    await outgoing.send(context.application, p.chat_id, out)
    return True


async def _talk(p: Pressed, context: Ctx, family_id: int, value: str) -> bool:
    """The weekly reminder's "we talked" / "not this week"."""
    runtime, user_id = p.runtime, p.user_id
    answer, _, period = value.partition(".")
    if answer not in ("y", "n") or not period:
        return False
    parent = await runtime.db.tx(
        lambda c: acting.report_call_tx(
            c, user_id, family_id=family_id, period=period, talked=answer == "y", now=runtime.ts()
        )
    )
    if parent is None:
        return False
    key = "parents.talked.thanks" if answer == "y" else "parents.not_talked.reply"
    return await _taken(p, context, Outgoing(runtime.content.ui(key, parent.lang)))


async def _share(p: Pressed, context: Ctx, child_id: int, value: str) -> bool:
    """/sharing's on or off, pressed by the child the button names."""
    runtime, user_id = p.runtime, p.user_id
    if value not in ("on", "off"):
        return False
    on = value == "on"
    child = await runtime.db.tx(
        lambda c: acting.set_sharing_tx(c, user_id, child_id, on, runtime.ts())
    )
    if child is None:
        return False
    log.info("mood sharing changed", extra={"on": on})
    key = "parents.sharing.done_on" if on else "parents.sharing.done_off"
    return await _taken(p, context, Outgoing(runtime.content.ui(key, child.lang)))


async def _day(p: Pressed, context: Ctx, target: int, value: str) -> bool:
    """/calltime's day: then the times outside the parent's quiet hours."""
    runtime, user_id = p.runtime, p.user_id
    if not value.isdigit() or int(value) > 6:
        return False
    found = await runtime.db.run(lambda c: acting.slot_setting_tx(c, user_id))
    if found is None:
        return False
    parent, setting = found
    prompt = views.time_prompt(runtime.content, parent.lang, setting, "stime", value)
    return await _taken(p, context, prompt)


async def _time(p: Pressed, context: Ctx, weekday: int, value: str) -> bool:
    """/calltime's time: the new weekly slot."""
    runtime, user_id = p.runtime, p.user_id
    if not value.isdigit():
        return False
    minute = int(value)
    parent = await runtime.db.tx(
        lambda c: acting.change_slot_tx(
            c, user_id, weekday=weekday, minute=minute, now=runtime.ts()
        )
    )
    if parent is None:
        return False
    return await _taken(
        p, context, views.slot_changed(runtime.content, parent.lang, weekday, minute)
    )


async def _invite(p: Pressed, context: Ctx, family_id: int, value: str) -> bool:
    """A parent link, for the family's volunteer (admins: any family) or its caregiver."""
    runtime, user_id, is_admin = p.runtime, p.user_id, p.caller.is_admin
    if value != "go":
        return False
    made = await runtime.db.tx(
        lambda c: acting.invite_tx(
            c,
            user_id,
            family_id,
            is_admin=is_admin,
            now=runtime.ts(),
            expire_days=runtime.config.invites.expire_days,
        )
    )
    if made is None:
        return False
    actor, family, link = made
    await p.answer()
    until = datetime.fromtimestamp(link.expires_at, runtime.config.locale.zone)
    url = f"https://t.me/{context.bot.username}?start={link.token}"
    out = views.parent_link(runtime.content, actor.lang, link, url, f"{until:%Y-%m-%d}")
    await outgoing.send(context.application, p.chat_id, out)
    log.info("parent link made", extra={"family": family.pseudonym})
    return True


async def _ask(p: Pressed, context: Ctx, alert_id: int, value: str) -> bool:
    """The claimer asks Qiao to send the parent the neutral note."""
    runtime, user_id, is_admin = p.runtime, p.user_id, p.caller.is_admin
    if not value.isdigit():
        return False
    parent_id, content = int(value), runtime.content
    asked = await runtime.db.tx(
        lambda c: acting.ask_call_tx(
            c,
            content,
            user_id,
            is_admin=is_admin,
            alert_id=alert_id,
            parent_id=parent_id,
            now=runtime.ts(),
        )
    )
    if asked is None:
        return False
    await p.answer()
    if asked.outcome == "queued":
        outbox_sender.wake(context.application)
    log.info("parent asked to call", extra={"outcome": asked.outcome})
    return await _show_status(p, context, alert_id, asked)


async def _status(p: Pressed, context: Ctx, alert_id: int, value: str) -> bool:
    """The claimer checks whether the note reached the parent."""
    runtime, user_id, is_admin = p.runtime, p.user_id, p.caller.is_admin
    if not value.isdigit():
        return False
    parent_id = int(value)
    asked = await runtime.db.run(
        lambda c: acting.call_status_tx(
            c, user_id, is_admin=is_admin, alert_id=alert_id, parent_id=parent_id
        )
    )
    if asked is None:
        return False
    await p.answer()
    return await _show_status(p, context, alert_id, asked)


async def _show_status(p: Pressed, context: Ctx, alert_id: int, asked: acting.Asked) -> bool:
    content, lang = p.runtime.content, asked.actor.lang
    shown = views.call_status(content, lang, alert_id, asked.parent, asked.status)
    await outgoing.send(context.application, p.chat_id, shown)
    return True


_PRESSES: dict[str, Callable[[Pressed, Ctx, int, str], Awaitable[bool]]] = {
    "talk": _talk,
    "share": _share,
    "sday": _day,
    "stime": _time,
    "inv": _invite,
    "ask": _ask,
    "st": _status,
}
"""Each `pa:<action>:<id>:<value>` action after joining, and its handler."""


# --- hooks for other features ------------------------------------------------------------


async def offer_call(bot: Bot, runtime: Runtime, alert_id: int, chat_id: int, lang: str) -> None:
    """After an alert's private details: the claimer may ask the family's parents to call."""
    members = await runtime.db.run(lambda c: acting.parents_for_alert(c, alert_id))
    offer = views.call_offer(runtime.content, lang, alert_id, members)
    if offer is None:
        return
    try:
        await bot.send_message(chat_id, offer.text, reply_markup=keyboard(offer.buttons))
    except TelegramError as exc:  # the details arrived; the offer comes again with /details
        log.warning("parent call offer not sent", extra={"error_type": type(exc).__name__})


async def family_text(runtime: Runtime, family_id: int, lang: str) -> Markup:
    """The parents' section of a volunteer's /family summary."""
    now = runtime.ts()
    found = await runtime.db.run(lambda c: acting.family_parents(c, family_id, now))
    return views.family_section(runtime.content, lang, found.members, found.weeks, found.silent)


async def caregiver_family(update: Update, context: Ctx, caller: Caller) -> None:
    """A caregiver's /family: the button that makes a link for the child's parents."""
    message, user_id = update.effective_message, caller.user_id
    if message is None or user_id is None:
        return
    runtime = context.runtime
    found = await runtime.db.run(lambda c: acting.caregiver_family_tx(c, user_id))
    if found is None:
        return
    person, family = found
    out = views.caregiver_family(runtime.content, person.lang, family)
    await outgoing.send(context.application, message.chat.id, out)


# --- jobs ---------------------------------------------------------------------------------


async def remind(app: App, now: datetime) -> None:
    """Queue the weekly reminders that fell due, then wake the sender."""
    runtime: Runtime = app_runtime(app)
    ts = int(now.timestamp())
    content = runtime.content
    queued = await runtime.db.tx(
        lambda c: calls.reminders_due_tx(c, ts, lambda p, r: views.reminder(content, p, r, ts))
    )
    if queued:
        log.info("parent reminders queued", extra={"count": queued})
        outbox_sender.wake(app)


async def watch(app: App, now: datetime) -> None:
    """Three weeks without contact on either side → a watch item (not a card)."""
    runtime = app_runtime(app)
    ts = int(now.timestamp())
    raised = await runtime.db.tx(lambda c: calls.watch_tx(c, runtime.content, ts))
    if raised:
        log.info("no-contact watch items", extra={"count": raised})


JOBS: list[PeriodicJob] = [
    PeriodicJob("parents.remind", timedelta(minutes=1), remind),
    PeriodicJob("parents.watch", timedelta(hours=6), watch),
]
