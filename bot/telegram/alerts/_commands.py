"""/note and /alerts: a volunteer's note on an alert, and the list of open alerts."""

from __future__ import annotations

import logging

from telegram.error import TelegramError

from bot.runtime import Runtime
from bot.services import alerts as svc
from bot.telegram.alerts._common import say, volunteer
from bot.telegram.command import Commanded, command
from bot.telegram.context import Ctx

log = logging.getLogger(__name__)

LISTED = 30


@command
async def on_note(c: Commanded, context: Ctx) -> None:
    """`/note A-12 TEXT`: store it; in the group, confirm without repeating it."""
    who = await volunteer(c)
    if who is None or who.actor is None:
        return
    actor, runtime = who.actor, c.runtime
    words = c.args.split(maxsplit=1)
    alert_id = svc.parse_code(words[0]) if words else None
    text = words[1].strip() if len(words) > 1 else ""
    if alert_id is None or not text:
        await say(c, who, "alerts.usage.note")
        return
    if len(text) > svc.NOTE_MAX:
        await say(c, who, "alerts.note.too_long", limit=svc.NOTE_MAX)
        return
    now = runtime.ts()
    alert = await runtime.db.tx(lambda conn: svc.add_note_tx(conn, alert_id, actor, text, now))
    if alert is None:
        await say(c, who, "alerts.unknown", code=f"A-{alert_id}")
        return
    log.info("alert note added", extra={"alert": alert.code, "by": actor.pseudonym})
    if c.private:
        await say(c, who, "alerts.note.saved", code=alert.code)
        return
    removed = True
    try:
        await c.message.delete()
    except TelegramError:  # the bot is not an admin of the group: ask the volunteer instead
        removed = False
    key = "alerts.note.saved_removed" if removed else "alerts.note.saved_private_tip"
    await context.bot.send_message(c.chat_id, runtime.content.ui(key, who.lang, code=alert.code))


def _age(runtime: Runtime, seconds: int, lang: str) -> str:
    ui = runtime.content.ui_label
    minutes = max(0, seconds) // 60
    if minutes < 60:
        return ui("alerts.age.minutes", lang, n=minutes)
    if minutes < 48 * 60:
        return ui("alerts.age.hours", lang, n=minutes // 60)
    return ui("alerts.age.days", lang, n=minutes // (24 * 60))


@command
async def on_list(c: Commanded, context: Ctx) -> None:
    """`/alerts`: open alerts with their age, level and who is on them."""
    who = await volunteer(c)
    if who is None:
        return
    runtime = c.runtime
    content = runtime.content
    listed = await runtime.db.run(svc.list_open_tx)
    lang, now = who.lang, runtime.ts()
    if not listed:
        await say(c, who, "alerts.list.empty")
        return
    lines = [content.ui("alerts.list.title", lang, count=len(listed))]
    for item in listed[:LISTED]:
        alert = item.alert
        state = (
            content.ui_label("alerts.list.assigned", lang, volunteer=item.holder)
            if item.holder
            else content.ui_label("alerts.list.unassigned", lang)
        )
        lines.append(
            content.ui(
                "alerts.list.item",
                lang,
                code=alert.code,
                level=svc.level_label(content, alert.level, lang),
                category=svc.category_label(content, alert.category, lang),
                age=_age(runtime, now - alert.created_at, lang),
                state=state,
            )
        )
    if len(listed) > LISTED:
        lines.append(content.ui("alerts.list.more", lang, count=len(listed) - LISTED))
    await c.reply_html("\n".join(lines))
