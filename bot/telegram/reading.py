"""The reading list on Telegram: /inbox, "read ✓", children's pictures and recordings, adults'
offers, and the job that nudges volunteers and tells coordinators about late items.

The decisions live in `bot.services.reading`, `reading_intake` and `reading_jobs`; this module
sends them. Photos, voice notes and video notes are shown to the volunteer by Telegram's file
id, so Qiao never downloads them.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from datetime import datetime, timedelta
from functools import partial

from telegram import Message
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.domain import Refusal
from bot.runtime import Runtime
from bot.services import reading as svc
from bot.services import reading_intake as intake
from bot.services import reading_jobs as jobs
from bot.services.store_faults import Kept, text_level
from bot.telegram import crisis
from bot.telegram.callbacks import pattern as data_pattern
from bot.telegram.command import PASS_ON, Commanded, Incoming, PassOn, command, incoming
from bot.telegram.context import App, Ctx, app_runtime
from bot.telegram.jobs import PeriodicJob
from bot.telegram.keyboards import keyboard
from bot.telegram.outbox_sender import wake
from bot.telegram.press import Pressed, number_parts, press
from bot.telegram.store_faults import on_store_failure
from storage.spill import is_store_failure

log = logging.getLogger(__name__)

ADULT_TEXT_GROUP = 2
"""Caregivers' text is looked at after check-ins (group 1) had their turn, so a typed answer
on a shared phone stays the check-in's."""


def register(app: App) -> None:
    """Add this feature's handlers to the Application."""
    private = filters.ChatType.PRIVATE
    media = filters.PHOTO | filters.VOICE | filters.VIDEO_NOTE
    app.add_handler(CommandHandler("inbox", inbox_command))
    app.add_handler(CallbackQueryHandler(on_read, pattern=data_pattern(svc.READ)))
    app.add_handler(CallbackQueryHandler(on_offer, pattern=data_pattern(svc.OFFER)))
    app.add_handler(MessageHandler(private & media, on_media))
    app.add_handler(
        MessageHandler(private & filters.TEXT & ~filters.COMMAND, on_adult_text),
        group=ADULT_TEXT_GROUP,
    )


async def _answer(m: Incoming, context: Ctx, answer: svc.Answer) -> None:
    """Send the sender's answer: the crisis message through the retrying path, else a reply."""
    runtime, message = m.runtime, m.message
    now = runtime.now()
    app = context.application
    try:
        if answer.send is not None:
            await crisis.send_now(app, runtime, answer.send, now)
        elif not answer.crisis:
            await message.reply_text(answer.text, reply_markup=keyboard(answer.buttons))
    finally:
        if answer.posted:
            wake(app)  # the background sender posts the card


def _media_of(message: Message) -> tuple[str, str] | None:
    """(kind, file id) of a photo (its largest size), voice note or video note."""
    if message.photo:
        return "photo", message.photo[-1].file_id
    if message.voice is not None:
        return "voice", message.voice.file_id
    if message.video_note is not None:
        return "video_note", message.video_note.file_id
    return None


@incoming
async def on_media(m: Incoming, context: Ctx) -> PassOn | None:
    """A child's picture or recording goes on the list; an adult's is offered to the volunteer."""
    runtime, message = m.runtime, m.message
    found = _media_of(message)
    if found is None:
        return PASS_ON
    kind, file_id = found
    try:
        answer = await runtime.db.tx(
            partial(
                intake.media_tx,
                content=runtime.content,
                rules=runtime.risk,
                user_id=m.user_id,
                chat_id=m.chat_id,
                message_id=message.message_id,
                kind=kind,
                file_id=file_id,
                caption=message.caption,
                now=runtime.ts(),
                options=svc.Options.of(runtime.config),
                holder=crisis.holder(context.application),
            )
        )
    except sqlite3.DatabaseError as exc:
        if not is_store_failure(exc):
            raise
        await _media_not_stored(m, context, exc)
        return None
    if answer is None:
        return PASS_ON  # not ours: the calm fallback answers
    await _answer(m, context, answer)
    return None


async def _media_not_stored(m: Incoming, context: Ctx, exc: BaseException) -> None:
    """SQLite refused a child's picture or recording: its caption's signal is kept and handled
    like a refused text (crisis message, spill file, coordinators told); the file is not kept."""
    runtime, message = m.runtime, m.message
    lang = m.language_code or runtime.config.locale.language
    caption = message.caption
    if caption:
        kept = Kept(m.user_id, m.chat_id, runtime.ts(), message_id=message.message_id, text=caption)
        level = text_level(runtime.risk, caption, lang)
        note = await on_store_failure(context.application, runtime, kept, level, lang, exc)
    else:
        log.error("storage failing: a picture or recording was not kept")
        note = runtime.content.ui("basics.not_saved_yet", runtime.content.language(lang))
    if note:
        await message.reply_text(note)


