"""Parents working away on Telegram: joining, /calltime, the weekly reminder's buttons, a child's
/sharing, the parent link from /family, and the claimer's "ask the parent to call".

Thin like every adapter: each press is decoded strictly (`pa:<action>:<id>:<value>`), checked
by a service inside one transaction against the presser and the stored state, and a press that
does not fit is answered with the short "no longer active" and changes nothing. Every message a
parent gets on Qiao's own initiative goes through the outbox.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import datetime, timedelta

from markupsafe import Markup
from telegram import Bot, CallbackQuery, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.outgoing import Outgoing
from bot.runtime import Runtime
from bot.services import onboarding as onboarding_service
from bot.services import parent_calls as calls
from bot.services import parents as svc
from bot.telegram import outbox_sender
from bot.telegram import parent_join as join
from bot.telegram.callbacks import pattern
from bot.telegram.command import Commanded, command
from bot.telegram.context import App, Caller, Ctx, app_runtime
from bot.telegram.jobs import PeriodicJob
from bot.telegram.keyboards import keyboard
from bot.telegram.press import STALE, Pressed, number_parts, press
from bot.views import parents as views
from storage import alerts as alerts_repo
from storage import families
from storage import parents as repo
from storage.people import Person

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
    await join.send(context, cmd.chat_id, views.day_prompt(runtime.content, caller.lang, "sday"))


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
    caller, runtime = cmd.caller, cmd.runtime
    child = caller.person
    if caller.role != "child" or child is None or child.telegram_user_id is None:
        await _refuse(cmd, "parents.sharing.not_child")
        return
    on = await runtime.db.run(lambda c: repo.sharing(c, child.id))
    await join.send(context, cmd.chat_id, views.sharing(runtime.content, child, on))


# --- buttons ------------------------------------------------------------------------------


@press(PREFIX, 3, valid=number_parts(1))
async def on_button(p: Pressed, context: Ctx) -> None:
    """Every `pa:` press: check against the presser and the stored state, act."""
    query, caller = p.query, p.caller
    message = query.message
    action, target, value = p.data.parts[0], p.data.int_part(1), p.data.parts[2]
    handled = False
    if message is None or message.chat.type != ChatType.PRIVATE:
        handled = False  # parents' buttons work only in their private chat
    elif action in join.ACTIONS and target == 0:
        handled = await join.press(p.update, context, query, action, value)
    elif action == "talk":
        handled = await _talk(context, query, caller, target, value)
    elif action == "share":
        handled = await _share(context, query, caller, target, value)
    elif action in ("sday", "stime"):
        handled = await _slot(context, query, caller, action, target, value)
    elif action == "inv" and value == "go":
        handled = await _invite(context, query, caller, target)
    elif action in ("ask", "st") and value.isdigit():
        handled = await _ask(context, query, caller, action, target, int(value))
    if not handled:
        log.info("parents press refused")
        await p.answer(STALE)


async def _talk(
    context: Ctx, query: CallbackQuery, caller: Caller, family_id: int, value: str
) -> bool:
    runtime = context.runtime
    answer, _, period = value.partition(".")
    parent = caller.person
    if parent is None or answer not in ("y", "n") or not period:
        return False
    done = await runtime.db.tx(
        lambda c: calls.report_tx(
            c, parent, family_id=family_id, period=period, talked=answer == "y", now=runtime.ts()
        )
    )
    if not done:
        return False
    await query.answer()
    await join.retire(query)
    key = "parents.talked.thanks" if answer == "y" else "parents.not_talked.reply"
    if query.message is not None:
        await join.send(
            context, query.message.chat.id, Outgoing(runtime.content.ui(key, parent.lang))
        )
    return True


async def _share(
    context: Ctx, query: CallbackQuery, caller: Caller, child_id: int, value: str
) -> bool:
    runtime = context.runtime
    child = caller.person
    if (
        caller.role != "child"
        or child is None
        or child.id != child_id
        or child.telegram_user_id is None
        or value not in ("on", "off")
    ):
        return False
    on = value == "on"
    await runtime.db.tx(lambda c: repo.set_sharing(c, child.id, on, runtime.ts()))
    await query.answer()
    await join.retire(query)
    if query.message is not None:
        key = "parents.sharing.done_on" if on else "parents.sharing.done_off"
        await join.send(
            context, query.message.chat.id, Outgoing(runtime.content.ui(key, child.lang))
        )
    log.info("mood sharing changed", extra={"on": on})
    return True


async def _slot(
    context: Ctx, query: CallbackQuery, caller: Caller, action: str, target: int, value: str
) -> bool:
    runtime = context.runtime
    parent = caller.person
    if not svc.active_parent(parent) or parent is None or not value.isdigit():
        return False
    chat_id = query.message.chat.id if query.message else parent.id
    if action == "sday":
        setting = await runtime.db.run(lambda c: repo.settings(c, parent.id))
        if setting is None or int(value) > 6:
            return False
        await query.answer()
        await join.retire(query)
        prompt = views.time_prompt(runtime.content, parent.lang, setting, "stime", value)
        await join.send(context, chat_id, prompt)
        return True
    changed = await runtime.db.tx(
        lambda c: svc.change_slot(c, parent, weekday=target, minute=int(value), now=runtime.ts())
    )
    if changed is None:
        return False
    await query.answer()
    await join.retire(query)
    changed_to = views.slot_changed(runtime.content, parent.lang, target, int(value))
    await join.send(context, chat_id, changed_to)
    return True


async def _invite(context: Ctx, query: CallbackQuery, caller: Caller, family_id: int) -> bool:
    """A parent link, for the family's volunteer (admins: any family) or its caregiver."""
    runtime = context.runtime
    actor = caller.person
    if actor is None or caller.role == "stranger":
        return False
    family = await runtime.db.run(lambda c: families.get(c, family_id))
    if family is None:
        return False
    allowed = (
        caller.is_volunteer
        and onboarding_service.may_manage(family, actor, is_admin=caller.is_admin)
    ) or (caller.role == "caregiver" and actor.family_id == family.id)
    if not allowed:
        return False
    link = await runtime.db.tx(
        lambda c: svc.invite(
            c, family, actor=actor, now=runtime.ts(), expire_days=runtime.config.invites.expire_days
        )
    )
    await query.answer()
    until = datetime.fromtimestamp(link.expires_at, runtime.config.locale.zone)
    url = f"https://t.me/{context.bot.username}?start={link.token}"
    out = views.parent_link(runtime.content, actor.lang, link, url, f"{until:%Y-%m-%d}")
    if query.message is not None:
        await join.send(context, query.message.chat.id, out)
    log.info("parent link made", extra={"family": family.pseudonym})
    return True


