"""Children's weekly check-ins on Telegram: the dispatcher and sweep jobs, buttons, text, commands.

The logic and the order of writes live in `bot.services.checkins` (read its docstring); this
module sends what the services decide and records what Telegram answered. Sending goes
through `app.bot`, so PTB's AIORateLimiter paces it; a `RetryAfter` that still comes through
holds the dispatcher back for the time Telegram asked, `Forbidden` marks the child
unreachable (one notice to their volunteer), and network errors leave the check-in due for
the next run.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update, User
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import (
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.runtime import Runtime
from bot.services import checkins as svc
from bot.services.child_messages import FreeMessage
from bot.services.reading import Options as ReadingOptions
from bot.services.schedule import hhmm
from bot.services.store_faults import Kept, press_level, text_level
from bot.telegram import crisis
from bot.telegram.callbacks import pattern as data_pattern
from bot.telegram.context import RUNTIME_KEY, App, Ctx, runtime_of
from bot.telegram.jobs import PeriodicJob
from bot.telegram.outbox_sender import drain, wake
from bot.telegram.press import Pressed, number_parts, press
from bot.telegram.retry import retry_seconds
from bot.telegram.store_faults import JOB as STORE_KEPT_JOB
from bot.telegram.store_faults import on_store_failure
from storage.spill import is_store_failure

log = logging.getLogger(__name__)

HOLD_KEY = "checkins.hold_until"
"""bot_data: Unix time before which the dispatcher sends nothing (Telegram's RetryAfter)."""
SENDING_KEY = "checkins.sending"
"""bot_data: sessions whose first message is being sent right now (job and /checkin)."""
UNRECORDED_KEY = "checkins.unrecorded"
"""bot_data: sessions sent whose `sent` write failed, with their plan and message id: the write
is retried, the message never re-sent by this process (a restart may send it once more)."""
TEXT_GROUP = 1
"""Children's free text is caught after every feature's group-0 handlers had their turn, so a
text another feature is waiting for (a typed note, a name) is never taken from it."""


def _runtime(app: App) -> Runtime:
    runtime = app.bot_data.get(RUNTIME_KEY)
    if not isinstance(runtime, Runtime):
        raise RuntimeError("Qiao runtime is not attached to this Application")
    return runtime


def _markup(out: svc.Outgoing) -> dict[str, str] | None:
    """The message's inline keyboard as Bot API `api_kwargs`, serialised here in one step.

    Building PTB's InlineKeyboardMarkup and InlineKeyboardButton objects only for PTB to turn
    them back into the same JSON costs more than the rest of Qiao's Python on an answer;
    `api_kwargs` is PTB's documented way to pass a parameter as the Bot API takes it.
    """
    if not out.buttons:
        return None
    keyboard = [
        [{"text": label, "callback_data": data} for label, data in row] for row in out.buttons
    ]
    return {"reply_markup": json.dumps({"inline_keyboard": keyboard}, ensure_ascii=False)}


async def _send(app: App, chat_id: int, out: svc.Outgoing) -> Message:
    message: Message = await app.bot.send_message(
        chat_id, out.text, parse_mode=ParseMode.HTML, api_kwargs=_markup(out)
    )
    return message


def _sending(app: App) -> set[int]:
    found = app.bot_data.setdefault(SENDING_KEY, set())
    if not isinstance(found, set):  # pragma: no cover - only this module writes the key
        raise RuntimeError("bad check-in sending set")
    return found


def _unrecorded(app: App) -> dict[int, tuple[svc.SendPlan, int]]:
    found = app.bot_data.setdefault(UNRECORDED_KEY, {})
    if not isinstance(found, dict):  # pragma: no cover - only this module writes the key
        raise RuntimeError("bad check-in unrecorded map")
    return found


async def _record_sent(app: App, plan: svc.SendPlan, message_id: int, ts: int) -> bool:
    """Step 3; a failure is kept in memory and retried, so this process never sends twice."""
    runtime = _runtime(app)
    unrecorded = _unrecorded(app)
    try:
        await runtime.db.tx(partial(svc.mark_sent_tx, plan=plan, message_id=message_id, now=ts))
    except Exception:  # the message is out: keep trying to record it rather than re-send it
        unrecorded[plan.session_id] = (plan, message_id)
        log.exception("check-in sent but not recorded", extra={"session": plan.session_id})
        return False
    unrecorded.pop(plan.session_id, None)
    return True


# --- jobs -------------------------------------------------------------------------------


async def dispatch(app: App, now: datetime) -> None:
    """Every minute: due children a page at a time — write their sessions (step 1), then send
    what is pending (steps 2 and 3) — before reading the next page.

    One page is one short transaction, so updates (an urgent answer above all) are handled
    between pages, and memory holds one page of first messages however many children are due.
    """
    runtime = _runtime(app)
    await _record_unrecorded(app, int(now.timestamp()))
    total = svc.DispatchCount()
    after = 0
    sent = 0
    more_due = True
    while more_due:
        # At 30 messages a second a large dispatch takes a while: each page reads the clock
        # afresh, so quiet hours, the catch-up window and `sent_at` hold for that page.
        now = max(now, runtime.now())
        ts = int(now.timestamp())
        count = await runtime.db.tx(
            partial(svc.schedule_due_tx, content=runtime.content, config=runtime.config, now=ts)
        )
        total += count
        more_due = count.seen >= svc.PAGE
        while not _held(app, ts):
            page = await runtime.db.tx(
                partial(
                    svc.sendable_tx,
                    content=runtime.content,
                    config=runtime.config,
                    now=ts,
                    after=after,
                )
            )
            after = page.last_id
            sent += await _send_plans(app, page.plans, now)
            if page.seen < svc.PAGE:
                break
            now = max(now, runtime.now())
            ts = int(now.timestamp())
    if total.opened or total.missed or total.skipped:
        log.info(
            "check-ins fell due",
            extra={"opened": total.opened, "missed": total.missed, "skipped": total.skipped},
        )
    if sent:
        log.info("check-ins sent", extra={"count": sent})


def _held(app: App, ts: int) -> bool:
    """Telegram asked us (RetryAfter) to send nothing before a moment still to come."""
    hold = app.bot_data.get(HOLD_KEY, 0)
    return isinstance(hold, int) and ts < hold


async def _record_unrecorded(app: App, ts: int) -> None:
    """Retry step 3 for sessions sent earlier whose `sent` write failed."""
    for plan, message_id in list(_unrecorded(app).values()):
        await _record_sent(app, plan, message_id, ts)


async def send_pending(app: App, now: datetime, *, only: int) -> int:
    """Send one pending session's first message at once (/checkin); 1 if it went out."""
    runtime = _runtime(app)
    ts = int(now.timestamp())
    await _record_unrecorded(app, ts)
    page = await runtime.db.tx(
        partial(svc.sendable_tx, content=runtime.content, config=runtime.config, now=ts, only=only)
    )
    return await _send_plans(app, page.plans, now)


async def _send_plans(app: App, plans: list[svc.SendPlan], now: datetime) -> int:
    """Send first messages one by one, recording each (step 3); return how many went out."""
    runtime = _runtime(app)
    ts = int(now.timestamp())
    unrecorded = _unrecorded(app)
    sending = _sending(app)
    sent = 0
    notices = False
    for plan in plans:
        if plan.session_id in sending or plan.session_id in unrecorded:
            continue
        sending.add(plan.session_id)
        try:
            message = await _send(app, plan.chat_id, plan.message)
        except RetryAfter as exc:
            app.bot_data[HOLD_KEY] = ts + retry_seconds(exc)
            log.warning("flood control: check-ins held back", extra={"seconds": retry_seconds(exc)})
            break
        except Forbidden:
            notices = (
                await runtime.db.tx(
                    partial(
                        svc.unreachable_tx,
                        content=runtime.content,
                        child_id=plan.child_id,
                        session_id=plan.session_id,
                        now=ts,
                    )
                )
                or notices
            )
            log.info("check-in not delivered: blocked", extra={"session": plan.session_id})
            continue
        except BadRequest as exc:
            log.error(
                "check-in rejected by Telegram; retried next run",
                extra={"session": plan.session_id, "error": exc.message},
            )
            continue
        except TimedOut:
            # Telegram may well have delivered it: sending it again now could show the child
            # two copies. It counts as sent; the sweep resends it if nothing is answered.
            await runtime.db.tx(partial(svc.sent_unconfirmed_tx, plan=plan, now=ts))
            log.warning("check-in send timed out; resent later if unanswered")
            continue
        except NetworkError as exc:
            log.warning(
                "network error: check-in retried next run",
                extra={"session": plan.session_id, "error_type": type(exc).__name__},
            )
            continue
        finally:
            sending.discard(plan.session_id)
        await _record_sent(app, plan, message.message_id, ts)
        sent += 1
    if notices:
        await drain(app, now)
    return sent


async def sweep(app: App, now: datetime) -> None:
    """Every few minutes: questions to send again, reminders, closing, and deleting exchanges
    that are due to go."""
    runtime = _runtime(app)
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
            with contextlib.suppress(TelegramError):  # a press on it would be refused anyway
                await app.bot.edit_message_text(
                    note, item.chat_id, item.question_message, parse_mode=ParseMode.HTML
                )
        await asyncio.sleep(0)
        if len(closed) < svc.PAGE:
            break
    if total:
        log.info("check-ins closed", extra={"count": total})
    deletions = await runtime.db.tx(lambda c: svc.deletions_tx(c, ts))
    for deletion in deletions:
        if not await _delete(app, runtime, deletion, ts):
            break


async def _resend(app: App, runtime: Runtime, now: datetime, ts: int) -> None:
    """Send again the questions that may not have reached the child (a failed edit or send
    after an answer, an unconfirmed first message); a failure is tried again next sweep."""
    resends = await runtime.db.tx(lambda c: svc.resends_tx(c, runtime.content, ts))
    for index, resend in enumerate(resends):
        try:
            message = await _send(app, resend.chat_id, resend.message)
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
    """Reminders a page per transaction (claimed, then sent) until none is due or Telegram
    asks us to slow down."""
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
            message = await _send(app, reminder.chat_id, reminder.message)
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


async def _delete(app: App, runtime: Runtime, deletion: svc.Deletion, ts: int) -> bool:
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


JOBS: list[PeriodicJob] = [
    PeriodicJob("checkins.dispatch", timedelta(minutes=1), dispatch),
    PeriodicJob("checkins.sweep", timedelta(minutes=5), sweep),
    STORE_KEPT_JOB,
]


# --- handlers ---------------------------------------------------------------------------


def register(app: App) -> None:
    """Add this feature's handlers to the Application."""
    private = filters.ChatType.PRIVATE
    app.add_handler(CommandHandler("checkin", checkin_command, filters=private))
    app.add_handler(CommandHandler("checkin_time", checkin_time_command, filters=private))
    app.add_handler(CallbackQueryHandler(on_answer, pattern=data_pattern(svc.ANSWER)))
    app.add_handler(CallbackQueryHandler(on_take_phone, pattern=data_pattern(svc.GO)))
    app.add_handler(CallbackQueryHandler(on_tidy, pattern=data_pattern(svc.TIDY)))
    app.add_handler(CallbackQueryHandler(on_day, pattern=data_pattern(svc.DAY)))
    app.add_handler(CallbackQueryHandler(on_time, pattern=data_pattern(svc.TIME)))
    app.add_handler(
        MessageHandler(private & filters.TEXT & ~filters.COMMAND, on_text), group=TEXT_GROUP
    )


async def _refuse_press(update: Update, runtime: Runtime, refusal: svc.Refusal) -> None:
    query = update.callback_query
    if query is not None:
        await query.answer(runtime.content.ui_label(refusal.key, refusal.lang))
    raise ApplicationHandlerStop


@press(svc.ANSWER, 3, valid=number_parts(0))
async def on_answer(p: Pressed, context: Ctx) -> None:
    """A check-in answer button (or skip): stored, assessed, answered, next question."""
    runtime, query, data = p.runtime, p.query, p.data
    user, chat = query.from_user, _Chat(p.chat_id)
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
                chat_id=chat.id,
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
            chat.id,
            int(now.timestamp()),
            session_id=session_id,
            question_id=data.parts[1],
            option_id=data.parts[2],
            pressed_message=pressed,
        )
        level = press_level(runtime.content, data.parts[1], data.parts[2])
        note = await on_store_failure(context.application, runtime, kept, level, _lang(user), exc)
        with contextlib.suppress(TelegramError):
            await query.answer()
        if note:
            await context.bot.send_message(chat.id, note, parse_mode=ParseMode.HTML)
        raise ApplicationHandlerStop from None
    if isinstance(result, svc.Refusal):
        await p.answer(result.key, result.lang)
        return
    await p.answer()  # the answer is stored: the next question must come
    await _continue(context.application, runtime, result, now, keep=query.data)


