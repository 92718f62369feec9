"""The shared phone's "I'm …" hand-over button and the tidy-up button."""

from __future__ import annotations

from functools import partial

from bot.services import checkins as svc
from bot.telegram.checkins._sweep import delete_exchange
from bot.telegram.context import Ctx
from bot.telegram.outgoing import send
from bot.telegram.press import Pressed, number_parts, press


@press(svc.GO, 1, valid=number_parts(0))
async def on_take_phone(p: Pressed, context: Ctx) -> None:
    """ "I'm …" on a shared phone: the check-in opens (or resumes) for that child."""
    runtime, session_id = p.runtime, p.data.int_part(0)
    ts = runtime.ts()
    result = await runtime.db.tx(
        partial(
            svc.take_phone_tx,
            content=runtime.content,
            user_id=p.user_id,
            chat_id=p.chat_id,
            session_id=session_id,
            now=ts,
        )
    )
    if isinstance(result, svc.Refusal):
        await p.answer(result.key, result.lang)
        return
    await p.answer()  # the hand-over is stored: the question must come
    sent = await send(context.application, result.chat_id, result.message)
    await runtime.db.tx(
        partial(
            svc.record_sent_tx,
            session_id=result.session_id,
            chat_id=result.chat_id,
            message_ids=[sent.message_id],
            question_message=sent.message_id,
            now=ts,
        )
    )


@press(svc.TIDY, 1, valid=number_parts(0))
async def on_tidy(p: Pressed, context: Ctx) -> None:
    """The tidy-up button: delete the whole exchange from this chat now."""
    runtime, query, session_id = p.runtime, p.query, p.data.int_part(0)
    ts = runtime.ts()
    pressed = query.message.message_id if query.message is not None else None
    result = await runtime.db.tx(
        partial(
            svc.tidy_tx,
            user_id=p.user_id,
            chat_id=p.chat_id,
            session_id=session_id,
            now=ts,
            pressed_message=pressed,
        )
    )
    if isinstance(result, svc.Refusal):
        await p.answer(result.key, result.lang)
        return
    lang = result.home.child.lang
    await p.answer("checkins.tidy_done", lang)
    await delete_exchange(context.application, runtime, result.deletion, ts)
    if result.home.shared_phone:
        await context.bot.send_message(p.chat_id, runtime.content.ui("checkins.shared_done", lang))
