"""Inline keyboards from the one button shape, rows of `(label, callback data)`: the only
place the adapter builds them (`bot.outgoing` is the model, `bot.telegram.outgoing` sends)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.outgoing import Buttons


def keyboard(buttons: Iterable[Sequence[Sequence[str]]] | None) -> InlineKeyboardMarkup | None:
    """PTB's inline keyboard for rows of (label, callback data); None for no buttons.

    Takes any sequence pairs, so a keyboard stored as JSON in the outbox (lists, or no key at
    all) works as it is.
    """
    rows = [
        [InlineKeyboardButton(label, callback_data=data) for label, data in row]
        for row in buttons or ()
    ]
    return InlineKeyboardMarkup(rows) if rows else None


def api_markup(buttons: Buttons) -> dict[str, str] | None:
    """The keyboard as Bot API `api_kwargs`, serialised in one step (the hot path).

    Building PTB's InlineKeyboardMarkup and InlineKeyboardButton objects only for PTB to turn
    them back into the same JSON costs more than the rest of Qiao's Python on a check-in answer;
    `api_kwargs` is PTB's documented way to pass a parameter as the Bot API takes it.
    """
    if not buttons:
        return None
    rows = [[{"text": label, "callback_data": data} for label, data in row] for row in buttons]
    return {"reply_markup": json.dumps({"inline_keyboard": rows}, ensure_ascii=False)}