async def _continue(
    app: App, runtime: Runtime, reply: svc.Reply, now: datetime, *, keep: str | None
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
    app: App, runtime: Runtime, reply: svc.Reply, now: datetime, *, keep: str | None
) -> None:
    if reply.edit is not None and await _edit(app, reply.chat_id, reply.edit, reply.follow):
        return
    if reply.settle is not None:
        await _settle_buttons(app, reply, reply.settle, keep)
    follow = await _send(app, reply.chat_id, reply.follow)
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


async def _edit(app: App, chat_id: int, message_id: int, out: svc.Outgoing) -> bool:
    """Edit a message into `out`; False when it cannot be edited (e.g. the child deleted it)."""
    try:
        await app.bot.edit_message_text(
            out.text, chat_id, message_id, parse_mode=ParseMode.HTML, api_kwargs=_markup(out)
        )
    except BadRequest as exc:
        if "not modified" in exc.message:  # a repeated edit: the message already says it
            return True
        log.info("check-in message not editable; sending anew", extra={"error": exc.message})
        return False
    return True


async def _settle_buttons(app: App, reply: svc.Reply, message_id: int, keep: str | None) -> None:
    """The answered question keeps one inert button showing the choice (a press is refused)."""
    markup = (
        InlineKeyboardMarkup([[InlineKeyboardButton(f"✓ {reply.chosen}", callback_data=keep)]])
        if keep is not None
        else None
    )
    try:
        await app.bot.edit_message_reply_markup(reply.chat_id, message_id, reply_markup=markup)
    except BadRequest as exc:  # not modified, or already deleted: the answer stands
        log.info("could not settle a question's buttons", extra={"error": exc.message})


