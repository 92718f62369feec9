"""Children's weekly check-ins on Telegram: the dispatcher and sweep jobs, buttons, text, commands.

The logic and the order of writes live in `bot.services.checkins` (read its docstring); this
package sends what the services decide and records what Telegram answered. Sending goes
through `app.bot`, so PTB's AIORateLimiter paces it; a `RetryAfter` that still comes through
holds the dispatcher back for the time Telegram asked, `Forbidden` marks the child
unreachable (one notice to their volunteer), and network errors leave the check-in due for
the next run.

One module per job: `_dispatch` and `_sweep` (the periodic jobs), `_answers` (answer buttons
and text), `_phone` (shared phone hand-over, tidy-up), `_early` (/checkin), `_slots`
(/checkin_time), `_views` (sending and editing messages).
"""

from __future__ import annotations

from datetime import timedelta

from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.services import checkins as svc
from bot.telegram.callbacks import pattern as data_pattern
from bot.telegram.checkins._answers import on_answer, on_text
from bot.telegram.checkins._dispatch import (
    HOLD_KEY,
    SENDING_KEY,
    UNRECORDED_KEY,
    dispatch,
    send_pending,
)
from bot.telegram.checkins._early import checkin_command
from bot.telegram.checkins._phone import on_take_phone, on_tidy
from bot.telegram.checkins._slots import checkin_time_command, on_day, on_time
from bot.telegram.checkins._sweep import sweep
from bot.telegram.context import App
from bot.telegram.jobs import PeriodicJob
from bot.telegram.store_faults import JOB as STORE_KEPT_JOB

TEXT_GROUP = 1
"""Children's free text is caught after every feature's group-0 handlers had their turn, so a
text another feature is waiting for (a typed note, a name) is never taken from it."""

JOBS: list[PeriodicJob] = [
    PeriodicJob("checkins.dispatch", timedelta(minutes=1), dispatch),
    PeriodicJob("checkins.sweep", timedelta(minutes=5), sweep),
    STORE_KEPT_JOB,
]


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


__all__ = [
    "HOLD_KEY",
    "JOBS",
    "SENDING_KEY",
    "TEXT_GROUP",
    "UNRECORDED_KEY",
    "dispatch",
    "register",
    "send_pending",
    "sweep",
]
