"""The one message model: what every feature's view returns and the adapter sends.

A view (bot/views/, or a service that words its own messages) turns a result into `Outgoing`:
Telegram-HTML text, inline buttons as rows of `(label, callback data)` built with
`bot.callbacks.pack`, and for "read it to me" a voice file that carries the text as its
caption. `bot/telegram/outgoing.py` is the one place that turns it into Bot API calls, so no
feature builds PTB keyboards of its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

Button = tuple[str, str]
"""One inline button: its label, and the callback data it sends back."""
Row = tuple[Button, ...]
Buttons = tuple[Row, ...]
"""A keyboard: rows of buttons, top to bottom."""


@dataclass(frozen=True)
class Outgoing:
    """One message to send: HTML text, its buttons, and maybe a voice file to send it as."""

    text: str
    buttons: Buttons = ()
    voice: Path | None = None


def grid(buttons: Iterable[Button], width: int) -> Buttons:
    """Buttons laid out `width` to a row (the last row may be shorter)."""
    flat = tuple(buttons)
    return tuple(flat[i : i + width] for i in range(0, len(flat), width))


def column(buttons: Iterable[Button]) -> Buttons:
    """One button per row: the big-button layout for grandparents."""
    return grid(buttons, 1)
