"""The sweep job: questions to send again, reminders, closing, and deleting old exchanges."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from functools import partial

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.runtime import Runtime
from bot.services import checkins as svc
from bot.telegram.context import App, app_runtime
from bot.telegram.edits import edit_text
from bot.telegram.outbox_sender import drain
from bot.telegram.outgoing import send
from bot.telegram.retry import retry_seconds

log = logging.getLogger(__name__)


async def sweep(app: App, now: datetime) -> None:
    """Every few minutes: questions to send again, reminders, closing, and deleting exchanges
    that are due to go."""
    runtime = app_runtime(app)
    ts = int(now.timestamp())
    await _resend(app, runtime, now, ts)
    await _remind(app, runtime, now, ts)
    total = 0
    while True:  # a page per transaction, so an urgent answer waits for one page at most
        closed = await runtime.db.tx(lambda c: svc.close_due_tx(c, runtime.config, ts))
        total += len(closed)
        for item in closed:
            if item.shared_phone or item.chat_id is None or item.question_message is None:
                continue
            note = runtime.content.ui("checkins.closed_note", item.lang)
            await edit_text(  # cosmetic: a press on it would be refused anyway
                app.bot,
                item.chat_id,
                item.question_message,
                note,
                what="closed check-in question",
                tolerant=True,
            )
        await asyncio.sleep(0)
        if len(closed) < svc.PAGE:
            break
    if total:
        log.info("check-ins closed", extra={"count": total})
    deletions = await runtime.db.tx(lambda c: svc.deletions_tx(c, ts))
    for deletion in deletions:
        if not await delete_exchange(app, runtime, deletion, ts):
            break


async def _resend(app: App, runtime: Runtime, now: datetime, ts: int) -> None:
    """Send again the questions that may not have reached the child (a failed edit or send
    after an answer, an unconfirmed first message); a failure is tried again next sweep."""
    resends = await runtime.db.tx(lambda c: svc.resends_tx(c, runtime.content, ts))
    for index, resend in enumerate(resends):
        try:
            message = await send(app, resend.chat_id, resend.message)
        except Forbidden:
            continue  # blocked: the next dispatch or reminder marks the child unreachable
        except BadRequest as exc:  # trying again would only fail again; the reminder remains
            log.error(
                "check-in question not resent: rejected",
                extra={"session": resend.session_id, "error": exc.message},
            )
            continue
        except TelegramError as exc:
            at = ts + retry_seconds(exc) if isinstance(exc, RetryAfter) else ts
            later = resends[index:] if isinstance(exc, RetryAfter) else [resend]
            for item in later:
                await runtime.db.tx(partial(svc.stranded_tx, session_id=item.session_id, at=at))
            log.warning(
                "check-in question not resent; tried again later",
                extra={"session": resend.session_id, "error_type": type(exc).__name__},
            )
            if isinstance(exc, RetryAfter):
                break
            continue
        await runtime.db.tx(
            partial(svc.resent_tx, resend=resend, message_id=message.message_id, now=ts)
        )
    if resends:
        log.info("check-in questions resent", extra={"count": len(resends)})


async def _remind(app: App, runtime: Runtime, now: datetime, ts: int) -> None:
    """Remind children who left their check-in unanswered, a page per transaction (claimed,
    then sent) until none is due or Telegram asks us to slow down; a failed send frees the
    reminder for the next sweep, a blocked chat marks the child unreachable."""
    after = 0
    notices = False
    while True:
        page = await runtime.db.tx(
            partial(
                svc.reminders_tx,
                content=runtime.content,
                config=runtime.config,
                now=ts,
                after=after,
            )
        )
        flooded, noticed = await _send_reminders(app, runtime, page.reminders, ts)
        notices = notices or noticed
        await asyncio.sleep(0)
        if flooded or page.seen < svc.PAGE:
            break
        after = page.last_id
    if notices:
        await drain(app, now)


async def _send_reminders(
    app: App, runtime: Runtime, reminders: list[svc.Reminder], ts: int
) -> tuple[bool, bool]:
    """Send one page of claimed reminders; (Telegram asked us to slow down, a family notice
    was queued)."""
    notices = False
    for index, reminder in enumerate(reminders):
        try:
            message = await send(app, reminder.chat_id, reminder.message)
        except RetryAfter:
            for later in reminders[index:]:
                await runtime.db.tx(partial(svc.release_reminder_tx, session_id=later.session_id))
            return True, notices
        except Forbidden:
            notices = (
                await runtime.db.tx(
                    partial(
                        svc.unreachable_tx,
                        content=runtime.content,
                        child_id=reminder.child_id,
                        session_id=None,
                        now=ts,
                    )
                )
                or notices
            )
            continue
        except TelegramError as exc:  # network errors and odd rejections: try next run
            log.warning(
                "reminder not sent; retried later",
                extra={"session": reminder.session_id, "error_type": type(exc).__name__},
            )
            await runtime.db.tx(partial(svc.release_reminder_tx, session_id=reminder.session_id))
            continue
        await runtime.db.tx(
            partial(svc.reminder_sent_tx, reminder=reminder, message_id=message.message_id, now=ts)
        )
    return False, notices


async def delete_exchange(app: App, runtime: Runtime, deletion: svc.Deletion, ts: int) -> bool:
    """Delete an exchange's messages; False when Telegram asked us to slow down."""
    gone: list[tuple[int, int]] = []
    flooded = False
    for message in deletion.messages:
        try:
            await app.bot.delete_message(message.chat_id, message.message_id)
        except RetryAfter:
            flooded = True
            break
        except (BadRequest, Forbidden) as exc:
            # "message can't be deleted" (older than 48 h), "message to delete not found"
            # (the person deleted it) or a blocked chat: nothing more we can do.
            log.info(
                "check-in message could not be deleted",
                extra={"session": deletion.session_id, "error": exc.message},
            )
        except NetworkError:
            continue
        gone.append((message.chat_id, message.message_id))
    if gone:
        await runtime.db.tx(partial(svc.mark_deleted_tx, gone=gone, now=ts))
    return not flooded
