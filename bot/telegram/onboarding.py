"""The onboarding feature's handlers: invitation links, consent, families, pausing, erasure.

Thin on purpose: each handler checks the caller's role, runs one service function of
bot/services/onboarding.py or bot/services/erasure.py in one transaction, and renders what
it returns. Every button carries `ob:<action>:<id>:<value>`; the service checks the press
against the presser and the stored state, and a press it refuses changes nothing.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Sequence
from datetime import datetime

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    filters,
)

from bot.config import WEEKDAYS
from bot.content import ContentBundle
from bot.runtime import Runtime
from bot.services import erasure as erasure_service
from bot.services import onboarding as service
from bot.services.onboarding import Link, Screen
from bot.telegram import emergency, parents
from bot.telegram.callbacks import pack, pattern
from bot.telegram.context import App, Caller, Ctx, caller_of, runtime_of
from bot.telegram.jobs import PeriodicJob
from bot.telegram.press import Pressed, final, number_parts, press
from storage import erasure, families, people
from storage.families import Family
from storage.people import Person

log = logging.getLogger(__name__)
PREFIX = "ob"
JOBS: list[PeriodicJob] = []

# The command menu each role sees (descriptions: onboarding.cmd.<name> in the person's language).
ROLE_COMMANDS: dict[str, tuple[str, ...]] = {
    "stranger": ("start", "help"),
    "caregiver": ("next", "lessons", "voice", "help", "stop", "resume", "deleteme", "emergency"),
    "child": ("checkin", "checkin_time", "sharing", "help", "stop", "resume"),
    "parent": ("calltime", "next", "lessons", "help", "stop", "resume", "deleteme", "emergency"),
    "volunteer": (
        "newfamily",
        "family",
        "nickname",
        "alerts",
        "inbox",
        "note",
        "erase",
        "help",
        "stop",
        "resume",
    ),
    "admin": (
        "invite",
        "newfamily",
        "family",
        "nickname",
        "alerts",
        "inbox",
        "note",
        "erase",
        "help",
        "stop",
        "resume",
    ),
}
ADDRESSES = ("grandma", "grandpa", "waipo", "waigong", "laolao", "laoye", "other")
"""Forms of address offered at onboarding: maternal grandparents are 外婆/外公 in the south
and 姥姥/姥爷 in the north (Shandong, Henan); "other" stores no name (texts use a neutral one)."""
AGE_BUTTONS = {"young": "10-12", "older": "13-16"}


def register(app: App) -> None:
    """Add this feature's handlers to the Application (group 0, tried before the others)."""
    private = filters.ChatType.PRIVATE
    with_payload = filters.Regex(r"^/start(@\w+)?\s+\S")
    handlers: list[BaseHandler[Update, Ctx, None]] = [
        CommandHandler("start", final(open_link), filters=private & with_payload),
        CommandHandler("invite", final(invite)),
        CommandHandler("newfamily", final(new_family)),
        CommandHandler("family", final(family)),
        CommandHandler("nickname", final(nickname)),
        CommandHandler("erase", final(erase)),
        CommandHandler("stop", final(stop), filters=private),
        CommandHandler("resume", final(resume), filters=private),
        CommandHandler("deleteme", final(deleteme), filters=private),
        CallbackQueryHandler(on_button, pattern=pattern(PREFIX)),
    ]
    for handler in handlers:
        app.add_handler(handler)


# --- command menus -----------------------------------------------------------------------


def commands_for(role: str, lang: str, content: ContentBundle) -> list[BotCommand]:
    """A role's command menu in one language."""
    return [
        BotCommand(name, content.ui_label(f"onboarding.cmd.{name}", lang))
        for name in ROLE_COMMANDS[role]
    ]


async def set_chat_commands(
    bot: Bot, content: ContentBundle, chat_id: int, role: str, lang: str
) -> None:
    """Show a person their role's commands (a menu is a convenience: failures are logged)."""
    try:
        await bot.set_my_commands(
            commands_for(role, lang, content),
            scope=BotCommandScopeChat(chat_id),
            language_code=None,
        )
    except TelegramError as exc:
        log.warning("could not set a chat's commands", extra={"error_type": type(exc).__name__})


async def reset_chat_commands(bot: Bot, chat_id: int) -> None:
    """After erasure a chat falls back to the strangers' menu."""
    try:
        await bot.delete_my_commands(scope=BotCommandScopeChat(chat_id))
    except TelegramError as exc:
        log.warning("could not reset a chat's commands", extra={"error_type": type(exc).__name__})


async def sync_default_commands(bot: Bot, content: ContentBundle) -> None:
    """The menu for everyone without a role (/start, /help): Chinese by default, English too."""
    await bot.set_my_commands(commands_for("stranger", "zh", content), language_code=None)
    await bot.set_my_commands(commands_for("stranger", "en", content), language_code="en")


# --- small helpers -----------------------------------------------------------------------


