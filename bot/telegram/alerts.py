"""The alert desk on Telegram: the card's buttons, /note, /resolve, /alerts, /details, and jobs.

Thin on purpose: bot.services.alerts decides who may do what and changes the rows with
conditional UPDATEs; this module checks who pressed, sends, and edits. The volunteer chat may
be a group, a supergroup or a channel: buttons work in all three (a channel's presses carry
the admin who pressed), typed commands in groups and in a volunteer's private chat (a
channel post has no sender to check, so commands there are ignored).

Privacy: the group only ever receives cards (pseudonyms, labels, categories) and short
confirmations. A child's words go to one place: the private chat of the volunteer who took
the alert (or a coordinator), and every such view is written to the audit log.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from telegram import Bot, CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.runtime import Runtime
from bot.services import alerts as svc
from bot.services import charts, digest
from bot.services.alerts import Actor, Details, Edit
from bot.telegram import parents
from bot.telegram.callbacks import pack, pattern
from bot.telegram.context import RUNTIME_KEY, App, Ctx, caller_of, runtime_of
from bot.telegram.jobs import PeriodicJob
from bot.telegram.outbox_sender import drain, edit_card
from bot.telegram.press import Pressed, final, number_parts, press
from storage import people

log = logging.getLogger(__name__)

MESSAGE_BUDGET = 3800
WORDS_SHOWN = 1000
NOTES_SHOWN = 10
NOTE_SHOWN = 500
LISTED = 30
_DIGEST_LOGGED = "alerts.digest_unreachable_logged"


# --- wiring ------------------------------------------------------------------------------------


def register(app: App) -> None:
    """Add the alert desk's handlers (group 0, after the other features)."""
    messages = filters.UpdateType.MESSAGE  # not edits, not channel posts (they have no sender)
    app.add_handler(CallbackQueryHandler(on_claim, pattern=pattern(svc.CLAIM)))
    app.add_handler(CallbackQueryHandler(on_resolve_button, pattern=pattern(svc.RESOLVE)))
    app.add_handler(CallbackQueryHandler(on_outcome, pattern=pattern(svc.OUTCOME)))
    app.add_handler(CommandHandler("note", final(on_note), filters=messages))
    app.add_handler(CommandHandler("resolve", final(on_resolve_command), filters=messages))
    app.add_handler(CommandHandler("alerts", final(on_list), filters=messages))
    app.add_handler(CommandHandler("details", final(on_details), filters=messages))


async def escalate(app: App, now: datetime) -> None:
    """Re-post or hand on unclaimed alerts whose time has come (each stage once)."""
    runtime: Runtime = app.bot_data[RUNTIME_KEY]
    report = await runtime.db.tx(
        lambda c: svc.escalate_tx(
            c,
            runtime.content,
            runtime.config.alerts,
            runtime.config.people.admins,
            int(now.timestamp()),
        )
    )
    if report.unreachable_coordinators:
        log.warning(
            "coordinators without a private chat with the bot were not told",
            extra={"count": report.unreachable_coordinators},
        )
    if report.reposts or report.private:
        log.info(
            "unclaimed alerts escalated",
            extra={"reposts": report.reposts, "private": report.private},
        )
        await drain(app, now)


async def weekly_digest(app: App, now: datetime) -> None:
    """Queue last week's digest for each coordinator once, send it, and follow with a chart."""
    runtime: Runtime = app.bot_data[RUNTIME_KEY]
    content = runtime.content
    queued = await runtime.db.tx(
        lambda c: digest.queue_tx(
            c,
            content,
            now=now,
            zone=runtime.config.locale.zone,
            admin_user_ids=runtime.config.people.admins,
        )
    )
    if queued is None:
        return
    if queued.unreachable and app.bot_data.get(_DIGEST_LOGGED) != queued.week.period:
        app.bot_data[_DIGEST_LOGGED] = queued.week.period  # once a week, not every run
        log.warning(
            "coordinators without a private chat miss the digest",
            extra={"count": queued.unreachable},
        )
    if queued.digest is None:
        return
    await drain(app, now)
    png = await asyncio.to_thread(charts.digest_chart, queued.digest.history)
    for chat_id, lang in queued.recipients:
        caption = content.ui("alerts.digest.chart_caption", lang)
        try:
            await app.bot.send_photo(chat_id, png, caption=caption, parse_mode=ParseMode.HTML)
        except TelegramError as exc:  # the chart is a bonus; the numbers went by the outbox
            log.warning("digest chart not sent", extra={"error_type": type(exc).__name__})
    log.info("weekly digest queued", extra={"week": queued.week.period})


