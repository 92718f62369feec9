"""The "I'd like to talk to someone" button on a check-in's closing (bot.services.talk).

The request is committed (alert and outbox row) before anything is sent: the warm reply
and the group's card follow; a failed send loses neither, since the outbox retries the card.
"""

from __future__ import annotations

import contextlib
import logging
from functools import partial

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, CallbackQueryHandler

from bot.services import talk as svc
from bot.services.checkins import Refusal
from bot.telegram.callbacks import CallbackDataError, unpack
from bot.telegram.callbacks import pattern as data_pattern
from bot.telegram.context import App, Ctx, runtime_of
from bot.telegram.jobs import PeriodicJob
from bot.telegram.outbox_sender import drain

log = logging.getLogger(__name__)

JOBS: list[PeriodicJob] = []


def register(app: App) -> None:
    """Add the talk button's handler to the Application."""
    app.add_handler(CallbackQueryHandler(on_talk, pattern=data_pattern(svc.TALK)))


async def on_talk(update: Update, context: Ctx) -> None:
    """The child asks for someone to talk to: alert raised, a warm reply, the card posted."""
    runtime = runtime_of(context)
    query = update.callback_query
    user, chat = update.effective_user, update.effective_chat
    if query is None or user is None or chat is None:
        return
    try:
        session_id = unpack(query.data, svc.TALK, 1).int_part(0)
    except CallbackDataError:
        await query.answer(runtime.content.ui_label("basics.stale_button", "zh"))
        raise ApplicationHandlerStop from None
    now = runtime.now()
    ts = int(now.timestamp())
    result = await runtime.db.tx(
        partial(
            svc.talk_tx,
            content=runtime.content,
            user_id=user.id,
            chat_id=chat.id,
            session_id=session_id,
            now=ts,
        )
    )
    if isinstance(result, Refusal):
        await query.answer(runtime.content.ui_label(result.key, result.lang))
        raise ApplicationHandlerStop
    with contextlib.suppress(TelegramError):  # the request is stored: the reply must come
        await query.answer()
    try:
        sent = await context.bot.send_message(
            result.chat_id, result.text, parse_mode=ParseMode.HTML
        )
    except TelegramError as exc:  # the alert is committed; the volunteer still gets in touch
        log.warning("talk reply not sent", extra={"error_type": type(exc).__name__})
    else:
        await runtime.db.tx(
            partial(svc.reply_sent_tx, reply=result, message_id=sent.message_id, now=ts)
        )
    finally:
        if result.post_alert:
            await drain(context.application, now)
    raise ApplicationHandlerStop
