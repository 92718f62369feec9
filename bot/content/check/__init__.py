"""Every rule the content must follow, checked in one pass over the content folder.

Structural rules (fields, types, counts) live in `schema`; here are the rules that need the
whole folder or the rendered text: unique ids and orders, file names, every language present,
templates that compile and render, Telegram HTML, lengths, button data, audio files and the
crisis numbers. Nothing here raises for a content mistake: each one becomes a `Problem`.
"""

from __future__ import annotations

from bot.content.check._assets import phone_numbers
from bot.content.check._inspect import check_content, inspect_content
from bot.content.check._measure import (
    CALLBACK_LIMIT,
    LABEL,
    MESSAGE,
    MESSAGE_LIMIT,
    READING_SPEED,
    REPLY,
    SESSION_ID_SAMPLE,
    SKIP_OPTION_ID,
    TITLE,
    Inspection,
    Limit,
    StepLength,
    Text,
    reading_seconds,
    step_lengths,
)

__all__ = [
    "CALLBACK_LIMIT",
    "LABEL",
    "MESSAGE",
    "MESSAGE_LIMIT",
    "READING_SPEED",
    "REPLY",
    "SESSION_ID_SAMPLE",
    "SKIP_OPTION_ID",
    "TITLE",
    "Inspection",
    "Limit",
    "StepLength",
    "Text",
    "check_content",
    "inspect_content",
    "phone_numbers",
    "reading_seconds",
    "step_lengths",
]