JOBS: list[PeriodicJob] = [
    PeriodicJob("alerts.escalate", timedelta(minutes=1), escalate),
    PeriodicJob("alerts.digest", timedelta(minutes=10), weekly_digest),
]


# --- who is acting ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Who:
    actor: Actor | None
    lang: str


async def _who(update: Update, context: Ctx) -> _Who:
    """The acting volunteer (None for anyone else) and the language to answer in."""
    runtime = runtime_of(context)
    user = update.effective_user
    if user is None:
        return _Who(None, "zh")
    is_admin = runtime.is_admin(user.id)
    now = runtime.ts()
    actor = await runtime.db.tx(
        lambda c: svc.actor_tx(c, telegram_user_id=user.id, is_config_admin=is_admin, now=now)
    )
    if actor is not None:
        return _Who(actor, runtime.content.language(actor.lang))
    caller = await caller_of(update, context)
    return _Who(None, runtime.content.language(caller.lang))


# --- "I'll take it" ------------------------------------------------------------------------


@press(svc.CLAIM, 1, valid=number_parts(0))
async def on_claim(p: Pressed, context: Ctx) -> None:
    """Claim an alert: one winner; the claimer gets the details privately."""
    query, runtime, alert_id = p.query, p.runtime, p.data.int_part(0)
    ui = runtime.content.ui_label
    who = await _who(p.update, context)
    if who.actor is None:
        await query.answer(ui("alerts.claim.not_volunteer", who.lang), show_alert=True)
        return
    actor, now = who.actor, runtime.ts()
    pressed = _group_message(query)

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
            await _apply(context.bot, [learned])
        return
    log.info("alert claimed", extra={"alert": code, "by": actor.pseudonym})
    details = await _read_details(runtime, alert_id, who.lang)
    reached = details is not None and await _send_head(context.bot, runtime, details, actor)
    if reached:
        await query.answer(ui("alerts.claim.done", who.lang, code=code))
    else:
        bot_name = context.bot.username
        await query.answer(
            ui("alerts.claim.open_private", who.lang, code=code, bot=bot_name), show_alert=True
        )
    await _apply(context.bot, result.edits, query)
    if reached and details is not None:
        await _send_tail(context.bot, runtime, details, actor)


def _group_message(query: CallbackQuery) -> tuple[int, int] | None:
    """The pressed message's chat and id, when it is in a group or channel (a card copy)."""
    message = query.message
    if message is None or message.chat.type == ChatType.PRIVATE:
        return None
    return message.chat.id, message.message_id


# --- details in private ----------------------------------------------------------------------


async def _read_details(runtime: Runtime, alert_id: int, lang: str) -> Details | None:
    now = runtime.ts()
    return await runtime.db.run(lambda c: svc.details_tx(c, runtime.content, alert_id, now, lang))


def _detail_blocks(runtime: Runtime, details: Details, lang: str) -> list[str]:
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


def _pack(blocks: list[str]) -> list[str]:
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


async def _send_head(bot: Bot, runtime: Runtime, details: Details, actor: Actor) -> bool:
    """Send the written details; False when the volunteer has no private chat with the bot."""
    lang = runtime.content.language(actor.lang)
    chat_id = await _private_chat(runtime, actor)
    messages = _pack(_detail_blocks(runtime, details, lang))
    try:
        await bot.send_message(chat_id, messages[0], parse_mode=ParseMode.HTML)
    except TelegramError as exc:
        log.info(
            "details not delivered: no private chat",
            extra={"alert": details.alert.code, "error_type": type(exc).__name__},
        )
        return False
    now = runtime.ts()
    await runtime.db.tx(lambda c: svc.record_view_tx(c, details.alert, actor, now))
    for text in messages[1:]:
        await bot.send_message(chat_id, text, parse_mode=ParseMode.HTML)
    return True