async def _ask(
    context: Ctx, query: CallbackQuery, caller: Caller, action: str, alert_id: int, parent_id: int
) -> bool:
    """The claimer asks Qiao to send the parent the neutral note, or checks its delivery."""
    runtime = context.runtime
    actor = caller.person
    if actor is None or not caller.is_volunteer:
        return False
    lang = actor.lang
    content = runtime.content
    parent = await runtime.db.run(lambda c: calls.may_ask(c, alert_id, parent_id, actor.id))
    if parent is None:
        return False
    chat_id = query.message.chat.id if query.message else actor.id
    if action == "st":
        status = await runtime.db.run(lambda c: calls.call_status(c, alert_id, parent_id))
        if status is None:
            return False
        await query.answer()
        await join.send(
            context, chat_id, views.call_status(content, lang, alert_id, parent, status)
        )
        return True
    text = content.ui("parents.call_request", parent.lang)
    result = await runtime.db.tx(
        lambda c: calls.ask_call_tx(
            c, alert_id=alert_id, parent_id=parent_id, actor=actor, text=text, now=runtime.ts()
        )
    )
    if result.parent is None:
        return False
    await query.answer()
    if result.outcome == "queued":
        outbox_sender.wake(context.application)
    status = await runtime.db.run(lambda c: calls.call_status(c, alert_id, parent_id))
    shown = views.call_status(content, lang, alert_id, result.parent, status)
    await join.send(context, chat_id, shown)
    log.info("parent asked to call", extra={"outcome": result.outcome})
    return True


# --- hooks for other features ------------------------------------------------------------


async def offer_call(bot: Bot, runtime: Runtime, alert_id: int, chat_id: int, lang: str) -> None:
    """After an alert's private details: the claimer may ask the family's parents to call."""
    alert = await runtime.db.run(lambda c: alerts_repo.get(c, alert_id))
    if alert is None or alert.family_id is None:
        return
    family_id = alert.family_id
    members = await runtime.db.run(lambda c: repo.parents_of(c, family_id))
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

    def read(
        c: sqlite3.Connection,
    ) -> tuple[list[tuple[Person, str]], list[calls.WeekContact], bool]:
        return (
            repo.parents_of(c, family_id),
            calls.history(c, family_id, now),
            calls.silent_watch(c, family_id),
        )

    members, weeks, silent = await runtime.db.run(read)
    return views.family_section(runtime.content, lang, members, weeks, silent)


async def caregiver_family(update: Update, context: Ctx, caller: Caller) -> None:
    """A caregiver's /family: the button that makes a link for the child's parents."""
    message = update.effective_message
    person = caller.person
    if message is None or person is None or person.family_id is None:
        return
    runtime = context.runtime
    family_id = person.family_id
    family = await runtime.db.run(lambda c: families.get(c, family_id))
    if family is None:
        return
    out = views.caregiver_family(runtime.content, person.lang, family)
    await join.send(context, message.chat.id, out)


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