@incoming
async def on_adult_text(m: Incoming, context: Ctx) -> PassOn | None:
    """A caregiver's text nobody was waiting for: a report, or an offer to their volunteer."""
    runtime, message = m.runtime, m.message
    if message.text is None:
        return PASS_ON
    answer = await runtime.db.tx(
        partial(
            intake.adult_text_tx,
            content=runtime.content,
            rules=runtime.risk,
            user_id=m.user_id,
            chat_id=m.chat_id,
            message_id=message.message_id,
            text=message.text,
            now=runtime.ts(),
            options=svc.Options.of(runtime.config),
            holder=crisis.holder(context.application),
        )
    )
    if answer is None:
        return PASS_ON
    await _answer(m, context, answer)
    return None


@press(svc.OFFER, 2, valid=lambda d: number_parts(0)(d) and d.parts[1] in ("y", "n"))
async def on_offer(p: Pressed, context: Ctx) -> None:
    """ "Send it" or "don't send" under an adult's message."""
    runtime = p.runtime
    result = await runtime.db.tx(
        partial(
            intake.offer_press_tx,
            content=runtime.content,
            user_id=p.user_id,
            chat_id=p.chat_id,
            item_id=p.data.int_part(0),
            send=p.data.parts[1] == "y",
            now=runtime.ts(),
            options=svc.Options.of(runtime.config),
        )
    )
    if isinstance(result, Refusal):
        await p.answer(result.key, result.lang)
        return
    await p.answer()
    await p.edit_text(result.text)  # the offer's buttons go; the answer says what happened


@command
async def inbox_command(cmd: Commanded, context: Ctx) -> PassOn | None:
    """/inbox: the volunteer's unread items, most serious first, each with "read ✓"."""
    runtime, caller = cmd.runtime, cmd.caller
    if not cmd.private:
        if caller.is_volunteer:  # the list holds children's words: private chats only
            await cmd.reply("onboarding.private_only")
            return None
        return PASS_ON
    user_id, chat_id = caller.user_id or cmd.chat_id, cmd.chat_id
    inbox = await runtime.db.run(
        lambda c: svc.inbox_tx(c, runtime.content, user_id=user_id, chat_id=chat_id)
    )
    if inbox is None:
        return PASS_ON  # not a volunteer: the fallback says the command is not for them
    await cmd.reply_html(inbox.head)
    for shown in inbox.items:
        await context.bot.send_message(chat_id, shown.text, reply_markup=keyboard(shown.buttons))
        if shown.file_id is not None:
            await _send_media(context, runtime, chat_id, shown, inbox.lang)
    return None


async def _send_media(
    context: Ctx, runtime: Runtime, chat_id: int, shown: svc.Shown, lang: str
) -> None:
    """The picture or recording itself, by file id; a file Telegram no longer has is said so."""
    bot = context.bot
    file_id = shown.file_id
    if file_id is None:
        return
    try:
        if shown.kind == "photo":
            await bot.send_photo(chat_id, file_id)
        elif shown.kind == "voice":
            await bot.send_voice(chat_id, file_id)
        elif shown.kind == "video_note":
            await bot.send_video_note(chat_id, file_id)
    except BadRequest:
        log.info("reading list: a file could not be shown", extra={"item": shown.item_id})
        await bot.send_message(chat_id, runtime.content.ui("reading.media_gone", lang))


@press(svc.READ, 1, valid=number_parts(0))
async def on_read(p: Pressed, context: Ctx) -> None:
    """ "Read ✓": marked once, by the family's volunteer; the button becomes a plain tick."""
    runtime = p.runtime
    result = await runtime.db.tx(
        partial(
            svc.read_press_tx,
            content=runtime.content,
            user_id=p.user_id,
            chat_id=p.chat_id,
            item_id=p.data.int_part(0),
            now=runtime.ts(),
        )
    )
    if isinstance(result, Refusal):
        await p.answer(result.key, result.lang)
        return
    with contextlib.suppress(TelegramError):
        await p.query.answer(result.answer)
    done = keyboard((((result.label, p.query.data or ""),),))
    await p.edit_markup(done)  # not modified, or the message is gone: it is read


# --- the job ----------------------------------------------------------------------------


async def sweep(app: App, now: datetime) -> None:
    """Every few minutes: the daily nudges, the late report, forgetting unanswered offers."""
    runtime = app_runtime(app)
    ts = int(now.timestamp())
    config = runtime.config
    content = runtime.content
    queued = 0
    if config.reading_list.enabled:
        queued += await runtime.db.tx(lambda c: jobs.nudges_tx(c, content, config, ts))
    queued += await runtime.db.tx(lambda c: jobs.late_tx(c, content, config, ts))
    await runtime.db.tx(lambda c: jobs.forget_offers_tx(c, ts))
    if queued:
        wake(app)


JOBS: list[PeriodicJob] = [PeriodicJob("reading.sweep", timedelta(minutes=10), sweep)]


__all__ = ["JOBS", "register", "sweep"]