async def _send_tail(bot: Bot, runtime: Runtime, details: Details, actor: Actor) -> None:
    """The mood chart and, once there are scores, the WHO-5 chart (for a child), then the
    safeguarding guidance."""
    content = runtime.content
    lang = content.language(actor.lang)
    chat_id = await _private_chat(runtime, actor)
    person = details.person.pseudonym
    try:
        if details.moods and any(w.mood is not None for w in details.moods):
            png = await asyncio.to_thread(charts.mood_chart, details.moods)
            caption = content.ui("alerts.details.chart_caption", lang, person=person)
            await bot.send_photo(chat_id, png, caption=caption, parse_mode=ParseMode.HTML)
        elif details.person.role == "child":
            await bot.send_message(
                chat_id,
                content.ui("alerts.details.no_history", lang, person=person),
                parse_mode=ParseMode.HTML,
            )
        if details.wellbeing:
            png = await asyncio.to_thread(charts.wellbeing_chart, details.wellbeing)
            cutoff = details.wellbeing[-1].cutoff
            caption = content.ui(
                "alerts.details.wellbeing_caption", lang, person=person, cutoff=cutoff
            )
            await bot.send_photo(chat_id, png, caption=caption, parse_mode=ParseMode.HTML)
        await bot.send_message(
            chat_id, content.ui("alerts.details.guidance", lang), parse_mode=ParseMode.HTML
        )
    except TelegramError as exc:  # the written details arrived; these can be asked for again
        log.warning("details follow-up not sent", extra={"error_type": type(exc).__name__})
    alert = details.alert
    if alert.status == "claimed" and alert.claimed_by == actor.person_id:
        await parents.offer_call(bot, runtime, alert.id, chat_id, lang)


async def _private_chat(runtime: Runtime, actor: Actor) -> int:
    """A private chat's id is the user's id; the people row knows it."""
    person = await runtime.db.run(lambda c: people.by_id(c, actor.person_id))
    if person is None or person.telegram_user_id is None:
        raise LookupError("acting volunteer has no Telegram account")
    return person.telegram_user_id


async def on_details(update: Update, context: Ctx) -> None:
    """`/details A-12`: the details again, in private, for the claimer or a coordinator."""
    message = update.effective_message
    chat = update.effective_chat
    if message is None or chat is None:
        return
    runtime = runtime_of(context)
    ui = runtime.content.ui
    who = await _who(update, context)
    private = chat.type == ChatType.PRIVATE
    if who.actor is None:
        if private:
            await message.reply_text(
                ui("alerts.volunteers_only", who.lang), parse_mode=ParseMode.HTML
            )
        return
    parts = (message.text or "").split()
    alert_id = svc.parse_code(parts[1]) if len(parts) > 1 else None
    if alert_id is None:
        await message.reply_text(ui("alerts.usage.details", who.lang), parse_mode=ParseMode.HTML)
        return
    details = await _read_details(runtime, alert_id, who.lang)
    if details is None or details.alert.status == "watch":
        await message.reply_text(
            ui("alerts.unknown", who.lang, code=f"A-{alert_id}"), parse_mode=ParseMode.HTML
        )
        return
    if not svc.may_view(details.alert, who.actor):
        await message.reply_text(
            ui("alerts.details.not_allowed", who.lang, code=details.alert.code),
            parse_mode=ParseMode.HTML,
        )
        return
    if await _send_head(context.bot, runtime, details, who.actor):
        await _send_tail(context.bot, runtime, details, who.actor)
    elif not private:
        await message.reply_text(
            runtime.content.ui(
                "alerts.claim.open_private",
                who.lang,
                code=details.alert.code,
                bot=context.bot.username,
            ),
            parse_mode=ParseMode.HTML,
        )


# --- keeping cards current -------------------------------------------------------------------


async def _apply(bot: Bot, edits: list[Edit], query: CallbackQuery | None = None) -> None:
    """Edit every sent copy of a card; the pressed message too if it was not one of them."""
    targets = [(e.chat_id, e.message_id, e.card) for e in edits]
    if query is not None and query.message is not None and edits:
        pressed = (query.message.chat.id, query.message.message_id)
        if all((chat_id, message_id) != pressed for chat_id, message_id, _ in targets):
            targets.append((*pressed, edits[0].card))
    for chat_id, message_id, card in targets:
        await edit_card(bot, chat_id, message_id, card)


# --- resolving ----------------------------------------------------------------------------------


def _outcome_buttons(runtime: Runtime, alert_id: int, lang: str) -> InlineKeyboardMarkup:
    label = runtime.content.ui_label
    buttons = [
        InlineKeyboardButton(
            label(f"alerts.outcome.{outcome}", lang),
            callback_data=pack(svc.OUTCOME, alert_id, outcome),
        )
        for outcome in svc.OUTCOMES
    ]
    return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])


