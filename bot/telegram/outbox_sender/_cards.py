"""Cards as Telegram shows them: the inline keyboard from stored rows, and editing one copy."""

from __future__ import annotations

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup

from bot.services.alerts import Card
from bot.telegram import edits


def keyboard(buttons: list[list[list[str]]] | None) -> InlineKeyboardMarkup | None:
    """Build an inline keyboard from stored [[label, callback data], …] rows."""
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(label, callback_data=data) for label, data in row]
            for row in buttons
        ]
    )


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
