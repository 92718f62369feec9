"""The Bot API methods that create, change and remove messages, with Telegram's checks.

The checks are the ones a bot meets in production: text 1–4096 characters after entity
parsing (Unicode code points, after trimming), captions up to 1024, HTML that parses,
callback data of 1–64 bytes, "message is not modified", and who may delete what and until
when (48 hours after the message was sent).
"""

from __future__ import annotations

from typing import Any

from bot.simtelegram.errors import bad_request
from bot.simtelegram.keyboards import Markup, parse_reply_markup
from bot.simtelegram.model import JSON, SimChat, SimMessage, UploadedFile
from bot.simtelegram.world import World
from bot.tg_html import FormattedText, HtmlParseError, parse_html, trim

MAX_TEXT = 4096
MAX_CAPTION = 1024
DELETE_WINDOW_SECONDS = 48 * 3600
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)


def format_text(text: object, parse_mode: object, entities: object) -> FormattedText:
    """Plain text and entities as Telegram stores them, trimmed; HTML errors are 400s.

    Markdown parse modes are not simulated: their text is stored as written.
    """
    source = text if isinstance(text, str) else ""
    mode = parse_mode.lower() if isinstance(parse_mode, str) else ""
    if mode == "html":
        try:
            formatted = parse_html(source)
        except HtmlParseError as error:
            raise bad_request(f"can't parse entities: {error}") from None
    elif mode in ("", "markdown", "markdownv2"):
        given = entities if isinstance(entities, list) else []
        formatted = FormattedText(source, [e for e in given if isinstance(e, dict)])
    else:
        raise bad_request("unsupported parse_mode")
    return trim(formatted)


