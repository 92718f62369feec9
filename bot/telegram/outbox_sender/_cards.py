"""Editing one copy of an alert card in a volunteer chat."""

from __future__ import annotations

from telegram import Bot

from bot.services.alerts import Card
from bot.telegram import edits
from bot.telegram.keyboards import keyboard


async def edit_card(bot: Bot, chat_id: int, message_id: int, card: Card) -> None:
    """Edit one copy of a card; a copy that cannot be edited (an old copy in a migrated group,
    flood control, …) is logged and skipped, so the other copies are still edited."""
    await edits.edit_text(
        bot,
        chat_id,
        message_id,
        card.text,
        what="alert card",
        markup=keyboard(card.buttons),
        tolerant=True,
    )
