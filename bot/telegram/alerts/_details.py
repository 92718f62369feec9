"""The details in private: written for the claimer (or a coordinator), then charts and guidance.

A child's words go to one place only: the private chat of the volunteer who took the alert,
and every view is written to the audit log.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import Bot
from telegram.error import TelegramError

from bot.runtime import Runtime
from bot.services import alerts as svc
from bot.services import charts
from bot.services.alerts import Actor, Details
from bot.telegram import parents
from bot.telegram.alerts._common import private_chat, say, volunteer
from bot.telegram.command import Commanded, command
from bot.telegram.context import Ctx

log = logging.getLogger(__name__)

MESSAGE_BUDGET = 3800
WORDS_SHOWN = 1000
NOTES_SHOWN = 10
NOTE_SHOWN = 500


async def read_details(runtime: Runtime, alert_id: int, lang: str) -> Details | None:
    """Everything the claimer may see of an alert, read in one go."""
    now = runtime.ts()
    return await runtime.db.run(lambda c: svc.details_tx(c, runtime.content, alert_id, now, lang))


def detail_blocks(runtime: Runtime, details: Details, lang: str) -> list[str]:
    """The details message as blocks of valid HTML, each rendered on its own."""
    content = runtime.content
    ui = content.ui
    alert = details.alert
    blocks = [ui("alerts.details.head", lang, code=alert.code), details.card.text]
    categories = list(dict.fromkeys(str(r.get("category", "")) for r in alert.reasons))
    if any(categories):
        separator = "、" if lang == "zh" else ", "
        labels = separator.join(svc.category_label(content, c, lang) for c in categories if c)
        blocks.append(ui("alerts.details.reasons", lang, reasons=labels))
    if details.help_lesson is not None:
        try:
            title = content.render_label(content.lesson(details.help_lesson).title, lang)
        except KeyError:
            title = details.help_lesson
        blocks.append(ui("alerts.details.help_lesson", lang, lesson=title))
    if details.words:
        blocks.append(ui("alerts.details.words_title", lang))
        for written in details.words:
            text = written.text[:WORDS_SHOWN] + ("…" if len(written.text) > WORDS_SHOWN else "")
            when = svc.local_time(written.at, details.family)
            blocks.append(ui("alerts.details.word", lang, text=text, time=when))
    elif details.person.role == "child":
        blocks.append(ui("alerts.details.no_words", lang))
    if details.notes:
        blocks.append(ui("alerts.details.notes_title", lang))
        for note in details.notes[-NOTES_SHOWN:]:
            blocks.append(
                ui(
                    "alerts.details.note",
                    lang,
                    author=note.author or "-",
                    time=svc.local_time(note.at, details.family),
                    text=note.text[:NOTE_SHOWN],
                )
            )
    blocks.append(ui("alerts.details.actions", lang, code=alert.code))
    return blocks


def pack_blocks(blocks: list[str]) -> list[str]:
    """Join blocks into as few messages as fit Telegram's length limit."""
    messages: list[str] = []
    current = ""
    for block in blocks:
        if current and len(current) + 1 + len(block) > MESSAGE_BUDGET:
            messages.append(current)
            current = ""
        current = f"{current}\n{block}" if current else block
    if current:
        messages.append(current)
    return messages


async def send_head(bot: Bot, runtime: Runtime, details: Details, actor: Actor) -> bool:
    """Send the written details; False when the volunteer has no private chat with the bot."""
    lang = runtime.content.language(actor.lang)
    chat_id = await private_chat(runtime, actor)
    messages = pack_blocks(detail_blocks(runtime, details, lang))
    try:
        await bot.send_message(chat_id, messages[0])
    except TelegramError as exc:
        log.info(
            "details not delivered: no private chat",
            extra={"alert": details.alert.code, "error_type": type(exc).__name__},
        )
        return False
    now = runtime.ts()
    await runtime.db.tx(lambda c: svc.record_view_tx(c, details.alert, actor, now))
    for text in messages[1:]:
        await bot.send_message(chat_id, text)
    return True


async def send_tail(bot: Bot, runtime: Runtime, details: Details, actor: Actor) -> None:
    """The mood chart and, once there are scores, the WHO-5 chart (for a child), then the
    safeguarding guidance."""
    content = runtime.content
    lang = content.language(actor.lang)
    chat_id = await private_chat(runtime, actor)
    person = details.person.pseudonym
    try:
        if details.moods and any(w.mood is not None for w in details.moods):
            png = await asyncio.to_thread(charts.mood_chart, details.moods)
            caption = content.ui("alerts.details.chart_caption", lang, person=person)
            await bot.send_photo(chat_id, png, caption=caption)
        elif details.person.role == "child":
            await bot.send_message(
                chat_id,
                content.ui("alerts.details.no_history", lang, person=person),
            )
        if details.wellbeing:
            png = await asyncio.to_thread(charts.wellbeing_chart, details.wellbeing)
            cutoff = details.wellbeing[-1].cutoff
            caption = content.ui(
                "alerts.details.wellbeing_caption", lang, person=person, cutoff=cutoff
            )
            await bot.send_photo(chat_id, png, caption=caption)
        await bot.send_message(chat_id, content.ui("alerts.details.guidance", lang))
    except TelegramError as exc:  # the written details arrived; these can be asked for again
        log.warning("details follow-up not sent", extra={"error_type": type(exc).__name__})
    alert = details.alert
    if alert.status == "claimed" and alert.claimed_by == actor.person_id:
        await parents.offer_call(bot, runtime, alert.id, chat_id, lang)


@command
async def on_details(c: Commanded, context: Ctx) -> None:
    """`/details A-12`: the details again, in private, for the claimer or a coordinator."""
    who = await volunteer(c)
    if who is None or who.actor is None:
        return
    words = c.args.split()
    alert_id = svc.parse_code(words[0]) if words else None
    if alert_id is None:
        await say(c, who, "alerts.usage.details")
        return
    details = await read_details(c.runtime, alert_id, who.lang)
    if details is None or details.alert.status == "watch":
        await say(c, who, "alerts.unknown", code=f"A-{alert_id}")
        return
    if not svc.may_view(details.alert, who.actor):
        await say(c, who, "alerts.details.not_allowed", code=details.alert.code)
        return
    if await send_head(context.bot, c.runtime, details, who.actor):
        await send_tail(context.bot, c.runtime, details, who.actor)
    elif not c.private:
        code, bot_name = details.alert.code, context.bot.username
        await say(c, who, "alerts.claim.open_private", code=code, bot=bot_name)
