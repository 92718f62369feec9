"""A check-in's answered question keeps its choice as one inert button; the child's language."""

from __future__ import annotations

import logging

from telegram import User

from bot.services import checkins as svc
from bot.telegram.context import App
from bot.telegram.edits import edited
from bot.telegram.keyboards import keyboard

log = logging.getLogger(__name__)


async def settle_buttons(
    app: App, reply: svc.AnswerFollowUp, message_id: int, keep: str | None
) -> None:
    """The answered question keeps one inert button showing the choice (a press is refused)."""
    settled = keyboard((((f"✓ {reply.chosen}", keep),),)) if keep is not None else None
    call = app.bot.edit_message_reply_markup(reply.chat_id, message_id, reply_markup=settled)
    await edited(call, what="answered question's buttons")  # the answer stands either way


def user_lang(user: User) -> str:
    """The language to use when the database cannot tell: the Telegram app's, zh by default."""
    return code_lang(user.language_code)


def code_lang(language_code: str | None) -> str:
    """Qiao's language for a Telegram app language code: English for `en…`, else Chinese."""
    return "en" if (language_code or "").startswith("en") else "zh"
