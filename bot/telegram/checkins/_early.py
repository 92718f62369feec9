"""/checkin: this week's check-in now, or the question where a started one was left."""

from __future__ import annotations

from functools import partial

from bot.services import checkins as svc
from bot.telegram.checkins._dispatch import send_pending
from bot.telegram.command import PASS_ON, Commanded, PassOn, command
from bot.telegram.context import Ctx
from bot.telegram.outgoing import send


@command
async def checkin_command(cmd: Commanded, context: Ctx) -> PassOn | None:
    """/checkin: this week's check-in now (once per week); others fall through to basics."""
    runtime, user_id = cmd.runtime, cmd.caller.user_id
    if user_id is None:  # pragma: no cover - @command only hands over updates with a sender
        return PASS_ON
    now = runtime.now()
    ts = int(now.timestamp())
    found = await runtime.db.tx(
        partial(
            svc.start_early_tx,
            content=runtime.content,
            user_id=user_id,
            chat_id=cmd.chat_id,
            now=ts,
        )
    )
    if found is None:
        return PASS_ON
    app = context.application
    for early in found:
        if early.note is not None:
            await cmd.reply_html(early.note)
        if (
            early.resume is not None
            and early.chat_id is not None
            and early.resume_session is not None
        ):
            sent = await send(app, early.chat_id, early.resume)
            await runtime.db.tx(
                partial(
                    svc.record_resent_tx,
                    session_id=early.resume_session,
                    chat_id=early.chat_id,
                    message_id=sent.message_id,
                    shared_phone=early.shared_phone,
                    now=ts,
                )
            )
        if early.session_id is not None and not await send_pending(app, now, only=early.session_id):
            await cmd.reply_html(runtime.content.ui("checkins.sending_soon", early.lang))
    return None
