"""Closing an alert: the "Resolved" button or /resolve ask privately how it ended; the
outcome chosen there closes it and shows on every card."""

from __future__ import annotations

import html
import logging

from telegram import Bot, CallbackQuery
from telegram.error import TelegramError

from bot.runtime import Runtime
from bot.services import alerts as svc
from bot.services.alerts import Actor
from bot.telegram import edits
from bot.telegram.alerts._common import (
    apply_edits,
    private_chat,
    refusal,
    say,
    volunteer,
    who_acts,
)
from bot.telegram.command import Commanded, command
from bot.telegram.context import Ctx
from bot.telegram.keyboards import keyboard
from bot.telegram.press import Pressed, number_parts, press

log = logging.getLogger(__name__)


async def _ask_outcome(bot: Bot, runtime: Runtime, actor: Actor, alert_id: int, code: str) -> bool:
    """Ask the resolver privately how it ended; False when they have no private chat yet."""
    lang = runtime.content.language(actor.lang)
    question = svc.outcome_question(runtime.content, alert_id, code, lang)
    try:
        await bot.send_message(
            await private_chat(runtime, actor),
            question.text,
            reply_markup=keyboard(question.buttons),
        )
    except TelegramError as exc:
        log.info("outcome question not delivered", extra={"error_type": type(exc).__name__})
        return False
    return True


@press(svc.RESOLVE, 1, valid=number_parts(0))
async def on_resolve_button(p: Pressed, context: Ctx) -> None:
    """ "Resolved" on a card: the outcome question goes to the presser's private chat."""
    query, runtime, alert_id = p.query, p.runtime, p.data.int_part(0)
    ui = runtime.content.ui_label
    who = await who_acts(runtime, p.caller)
    if who.actor is None:
        await query.answer(ui("alerts.resolve.not_volunteer", who.lang), show_alert=True)
        return
    actor = who.actor
    check = await runtime.db.run(lambda c: svc.may_resolve_tx(c, alert_id, actor))
    if check.status != "ok" or check.alert is None:
        await query.answer(refusal(runtime, check, who.lang, alert_id), show_alert=True)
        return
    code = check.alert.code
    if await _ask_outcome(context.bot, runtime, actor, alert_id, code):
        await query.answer(ui("alerts.resolve.asked", who.lang, code=code))
    else:
        await query.answer(
            ui("alerts.resolve.open_private", who.lang, code=code, bot=context.bot.username),
            show_alert=True,
        )


@command
async def on_resolve_command(c: Commanded, context: Ctx) -> None:
    """`/resolve A-12` in the group or in private: same as the button."""
    who = await volunteer(c)
    if who is None or who.actor is None:
        return
    actor, runtime = who.actor, c.runtime
    words = c.args.split()
    alert_id = svc.parse_code(words[0]) if words else None
    if alert_id is None:
        await say(c, who, "alerts.usage.resolve")
        return
    check = await runtime.db.run(lambda conn: svc.may_resolve_tx(conn, alert_id, actor))
    if check.status != "ok" or check.alert is None:
        await c.message.reply_text(refusal(runtime, check, who.lang, alert_id), parse_mode=None)
        return
    code = check.alert.code
    if await _ask_outcome(context.bot, runtime, actor, alert_id, code):
        if not c.private:
            await say(c, who, "alerts.resolve.asked", code=code)
    elif not c.private:
        await say(c, who, "alerts.resolve.open_private", code=code, bot=context.bot.username)


@press(svc.OUTCOME, 2, valid=lambda d: number_parts(0)(d) and d.parts[1] in svc.OUTCOMES)
async def on_outcome(p: Pressed, context: Ctx) -> None:
    """An outcome chosen in private: close the alert and show it on every card."""
    query, runtime = p.query, p.runtime
    alert_id, outcome = p.data.int_part(0), p.data.parts[1]
    ui = runtime.content.ui_label
    who = await who_acts(runtime, p.caller)
    if who.actor is None:
        await query.answer(ui("basics.stale_button", who.lang))
        return
    actor, now = who.actor, runtime.ts()
    result = await runtime.db.tx(
        lambda c: svc.resolve_tx(c, runtime.content, alert_id, actor, outcome, now)
    )
    if result.status != "ok" or result.alert is None:
        refused = refusal(runtime, result, who.lang, alert_id)
        await query.answer(refused, show_alert=True)
        if result.status == "closed":
            await _edit_prompt(query, html.escape(refused, quote=False))
        return
    code = result.alert.code
    log.info("alert resolved", extra={"alert": code, "outcome": outcome})
    await query.answer()
    done = runtime.content.ui(
        "alerts.resolve.done",
        who.lang,
        code=code,
        outcome=svc.outcome_label(runtime.content, outcome, who.lang),
    )
    await _edit_prompt(query, done)
    await apply_edits(context.bot, result.edits)


async def _edit_prompt(query: CallbackQuery, text: str) -> None:
    """Replace the outcome question with its answer (and no buttons)."""
    await edits.edit_query_text(query, text, what="outcome prompt", tolerant=True)
