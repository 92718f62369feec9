"""Joining as a parent on Telegram: the screens of the join flow and their presses.

Each press (`pa:<step>:0:<value>`) goes to `bot.services.parents.join_step`, which checks it
against the chat's stored step and the presser; a press that does not fit returns None and the
dispatcher in bot/telegram/parents.py answers it as stale.
"""

from __future__ import annotations

import logging

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import TelegramError

from bot.runtime import Runtime
from bot.services import onboarding as onboarding_service
from bot.services import parents as svc
from bot.services.onboarding import Screen
from bot.telegram import parent_views as views
from bot.telegram.context import Ctx
from storage import parents as repo

log = logging.getLogger(__name__)
PREFIX = views.PREFIX
ACTIONS = ("lang", "ok", "rel", "tz", "qt", "day", "time")


async def send(
    context: Ctx, chat_id: int, text: str, keyboard: InlineKeyboardMarkup | None = None
) -> Message:
    """Send one HTML message (the join flow answers the person's own presses directly)."""
    return await context.bot.send_message(chat_id, text, reply_markup=keyboard)


def rows(
    runtime: Runtime, lang: str, action: str, choices: list[tuple[str, str]], width: int = 2
) -> InlineKeyboardMarkup:
    """Buttons `pa:<action>:0:<value>` with UI labels, `width` to a row."""
    content = runtime.content
    buttons = [
        InlineKeyboardButton(content.ui_label(key, lang), callback_data=f"{PREFIX}:{action}:0:{v}")
        for key, v in choices
    ]
    return InlineKeyboardMarkup([buttons[i : i + width] for i in range(0, len(buttons), width)])


def slot_text(runtime: Runtime, lang: str, weekday: int, minute: int) -> dict[str, str]:
    """A weekly slot as the texts name it: weekday and HH:MM."""
    return {
        "weekday": runtime.content.ui_label(f"onboarding.weekday.{weekday}", lang),
        "time": f"{minute // 60:02d}:{minute % 60:02d}",
    }


# --- joining ------------------------------------------------------------------------------


async def show(context: Ctx, chat_id: int, screen: Screen) -> None:
    """Screens of the parent flow that onboarding's link handler returned."""
    runtime = context.runtime
    content = runtime.content
    person = screen.person
    if screen.name == "parent_added" and person is not None:
        await send(context, chat_id, content.ui("parents.added", person.lang))
    elif screen.name == "parent_lang" and person is not None:
        text = "\n\n".join(content.ui("onboarding.lang.prompt", code) for code in ("zh", "en"))
        choices = [(f"onboarding.lang.{code}", code) for code in onboarding_service.LANGUAGES]
        await send(context, chat_id, text, rows(runtime, "zh", "lang", choices))


_CHOICES: dict[str, tuple[str, str, list[tuple[str, str]], int]] = {
    "parent_consent": (
        "parents.consent",
        "ok",
        [("onboarding.button.agree", "y"), ("onboarding.button.decline", "n")],
        2,
    ),
    "parent_relation": (
        "parents.relation.prompt",
        "rel",
        [(f"parents.relation.{r}", r) for r in svc.RELATIONS],
        2,
    ),
    "parent_zone": (
        "parents.zone.prompt",
        "tz",
        [(f"parents.zone.{i}", str(i)) for i in range(len(svc.ZONES))],
        2,
    ),
    "parent_quiet": (
        "parents.quiet.prompt",
        "qt",
        [(f"parents.quiet.{i}", str(i)) for i in range(len(svc.QUIET))],
        1,
    ),
}
"""Join screens that are one question with fixed choices: prompt, press action, (label key,
value) pairs, buttons per row."""


async def show_step(context: Ctx, chat_id: int, step: svc.Step) -> None:
    """Show the screen a join press led to."""
    runtime = context.runtime
    content = runtime.content
    lang = step.person.lang
    name = step.screen
    choice = _CHOICES.get(name)
    if choice is not None:
        prompt, action, choices, width = choice
        await send(
            context,
            chat_id,
            content.ui(prompt, lang),
            rows(runtime, lang, action, choices, width=width),
        )
    elif name == "parent_declined":
        await send(context, chat_id, content.ui("parents.declined", lang))
    elif name == "parent_day":
        await send(
            context,
            chat_id,
            content.ui("parents.day.prompt", lang),
            day_rows(runtime, lang, "day"),
        )
    elif name == "parent_time" and step.setting is not None:
        await send(
            context,
            chat_id,
            content.ui("parents.time.prompt", lang),
            time_rows(step.setting, "time", "0"),
        )
    elif name == "parent_done" and step.setting is not None:
        setting = step.setting
        slot = slot_text(runtime, lang, setting.call_weekday or 0, setting.call_minute or 0)
        await send(context, chat_id, content.ui("parents.done", lang, **slot))
        from bot.telegram.onboarding import set_chat_commands  # the menus live there

        await set_chat_commands(context.bot, content, chat_id, "parent", lang)
    elif name == "registered":
        await send(context, chat_id, content.ui("onboarding.link.registered", lang))


def day_rows(runtime: Runtime, lang: str, action: str) -> InlineKeyboardMarkup:
    """The seven weekday buttons."""
    choices = [(f"onboarding.weekday.{d}", str(d)) for d in range(7)]
    return rows(runtime, lang, action, choices, width=4)


def time_rows(setting: repo.Settings, action: str, target: str) -> InlineKeyboardMarkup:
    """The call times outside the parent's quiet hours."""
    buttons = [
        InlineKeyboardButton(
            f"{m // 60:02d}:{m % 60:02d}", callback_data=f"{PREFIX}:{action}:{target}:{m}"
        )
        for m in svc.allowed_minutes(setting)
    ]
    return InlineKeyboardMarkup([buttons[i : i + 4] for i in range(0, len(buttons), 4)])


async def retire(query: CallbackQuery) -> None:
    """Take the buttons off a pressed message (cosmetic, never fatal)."""
    try:
        await query.edit_message_reply_markup(reply_markup=None)
    except TelegramError as exc:  # cosmetic
        log.info("pressed message not edited", extra={"error_type": type(exc).__name__})


async def press(
    update: Update, context: Ctx, query: CallbackQuery, action: str, value: str
) -> bool:
    """One press of the join flow; False when the service refused it."""
    runtime = context.runtime
    user = query.from_user
    chat_id = query.message.chat.id if query.message else user.id
    quiet = runtime.config.quiet_hours
    default_quiet = (
        quiet.start.hour * 60 + quiet.start.minute,
        quiet.end.hour * 60 + quiet.end.minute,
    )
    step = await runtime.db.tx(
        lambda c: svc.join_step(
            c,
            chat_id=chat_id,
            user_id=user.id,
            action=action,
            value=value,
            now=runtime.ts(),
            default_quiet=default_quiet,
        )
    )
    if step is None:
        return False
    await query.answer()
    await retire(query)
    log.info("parent joining", extra={"screen": step.screen})
    await show_step(context, chat_id, step)
    return True
