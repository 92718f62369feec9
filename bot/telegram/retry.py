"""Reading Telegram's flood-control and migration errors the same way everywhere."""

from __future__ import annotations

from datetime import timedelta

from telegram.error import RetryAfter


def retry_seconds(error: RetryAfter) -> int:
    """RetryAfter.retry_after is an int in PTB 22 and becomes a timedelta later: take both."""
    value: object = error.retry_after
    if isinstance(value, timedelta):
        return max(1, int(value.total_seconds() + 0.999))
    if isinstance(value, int | float):
        return max(1, int(value + 0.999))
    return 30


def backoff_seconds(attempts: int) -> int:
    """Exponential backoff for network failures: 5 s, 10 s, 20 s … capped at 10 minutes."""
    return int(min(600, 5 * 2 ** min(attempts, 10)))
