"""`SimTelegram`: an in-process Telegram that the real PTB `Application` talks to.

A test or the demo builds one, adds people and groups, makes them send messages and press
buttons (each a real Update JSON, also queued for `getUpdates`), then reads back what the
bot sent, every API call it made, and injects faults on demand.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import time
from collections.abc import Callable, Iterable
from typing import Literal

from telegram.request import BaseRequest, RequestData

from bot.simtelegram.errors import ApiError
from bot.simtelegram.faults import Fault, FaultQueue, SimulatedCrash
from bot.simtelegram.methods import BotApi, not_found
from bot.simtelegram.model import JSON, ApiCall, SimChat, SimMessage, SimUser
from bot.simtelegram.request import SimRequest, decode_params
from bot.simtelegram.tg_html import utf16_len
from bot.simtelegram.updates import UpdateQueue
from bot.simtelegram.world import Listener, World, plain_message

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


class SimTelegram:
    """The simulated Bot API server and the world behind it (see docs/simulated-telegram.md)."""

    def __init__(
        self,
        *,
        bot_id: int = 7000001,
        bot_username: str = "qiao_sim_bot",
        now: Callable[[], float] | None = None,
    ) -> None:
        digest = hashlib.sha256(f"qiao-sim-{bot_id}".encode()).hexdigest()
        # Any well-formed token of this bot id is accepted (so a config's fake token works);
        # another bot's token gets Telegram's 401, which PTB reports as InvalidToken.
        self.token: str = f"{bot_id}:SIM{digest[:32]}"
        self.bot = SimUser(bot_id, "Qiao", username=bot_username, is_bot=True)
        self._world = World(self.bot, now or time.time)
        self._updates = UpdateQueue()
        self._api = BotApi(self._world, self._updates)
        self._faults = FaultQueue()
        self._token_re = re.compile(rf"/bot{bot_id}:[A-Za-z0-9_-]{{30,}}$")
        self._query_seq = 0
        self.calls: list[ApiCall] = []

    # ---- transport ----------------------------------------------------------------------

    def request(self) -> BaseRequest:
        """A new PTB request object bound to this server."""
        return SimRequest(self)

    def handle(self, url: str, http_method: str, data: RequestData | None) -> tuple[int, bytes]:
        """Answer one HTTP request from PTB: (status, JSON body), or raise a transport error."""
        if http_method != "POST":
            error = not_found()
            return error.status, _dump(error.to_json())
        return self.handle_params(url, decode_params(data))

    def handle_params(self, url: str, params: JSON) -> tuple[int, bytes]:
        """Answer one POST whose form fields are already decoded (the HTTP stand-in's entry)."""
        prefix, _, name = url.rpartition("/")
        if "/file/bot" in prefix:
            error = not_found()  # file downloads are not simulated
            return error.status, _dump(error.to_json())
        if self._token_re.search(prefix) is None:
            error = ApiError(401, "Unauthorized")  # Telegram's answer to a wrong token
            return error.status, _dump(error.to_json())
        method = self._api.canonical(name)
        fault = self._faults.take(method, params.get("chat_id"))
        if fault is not None and fault.kind == "crash":
            self._record(method, params, None, fault.description)
            raise SimulatedCrash(fault.description)
        if fault is not None and fault.delivers:
            with contextlib.suppress(ApiError):  # failed anyway: the caller sees only the timeout
                self._api.call(method, params)
        if fault is not None:
            return self._answer_fault(method, params, fault)
        try:
            result = self._api.call(method, params)
        except ApiError as error:
            self._record(method, params, error.status, error.description)
            return error.status, _dump(error.to_json())
        self._record(method, params, None, None)
        return 200, _dump({"ok": True, "result": result})

    def _answer_fault(self, method: str, params: JSON, fault: Fault) -> tuple[int, bytes]:
        error = fault.as_api_error()
        self._record(method, params, error.status if error else None, fault.description)
        if error is None:
            exception = fault.transport_exception()
            if exception is not None:
                raise exception
            raise RuntimeError(f"fault {fault.kind} has neither a status nor an exception")
        return error.status, _dump(error.to_json())

    def _record(self, method: str, params: JSON, code: int | None, description: str | None) -> None:
        ok = code is None and description is None
        self.calls.append(ApiCall(method, params, ok, code, description, self._world.now()))

    # ---- world --------------------------------------------------------------------------

    def add_user(
        self,
        user_id: int,
        first_name: str,
        *,
        username: str | None = None,
        language_code: str | None = "zh",
        started: bool = True,
    ) -> SimUser:
        """A person; `started=False` means they never opened the bot (sends answer 403)."""
        user = SimUser(user_id, first_name, username=username, language_code=language_code)
        self._world.users[user_id] = user
        self._world.private_chat(user).user = user
        if started:
            self._world.started.add(user_id)
        return user

    def add_group(
        self,
        chat_id: int,
        title: str,
        *,
        kind: GroupKind = "group",
        members: Iterable[int] = (),
        bot_is_admin: bool = False,
    ) -> SimChat:
        """A group, supergroup or channel the bot is a member of."""
        chat = SimChat(chat_id, kind, title=title, bot_is_admin=bot_is_admin)
        chat.members.update(members)
        self._world.chats[chat_id] = chat
        return chat

    def user(self, user_id: int) -> SimUser:
        """A user added with `add_user` (KeyError otherwise)."""
        return self._world.users[user_id]

    def chat(self, chat_id: int) -> SimChat:
        """A known chat (KeyError otherwise)."""
        return self._world.chats[chat_id]

    def subscribe(self, listener: Listener) -> None:
        """Call `listener(action, message)` whenever the bot sends, edits or deletes."""
        self._world.listeners.append(listener)

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

    def messages(self, chat_id: int, *, include_deleted: bool = False) -> list[SimMessage]:
        """Every message in the chat, both directions, in order."""
        stored = self._world.chat_messages(chat_id)
        return list(stored) if include_deleted else [m for m in stored if not m.deleted]

    def bot_messages(self, chat_id: int, *, include_deleted: bool = False) -> list[SimMessage]:
        """The bot's messages in the chat, in order."""
        return [m for m in self.messages(chat_id, include_deleted=include_deleted) if m.from_bot]

    def last_bot_message(self, chat_id: int) -> SimMessage | None:
        """The bot's latest message in the chat that is not deleted."""
        for message in reversed(self._world.chat_messages(chat_id)):
            if message.from_bot and not message.deleted:
                return message
        return None

    def calls_to(self, method: str) -> list[ApiCall]:
        """Recorded calls of one method (case-insensitive)."""
        wanted = method.lower()
        return [call for call in self.calls if call.method.lower() == wanted]

    def callback_answer(self, query_id: str) -> JSON | None:
        """How the bot answered a button press (text, show_alert, url), or None if it did not."""
        return self._api.callback_queries.get(query_id)

    def my_commands(
        self, *, scope: JSON | None = None, language_code: str = ""
    ) -> list[tuple[str, str]]:
        """The command menu set for a scope (default scope when None) and language."""
        key = json.dumps(scope or {"type": "default"}, sort_keys=True)
        return [
            (c["command"], c["description"])
            for c in self._api.commands.get((key, language_code), [])
        ]

    @property
    def webhook_url(self) -> str:
        """The webhook URL set with setWebhook ("" when polling)."""
        url = self._api.webhook["url"]
        return url if isinstance(url, str) else ""

    @property
    def webhook_secret(self) -> str:
        """The secret token given with setWebhook ("" when none)."""
        secret = self._api.webhook.get("secret_token")
        return secret if isinstance(secret, str) else ""

    def webhook_batch(self, offset: int, limit: int = 100) -> list[JSON]:
        """For a webhook delivery: confirm updates below `offset`, return those still pending."""
        return self._updates.serve(offset, limit, None)

    @property
    def pending_updates(self) -> int:
        """Updates queued and not yet confirmed by a getUpdates offset."""
        return len(self._updates)

    # ---- faults -------------------------------------------------------------------------

    def fail_next(
        self, method: str | None, fault: Fault, *, chat_id: int | None = None, times: int = 1
    ) -> None:
        """Make the next `times` calls of `method` (None: any method), to `chat_id` if given,
        fail with `fault` instead of running."""
        self._faults.add(method, fault, chat_id, times)

    def clear_faults(self) -> None:
        """Drop faults that have not fired yet."""
        self._faults.clear()

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


def _dump(body: object) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
