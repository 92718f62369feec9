"""The Bot API method table: which names the simulation answers, and the non-message methods.

Method names are matched case-insensitively, as Telegram does. A name that is no Bot API
method at all gets Telegram's own answer, 404 "Not Found" (PTB: `InvalidToken`, or
`EndPointNotFound` through `Bot.do_api_request`). A real Bot API method that the simulation
does not implement (say `sendSticker`) gets a 400 naming it instead: a 404 would reach PTB's
typed methods as `InvalidToken`, which PTB's polling loop treats as fatal and an error
handler rightly reads as "the bot cannot work", whereas a `BadRequest` keeps the bot alive,
takes its ordinary error path, and the call log still shows what was asked for.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from telegram import Bot

from bot.simtelegram.errors import ApiError, bad_request, forbidden
from bot.simtelegram.messaging import Messaging
from bot.simtelegram.model import JSON, SimChat
from bot.simtelegram.updates import UpdateQueue
from bot.simtelegram.world import World

Handler = Callable[[JSON], Any]

_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_SECRET_RE = re.compile(r"[A-Za-z0-9_-]{1,256}")
_QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"
# Every Bot API method PTB knows, by its camelCase alias on `telegram.Bot`.
_REAL_METHODS = frozenset(
    name.lower()
    for name in dir(Bot)
    if name[:1].islower() and not name.startswith("_") and name != name.lower()
)


def not_found() -> ApiError:
    """Telegram's answer to a method name it does not know."""
    return ApiError(404, "Not Found")


