"""The simulated server's state: accounts, chats, messages and files, and their JSON shapes.

Messages are stored once as `SimMessage` records and turned into Telegram JSON only when
something asks for it (a method's result, an update), so nothing is copied per call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.simtelegram.errors import bad_request, chat_migrated, forbidden
from bot.simtelegram.model import JSON, SimChat, SimMessage, SimUser

Listener = Callable[[str, SimMessage], None]


class World:
    """Everything the simulated Telegram remembers between calls."""

    def __init__(self, bot: SimUser, now: Callable[[], float]) -> None:
        self.bot = bot
        self.now = now
        self.users: dict[int, SimUser] = {}
        self.chats: dict[int, SimChat] = {}
        self.started: set[int] = set()
        self.blocked: set[int] = set()
        self.files: dict[str, tuple[str, int | None, str]] = {}
        self.listeners: list[Listener] = []
        self._messages: dict[int, list[SimMessage]] = {}
        self._by_id: dict[tuple[int, int], SimMessage] = {}
        self._last_message_id: dict[int, int] = {}
        self._file_seq = 0

    # ---- clock and ids -------------------------------------------------------------------

    def date(self) -> int:
        """The current time as Telegram's message dates: whole Unix seconds."""
        return int(self.now())

    def new_file_id(self, kind: str, size: int | None) -> tuple[str, str]:
        """A fresh (file_id, file_unique_id) pair, remembered so the bot can send it again."""
        self._file_seq += 1
        file_id = f"SIM-{kind}-{self._file_seq:08d}"
        unique_id = f"u{kind[:2]}{self._file_seq:08d}"
        self.files[file_id] = (kind, size, unique_id)
        return file_id, unique_id

    # ---- messages -----------------------------------------------------------------------

    def add_message(self, message: SimMessage) -> SimMessage:
        """Store `message` with the chat's next message id (its given id is replaced)."""
        message.message_id = self._last_message_id.get(message.chat_id, 0) + 1
        self._last_message_id[message.chat_id] = message.message_id
        self._messages.setdefault(message.chat_id, []).append(message)
        self._by_id[(message.chat_id, message.message_id)] = message
        if message.from_bot:
            self.notify("sent", message)
        return message

    def message(self, chat_id: int, message_id: int) -> SimMessage | None:
        """The stored message, deleted or not, or None."""
        return self._by_id.get((chat_id, message_id))

    def chat_messages(self, chat_id: int) -> list[SimMessage]:
        """The chat's messages in order (the stored list itself: callers must not mutate it)."""
        return self._messages.get(chat_id, [])

    def notify(self, action: str, message: SimMessage) -> None:
        """Tell listeners (the demo's transcript) that the bot sent, edited or deleted."""
        for listener in self.listeners:
            listener(action, message)

    # ---- chats --------------------------------------------------------------------------

    def private_chat(self, user: SimUser) -> SimChat:
        """The user's private chat with the bot, created on first use."""
        chat = self.chats.get(user.user_id)
        if chat is None:
            chat = SimChat(user.user_id, "private", user=user)
            self.chats[user.user_id] = chat
        return chat

    def resolve_chat(self, raw: object) -> SimChat:
        """The chat a `chat_id` parameter names; a migrated group answers ChatMigrated."""
        chat = self._lookup(raw)
        if chat is None:
            raise bad_request("chat not found")
        if chat.migrated_to is not None:
            raise chat_migrated(chat.migrated_to)
        return chat

    def writable_chat(self, raw: object) -> SimChat:
        """A chat the bot may post to now; otherwise Telegram's 403 for the reason."""
        chat = self.resolve_chat(raw)
        if chat.kind == "private":
            if chat.chat_id in self.blocked:
                raise forbidden("bot was blocked by the user")
            if chat.chat_id not in self.started:
                raise forbidden("bot can't initiate conversation with a user")
        elif not chat.bot_is_member:
            noun = {"group": "group chat", "supergroup": "supergroup chat"}.get(
                chat.kind, "channel chat"
            )
            raise forbidden(f"bot is not a member of the {noun}")
        elif chat.bot_muted:
            raise bad_request("not enough rights to send text messages to the chat")
        return chat

    def _lookup(self, raw: object) -> SimChat | None:
        if isinstance(raw, bool):
            return None
        if isinstance(raw, int):
            return self.chats.get(raw)
        if isinstance(raw, str):
            if raw.lstrip("-").isdigit():
                return self.chats.get(int(raw))
            if raw.startswith("@"):
                wanted = raw[1:].lower()
                for chat in self.chats.values():
                    if chat.username is not None and chat.username.lower() == wanted:
                        return chat
        return None

    # ---- JSON ---------------------------------------------------------------------------

    def message_json(self, message: SimMessage, *, with_reply: bool = True) -> JSON:
        """The `Message` object Telegram would send for `message` as it is now."""
        chat = self.chats[message.chat_id]
        out: JSON = {"message_id": message.message_id, "date": message.date}
        if message.from_bot:
            out["from"] = self.bot.to_json()
        elif chat.kind == "channel":
            out["sender_chat"] = chat.to_json()
        elif message.sender_id is not None and message.sender_id in self.users:
            out["from"] = self.users[message.sender_id].to_json()
        out["chat"] = chat.to_json()
        if with_reply and message.reply_to_message_id is not None:
            replied = self.message(message.chat_id, message.reply_to_message_id)
            if replied is not None and not replied.deleted:
                out["reply_to_message"] = self.message_json(replied, with_reply=False)
        if message.edit_date is not None:
            out["edit_date"] = message.edit_date
        out.update(message.extra)
        if message.kind == "text":
            out["text"] = message.plain_text
            if message.entities:
                out["entities"] = message.entities
        elif message.plain_text:
            out["caption"] = message.plain_text
            if message.entities:
                out["caption_entities"] = message.entities
        if message.markup_json is not None:
            out["reply_markup"] = message.markup_json
        return out

    def inaccessible_json(self, message: SimMessage) -> JSON:
        """What a callback query carries when its message is gone (date 0)."""
        return {
            "chat": self.chats[message.chat_id].to_json(),
            "message_id": message.message_id,
            "date": 0,
        }

    def chat_full_info(self, chat: SimChat) -> JSON:
        """`getChat`'s `ChatFullInfo`, with the fields PTB 22 requires."""
        out = chat.to_json()
        out.update(
            {
                "accent_color_id": 0,
                "max_reaction_count": 11,
                "accepted_gift_types": {
                    "unlimited_gifts": False,
                    "limited_gifts": False,
                    "unique_gifts": False,
                    "premium_subscription": False,
                    "gifts_from_channels": False,
                },
            }
        )
        return out


def plain_message(
    chat_id: int,
    *,
    from_bot: bool,
    sender_id: int | None,
    date: int,
    kind: str,
    text: str | None = None,
    entities: list[dict[str, Any]] | None = None,
    extra: JSON | None = None,
) -> SimMessage:
    """A new message record whose plain text is its text (no parse mode)."""
    return SimMessage(
        message_id=0,
        chat_id=chat_id,
        from_bot=from_bot,
        sender_id=sender_id,
        date=date,
        kind=kind,
        text=text,
        entities=entities or [],
        plain_text=text or "",
        extra=extra or {},
    )
