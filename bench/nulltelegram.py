"""A Bot API that answers and forgets: for measuring the bot's own memory.

SimTelegram keeps every message and call so tests can read them back; over 100,000 sends
that record would dominate the process's memory and say nothing about Qiao's. This request
object answers each call with a well-formed result and keeps only counters.
"""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

from telegram.request import BaseRequest, RequestData

if TYPE_CHECKING:
    from telegram._utils.types import ODVInput

BOT_ID = 7000001
_BOT = {"id": BOT_ID, "is_bot": True, "first_name": "Qiao", "username": "qiao_null_bot"}
_MESSAGE_METHODS = frozenset(
    {"sendmessage", "editmessagetext", "editmessagereplymarkup", "sendvoice", "sendphoto"}
)


class NullTelegram(BaseRequest):
    """Answers every call at once; counts sends; remembers nothing else."""

    __slots__ = ("next_message_id", "on_send", "sends")

    def __init__(self) -> None:
        self.sends = 0
        self.next_message_id = 1
        self.on_send: list[Any] = []

    @property
    def read_timeout(self) -> float | None:
        """Nominal only."""
        return 5.0

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """A successful answer shaped like Telegram's."""
        name = url.rpartition("/")[2].lower()
        params = request_data.json_parameters if request_data is not None else {}
        result: Any = True
        if name == "getme":
            result = {
                **_BOT,
                "can_join_groups": True,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
            }
        elif name in _MESSAGE_METHODS:
            result = self._message(params)
            if name.startswith("send"):
                self.sends += 1
                for listener in self.on_send:
                    listener(self.sends)
        body = json.dumps({"ok": True, "result": result}, ensure_ascii=False)
        return 200, body.encode("utf-8")

    def _message(self, params: dict[str, str]) -> dict[str, Any]:
        chat_id = int(params.get("chat_id", "0"))
        message_id = int(params.get("message_id", "0")) or self.next_message_id
        self.next_message_id += 1
        chat: dict[str, Any] = {"id": chat_id, "type": "private" if chat_id > 0 else "group"}
        if chat_id > 0:
            chat["first_name"] = "小朋友"
        else:
            chat["title"] = "Volunteers"
        return {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": chat,
            "from": _BOT,
            "text": params.get("text", ""),
        }