class Messaging:
    """sendMessage, edits, deleteMessage, media sends and chat actions."""

    def __init__(self, world: World) -> None:
        self._world = world

    # ---- sending ------------------------------------------------------------------------

    def send_message(self, p: JSON) -> JSON:
        """sendMessage."""
        chat = self._world.writable_chat(p.get("chat_id"))
        formatted = self._message_text(p)
        markup = parse_reply_markup(p.get("reply_markup"))
        reply_to = self._reply_to(chat, p)
        message = self._new_bot_message(chat, "text", p.get("text"), p, formatted)
        message.reply_to_message_id = reply_to
        self._apply_markup(message, chat, markup)
        self._world.add_message(message)
        return self._world.message_json(message)

    def send_photo(self, p: JSON) -> JSON:
        """sendPhoto: an upload, a known file_id or an HTTP URL."""
        return self._send_media(p, "photo")

    def send_voice(self, p: JSON) -> JSON:
        """sendVoice."""
        return self._send_media(p, "voice")

    def send_video_note(self, p: JSON) -> JSON:
        """sendVideoNote (a round video message; no caption)."""
        return self._send_media(p, "video_note")

    def send_document(self, p: JSON) -> JSON:
        """sendDocument."""
        return self._send_media(p, "document")

    def send_chat_action(self, p: JSON) -> bool:
        """sendChatAction: only Telegram's action names."""
        self._world.writable_chat(p.get("chat_id"))
        if p.get("action") not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    # ---- editing ------------------------------------------------------------------------

    def edit_message_text(self, p: JSON) -> JSON:
        """editMessageText: without `reply_markup` the inline keyboard goes away."""
        chat, message = self._editable(p)
        if message.kind != "text":
            raise bad_request("there is no text in the message to edit")
        formatted = self._message_text(p)
        markup = self._inline_only(p)
        self._check_modified(message, formatted, markup)
        message.text = p.get("text")
        self._set_text(message, p, formatted)
        return self._finish_edit(chat, message, markup)

    def edit_message_caption(self, p: JSON) -> JSON:
        """editMessageCaption."""
        chat, message = self._editable(p)
        if message.kind == "text":
            raise bad_request("there is no caption in the message to edit")
        formatted = self._caption(p)
        markup = self._inline_only(p)
        self._check_modified(message, formatted, markup)
        message.text = p.get("caption")
        self._set_text(message, p, formatted)
        return self._finish_edit(chat, message, markup)

    def edit_message_reply_markup(self, p: JSON) -> JSON:
        """editMessageReplyMarkup: the same "not modified" rule as text edits."""
        chat, message = self._editable(p)
        markup = self._inline_only(p)
        current = FormattedText(message.plain_text, message.entities)
        self._check_modified(message, current, markup)
        return self._finish_edit(chat, message, markup)

    # ---- deleting -----------------------------------------------------------------------

    def delete_message(self, p: JSON) -> bool:
        """deleteMessage: own messages anywhere, others' in private chats (or as group admin),
        and only within 48 hours of sending."""
        chat = self._world.resolve_chat(p.get("chat_id"))
        message = self._find(chat, p.get("message_id"))
        if message is None or message.deleted:
            raise bad_request("message to delete not found")
        allowed = message.from_bot or chat.kind == "private" or chat.bot_is_admin
        too_old = self._world.date() - message.date >= DELETE_WINDOW_SECONDS
        if not allowed or too_old or message.kind == "service":
            raise bad_request("message can't be deleted")
        message.deleted = True
        self._world.notify("deleted", message)
        return True

    # ---- helpers ------------------------------------------------------------------------

    def _message_text(self, p: JSON) -> FormattedText:
        formatted = format_text(p.get("text"), p.get("parse_mode"), p.get("entities"))
        if not formatted.text:
            raise bad_request("message text is empty")
        if len(formatted.text) > MAX_TEXT:
            raise bad_request("message is too long")
        return formatted

    def _caption(self, p: JSON) -> FormattedText:
        formatted = format_text(p.get("caption"), p.get("parse_mode"), p.get("caption_entities"))
        if len(formatted.text) > MAX_CAPTION:
            raise bad_request("message caption is too long")
        return formatted

    def _new_bot_message(
        self, chat: SimChat, kind: str, text: object, p: JSON, formatted: FormattedText
    ) -> SimMessage:
        message = SimMessage(
            message_id=0,
            chat_id=chat.chat_id,
            from_bot=True,
            sender_id=self._world.bot.user_id,
            date=self._world.date(),
            kind=kind,
            text=text if isinstance(text, str) else None,
        )
        self._set_text(message, p, formatted)
        return message

    @staticmethod
    def _set_text(message: SimMessage, p: JSON, formatted: FormattedText) -> None:
        mode = p.get("parse_mode")
        message.parse_mode = mode if isinstance(mode, str) else None
        message.plain_text = formatted.text
        message.entities = formatted.entities

    def _reply_to(self, chat: SimChat, p: JSON) -> int | None:
        params = p.get("reply_parameters")
        target: object = p.get("reply_to_message_id")
        allow = bool(p.get("allow_sending_without_reply"))
        if isinstance(params, dict):
            target = params.get("message_id")
            allow = bool(params.get("allow_sending_without_reply", allow))
        if target is None:
            return None
        replied = self._find(chat, target)
        if replied is None or replied.deleted:
            if allow:
                return None
            raise bad_request("message to be replied not found")
        return replied.message_id

    @staticmethod
    def _apply_markup(message: SimMessage, chat: SimChat, markup: Markup) -> None:
        message.reply_markup = markup.inline_rows
        message.markup_json = markup.inline_json
        if markup.reply_keyboard is not None:
            message.reply_keyboard = markup.reply_keyboard
            chat.reply_keyboard = markup.reply_keyboard
        elif markup.remove_keyboard:
            chat.reply_keyboard = None

    def _find(self, chat: SimChat, raw_id: object) -> SimMessage | None:
        if isinstance(raw_id, bool) or not isinstance(raw_id, int):
            return None
        return self._world.message(chat.chat_id, raw_id)

    def _editable(self, p: JSON) -> tuple[SimChat, SimMessage]:
        if p.get("inline_message_id") is not None:
            raise bad_request("inline messages are not simulated")
        chat = self._world.writable_chat(p.get("chat_id"))
        message = self._find(chat, p.get("message_id"))
        if message is None or message.deleted:
            raise bad_request("message to edit not found")
        if not message.from_bot:
            raise bad_request("message can't be edited")
        return chat, message

    @staticmethod
    def _inline_only(p: JSON) -> Markup:
        markup = parse_reply_markup(p.get("reply_markup"))
        if markup.reply_keyboard is not None or markup.remove_keyboard:
            raise bad_request("inline keyboard expected")
        return markup

    @staticmethod
    def _check_modified(message: SimMessage, formatted: FormattedText, markup: Markup) -> None:
        if (
            formatted.text == message.plain_text
            and formatted.entities == message.entities
            and markup.inline_json == message.markup_json
        ):
            raise bad_request(NOT_MODIFIED)

    def _finish_edit(self, chat: SimChat, message: SimMessage, markup: Markup) -> JSON:
        self._apply_markup(message, chat, markup)
        message.edited = True
        message.edit_date = self._world.date()
        self._world.notify("edited", message)
        return self._world.message_json(message)

    def _send_media(self, p: JSON, kind: str) -> JSON:
        chat = self._world.writable_chat(p.get("chat_id"))
        file_id, unique_id, size, filename = self._file(p.get(kind), kind)
        formatted = self._caption(p)
        markup = parse_reply_markup(p.get("reply_markup"))
        reply_to = self._reply_to(chat, p)
        message = self._new_bot_message(chat, kind, p.get("caption"), p, formatted)
        message.reply_to_message_id = reply_to
        message.file_id = file_id
        message.file_size = size
        message.extra = {kind: _media_json(kind, file_id, unique_id, size, filename, p)}
        upload = p.get(kind)
        message.content = upload.content if isinstance(upload, UploadedFile) else None
        self._apply_markup(message, chat, markup)
        self._world.add_message(message)
        return self._world.message_json(message)

    def _file(self, value: object, kind: str) -> tuple[str, str, int | None, str | None]:
        if isinstance(value, UploadedFile):
            if value.size == 0:
                raise bad_request("file must be non-empty")
            file_id, unique_id = self._world.new_file_id(kind, value.size)
            return file_id, unique_id, value.size, value.filename
        if isinstance(value, str) and value in self._world.files:
            stored_kind, size, unique_id = self._world.files[value]
            if stored_kind != kind:
                raise bad_request(f"can't use file of type {stored_kind.title()} as {kind.title()}")
            return value, unique_id, size, None
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            file_id, unique_id = self._world.new_file_id(kind, None)
            return file_id, unique_id, None, None
        if value is None:
            raise bad_request(f"there is no {kind} in the request")
        raise bad_request("wrong file identifier/HTTP URL specified")


def _media_json(
    kind: str, file_id: str, unique_id: str, size: int | None, filename: str | None, p: JSON
) -> Any:
    """The media field of a sent message (`photo` is a list of sizes)."""
    base: JSON = {"file_id": file_id, "file_unique_id": unique_id}
    if size is not None:
        base["file_size"] = size
    if kind == "photo":
        return [{**base, "width": 1280, "height": 960}]
    if kind == "video_note":
        return {**base, "length": 240, "duration": 4}
    if kind == "voice":
        duration = p.get("duration")
        return {
            **base,
            "duration": duration if isinstance(duration, int) else 1,
            "mime_type": "audio/ogg",
        }
    return {**base, "file_name": filename or "document", "mime_type": "application/octet-stream"}