class BotApi:
    """Answers Bot API calls against a `World` and an `UpdateQueue`."""

    def __init__(self, world: World, updates: UpdateQueue) -> None:
        self._world = world
        self._updates = updates
        self.webhook: JSON = {"url": ""}
        self.commands: dict[tuple[str, str], list[JSON]] = {}
        self.callback_queries: dict[str, JSON | None] = {}
        messaging = Messaging(world)
        handlers: dict[str, Handler] = {
            "getMe": self.get_me,
            "getUpdates": self.get_updates,
            "setWebhook": self.set_webhook,
            "deleteWebhook": self.delete_webhook,
            "getWebhookInfo": self.get_webhook_info,
            "setMyCommands": self.set_my_commands,
            "getMyCommands": self.get_my_commands,
            "deleteMyCommands": self.delete_my_commands,
            "answerCallbackQuery": self.answer_callback_query,
            "getChat": self.get_chat,
            "getChatMember": self.get_chat_member,
            "leaveChat": self.leave_chat,
            "sendMessage": messaging.send_message,
            "editMessageText": messaging.edit_message_text,
            "editMessageCaption": messaging.edit_message_caption,
            "editMessageReplyMarkup": messaging.edit_message_reply_markup,
            "deleteMessage": messaging.delete_message,
            "sendPhoto": messaging.send_photo,
            "sendVoice": messaging.send_voice,
            "sendVideoNote": messaging.send_video_note,
            "sendDocument": messaging.send_document,
            "sendChatAction": messaging.send_chat_action,
        }
        self._handlers = {name.lower(): (name, handler) for name, handler in handlers.items()}

    def canonical(self, method: str) -> str:
        """The method's usual spelling when simulated, else the name as given."""
        entry = self._handlers.get(method.lower())
        return entry[0] if entry else method

    def call(self, method: str, params: JSON) -> Any:
        """Run one method; raises ApiError for anything Telegram would refuse."""
        entry = self._handlers.get(method.lower())
        if entry is None:
            if method.lower() in _REAL_METHODS:
                raise bad_request(f"method {method} is not simulated")
            raise not_found()
        return entry[1](params)

    # ---- bot and updates ----------------------------------------------------------------

    def get_me(self, _: JSON) -> JSON:
        """getMe, with the capability flags PTB reads."""
        return {
            **self._world.bot.to_json(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def get_updates(self, p: JSON) -> list[JSON]:
        """getUpdates: answers at once (an empty list when nothing is pending)."""
        if self.webhook["url"]:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = _int(p.get("offset"), 0)
        limit = min(max(_int(p.get("limit"), 100), 1), 100)
        allowed = p.get("allowed_updates")
        wanted = [str(a) for a in allowed] if isinstance(allowed, list) else None
        return self._updates.serve(offset, limit, wanted)

    def set_webhook(self, p: JSON) -> bool:
        """setWebhook: an HTTPS URL, an optional secret token; an empty URL removes it."""
        url = p.get("url")
        if not isinstance(url, str) or not url:
            return self.delete_webhook(p)
        if not url.startswith("https://"):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = p.get("secret_token")
        if secret is not None and not (isinstance(secret, str) and _SECRET_RE.fullmatch(secret)):
            raise bad_request("bad webhook: secret token contains unallowed characters")
        if p.get("drop_pending_updates"):
            self._updates.clear()
        self.webhook = {"url": url, "secret_token": secret}
        return True

    def delete_webhook(self, p: JSON) -> bool:
        """deleteWebhook."""
        if p.get("drop_pending_updates"):
            self._updates.clear()
        self.webhook = {"url": ""}
        return True

    def get_webhook_info(self, _: JSON) -> JSON:
        """getWebhookInfo (never reveals the secret token, like Telegram)."""
        return {
            "url": self.webhook["url"],
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    # ---- commands -----------------------------------------------------------------------

    def set_my_commands(self, p: JSON) -> bool:
        """setMyCommands, kept per scope and language code."""
        commands = p.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("can't parse commands JSON object")
        for command in commands:
            if not isinstance(command, dict):
                raise bad_request("can't parse BotCommand JSON object")
            name, description = command.get("command"), command.get("description")
            if not isinstance(name, str) or not _COMMAND_RE.fullmatch(name):
                raise bad_request("BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description) <= 256:
                raise bad_request("command description must be 1-256 characters")
        self.commands[_scope_key(p)] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    def get_my_commands(self, p: JSON) -> list[JSON]:
        """getMyCommands for exactly this scope and language code."""
        return self.commands.get(_scope_key(p), [])

    def delete_my_commands(self, p: JSON) -> bool:
        """deleteMyCommands."""
        self.commands.pop(_scope_key(p), None)
        return True

    # ---- callbacks and chats ------------------------------------------------------------

    def answer_callback_query(self, p: JSON) -> bool:
        """answerCallbackQuery: once per query; the answer is kept for tests to read."""
        query_id = p.get("callback_query_id")
        if not isinstance(query_id, str) or query_id not in self.callback_queries:
            raise bad_request(_QUERY_INVALID)
        if self.callback_queries[query_id] is not None:
            raise bad_request(_QUERY_INVALID)
        text = p.get("text")
        if isinstance(text, str) and len(text) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        self.callback_queries[query_id] = {
            "text": text,
            "show_alert": bool(p.get("show_alert")),
            "url": p.get("url"),
        }
        return True

    def get_chat(self, p: JSON) -> JSON:
        """getChat: a group the bot is not in answers 403, as Telegram does."""
        chat = self._world.resolve_chat(p.get("chat_id"))
        if chat.kind != "private" and not chat.bot_is_member:
            raise forbidden(f"bot is not a member of the {chat.kind} chat")
        return self._world.chat_full_info(chat)

    def get_chat_member(self, p: JSON) -> JSON:
        """getChatMember: "member" or "left"; for the bot itself, its real standing."""
        chat = self._world.resolve_chat(p.get("chat_id"))
        user_id = _int(p.get("user_id"), 0)
        if user_id == self._world.bot.user_id:
            return _bot_member(chat, self._world.bot.to_json())
        user = self._world.users.get(user_id)
        if user is None:
            raise bad_request("user not found")
        inside = user_id in chat.members or (chat.kind == "private" and chat.chat_id == user_id)
        return {"status": "member" if inside else "left", "user": user.to_json()}

    def leave_chat(self, p: JSON) -> bool:
        """leaveChat: groups and channels only; afterwards sends there are refused."""
        chat = self._world.resolve_chat(p.get("chat_id"))
        if chat.kind == "private":
            raise bad_request("chat member status can't be changed in private chats")
        self._world.writable_chat(chat.chat_id)
        chat.bot_is_member = False
        return True


def _bot_member(chat: SimChat, bot: JSON) -> JSON:
    """The bot's ChatMember in a chat: left, restricted (may not post), admin or member."""
    if chat.kind != "private" and not chat.bot_is_member:
        return {"status": "left", "user": bot}
    if chat.bot_muted:
        rights = dict.fromkeys(_RESTRICTED_RIGHTS, False)
        return {"status": "restricted", "user": bot, "is_member": True, "until_date": 0, **rights}
    if chat.bot_is_admin:
        rights = dict.fromkeys(_ADMIN_RIGHTS, True)
        return {"status": "administrator", "user": bot, "is_anonymous": False, **rights}
    return {"status": "member", "user": bot}


_RESTRICTED_RIGHTS = (
    "can_change_info",
    "can_invite_users",
    "can_pin_messages",
    "can_send_messages",
    "can_send_polls",
    "can_send_other_messages",
    "can_add_web_page_previews",
    "can_manage_topics",
    "can_send_audios",
    "can_send_documents",
    "can_send_photos",
    "can_send_videos",
    "can_send_video_notes",
    "can_send_voice_notes",
    "can_edit_tag",
    "can_react_to_messages",
)
_ADMIN_RIGHTS = (
    "can_be_edited",
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
    "can_post_messages",
    "can_edit_messages",
    "can_pin_messages",
)


def _int(value: object, default: int) -> int:
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return default


def _scope_key(p: JSON) -> tuple[str, str]:
    scope = p.get("scope")
    scope_json = json.dumps(
        scope if isinstance(scope, dict) else {"type": "default"}, sort_keys=True
    )
    language = p.get("language_code")
    return scope_json, language if isinstance(language, str) else ""
