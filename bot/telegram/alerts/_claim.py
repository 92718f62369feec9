"""The card's "I'll take it": one winner, who gets the details in private."""

from __future__ import annotations

import logging
import sqlite3

from bot.services import alerts as svc
from bot.services.alerts import Edit
from bot.telegram.alerts._common import apply_edits, group_message, who_acts
from bot.telegram.alerts._details import read_details, send_head, send_tail
from bot.telegram.context import Ctx
from bot.telegram.press import Pressed, number_parts, press

log = logging.getLogger(__name__)


@press(svc.CLAIM, 1, valid=number_parts(0))
async def on_claim(p: Pressed, context: Ctx) -> None:
    """Claim an alert: one winner; the claimer gets the details privately."""
    query, runtime, alert_id = p.query, p.runtime, p.data.int_part(0)
    ui = runtime.content.ui_label
    who = await who_acts(runtime, p.caller)
    if who.actor is None:
        await query.answer(ui("alerts.claim.not_volunteer", who.lang), show_alert=True)
        return
    actor, now = who.actor, runtime.ts()
    pressed = group_message(query)

    def claim(c: sqlite3.Connection) -> tuple[svc.ClaimResult, Edit | None]:
        learned = None
        if pressed is not None:
            learned = svc.learn_copy_tx(c, runtime.content, alert_id, *pressed, now)
        return svc.claim_tx(c, runtime.content, alert_id, actor, now), learned

    result, learned = await runtime.db.tx(claim)
    if result.alert is None or result.outcome == "missing":
        await query.answer(ui("basics.stale_button", who.lang))
        return
    code = result.alert.code
    if result.outcome != "claimed":
        # Repeated and late presses change nothing and re-send nothing: they are answered,
        # and a copy of the card we had not known about is brought up to date.
        if result.outcome == "taken":
            log.info("second claim refused", extra={"alert": code})
            text = ui("alerts.claim.taken", who.lang, code=code, volunteer=result.holder)
        elif result.outcome == "closed":
            text = ui("alerts.claim.closed", who.lang, code=code)
        else:
            text = ui("alerts.claim.mine", who.lang, code=code)
        await query.answer(text)
        if learned is not None:
            await apply_edits(context.bot, [learned])
        return
    log.info("alert claimed", extra={"alert": code, "by": actor.pseudonym})
    details = await read_details(runtime, alert_id, who.lang)
    reached = details is not None and await send_head(context.bot, runtime, details, actor)
    if reached:
        await query.answer(ui("alerts.claim.done", who.lang, code=code))
    else:
        bot_name = context.bot.username
        await query.answer(
            ui("alerts.claim.open_private", who.lang, code=code, bot=bot_name), show_alert=True
        )
    await apply_edits(context.bot, result.edits, query)
    if reached and details is not None:
        await send_tail(context.bot, runtime, details, actor)
