"""Voice ("read it to me"): step recordings as Telegram voice notes, and the /voice setting.

A recording is uploaded once: Telegram's `file_id` is stored with the file's path and the
SHA-256 of its bytes (a re-recorded file is uploaded again), and every later send reuses it,
across restarts. A stored id Telegram refuses (another bot's token, or expired) is dropped and
the file uploaded again. A voice note Telegram will not deliver (the person does not accept
voice messages, or the file cannot be read) falls back to the text, so a lesson never stalls.

/voice on | off (or the buttons /voice shows) switch lesson steps between voice notes and
text for a caregiver; onboarding asks the same question once.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from pathlib import Path

from telegram import Bot, InlineKeyboardMarkup, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.content import telegram_html
from bot.domain import Refusal, Role
from bot.runtime import Runtime
from bot.services import voice as service
from bot.telegram.callbacks import pattern
from bot.telegram.command import PASS_ON, Commanded, PassOn, command
from bot.telegram.context import App, Ctx, app_runtime
from bot.telegram.jobs import PeriodicJob
from bot.telegram.keyboards import keyboard
from bot.telegram.press import Pressed, press
from bot.views import lessons as views

log = logging.getLogger(__name__)

PREFIX = views.VOICE_PREFIX
CAPTION_LIMIT = 1024
"""Telegram's limit on a caption, in characters after entity parsing."""
JOBS: list[PeriodicJob] = []
_ON_WORDS = frozenset({"on", "yes", "1", "开", "开启", "打开"})
_OFF_WORDS = frozenset({"off", "no", "0", "关", "关闭", "关掉"})


def _key(runtime: Runtime, path: Path) -> str:
    """The recording's name in the database: its path inside the content folder."""
    try:
        return path.resolve().relative_to(runtime.content.root.resolve()).as_posix()
    except ValueError:
        return path.name


async def send_recording(
    app: App,
    bot: Bot,
    chat_id: int,
    path: Path,
    *,
    caption: str | None = None,
    markup: InlineKeyboardMarkup | None = None,
) -> Message | None:
    """Send a recording as a voice note (uploaded once); None if it could not be sent.

    Only the failures that concern this voice note are caught (an unreadable file, a person
    who does not accept voice messages): the caller then sends the text instead. Network
    errors and flood control propagate as they do for any message.
    """
    runtime = app_runtime(app)
    try:
        data = await asyncio.to_thread(path.read_bytes)
    except OSError as exc:
        log.error(
            "recording unreadable", extra={"file": path.name, "error_type": type(exc).__name__}
        )
        return None
    key, digest = _key(runtime, path), hashlib.sha256(data).hexdigest()
    parse_mode = ParseMode.HTML if caption is not None else None
    known = await runtime.db.run(lambda c: service.uploaded(c, key, digest))
    if known is not None:
        try:
            return await bot.send_voice(
                chat_id, voice=known, caption=caption, parse_mode=parse_mode, reply_markup=markup
            )
        except BadRequest as exc:
            if "file" not in exc.message.lower():
                log.warning("voice note refused", extra={"reason": exc.message})
                return None
            log.warning("stored voice file id refused; uploading again", extra={"file": key})
            await runtime.db.tx(lambda c: service.forget_upload(c, key, digest))
    try:
        message = await bot.send_voice(
            chat_id,
            voice=data,
            filename=path.name,
            caption=caption,
            parse_mode=parse_mode,
            reply_markup=markup,
        )
    except BadRequest as exc:
        log.warning("voice note refused", extra={"reason": exc.message})
        return None
    if message.voice is not None:
        file_id, now = message.voice.file_id, runtime.ts()
        await runtime.db.tx(lambda c: service.remember_upload(c, key, digest, file_id, now))
    return message


async def send_step(
    app: App, bot: Bot, chat_id: int, path: Path, text: str, markup: InlineKeyboardMarkup | None
) -> Message | None:
    """A step in voice mode: the voice note if it carried the text and buttons itself.

    A text too long for a caption goes out after a plain voice note (None: the caller sends
    the text with the buttons); so does the text when the voice note could not be sent.
    """
    if len(telegram_html.visible_text(text)) <= CAPTION_LIMIT:
        return await send_recording(app, bot, chat_id, path, caption=text, markup=markup)
    await send_recording(app, bot, chat_id, path)
    return None


# --- /voice ---------------------------------------------------------------------------------


@command
async def voice_command(cmd: Commanded, context: Ctx) -> PassOn | None:
    """/voice [on|off]: switch "read it to me", or show the setting with two big buttons."""
    runtime, caller = cmd.runtime, cmd.caller
    if caller.role == Role.STRANGER or caller.user_id is None:
        return PASS_ON  # the fallbacks tell strangers that Qiao works by invitation
    user_id, content = caller.user_id, runtime.content
    word = cmd.args.split(None, 1)[0].lower() if cmd.args else ""
    if word in _ON_WORDS or word in _OFF_WORDS:
        on, now = word in _ON_WORDS, runtime.ts()
        chosen = await runtime.db.tx(lambda c: service.choose_tx(c, user_id, on, now))
        if isinstance(chosen, Refusal):
            await cmd.reply_html(content.ui(chosen.key, content.language(chosen.lang)))
            return None
        log.info("voice mode changed", extra={"person": chosen.pseudonym, "on": on})
        await cmd.reply(f"lessons.voice.changed.{'on' if on else 'off'}")
        return None
    person = await runtime.db.run(lambda c: service.chooser_tx(c, user_id))
    if isinstance(person, Refusal):
        await cmd.reply_html(content.ui(person.key, content.language(person.lang)))
        return None
    on = await runtime.db.run(lambda c: service.is_on(c, person.id))
    setting = views.voice_setting(content, cmd.lang, on=on)
    await cmd.reply_html(setting.text, reply_markup=keyboard(setting.buttons))
    return None


@press(PREFIX, 1, valid=lambda d: d.parts[0] in ("on", "off"), stale="lessons.press.stale")
async def on_press(p: Pressed, context: Ctx) -> None:
    """The /voice buttons: only the caregiver in their own chat may switch their setting."""
    runtime, content = p.runtime, p.runtime.content
    value = p.data.parts[0]
    on, now, user_id, chat_id = value == "on", runtime.ts(), p.user_id, p.chat_id
    chosen = await runtime.db.tx(lambda c: service.choose_tx(c, user_id, on, now, chat_id=chat_id))
    if isinstance(chosen, Refusal):
        log.info("voice button pressed by someone else", extra={"update_id": p.update_id})
        await p.answer("lessons.press.not_yours")
        return
    log.info("voice mode changed", extra={"person": chosen.pseudonym, "on": on})
    await p.answer()
    await p.edit_markup(None)  # already edited, or too old: cosmetic
    await context.bot.send_message(
        p.chat_id,
        content.ui(f"lessons.voice.changed.{value}", p.lang),
    )


def register(app: App) -> None:
    """Add /voice and its buttons."""
    app.add_handler(CommandHandler("voice", voice_command, filters=filters.ChatType.PRIVATE))
    app.add_handler(CallbackQueryHandler(on_press, pattern=pattern(PREFIX)))
