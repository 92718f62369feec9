"""PTB's transport, replaced: a `BaseRequest` that hands each call to the simulated server.

PTB builds the URL and a `RequestData`, then reads back an HTTP status and a JSON body; all
of its own error mapping (RetryAfter, Forbidden, ChatMigrated, ...) happens after this class
returns. So this class does only what an HTTP client would: turn the request into the form
fields Telegram would receive, and return the server's status and body unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import IO, TYPE_CHECKING, Any

from telegram.request import BaseRequest, RequestData

from bot.simtelegram.model import JSON, UploadedFile

if TYPE_CHECKING:
    from telegram._utils.types import ODVInput

    from bot.simtelegram.server import SimTelegram

# Bot API parameters typed String: never JSON-decoded, so a text "123" stays text.
_STRING_FIELDS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "inline_message_id",
        "url",
        "secret_token",
        "action",
        "language_code",
        "photo",
        "voice",
        "document",
        "sticker",
        "video",
        "audio",
        "animation",
        "title",
        "description",
        "short_description",
        "name",
        "emoji",
        "file_id",
        "ip_address",
        "business_connection_id",
        "message_effect_id",
        "performer",
        "phone_number",
        "first_name",
        "last_name",
        "address",
        "question",
    }
)


def decode_params(data: RequestData | None) -> JSON:
    """The call's parameters as Telegram reads its form fields, plus uploaded files."""
    if data is None:
        return {}
    params: JSON = {}
    for name, raw in data.json_parameters.items():
        params[name] = raw if name in _STRING_FIELDS else _decode(raw)
    if data.contains_files:
        for name, (filename, content, mimetype) in data.multipart_data.items():
            params[name] = UploadedFile(filename, _read(content), mimetype)
    return params


def decode_fields(fields: Mapping[str, str]) -> JSON:
    """Form fields received over HTTP, decoded as `decode_params` decodes PTB's."""
    return {name: raw if name in _STRING_FIELDS else _decode(raw) for name, raw in fields.items()}


def _decode(raw: str) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _read(content: bytes | IO[bytes]) -> bytes:
    return content if isinstance(content, bytes) else content.read()


class SimRequest(BaseRequest):
    """A request object bound to one `SimTelegram`; nothing leaves the process."""

    __slots__ = ("_server",)

    def __init__(self, server: SimTelegram) -> None:
        self._server = server

    @property
    def read_timeout(self) -> float | None:
        """Nominal only: the simulation answers at once."""
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
        """Answer the call in-process; network faults raise here, as a real client would."""
        return self._server.handle(url, method, request_data)