async def on_text(update: Update, context: Ctx) -> None:
    """A private text: a check-in's free-text answer, or a child's own message; else not ours."""
    runtime = runtime_of(context)
    message = update.effective_message
    user, chat = update.effective_user, update.effective_chat
    if message is None or user is None or chat is None or message.text is None:
        return
    now = runtime.now()
    text = message.text
    try:
        result = await runtime.db.tx(
            partial(
                svc.text_tx,
                content=runtime.content,
                rules=runtime.risk,
                user_id=user.id,
                chat_id=chat.id,
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
        kept = Kept(user.id, chat.id, ts, message_id=message.message_id, text=text)
        level = text_level(runtime.risk, text, _lang(user))
        note = await on_store_failure(context.application, runtime, kept, level, _lang(user), exc)
        if note:
            await message.reply_text(note, parse_mode=ParseMode.HTML)
        raise ApplicationHandlerStop from None
    if result is None:
        return
    app = context.application
    if isinstance(result, FreeMessage):
        try:
            if result.send is not None:
                await crisis.send_now(app, runtime, result.send, now)
            elif not result.crisis:
                await message.reply_text(result.reply, parse_mode=ParseMode.HTML)
        finally:
            if result.posted:
                wake(app)  # the background sender posts the card; this update is done
    elif isinstance(result, svc.Again):
        if result.crisis is not None:
            await crisis.send_now(app, runtime, result.crisis, now)
    elif isinstance(result, svc.Refusal):
        await message.reply_text(
            runtime.content.ui(result.key, result.lang), parse_mode=ParseMode.HTML
        )
    else:
        await _continue(app, runtime, result, now, keep=None)
    raise ApplicationHandlerStop


@dataclass(frozen=True)
class _Chat:
    """The pressed message's chat, as far as these handlers need it."""

    id: int


def _lang(user: User) -> str:
    """The language to use when the database cannot tell: the Telegram app's, zh by default."""
    return "en" if (user.language_code or "").startswith("en") else "zh"


@press(svc.GO, 1, valid=number_parts(0))
async def on_take_phone(p: Pressed, context: Ctx) -> None:
    """ "I'm …" on a shared phone: the check-in opens (or resumes) for that child."""
    runtime, session_id = p.runtime, p.data.int_part(0)
    user, chat = p.query.from_user, _Chat(p.chat_id)
    ts = runtime.ts()
    result = await runtime.db.tx(
        partial(
            svc.take_phone_tx,
            content=runtime.content,
            user_id=user.id,
            chat_id=chat.id,
            session_id=session_id,
            now=ts,
        )
    )
    if isinstance(result, svc.Refusal):
        await p.answer(result.key, result.lang)
        return
    await p.answer()  # the hand-over is stored: the question must come
    sent = await _send(context.application, result.chat_id, result.message)
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
    raise ApplicationHandlerStop


@press(svc.TIDY, 1, valid=number_parts(0))
async def on_tidy(p: Pressed, context: Ctx) -> None:
    """The tidy-up button: delete the whole exchange from this chat now."""
    runtime, query, session_id = p.runtime, p.query, p.data.int_part(0)
    user, chat = query.from_user, _Chat(p.chat_id)
    ts = runtime.ts()
    pressed = query.message.message_id if query.message is not None else None
    result = await runtime.db.tx(
        partial(
            svc.tidy_tx,
            user_id=user.id,
            chat_id=chat.id,
            session_id=session_id,
            now=ts,
            pressed_message=pressed,
        )
    )
    if isinstance(result, svc.Refusal):
        await p.answer(result.key, result.lang)
        return
    lang = result.home.child.lang
    await query.answer(runtime.content.ui_label("checkins.tidy_done", lang))
    await _delete(context.application, runtime, result.deletion, ts)
    if result.home.shared_phone:
        await context.bot.send_message(
            chat.id, runtime.content.ui("checkins.shared_done", lang), parse_mode=ParseMode.HTML
        )
    raise ApplicationHandlerStop


async def checkin_command(update: Update, context: Ctx) -> None:
    """/checkin: this week's check-in now (once per week); others fall through to basics."""
    runtime = runtime_of(context)
    message = update.effective_message
    user, chat = update.effective_user, update.effective_chat
    if message is None or user is None or chat is None:
        return
    now = runtime.now()
    ts = int(now.timestamp())
    found = await runtime.db.tx(
        partial(
            svc.start_early_tx, content=runtime.content, user_id=user.id, chat_id=chat.id, now=ts
        )
    )
    if found is None:
        return
    app = context.application
    for early in found:
        if early.note is not None:
            await message.reply_text(early.note, parse_mode=ParseMode.HTML)
        if (
            early.resume is not None
            and early.chat_id is not None
            and early.resume_session is not None
        ):
            sent = await _send(app, early.chat_id, early.resume)
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
            await message.reply_text(
                runtime.content.ui("checkins.sending_soon", early.lang),
                parse_mode=ParseMode.HTML,
            )
    raise ApplicationHandlerStop


async def checkin_time_command(update: Update, context: Ctx) -> None:
    """/checkin_time: choose the weekday, then the time, by buttons."""
    runtime = runtime_of(context)
    message = update.effective_message
    user, chat = update.effective_user, update.effective_chat
    if message is None or user is None or chat is None:
        return
    homes = await runtime.db.run(lambda c: svc.slot_targets(c, user_id=user.id, chat_id=chat.id))
    if homes is None:
        return
    for home in homes:
        out = svc.weekday_keyboard(runtime.content, home)
        await message.reply_text(out.text, parse_mode=ParseMode.HTML, api_kwargs=_markup(out))
    raise ApplicationHandlerStop


@press(svc.DAY, 2, valid=number_parts(0, 1))
async def on_day(p: Pressed, context: Ctx) -> None:
    """A weekday press: offer the times."""
    await _slot_press(p, None)


@press(svc.TIME, 3, valid=number_parts(0, 1, 2))
async def on_time(p: Pressed, context: Ctx) -> None:
    """A time press: store the new slot and the next due moment."""
    await _slot_press(p, p.data.int_part(2))


async def _slot_press(p: Pressed, minute: int | None) -> None:
    runtime, query = p.runtime, p.query
    user, chat = query.from_user, _Chat(p.chat_id)
    child_id, weekday = p.data.int_part(0), p.data.int_part(1)
    ts = runtime.ts()
    result = await runtime.db.tx(
        partial(
            svc.slot_press_tx,
            user_id=user.id,
            chat_id=chat.id,
            child_id=child_id,
            weekday=weekday,
            minute=minute,
            now=ts,
        )
    )
    if isinstance(result, svc.Refusal):
        await p.answer(result.key, result.lang)
        return
    await p.answer()
    content = runtime.content
    if minute is None:
        out = svc.time_keyboard(content, result, weekday)
    else:
        lang = result.child.lang
        out = svc.Outgoing(
            content.ui(
                "checkins.time_set",
                lang,
                weekday=svc.weekday_name(content, weekday, lang),
                time=hhmm(minute),
            )
        )
    with contextlib.suppress(BadRequest):  # "message is not modified" after a double press
        await query.edit_message_text(out.text, parse_mode=ParseMode.HTML, api_kwargs=_markup(out))


__all__ = ["JOBS", "dispatch", "register", "send_pending", "sweep"]
