"""The simulated world's plain records: users, chats, messages, buttons, uploads and API calls.

They are what tests and the demo read back, so they are ordinary dataclasses with the fields
a reader needs, and each one knows how Telegram would serialise it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

JSON = dict[str, Any]
ChatKind = Literal["private", "group", "supergroup", "channel"]


@dataclass(frozen=True, slots=True)
class SimButton:
    """One inline-keyboard button as the user sees it (or one reply-keyboard key, text only)."""

    text: str
    callback_data: str | None = None
    url: str | None = None


@dataclass(slots=True)
class SimUser:
    """A Telegram account: a person talking to the bot, or the bot itself."""

    user_id: int
    first_name: str
    username: str | None = None
    language_code: str | None = "zh"
    is_bot: bool = False

    def to_json(self) -> JSON:
        """The `User` object Telegram puts in `from` fields."""
        out: JSON = {"id": self.user_id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.username is not None:
            out["username"] = self.username
        if self.language_code is not None and not self.is_bot:
            out["language_code"] = self.language_code
        return out


@dataclass(slots=True)
class SimChat:
    """A chat the bot can see: a private chat (id = the user's id), a group or a channel."""

    chat_id: int
    kind: ChatKind
    title: str | None = None
    user: SimUser | None = None
    username: str | None = None
    migrated_to: int | None = None
    bot_is_member: bool = True
    bot_is_admin: bool = False
    # The group's admins took away the bot's right to post (getChatMember says "restricted").
    bot_muted: bool = False
    # The reply keyboard currently shown under the input field (set by the latest message
    # that carried one, cleared by `remove_keyboard`).
    reply_keyboard: list[list[str]] | None = None
    # User ids known to be in a group (added with the group or seen posting there).
    members: set[int] = field(default_factory=set)

    def to_json(self) -> JSON:
        """The `Chat` object Telegram embeds in messages."""
        out: JSON = {"id": self.chat_id, "type": self.kind}
        if self.kind == "private" and self.user is not None:
            out["first_name"] = self.user.first_name
            if self.user.username is not None:
                out["username"] = self.user.username
        else:
            out["title"] = self.title or ""
            if self.username is not None:
                out["username"] = self.username
        return out


@dataclass(slots=True, eq=False)
class SimMessage:
    """One message in a chat, in either direction, as currently stored.

    `text` holds what the sender wrote (for the bot, the HTML source when `parse_mode` is
    HTML; for media, the caption); `plain_text` is what the recipient reads, and `entities`
    are Telegram's entities over `plain_text` (offsets in UTF-16 code units).
    """

    message_id: int
    chat_id: int
    from_bot: bool
    sender_id: int | None
    date: int
    kind: str
    text: str | None = None
    parse_mode: str | None = None
    entities: list[JSON] = field(default_factory=list)
    reply_markup: list[list[SimButton]] | None = None
    deleted: bool = False
    edited: bool = False
    plain_text: str = ""
    edit_date: int | None = None
    reply_to_message_id: int | None = None
    file_id: str | None = None
    file_size: int | None = None
    reply_keyboard: list[list[str]] | None = None
    # The inline keyboard exactly as Telegram echoes it back in `Message.reply_markup`.
    markup_json: JSON | None = None
    # Kind-specific JSON fields (`photo`, `voice`, `migrate_to_chat_id`, ...).
    extra: JSON = field(default_factory=dict)
    # An uploaded file's bytes as the bot sent them (documents: tests read the file back).
    content: bytes | None = None

    @property
    def buttons(self) -> list[SimButton]:
        """Every inline button, row after row."""
        return [button for row in self.reply_markup or [] for button in row]


@dataclass(frozen=True, slots=True)
class UploadedFile:
    """A file PTB sent as a multipart part; the bytes are kept by reference, not copied."""

    filename: str
    content: bytes
    mimetype: str

    @property
    def size(self) -> int:
        """Size of the upload in bytes."""
        return len(self.content)


@dataclass(frozen=True, slots=True)
class ApiCall:
    """One Bot API call as the simulated server saw and answered it."""

    method: str
    params: JSON
    ok: bool
    error_code: int | None
    description: str | None
    at: float