def _both(content: ContentBundle, key: str, **values: object) -> str:
    """Chinese, then English: for people whose language we do not know yet."""
    return f"{content.ui(key, 'zh', **values)}\n\n{content.ui(key, 'en', **values)}"


def _button(
    content: ContentBundle, key: str, lang: str, *parts: object, **values: object
) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        content.ui_label(key, lang, **values), callback_data=pack(PREFIX, *parts)
    )


def _keyboard(rows: Sequence[Sequence[InlineKeyboardButton]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([list(row) for row in rows])


async def _send(
    context: Ctx, chat_id: int, text: str, keyboard: InlineKeyboardMarkup | None = None
) -> Message:
    return await context.bot.send_message(
        chat_id, text, parse_mode=ParseMode.HTML, reply_markup=keyboard
    )


async def _retire(query: CallbackQuery, mark: str | None = None) -> None:
    """Take the buttons off a pressed message (adding the choice made); cosmetic, so never fatal."""
    message = query.message
    if not isinstance(message, Message):
        return
    try:
        if mark is None or message.text is None:
            await query.edit_message_reply_markup(reply_markup=None)
        else:
            await query.edit_message_text(
                f"{message.text_html}\n\n{mark}", parse_mode=ParseMode.HTML
            )
    except BadRequest as exc:  # "message is not modified", or too old to edit
        log.info("pressed message not edited", extra={"error_type": type(exc).__name__})


def _until(runtime: Runtime, at: int) -> str:
    local = datetime.fromtimestamp(at, runtime.config.locale.zone)
    return f"{local:%Y-%m-%d}"


def _url(context: Ctx, link: Link) -> str:
    return f"https://t.me/{context.bot.username}?start={link.token}"


def _consent_version(content: ContentBundle, lang: str) -> int:
    return int(content.ui_label("onboarding.consent.version", lang))


def _local_slot(content: ContentBundle, lang: str, weekday: int, minute: int) -> dict[str, str]:
    return {
        "weekday": content.ui_label(f"onboarding.weekday.{weekday}", lang),
        "time": f"{minute // 60:02d}:{minute % 60:02d}",
    }


async def _private_or_note(update: Update, context: Ctx, caller: Caller) -> bool:
    """True in a private chat; in the volunteer group, volunteers get a short pointer."""
    chat = update.effective_chat
    message = update.effective_message
    if chat is not None and chat.type == ChatType.PRIVATE:
        return True
    if caller.is_volunteer and message is not None:
        content = runtime_of(context).content
        await message.reply_text(
            content.ui("onboarding.private_only", caller.lang), parse_mode=ParseMode.HTML
        )
    return False


async def _refuse(update: Update, context: Ctx, caller: Caller, key: str) -> None:
    """A calm answer to a command this person cannot use; strangers learn about invitations."""
    message = update.effective_message
    if message is None:
        return
    content = runtime_of(context).content
    if caller.role == "stranger":
        text = _both(content, "basics.start_stranger")
    else:
        text = content.ui(key, caller.lang)
    await message.reply_text(text, parse_mode=ParseMode.HTML)


async def _acting_person(update: Update, context: Ctx, caller: Caller) -> Person | None:
    """The caller's person row; an admin gets one on first use (to act as a volunteer)."""
    if caller.person is not None or not caller.is_admin or caller.user_id is None:
        return caller.person
    runtime = runtime_of(context)
    user_id = caller.user_id
    chat = update.effective_chat
    chat_id = chat.id if chat is not None and chat.type == ChatType.PRIVATE else user_id
    user = update.effective_user
    lang = runtime.content.language(user.language_code if user else None)
    person, created = await runtime.db.tx(
        lambda c: service.ensure_admin(
            c, user_id=user_id, chat_id=chat_id, lang=lang, now=runtime.ts()
        )
    )
    if created:
        log.info("admin row created", extra={"pseudonym": person.pseudonym})
        await set_chat_commands(context.bot, runtime.content, chat_id, "admin", person.lang)
    return person


async def _volunteer(update: Update, context: Ctx) -> tuple[Caller, Person] | None:
    """Caller and person for a volunteer command in a private chat, or None after refusing."""
    caller = await caller_of(update, context)
    if not await _private_or_note(update, context, caller):
        return None
    if not caller.is_volunteer:
        await _refuse(update, context, caller, "onboarding.volunteers_only")
        return None
    person = await _acting_person(update, context, caller)
    if person is None:
        return None
    return caller, person


def _arguments(update: Update) -> str:
    """Everything typed after the command word."""
    message = update.effective_message
    text = message.text if message is not None and message.text else ""
    parts = text.split(None, 1)
    return parts[1].strip() if len(parts) > 1 else ""


# --- links -------------------------------------------------------------------------------


async def open_link(update: Update, context: Ctx) -> None:
    """`/start <token>`: a volunteer registers, a caregiver or child starts their flow."""
    caller = await caller_of(update, context)
    user = update.effective_user
    chat = update.effective_chat
    if user is None or chat is None:
        return
    runtime = runtime_of(context)
    content = runtime.content
    payload = (context.args or [""])[0]
    if caller.is_admin:
        await _send(context, chat.id, content.ui("onboarding.link.registered", caller.lang))
        return
    lang = content.language(user.language_code)
    screen = await runtime.db.tx(
        lambda c: service.open_link(
            c, payload, user_id=user.id, chat_id=chat.id, lang=lang, now=runtime.ts()
        )
    )
    log.info("invitation link opened", extra={"outcome": screen.name})
    await _show(context, chat.id, screen, caller=caller)


async def _show(context: Ctx, chat_id: int, screen: Screen, *, caller: Caller) -> None:
    """Render one screen a service returned."""
    runtime = runtime_of(context)
    content = runtime.content
    days = runtime.config.retention.child_text_days
    person = screen.person
    lang = person.lang if person is not None else caller.lang
    known = caller.role != "stranger"
    name = screen.name
    if name.startswith("parent_"):
        await parents.show(context, chat_id, screen)
    elif name == "unknown" and not known:
        await _send(context, chat_id, _both(content, "basics.start_stranger"))
    elif name in ("unknown", "expired", "used", "registered", "not_ready", "done"):
        key = f"onboarding.link.{name}"
        text = content.ui(key, caller.lang) if known else _both(content, key)
        await _send(context, chat_id, text)
    elif name == "volunteer_welcome" and person is not None:
        await _send(
            context,
            chat_id,
            content.ui("onboarding.volunteer.welcome", lang, pseudonym=person.pseudonym),
        )
        await set_chat_commands(context.bot, content, chat_id, "volunteer", lang)
    elif name == "lang" and person is not None:
        buttons = [
            _button(content, f"onboarding.lang.{code}", code, "lang", person.id, code)
            for code in service.LANGUAGES
        ]
        await _send(
            context, chat_id, _both(content, "onboarding.lang.prompt"), _keyboard([buttons])
        )
    elif name == "caregiver_consent" and person is not None:
        keyboard = _keyboard(
            [
                [
                    _button(content, "onboarding.button.agree", lang, "cg", person.id, "y"),
                    _button(content, "onboarding.button.decline", lang, "cg", person.id, "n"),
                ]
            ]
        )
        await _send(
            context, chat_id, content.ui("onboarding.consent.caregiver", lang, days=days), keyboard
        )
    elif name == "guardian_consent" and person is not None and screen.child is not None:
        child_id = screen.child.id
        keyboard = _keyboard(
            [
                [
                    _button(content, "onboarding.button.agree", lang, "gd", child_id, "y"),
                    _button(content, "onboarding.button.decline", lang, "gd", child_id, "n"),
                ]
            ]
        )
        await _send(
            context, chat_id, content.ui("onboarding.consent.guardian", lang, days=days), keyboard
        )
    elif name == "address" and person is not None:
        buttons = [
            _button(content, f"onboarding.address.{choice}", lang, "adr", person.id, choice)
            for choice in ADDRESSES
        ]
        keyboard = _keyboard([buttons[0:2], buttons[2:4], buttons[4:6], buttons[6:]])
        await _send(context, chat_id, content.ui("onboarding.address.prompt", lang), keyboard)
    elif name == "voice" and person is not None:
        keyboard = _keyboard(
            [
                [_button(content, "lessons.voice.button.on", lang, "vc", person.id, "on")],
                [_button(content, "lessons.voice.button.off", lang, "vc", person.id, "off")],
            ]
        )
        await _send(context, chat_id, content.ui("onboarding.voice.prompt", lang), keyboard)
    elif name == "caregiver_finished" and person is not None:
        await _show_finished(context, chat_id, screen, person)
    elif name == "caregiver_declined":
        await _send(context, chat_id, content.ui("onboarding.caregiver.declined", lang))
    elif name == "child_consent" and person is not None:
        keyboard = _keyboard(
            [
                [
                    _button(content, "onboarding.button.child_agree", lang, "ch", person.id, "y"),
                    _button(content, "onboarding.button.child_decline", lang, "ch", person.id, "n"),
                ]
            ]
        )
        await _send(
            context, chat_id, content.ui("onboarding.consent.child", lang, days=days), keyboard
        )
    elif name in ("child_finished", "child_finished_shared") and person is not None:
        record = await runtime.db.run(lambda c: families.child(c, person.id))
        slot = (
            _local_slot(content, lang, record.checkin_weekday, record.checkin_minute)
            if record is not None
            else _local_slot(content, lang, 5, 600)
        )
        shared = name == "child_finished_shared"
        key = "onboarding.child.welcome_shared" if shared else "onboarding.child.welcome"
        await _send(context, chat_id, content.ui(key, lang, **slot))
        if not shared:
            await set_chat_commands(context.bot, content, chat_id, "child", lang)
    elif name == "child_declined":
        await _send(context, chat_id, content.ui("onboarding.child.declined", lang))
    else:  # a screen without the person it needs: nothing sensible to show
        log.warning("onboarding screen not shown", extra={"screen": name})


async def _show_finished(context: Ctx, chat_id: int, screen: Screen, caregiver: Person) -> None:
    content = runtime_of(context).content
    lang = caregiver.lang
    name = caregiver.display_name or content.ui_label("lessons.default_name", lang)
    text = content.ui("onboarding.welcome.caregiver", lang, name=name)
    if screen.children_ready:
        text += "\n\n" + content.ui("onboarding.welcome.children_ready", lang)
    await _send(context, chat_id, text)
    if screen.first_time:
        await emergency.send_card(context.bot, content, chat_id, lang)
    await set_chat_commands(context.bot, content, chat_id, "caregiver", lang)
    placeholder = content.ui_label("onboarding.child.placeholder", lang)
    for child in screen.handover:
        nickname = child.display_name or placeholder
        keyboard = _keyboard(
            [
                [
                    _button(
                        content,
                        "onboarding.handover.button",
                        lang,
                        "hand",
                        child.id,
                        "go",
                        nickname=nickname,
                    )
                ]
            ]
        )
        await _send(
            context,
            chat_id,
            content.ui("onboarding.handover.prompt", lang, nickname=nickname),
            keyboard,
        )


# --- buttons -----------------------------------------------------------------------------


@press(PREFIX, 3, valid=number_parts(1))
async def on_button(p: Pressed, context: Ctx) -> None:
    """Every `ob:` press: let the service check it, then show what follows."""
    update, query, caller, runtime = p.update, p.query, p.caller, p.runtime
    content = runtime.content
    message = query.message
    if message is None:
        await _stale(query, context, caller.lang)
        return
    action, target, value = p.data.parts[0], p.data.int_part(1), p.data.parts[2]
    chat_id = message.chat.id
    user = query.from_user
    now = runtime.ts()

    if action in ("fam", "fl", "era"):
        await _volunteer_button(update, context, query, caller, (action, target, value))
        return
    if action == "del":
        await _deleteme_button(context, query, caller, target, value)
        return
    if action in ("nf", "age"):
        await _new_family_button(context, query, caller, (action, target, value))
        return

    result: Screen | None
    mark: str | None = None
    lang = caller.lang if action == "gd" else await _person_lang(runtime, target, caller)
    if action == "lang":
        mark = (
            "✅ " + content.ui(f"onboarding.lang.{value}", "zh") if value in ("zh", "en") else None
        )
        result = await runtime.db.tx(
            lambda c: service.choose_language(
                c, chat_id=chat_id, user_id=user.id, person_id=target, lang=value, now=now
            )
        )
    elif action in ("cg", "gd", "ch") and value in ("y", "n"):
        agree = value == "y"
        version = _consent_version(content, lang)
        mark = content.ui(
            f"onboarding.decision.{'child_' if action == 'ch' else ''}"
            + ("agreed" if agree else "declined"),
            lang,
        )
        placeholder = content.ui_label("onboarding.child.placeholder", lang)
        result = await runtime.db.tx(
            lambda c: _decide(
                c,
                action,
                chat_id,
                user.id,
                target,
                agree,
                version,
                now,
                user.first_name,
                placeholder,
            )
        )
    elif action == "adr" and value in ADDRESSES:
        label = None if value == "other" else content.ui_label(f"onboarding.address.{value}", lang)
        mark = "✅ " + content.ui(f"onboarding.address.{value}", lang)
        result = await runtime.db.tx(
            lambda c: service.choose_address(
                c, chat_id=chat_id, user_id=user.id, person_id=target, name=label, now=now
            )
        )
    elif action == "vc" and value in ("on", "off"):
        mark = "✅ " + content.ui_label(f"lessons.voice.button.{value}", lang)
        result = await runtime.db.tx(
            lambda c: service.choose_voice(
                c, chat_id=chat_id, user_id=user.id, person_id=target, on=value == "on", now=now
            )
        )
    elif action == "hand" and value == "go":
        result = await runtime.db.run(
            lambda c: service.handover(c, chat_id=chat_id, user_id=user.id, child_id=target)
        )
    else:
        result = None
    if result is None:
        await _stale(query, context, lang)
        return
    await query.answer()
    await _retire(query, mark)
    if action == "gd" and value == "n":
        await _send(context, chat_id, content.ui("onboarding.guardian.declined", lang))
    log.info("onboarding step", extra={"action": action, "screen": result.name})
    await _show(context, chat_id, result, caller=await caller_of(update, context))


def _decide(
    conn: sqlite3.Connection,
    action: str,
    chat_id: int,
    user_id: int,
    target: int,
    agree: bool,
    version: int,
    now: int,
    first_name: str | None,
    placeholder: str,
) -> Screen | None:
    if action == "cg":
        return service.caregiver_decides(
            conn,
            chat_id=chat_id,
            user_id=user_id,
            person_id=target,
            agree=agree,
            version=version,
            now=now,
        )
    if action == "gd":
        return service.guardian_decides(
            conn,
            chat_id=chat_id,
            user_id=user_id,
            child_id=target,
            agree=agree,
            version=version,
            now=now,
        )
    return service.child_decides(
        conn,
        chat_id=chat_id,
        user_id=user_id,
        child_id=target,
        agree=agree,
        version=version,
        now=now,
        first_name=first_name,
        placeholder=placeholder,
    )


async def _person_lang(runtime: Runtime, person_id: int, caller: Caller) -> str:
    """The language a pressed screen was shown in: that of the person the button names."""
    person = await runtime.db.run(lambda c: people.by_id(c, person_id))
    return person.lang if person is not None else caller.lang


async def _stale(query: CallbackQuery, context: Ctx, lang: str) -> None:
    """A press that is forged, foreign, repeated or too late: a short answer, nothing changed."""
    content = runtime_of(context).content
    log.info("onboarding press refused")
    await query.answer(content.ui_label("basics.stale_button", lang))


# --- admins and volunteers ---------------------------------------------------------------


async def invite(update: Update, context: Ctx) -> None:
    """`/invite volunteer` (admins): a one-time link that registers a volunteer."""
    caller = await caller_of(update, context)
    if not await _private_or_note(update, context, caller):
        return
    if not caller.is_admin:
        await _refuse(update, context, caller, "onboarding.admins_only")
        return
    runtime = runtime_of(context)
    content = runtime.content
    message = update.effective_message
    if message is None:
        return
    if _arguments(update).lower() != "volunteer":
        await message.reply_text(
            content.ui("onboarding.invite.usage", caller.lang), parse_mode=ParseMode.HTML
        )
        return
    admin = await _acting_person(update, context, caller)
    if admin is None:
        return
    expire_days = runtime.config.invites.expire_days
    link = await runtime.db.tx(
        lambda c: service.volunteer_invite(
            c, admin=admin, now=runtime.ts(), expire_days=expire_days
        )
    )
    text = content.ui(
        "onboarding.invite.link",
        admin.lang,
        link=_url(context, link),
        until=_until(runtime, link.expires_at),
    )
    await message.reply_text(text, parse_mode=ParseMode.HTML)


async def new_family(update: Update, context: Ctx) -> None:
    """`/newfamily LABEL`: ask about the child's phone and age, then create the family."""
    acting = await _volunteer(update, context)
    message = update.effective_message
    user = update.effective_user
    if acting is None or message is None or user is None:
        return
    _caller, volunteer = acting
    runtime = runtime_of(context)
    content = runtime.content
    lang = volunteer.lang
    label = service.clean_label(_arguments(update))
    if label is None:
        await message.reply_text(
            content.ui("onboarding.newfamily.usage", lang, max=service.LABEL_MAX),
            parse_mode=ParseMode.HTML,
        )
        return
    chat_id = message.chat.id
    await runtime.db.tx(
        lambda c: service.start_new_family(
            c, volunteer=volunteer, user_id=user.id, chat_id=chat_id, label=label, now=runtime.ts()
        )
    )
    keyboard = _keyboard(
        [
            [
                _button(content, "onboarding.newfamily.own_phone", lang, "nf", volunteer.id, "own"),
                _button(
                    content, "onboarding.newfamily.shared_phone", lang, "nf", volunteer.id, "shared"
                ),
            ]
        ]
    )
    await _send(
        context, chat_id, content.ui("onboarding.newfamily.ask_phone", lang, label=label), keyboard
    )


async def _new_family_button(
    context: Ctx, query: CallbackQuery, caller: Caller, press: tuple[str, int, str]
) -> None:
    """The volunteer's answers to /newfamily's questions; the flow checks who pressed."""
    action, volunteer_id, value = press
    runtime = runtime_of(context)
    content = runtime.content
    message = query.message
    if message is None:
        return
    chat_id = message.chat.id
    user_id = query.from_user.id
    now = runtime.ts()
    volunteer = await runtime.db.run(lambda c: people.by_id(c, volunteer_id))
    if volunteer is None:
        await _stale(query, context, caller.lang)
        return
    lang = volunteer.lang
    if action == "nf" and value in ("own", "shared"):
        ok = await runtime.db.tx(
            lambda c: service.new_family_phone(
                c,
                chat_id=chat_id,
                user_id=user_id,
                volunteer_id=volunteer_id,
                shared_phone=value == "shared",
                now=now,
            )
        )
        if not ok:
            await _stale(query, context, caller.lang)
            return
        await query.answer()
        key = (
            "onboarding.newfamily.shared_phone"
            if value == "shared"
            else "onboarding.newfamily.own_phone"
        )
        await _retire(query, "✅ " + content.ui(key, lang))
        keyboard = _keyboard(
            [
                [
                    _button(
                        content, f"onboarding.newfamily.age.{code}", lang, "age", volunteer_id, code
                    )
                    for code in AGE_BUTTONS
                ]
            ]
        )
        await _send(context, chat_id, content.ui("onboarding.newfamily.ask_age", lang), keyboard)
        return
    if action != "age" or value not in AGE_BUTTONS:
        await _stale(query, context, caller.lang)
        return
    checkins = runtime.config.checkins
    weekday = _weekday_index(checkins.default_weekday)
    minute = checkins.default_time.hour * 60 + checkins.default_time.minute
    created = await runtime.db.tx(
        lambda c: service.new_family_age(
            c,
            chat_id=chat_id,
            user_id=user_id,
            volunteer_id=volunteer_id,
            age_band=AGE_BUTTONS[value],
            timezone=runtime.config.locale.timezone,
            weekday=weekday,
            minute=minute,
            expire_days=runtime.config.invites.expire_days,
            now=now,
            spread_minutes=checkins.default_spread_minutes,
        )
    )
    if created is None:
        await _stale(query, context, caller.lang)
        return
    await query.answer()
    await _retire(query, "✅ " + content.ui(f"onboarding.newfamily.age.{value}", lang))
    log.info("family created", extra={"family": created.family.pseudonym})
    phone = (
        "onboarding.newfamily.phone_shared"
        if created.shared_phone
        else "onboarding.newfamily.phone_own"
    )
    await _send(
        context,
        chat_id,
        content.ui(
            "onboarding.newfamily.created",
            lang,
            family=created.family.pseudonym,
            label=created.family.label,
            caregiver=created.caregiver.pseudonym,
            child=created.child.pseudonym,
            phone=content.ui_label(phone, lang),
        ),
    )
    # The child's link first, the caregiver's last: the grandparent goes first, and the newest
    # link in the chat is theirs.
    links = [link for link in (created.child_link, created.caregiver_link) if link is not None]
    await _send_links(context, chat_id, lang, links)


def _weekday_index(name: str) -> int:
    return WEEKDAYS.index(name)


async def _send_links(context: Ctx, chat_id: int, lang: str, links: Sequence[Link]) -> None:
    """One message per link, so the volunteer can forward each to its person."""
    runtime = runtime_of(context)
    for link in links:
        key = "onboarding.link.child" if link.role == "child" else "onboarding.link.caregiver"
        await _send(
            context,
            chat_id,
            runtime.content.ui(
                key,
                lang,
                pseudonym=link.pseudonym or "",
                link=_url(context, link),
                until=_until(runtime, link.expires_at),
            ),
        )


async def family(update: Update, context: Ctx) -> None:
    """`/family [F-XXXX]`: a family's summary (or a list to pick from) for its volunteer; a
    caregiver gets the button that invites the child's parents."""
    caller = await caller_of(update, context)
    chat = update.effective_chat
    if caller.role == "caregiver" and chat is not None and chat.type == ChatType.PRIVATE:
        await parents.caregiver_family(update, context, caller)
        return
    acting = await _volunteer(update, context)
    message = update.effective_message
    if acting is None or message is None:
        return
    caller, volunteer = acting
    runtime = runtime_of(context)
    content = runtime.content
    lang = volunteer.lang
    text = _arguments(update)
    if not text:
        found = await runtime.db.run(
            lambda c: service.families_for(c, actor=volunteer, is_admin=caller.is_admin)
        )
        if not found:
            await message.reply_text(
                content.ui("onboarding.family.none", lang), parse_mode=ParseMode.HTML
            )
            return
        rows = [
            [
                InlineKeyboardButton(
                    f"{f.pseudonym} · {f.label[:24]}",
                    callback_data=pack(PREFIX, "fam", f.id, "show"),
                )
            ]
            for f in found
        ]
        await _send(
            context, message.chat.id, content.ui("onboarding.family.pick", lang), _keyboard(rows)
        )
        return
    chosen = await runtime.db.run(
        lambda c: service.find_family(c, text, actor=volunteer, is_admin=caller.is_admin)
    )
    if chosen is None:
        await message.reply_text(
            content.ui("onboarding.family.not_found", lang, text=text[:20]),
            parse_mode=ParseMode.HTML,
        )
        return
    await _send_summary(context, message.chat.id, chosen, lang)


async def _send_summary(context: Ctx, chat_id: int, chosen: Family, lang: str) -> None:
    runtime = runtime_of(context)
    content = runtime.content
    summary = await runtime.db.run(lambda c: service.family_summary(c, chosen))
    lines: list[str] = []

    def ui(key: str, **values: object) -> str:
        return content.ui_label(key, lang, **values)

    def state(decision: str | None) -> str:
        return ui(f"onboarding.consent_state.{decision or 'none'}")

    for member in summary.members:
        person = member.person
        paused = ui("onboarding.family.paused") if person.paused else ""
        status = ui(f"onboarding.status.{person.status}")
        if member.child is None:
            lines.append(
                content.ui(
                    "onboarding.family.caregiver_line",
                    lang,
                    pseudonym=person.pseudonym,
                    status=status,
                    consent=state(member.own_consent),
                    paused=paused,
                )
            )
        else:
            phone = (
                "onboarding.family.phone_shared"
                if member.child.shared_phone
                else "onboarding.family.phone_own"
            )
            lines.append(
                content.ui(
                    "onboarding.family.child_line",
                    lang,
                    pseudonym=person.pseudonym,
                    name=person.display_name or "—",
                    age=member.child.age_band or "?",
                    phone=ui(phone),
                    status=status,
                    guardian=state(member.guardian),
                    consent=state(member.own_consent),
                    paused=paused,
                    unreachable=ui("onboarding.family.unreachable")
                    if person.unreachable_at
                    else "",
                )
            )
    if not any(m.child is None for m in summary.members):
        lines.insert(0, content.ui("onboarding.family.no_caregiver", lang))
    text = content.ui(
        "onboarding.family.summary",
        lang,
        family=summary.family.pseudonym,
        label=summary.family.label,
        volunteer=summary.volunteer or "—",
        timezone=summary.family.timezone,
    )
    text += "\n" + "\n".join(lines) + "\n\n" + content.ui("onboarding.family.nickname_hint", lang)
    text += "\n\n" + await parents.family_text(runtime, chosen.id, lang)
    keyboard = _keyboard(
        [
            [_button(content, "onboarding.family.fresh_button", lang, "fl", chosen.id, "go")],
            [parents.invite_button(content, lang, chosen)],
        ]
    )
    await _send(context, chat_id, text, keyboard)


async def _volunteer_button(
    update: Update,
    context: Ctx,
    query: CallbackQuery,
    caller: Caller,
    press: tuple[str, int, str],
) -> None:
    """Family buttons: show a summary, make fresh links, confirm an erasure."""
    action, family_id, value = press
    runtime = runtime_of(context)
    content = runtime.content
    message = query.message
    if message is None or not caller.is_volunteer or message.chat.type != ChatType.PRIVATE:
        await _stale(query, context, caller.lang)
        return
    actor = await _acting_person(update, context, caller)
    if actor is None:
        await _stale(query, context, caller.lang)
        return
    chat_id = message.chat.id
    lang = actor.lang
    chosen = await runtime.db.run(
        lambda c: service.managed_family(c, family_id, actor=actor, is_admin=caller.is_admin)
    )
    if chosen is None:
        await _stale(query, context, caller.lang)
        return
    if action == "fam" and value == "show":
        await query.answer()
        await _send_summary(context, chat_id, chosen, lang)
    elif action == "fl" and value == "go":
        links = await runtime.db.tx(
            lambda c: service.fresh_links(
                c,
                chosen,
                actor=actor,
                now=runtime.ts(),
                expire_days=runtime.config.invites.expire_days,
            )
        )
        await query.answer()
        if not links:
            await _send(context, chat_id, content.ui("onboarding.family.no_links_needed", lang))
            return
        log.info("fresh links made", extra={"family": chosen.pseudonym, "links": len(links)})
        links.sort(key=lambda link: link.role != "child")  # the caregiver's last, as at creation
        await _send_links(context, chat_id, lang, links)
    elif action == "era" and value == "n":
        await query.answer()
        await _retire(query, content.ui("onboarding.erase.kept", lang))
    elif action == "era" and value == "y":
        erased = await runtime.db.tx(
            lambda c: erasure_service.erase_family(
                c, chosen.id, actor=actor.pseudonym, now=runtime.ts()
            )
        )
        if erased is None:
            await _stale(query, context, caller.lang)
            return
        await query.answer()
        log.info("family erased", extra={"family": erased.subject, "people": erased.people})
        done = content.ui(
            "onboarding.erase.done", lang, family=erased.subject, people=erased.people
        )
        await _retire(query, done)
        for erased_chat in erased.chats:
            await reset_chat_commands(context.bot, erased_chat)
        await runtime.db.checkpoint()  # the erased words leave the -wal file too
    else:
        await _stale(query, context, caller.lang)


async def nickname(update: Update, context: Ctx) -> None:
    """`/nickname C-XXXX NAME`: what check-ins call a child (shared-phone children need it)."""
    acting = await _volunteer(update, context)
    message = update.effective_message
    if acting is None or message is None:
        return
    caller, volunteer = acting
    runtime = runtime_of(context)
    content = runtime.content
    pseudonym, _, name = " ".join(_arguments(update).split()).partition(" ")
    child = await runtime.db.tx(
        lambda c: service.set_nickname(
            c, actor=volunteer, is_admin=caller.is_admin, child_pseudonym=pseudonym, name=name
        )
    )
    if child is None:
        text = content.ui("onboarding.nickname.usage", volunteer.lang, max=service.NICKNAME_MAX)
    else:
        text = content.ui(
            "onboarding.nickname.done",
            volunteer.lang,
            pseudonym=child.pseudonym,
            name=child.display_name or "",
        )
    await message.reply_text(text, parse_mode=ParseMode.HTML)


async def erase(update: Update, context: Ctx) -> None:
    """`/erase F-XXXX`: after a confirmation button, delete a whole family for good."""
    acting = await _volunteer(update, context)
    message = update.effective_message
    if acting is None or message is None:
        return
    caller, volunteer = acting
    runtime = runtime_of(context)
    content = runtime.content
    lang = volunteer.lang
    text = _arguments(update)
    if not text:
        await message.reply_text(
            content.ui("onboarding.erase.usage", lang), parse_mode=ParseMode.HTML
        )
        return
    chosen = await runtime.db.run(
        lambda c: service.find_family(c, text, actor=volunteer, is_admin=caller.is_admin)
    )
    if chosen is None:
        await message.reply_text(
            content.ui("onboarding.family.not_found", lang, text=text[:20]),
            parse_mode=ParseMode.HTML,
        )
        return
    count = await runtime.db.run(lambda c: erasure.family_people_count(c, chosen.id))
    keyboard = _keyboard(
        [
            [
                _button(content, "onboarding.erase.yes", lang, "era", chosen.id, "y"),
                _button(content, "onboarding.erase.no", lang, "era", chosen.id, "n"),
            ]
        ]
    )
    await _send(
        context,
        message.chat.id,
        content.ui(
            "onboarding.erase.confirm",
            lang,
            family=chosen.pseudonym,
            label=chosen.label,
            people=count,
        ),
        keyboard,
    )


# --- everyone: pause, resume, delete -----------------------------------------------------


async def stop(update: Update, context: Ctx) -> None:
    """`/stop`: nothing is sent on Qiao's own initiative until `/resume`."""
    await _pause(update, context, paused=True)


async def resume(update: Update, context: Ctx) -> None:
    """`/resume`: lessons, nudges and check-ins come again."""
    await _pause(update, context, paused=False)


async def _pause(update: Update, context: Ctx, *, paused: bool) -> None:
    caller = await caller_of(update, context)
    message = update.effective_message
    if message is None:
        return
    if caller.role == "stranger":
        await _refuse(update, context, caller, "basics.start_stranger")
        return
    person = await _acting_person(update, context, caller)
    if person is None:
        return
    runtime = runtime_of(context)
    now = runtime.ts()
    changed = await runtime.db.tx(lambda c: service.set_paused(c, person, paused=paused, now=now))
    log.info("paused" if paused else "resumed", extra={"people": len(changed)})
    key = "onboarding.stop.done" if paused else "onboarding.resume.done"
    await message.reply_text(runtime.content.ui(key, person.lang), parse_mode=ParseMode.HTML)


async def deleteme(update: Update, context: Ctx) -> None:
    """`/deleteme` (caregivers): after a confirmation button, erase their own data."""
    caller = await caller_of(update, context)
    message = update.effective_message
    if message is None:
        return
    if caller.role not in ("caregiver", "parent") or caller.person is None:
        await _refuse(update, context, caller, "onboarding.deleteme.not_caregiver")
        return
    content = runtime_of(context).content
    person = caller.person
    confirm = (
        "parents.deleteme.confirm" if person.role == "parent" else "onboarding.deleteme.confirm"
    )
    keyboard = _keyboard(
        [
            [
                _button(content, "onboarding.deleteme.yes", person.lang, "del", person.id, "y"),
                _button(content, "onboarding.deleteme.no", person.lang, "del", person.id, "n"),
            ]
        ]
    )
    await _send(context, message.chat.id, content.ui(confirm, person.lang), keyboard)


async def _deleteme_button(
    context: Ctx, query: CallbackQuery, caller: Caller, person_id: int, value: str
) -> None:
    """Only the caregiver themself, pressing in their own chat, can confirm."""
    runtime = runtime_of(context)
    content = runtime.content
    person = caller.person
    message = query.message
    own = person is not None and person.role in ("caregiver", "parent")
    if person is None or person.id != person_id or not own or message is None:
        await _stale(query, context, caller.lang)
        return
    if message.chat.id != person.chat_id or value not in ("y", "n"):
        await _stale(query, context, caller.lang)
        return
    if value == "n":
        await query.answer()
        await _retire(query, content.ui("onboarding.deleteme.kept", person.lang))
        return
    erased = await runtime.db.tx(
        lambda c: (
            erasure_service.erase_parent(c, person_id, now=runtime.ts())
            if person.role == "parent"
            else erasure_service.erase_caregiver(c, person_id, now=runtime.ts())
        )
    )
    if erased is None:
        await _stale(query, context, caller.lang)
        return
    await query.answer()
    log.info("caregiver erased", extra={"pseudonym": erased.subject, "people": erased.people})
    await _retire(query)
    await _send(context, message.chat.id, content.ui("onboarding.deleteme.done", person.lang))
    for erased_chat in erased.chats:
        await reset_chat_commands(context.bot, erased_chat)
    await runtime.db.checkpoint()  # the erased words leave the -wal file too
