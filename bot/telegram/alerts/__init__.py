"""The alert desk on Telegram: the card's buttons, /note, /resolve, /alerts, /details, and jobs.

Thin on purpose: bot.services.alerts decides who may do what and changes the rows with
conditional UPDATEs; this package checks who pressed, sends, and edits. The volunteer chat may
be a group, a supergroup or a channel: buttons work in all three (a channel's presses carry
the admin who pressed), typed commands in groups and in a volunteer's private chat (a
channel post has no sender to check, so commands there are ignored).

Privacy: the group only ever receives cards (pseudonyms, labels, categories) and short
confirmations. A child's words go to one place: the private chat of the volunteer who took
the alert (or a coordinator), and every such view is written to the audit log.

Private modules by job: who acts (`_common`), claiming, resolving, the details, /note and
/alerts, the jobs; this module wires them.
"""

from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.services import alerts as svc
from bot.telegram.alerts._claim import on_claim
from bot.telegram.alerts._commands import LISTED, on_list, on_note
from bot.telegram.alerts._details import (
    MESSAGE_BUDGET,
    NOTE_SHOWN,
    NOTES_SHOWN,
    WORDS_SHOWN,
    on_details,
)
from bot.telegram.alerts._jobs import JOBS, escalate, weekly_digest
from bot.telegram.alerts._resolve import on_outcome, on_resolve_button, on_resolve_command
from bot.telegram.callbacks import pattern
from bot.telegram.context import App

__all__ = [
    "JOBS",
    "LISTED",
    "MESSAGE_BUDGET",
    "NOTES_SHOWN",
    "NOTE_SHOWN",
    "WORDS_SHOWN",
    "escalate",
    "on_claim",
    "on_details",
    "on_list",
    "on_note",
    "on_outcome",
    "on_resolve_button",
    "on_resolve_command",
    "register",
    "weekly_digest",
]


def register(app: App) -> None:
    """Add the alert desk's handlers (group 0, after the other features)."""
    messages = filters.UpdateType.MESSAGE  # not edits, not channel posts (they have no sender)
    app.add_handler(CallbackQueryHandler(on_claim, pattern=pattern(svc.CLAIM)))
    app.add_handler(CallbackQueryHandler(on_resolve_button, pattern=pattern(svc.RESOLVE)))
    app.add_handler(CallbackQueryHandler(on_outcome, pattern=pattern(svc.OUTCOME)))
    app.add_handler(CommandHandler("note", on_note, filters=messages))
    app.add_handler(CommandHandler("resolve", on_resolve_command, filters=messages))
    app.add_handler(CommandHandler("alerts", on_list, filters=messages))
    app.add_handler(CommandHandler("details", on_details, filters=messages))
