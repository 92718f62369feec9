"""The "I'd like to talk to someone" button on a check-in's closing (bot.services.talk).

The request is committed (alert and outbox row) before anything is sent: the warm reply
and the group's card follow; a failed send loses neither, since the outbox retries the card.
"""

from __future__ import annotations

import logging
from functools import partial

from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler

from bot.services import talk as svc
from bot.services.checkins import Refusal
from bot.telegram.callbacks import pattern as data_pattern
from bot.telegram.context import App, Ctx
from bot.telegram.jobs import PeriodicJob
from bot.telegram.outbox_sender import drain
from bot.telegram.press import Pressed, number_parts, press

log = logging.getLogger(__name__)

JOBS: list[PeriodicJob] = []


def register(app: App) -> None:
    """Add the talk button's handler to the Application."""
    app.add_handler(CallbackQueryHandler(on_talk, pattern=data_pattern(svc.TALK)))


@press(svc.TALK, 1, valid=number_parts(0))
async def on_talk(p: Pressed, context: Ctx) -> None:
    """The child asks for someone to talk to: alert raised, a warm reply, the card posted."""
    runtime = p.runtime
    now = runtime.now()
    ts = int(now.timestamp())
    result = await runtime.db.tx(
        partial(
            svc.talk_tx,
            content=runtime.content,
            user_id=p.user_id,
            chat_id=p.chat_id,
            session_id=p.data.int_part(0),
            now=ts,
        )
    )
    if isinstance(result, Refusal):
        await p.answer(result.key, result.lang)
        return
    await p.answer()  # the request is stored: the reply must come
    try:
        sent = await context.bot.send_message(result.chat_id, result.text)
    except TelegramError as exc:  # the alert is committed; the volunteer still gets in touch
        log.warning("talk reply not sent", extra={"error_type": type(exc).__name__})
    else:
        await runtime.db.tx(
            partial(svc.reply_sent_tx, reply=result, message_id=sent.message_id, now=ts)
        )
    finally:
        if result.post_alert:
            await drain(context.application, now)