async def _ask_outcome(bot: Bot, runtime: Runtime, actor: Actor, alert_id: int, code: str) -> bool:
    """Ask the resolver privately how it ended; False when they have no private chat yet."""
    lang = runtime.content.language(actor.lang)
    try:
        await bot.send_message(
            await _private_chat(runtime, actor),
            runtime.content.ui("alerts.resolve.ask", lang, code=code),
            parse_mode=ParseMode.HTML,
            reply_markup=_outcome_buttons(runtime, alert_id, lang),
        )
    except TelegramError as exc:
        log.info("outcome question not delivered", extra={"error_type": type(exc).__name__})
        return False
    return True


def _refusal(runtime: Runtime, result: svc.ResolveResult, lang: str, alert_id: int) -> str:
    ui = runtime.content.ui_label
    code = result.alert.code if result.alert else f"A-{alert_id}"
    if result.status == "closed":
        return ui("alerts.resolve.already", lang, code=code)
    if result.status == "not_yours":
        return ui("alerts.resolve.not_yours", lang, code=code, volunteer=result.holder or "-")
    return ui("alerts.unknown", lang, code=code)


@press(svc.RESOLVE, 1, valid=number_parts(0))
async def on_resolve_button(p: Pressed, context: Ctx) -> None:
    """ "Resolved" on a card: the outcome question goes to the presser's private chat."""
    query, runtime, alert_id = p.query, p.runtime, p.data.int_part(0)
    ui = runtime.content.ui_label
    who = await _who(p.update, context)
    if who.actor is None:
        await query.answer(ui("alerts.resolve.not_volunteer", who.lang), show_alert=True)
        return
    actor = who.actor
    check = await runtime.db.run(lambda c: svc.may_resolve_tx(c, alert_id, actor))
    if check.status != "ok" or check.alert is None:
        await query.answer(_refusal(runtime, check, who.lang, alert_id), show_alert=True)
        return
    code = check.alert.code
    if await _ask_outcome(context.bot, runtime, actor, alert_id, code):
        await query.answer(ui("alerts.resolve.asked", who.lang, code=code))
    else:
        await query.answer(
            ui("alerts.resolve.open_private", who.lang, code=code, bot=context.bot.username),
            show_alert=True,
        )


async def on_resolve_command(update: Update, context: Ctx) -> None:
    """`/resolve A-12` in the group or in private: same as the button."""
    message = update.effective_message
    chat = update.effective_chat
    if message is None or chat is None:
        return
    runtime = runtime_of(context)
    ui = runtime.content.ui
    who = await _who(update, context)
    private = chat.type == ChatType.PRIVATE
    if who.actor is None:
        if private:
            await message.reply_text(
                ui("alerts.volunteers_only", who.lang), parse_mode=ParseMode.HTML
            )
        return
    actor = who.actor
    parts = (message.text or "").split()
    alert_id = svc.parse_code(parts[1]) if len(parts) > 1 else None
    if alert_id is None:
        await message.reply_text(ui("alerts.usage.resolve", who.lang), parse_mode=ParseMode.HTML)
        return
    check = await runtime.db.run(lambda c: svc.may_resolve_tx(c, alert_id, actor))
    if check.status != "ok" or check.alert is None:
        await message.reply_text(_refusal(runtime, check, who.lang, alert_id))  # plain text
        return
    code = check.alert.code
    if await _ask_outcome(context.bot, runtime, actor, alert_id, code):
        if not private:
            await message.reply_text(
                ui("alerts.resolve.asked", who.lang, code=code), parse_mode=ParseMode.HTML
            )
    elif not private:
        await message.reply_text(
            ui("alerts.resolve.open_private", who.lang, code=code, bot=context.bot.username),
            parse_mode=ParseMode.HTML,
        )


@press(svc.OUTCOME, 2, valid=lambda d: number_parts(0)(d) and d.parts[1] in svc.OUTCOMES)
async def on_outcome(p: Pressed, context: Ctx) -> None:
    """An outcome chosen in private: close the alert and show it on every card."""
    query, runtime = p.query, p.runtime
    alert_id, outcome = p.data.int_part(0), p.data.parts[1]
    ui = runtime.content.ui_label
    who = await _who(p.update, context)
    if who.actor is None:
        await query.answer(ui("basics.stale_button", who.lang))
        return
    actor, now = who.actor, runtime.ts()
    result = await runtime.db.tx(
        lambda c: svc.resolve_tx(c, runtime.content, alert_id, actor, outcome, now)
    )
    if result.status != "ok" or result.alert is None:
        await query.answer(_refusal(runtime, result, who.lang, alert_id), show_alert=True)
        if result.status == "closed":
            with_text = _refusal(runtime, result, who.lang, alert_id)
            await _edit_prompt(query, with_text)
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
    await _apply(context.bot, result.edits)


