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

from telegram.request import BaseRequest, RequestData

from bot.simtelegram.errors import ApiError
from bot.simtelegram.faults import Fault, FaultQueue, SimulatedCrash
from bot.simtelegram.incoming import GroupKind, MediaKind, PeopleActions
from bot.simtelegram.methods import BotApi, not_found
from bot.simtelegram.model import JSON, ApiCall, SimChat, SimMessage, SimUser
from bot.simtelegram.request import SimRequest, decode_params
from bot.simtelegram.updates import UpdateQueue
from bot.simtelegram.world import Listener, World

__all__ = ["GroupKind", "MediaKind", "SimTelegram"]


class SimTelegram(PeopleActions):
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


def _dump(body: object) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
