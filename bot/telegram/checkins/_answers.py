"""A child's answers: the answer buttons, typed answers and free messages, and what follows."""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from datetime import datetime
from functools import partial

from telegram.error import NetworkError, RetryAfter, TelegramError

from bot.runtime import Runtime
from bot.services import checkins as svc
from bot.services.child_messages import FreeMessage
from bot.services.reading import Options as ReadingOptions
from bot.services.store_faults import Kept, press_level, text_level
from bot.telegram import crisis
from bot.telegram.checkins._views import code_lang, settle_buttons, user_lang
from bot.telegram.command import PASS_ON, Incoming, PassOn, incoming
from bot.telegram.context import App, Ctx
from bot.telegram.outbox_sender import wake
from bot.telegram.outgoing import edit, send
from bot.telegram.press import Pressed, number_parts, press
from bot.telegram.retry import retry_seconds
from bot.telegram.store_faults import on_store_failure
from storage.spill import is_store_failure

log = logging.getLogger(__name__)


@press(svc.ANSWER, 3, valid=number_parts(0))
async def on_answer(p: Pressed, context: Ctx) -> None:
    """A check-in answer button (or skip): stored, assessed, answered, next question."""
    runtime, query, data = p.runtime, p.query, p.data
    user = query.from_user
    session_id = data.int_part(0)
    now = runtime.now()
    pressed = query.message.message_id if query.message is not None else None
    try:
        result = await runtime.db.tx(
            partial(
                svc.answer_button_tx,
                content=runtime.content,
                rules=runtime.risk,
                user_id=user.id,
                chat_id=p.chat_id,
                session_id=session_id,
                question_id=data.parts[1],
                option_id=data.parts[2],
                now=int(now.timestamp()),
                pressed_message=pressed,
                holder=crisis.holder(context.application),
                duty_phone=runtime.config.safety.duty_phone,
            )
        )
    except sqlite3.DatabaseError as exc:
        if not is_store_failure(exc):
            raise
        kept = Kept(
            user.id,
            p.chat_id,
            int(now.timestamp()),
            session_id=session_id,
            question_id=data.parts[1],
            option_id=data.parts[2],
            pressed_message=pressed,
        )
        level = press_level(runtime.content, data.parts[1], data.parts[2])
        lang = user_lang(user)
        note = await on_store_failure(context.application, runtime, kept, level, lang, exc)
        with contextlib.suppress(TelegramError):
            await query.answer()
        if note:
            await context.bot.send_message(p.chat_id, note)
        return
    if isinstance(result, svc.Refusal):
        await p.answer(result.key, result.lang)
        return
    await p.answer()  # the answer is stored: the next question must come
    await follow_up(context.application, runtime, result, now, keep=query.data)


async def follow_up(
    app: App, runtime: Runtime, reply: svc.AnswerFollowUp, now: datetime, *, keep: str | None
) -> None:
    """After an accepted (and committed) answer: the crisis message, then the next question or
    the closing.

    Edited into the pressed message when the reply allows it (two calls in all, nothing more
    to record); otherwise the crisis message goes first, the answered buttons are settled and
    the next message is sent and recorded for deleting the exchange later. If Telegram fails
    (a network error, flood control), the sweep sends the question again within minutes, so
    the child is never left without the next question.
    """
    try:
        if reply.crisis is not None:
            await crisis.send_now(app, runtime, reply.crisis, now)
        await _next_message(app, runtime, reply, now, keep=keep)
    except (NetworkError, RetryAfter) as exc:
        ts = int(now.timestamp())
        at = ts + retry_seconds(exc) if isinstance(exc, RetryAfter) else ts
        log.warning(
            "next check-in message failed; the sweep sends it again",
            extra={"session": reply.session_id, "error_type": type(exc).__name__},
        )
        await runtime.db.tx(partial(svc.stranded_tx, session_id=reply.session_id, at=at))
    finally:
        if reply.post_alert:
            wake(app)  # the background sender posts the card; this update is done


async def _next_message(
    app: App, runtime: Runtime, reply: svc.AnswerFollowUp, now: datetime, *, keep: str | None
) -> None:
    """The next question (or the closing): edited in place, else sent anew and recorded."""
    if reply.edit is not None and await edit(
        app, reply.chat_id, reply.edit, reply.follow, what="check-in message"
    ):
        return
    if reply.settle is not None:
        await settle_buttons(app, reply, reply.settle, keep)
    follow = await send(app, reply.chat_id, reply.follow)
    if not reply.record_new:
        return
    await runtime.db.tx(
        partial(
            svc.record_sent_tx,
            session_id=reply.session_id,
            chat_id=reply.chat_id,
            message_ids=[follow.message_id],
            question_message=None if reply.finished else follow.message_id,
            now=int(now.timestamp()),
        )
    )


@incoming
async def on_text(m: Incoming, context: Ctx) -> PassOn | None:
    """A private text: a check-in's free-text answer, or a child's own message; else not ours.

    A text that is not ours (None from the service) goes on to the later handler groups.
    """
    runtime, message = m.runtime, m.message
    if message.text is None:
        return PASS_ON
    now = runtime.now()
    text = message.text
    try:
        result = await runtime.db.tx(
            partial(
                svc.text_tx,
                content=runtime.content,
                rules=runtime.risk,
                user_id=m.user_id,
                chat_id=m.chat_id,
                message_id=message.message_id,
                text=text,
                now=int(now.timestamp()),
                holder=crisis.holder(context.application),
                options=ReadingOptions.of(runtime.config),
            )
        )
    except sqlite3.DatabaseError as exc:
        if not is_store_failure(exc):
            raise
        ts = int(now.timestamp())
        kept = Kept(m.user_id, m.chat_id, ts, message_id=message.message_id, text=text)
        lang = code_lang(m.language_code)
        level = text_level(runtime.risk, text, lang)
        note = await on_store_failure(context.application, runtime, kept, level, lang, exc)
        if note:
            await message.reply_text(note)
        return None
    if result is None:
        return PASS_ON
    app = context.application
    if isinstance(result, FreeMessage):
        try:
            if result.send is not None:
                await crisis.send_now(app, runtime, result.send, now)
            elif not result.crisis:
                await message.reply_text(result.reply)
        finally:
            if result.posted:
                wake(app)  # the background sender posts the card; this update is done
    elif isinstance(result, svc.Again):
        if result.crisis is not None:
            await crisis.send_now(app, runtime, result.crisis, now)
    elif isinstance(result, svc.Refusal):
        await message.reply_text(runtime.content.ui(result.key, result.lang))
    else:
        await follow_up(app, runtime, result, now, keep=None)
    return None
