"""What people do in the simulated Telegram: send, edit, post media, press, block, migrate.

Each action changes the world and queues the real Update JSON Telegram would send; `SimTelegram`
(bot/simtelegram/server.py) inherits these methods, so tests call `sim.user_sends(...)`.
"""

from __future__ import annotations

import re
from typing import Literal

from bot.simtelegram.methods import BotApi
from bot.simtelegram.model import JSON, SimChat, SimMessage, SimUser
from bot.simtelegram.updates import UpdateQueue
from bot.simtelegram.world import World, plain_message
from bot.tg_html import utf16_len

MediaKind = Literal[
    "sticker",
    "photo",
    "voice",
    "document",
    "location",
    "video",
    "animation",
    "contact",
    "video_note",
]
GroupKind = Literal["group", "supergroup", "channel"]

_COMMAND_RE = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_@])")


class PeopleActions:
    """The incoming side of `SimTelegram`: every way a person (or Telegram) makes an update."""

    bot: SimUser
    _world: World
    _updates: UpdateQueue
    _api: BotApi
    _query_seq: int

    # ---- incoming updates ---------------------------------------------------------------

    def user_sends(self, user_id: int, text: str, *, chat_id: int | None = None) -> JSON:
        """A text message from a user; commands carry `bot_command` entities."""
        user, chat = self._sender_and_chat(user_id, chat_id)
        entities = [
            {
                "type": "bot_command",
                "offset": utf16_len(text[: m.start()]),
                "length": utf16_len(m.group()),
            }
            for m in _COMMAND_RE.finditer(text)
        ]
        message = plain_message(
            chat.chat_id,
            from_bot=False,
            sender_id=user.user_id,
            date=self._world.date(),
            kind="text",
            text=text,
            entities=entities,
        )
        return self._incoming(message)

    def user_edits(
        self, user_id: int, message_id: int, text: str, *, chat_id: int | None = None
    ) -> JSON:
        """The user edits one of their text messages: an `edited_message` update."""
        user, chat = self._sender_and_chat(user_id, chat_id)
        message = self._world.message(chat.chat_id, message_id)
        if message is None or message.from_bot or message.sender_id != user.user_id:
            raise LookupError(f"no message {message_id} of user {user_id} in chat {chat.chat_id}")
        message.text = message.plain_text = text
        message.edited = True
        message.edit_date = self._world.date()
        return self._updates.push({"edited_message": self._world.message_json(message)})

    def user_sends_media(
        self,
        user_id: int,
        kind: MediaKind,
        *,
        chat_id: int | None = None,
        caption: str | None = None,
    ) -> JSON:
        """A sticker, photo, voice note, video note, file, location, video, GIF or contact
        from a user (photos, videos and files may carry a caption)."""
        user, chat = self._sender_and_chat(user_id, chat_id)
        extra = self._media_fields(kind, user)
        if caption is not None:
            extra["caption"] = caption
        message = plain_message(
            chat.chat_id,
            from_bot=False,
            sender_id=user.user_id,
            date=self._world.date(),
            kind=kind,
            extra=extra,
        )
        return self._incoming(message)

    def user_presses(
        self, user_id: int, message_id: int, data: str, *, chat_id: int | None = None
    ) -> JSON:
        """A button press on a bot message; `data` is not checked against its buttons."""
        user = self._world.users[user_id]
        chat = self._world.private_chat(user) if chat_id is None else self._world.chats[chat_id]
        message = self._world.message(chat.chat_id, message_id)
        if message is None or not message.from_bot:
            raise LookupError(f"no bot message {message_id} in chat {chat.chat_id}")
        if chat.kind != "private":
            chat.members.add(user_id)
        self._query_seq += 1
        query_id = f"{self.bot.user_id}{self._query_seq:012d}"
        self._api.callback_queries[query_id] = None
        if message.deleted:
            shown = self._world.inaccessible_json(message)
        else:
            shown = self._world.message_json(message)
        query: JSON = {
            "id": query_id,
            "from": user.to_json(),
            "chat_instance": str(abs(chat.chat_id) * 7 + self.bot.user_id),
            "data": data,
            "message": shown,
        }
        return self._updates.push({"callback_query": query})

    def channel_post(self, chat_id: int, text: str) -> JSON:
        """A post in a channel the bot belongs to."""
        chat = self._world.chats[chat_id]
        if chat.kind != "channel":
            raise ValueError(f"chat {chat_id} is a {chat.kind}, not a channel")
        message = plain_message(
            chat_id, from_bot=False, sender_id=None, date=self._world.date(), kind="text", text=text
        )
        self._world.add_message(message)
        return self._updates.push({"channel_post": self._world.message_json(message)})

    def raw_update(self, payload: JSON) -> JSON:
        """Queue any JSON as an update (fuzzing); `update_id` is added when missing."""
        return self._updates.push(dict(payload))

    def my_chat_member(self, user_id: int, *, blocked: bool) -> JSON:
        """The user blocks (or unblocks) the bot: state changes and the update is queued."""
        user = self._world.users[user_id]
        chat = self._world.private_chat(user)
        if blocked:
            self.block(user_id)
        else:
            self.unblock(user_id)
        bot_json = self.bot.to_json()
        member: JSON = {"user": bot_json, "status": "member"}
        kicked: JSON = {"user": bot_json, "status": "kicked", "until_date": 0}
        change: JSON = {
            "chat": chat.to_json(),
            "from": user.to_json(),
            "date": self._world.date(),
            "old_chat_member": member if blocked else kicked,
            "new_chat_member": kicked if blocked else member,
        }
        return self._updates.push({"my_chat_member": change})

    def group_migrated(self, old_chat_id: int, new_chat_id: int) -> JSON:
        """The group becomes a supergroup; returns the old chat's `migrate_to_chat_id` update.

        The new supergroup's `migrate_from_chat_id` message is queued too, as Telegram does.
        """
        old = self._world.chats[old_chat_id]
        if old.kind != "group" or old.migrated_to is not None:
            raise ValueError(f"chat {old_chat_id} is not a group that can migrate")
        new = SimChat(new_chat_id, "supergroup", title=old.title, bot_is_admin=old.bot_is_admin)
        new.members = set(old.members)
        self._world.chats[new_chat_id] = new
        date = self._world.date()
        farewell = plain_message(
            old_chat_id,
            from_bot=False,
            sender_id=None,
            date=date,
            kind="service",
            extra={"migrate_to_chat_id": new_chat_id},
        )
        update = self._incoming(farewell)
        old.migrated_to = new_chat_id
        welcome = plain_message(
            new_chat_id,
            from_bot=False,
            sender_id=None,
            date=date,
            kind="service",
            extra={"migrate_from_chat_id": old_chat_id},
        )
        self._incoming(welcome)
        return update

    def block(self, user_id: int) -> None:
        """From now on, sends to this user's private chat answer "bot was blocked by the user"."""
        self._world.blocked.add(user_id)

    def unblock(self, user_id: int) -> None:
        """The user unblocked the bot (and so has it open again)."""
        self._world.blocked.discard(user_id)
        self._world.started.add(user_id)

    # ---- observation --------------------------------------------------------------------

    # ---- helpers ------------------------------------------------------------------------

    def _sender_and_chat(self, user_id: int, chat_id: int | None) -> tuple[SimUser, SimChat]:
        user = self._world.users.get(user_id)
        if user is None:
            raise LookupError(f"unknown user {user_id}: call add_user first")
        if chat_id is None or chat_id == user_id:
            self._world.started.add(user_id)
            return user, self._world.private_chat(user)
        chat = self._world.chats.get(chat_id)
        if chat is None or chat.kind == "private":
            raise LookupError(f"unknown group {chat_id}: call add_group first")
        if chat.migrated_to is not None:
            raise ValueError(f"group {chat_id} migrated to {chat.migrated_to}; post there")
        chat.members.add(user_id)
        return user, chat

    def _incoming(self, message: SimMessage) -> JSON:
        self._world.add_message(message)
        return self._updates.push({"message": self._world.message_json(message)})

    def _media_fields(self, kind: MediaKind, user: SimUser) -> JSON:
        if kind == "location":
            return {"location": {"latitude": 27.7, "longitude": 109.2}}
        if kind == "contact":
            return {"contact": {"phone_number": "+8613800000000", "first_name": user.first_name}}
        file_id, unique_id = self._world.new_file_id(kind, 2048)
        base: JSON = {"file_id": file_id, "file_unique_id": unique_id, "file_size": 2048}
        visual: JSON = {**base, "width": 512, "height": 512}
        if kind == "photo":
            return {"photo": [visual]}
        if kind == "sticker":
            sticker = {**visual, "is_animated": False, "is_video": False, "type": "regular"}
            return {"sticker": {**sticker, "emoji": "🙂"}}
        if kind == "voice":
            return {"voice": {**base, "duration": 3, "mime_type": "audio/ogg"}}
        if kind == "document":
            return {"document": {**base, "file_name": "file.pdf", "mime_type": "application/pdf"}}
        if kind == "video":
            return {"video": {**visual, "duration": 5}}
        if kind == "video_note":
            return {"video_note": {**base, "length": 240, "duration": 4}}
        # Telegram sends a GIF as both `animation` and `document`.
        document = {**base, "file_name": "clip.mp4", "mime_type": "video/mp4"}
        return {"animation": {**visual, "duration": 2}, "document": document}
