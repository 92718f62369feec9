"""How sending one message from a periodic job went (lesson reminders, practice questions)."""

from __future__ import annotations

from enum import StrEnum


class SendOutcome(StrEnum):
    """The service settles each claimed message by this."""

    SENT = "sent"
    BLOCKED = "blocked"  # the person blocked the bot
    FAILED = "failed"  # Telegram refused this message for good
    RETRY = "retry"  # a passing failure: try again on the next run
    HALT = "halt"  # flood control: this and the rest wait for the next run