async def _edit_prompt(query: CallbackQuery, text: str) -> None:
    """Replace the outcome question with its answer (and no buttons)."""
    try:
        await query.edit_message_text(text, parse_mode=ParseMode.HTML)
    except BadRequest as exc:
        if "not modified" not in exc.message.lower():
            log.warning("outcome prompt not edited", extra={"reason": exc.message[:80]})
    except TelegramError as exc:
        log.warning("outcome prompt not edited", extra={"error_type": type(exc).__name__})


# --- notes ------------------------------------------------------------------------------------


async def on_note(update: Update, context: Ctx) -> None:
    """`/note A-12 TEXT`: store it; in the group, confirm without repeating it."""
    message = update.effective_message
    chat = update.effective_chat
    if message is None or chat is None:
        return
    runtime = runtime_of(context)
    ui = runtime.content.ui
    who = await _who(update, context)
    private = chat.type == ChatType.PRIVATE
    if who.actor is None:
        if private:
            await message.reply_text(
                ui("alerts.volunteers_only", who.lang), parse_mode=ParseMode.HTML
            )
        return
    actor = who.actor
    parts = (message.text or "").split(maxsplit=2)
    alert_id = svc.parse_code(parts[1]) if len(parts) > 1 else None
    text = parts[2].strip() if len(parts) > 2 else ""
    if alert_id is None or not text:
        await message.reply_text(ui("alerts.usage.note", who.lang), parse_mode=ParseMode.HTML)
        return
    if len(text) > svc.NOTE_MAX:
        await message.reply_text(
            ui("alerts.note.too_long", who.lang, limit=svc.NOTE_MAX), parse_mode=ParseMode.HTML
        )
        return
    now = runtime.ts()
    alert = await runtime.db.tx(lambda c: svc.add_note_tx(c, alert_id, actor, text, now))
    if alert is None:
        await message.reply_text(
            ui("alerts.unknown", who.lang, code=f"A-{alert_id}"), parse_mode=ParseMode.HTML
        )
        return
    log.info("alert note added", extra={"alert": alert.code, "by": actor.pseudonym})
    if private:
        await message.reply_text(
            ui("alerts.note.saved", who.lang, code=alert.code), parse_mode=ParseMode.HTML
        )
        return
    removed = True
    try:
        await message.delete()
    except TelegramError:  # the bot is not an admin of the group: ask the volunteer instead
        removed = False
    key = "alerts.note.saved_removed" if removed else "alerts.note.saved_private_tip"
    await context.bot.send_message(
        chat.id, ui(key, who.lang, code=alert.code), parse_mode=ParseMode.HTML
    )


# --- /alerts ----------------------------------------------------------------------------------


def _age(runtime: Runtime, seconds: int, lang: str) -> str:
    ui = runtime.content.ui_label
    minutes = max(0, seconds) // 60
    if minutes < 60:
        return ui("alerts.age.minutes", lang, n=minutes)
    if minutes < 48 * 60:
        return ui("alerts.age.hours", lang, n=minutes // 60)
    return ui("alerts.age.days", lang, n=minutes // (24 * 60))


async def on_list(update: Update, context: Ctx) -> None:
    """`/alerts`: open alerts with their age, level and who is on them."""
    message = update.effective_message
    chat = update.effective_chat
    if message is None or chat is None:
        return
    runtime = runtime_of(context)
    content = runtime.content
    who = await _who(update, context)
    if who.actor is None:
        if chat.type == ChatType.PRIVATE:
            await message.reply_text(
                content.ui("alerts.volunteers_only", who.lang), parse_mode=ParseMode.HTML
            )
        return
    listed = await runtime.db.run(svc.list_open_tx)
    lang, now = who.lang, runtime.ts()
    if not listed:
        await message.reply_text(content.ui("alerts.list.empty", lang), parse_mode=ParseMode.HTML)
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
    await message.reply_text("\n".join(lines), parse_mode=ParseMode.HTML)
