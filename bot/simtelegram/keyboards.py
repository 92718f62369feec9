"""Reply markup as Telegram validates and stores it.

Only an inline keyboard becomes part of the message (and is echoed back in
`Message.reply_markup`); a reply keyboard changes what the chat's input field offers.
The check that bites in production is callback data: 1 to 64 *bytes*, so a few Chinese
characters are enough to break a button.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.simtelegram.errors import bad_request
from bot.simtelegram.model import SimButton

MAX_CALLBACK_DATA_BYTES = 64
_ACTION_FIELDS = (
    "callback_data",
    "url",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
    "web_app",
)
_URL_SCHEMES = ("http://", "https://", "tg://")


@dataclass(slots=True)
class Markup:
    """A parsed `reply_markup` parameter."""

    inline_rows: list[list[SimButton]] | None = None
    inline_json: dict[str, Any] | None = None
    reply_keyboard: list[list[str]] | None = None
    remove_keyboard: bool = False


def parse_reply_markup(value: object) -> Markup:
    """Validate `reply_markup` (already JSON-decoded) and split it into what it changes."""
    if value is None:
        return Markup()
    if not isinstance(value, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in value:
        rows = _inline_rows(value["inline_keyboard"])
        return Markup(inline_rows=rows, inline_json={"inline_keyboard": value["inline_keyboard"]})
    if "keyboard" in value:
        return Markup(reply_keyboard=_reply_rows(value["keyboard"]))
    if value.get("remove_keyboard") is True:
        return Markup(remove_keyboard=True)
    if value.get("force_reply") is True:
        return Markup()
    raise bad_request("can't parse reply keyboard markup JSON object")


def _inline_rows(raw: object) -> list[list[SimButton]]:
    if not isinstance(raw, list) or not all(isinstance(row, list) for row in raw):
        raise bad_request('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array')
    return [[_inline_button(button) for button in row] for row in raw]


def _inline_button(raw: object) -> SimButton:
    if not isinstance(raw, dict) or not isinstance(raw.get("text"), str):
        raise bad_request(
            'can\'t parse inline keyboard button: Field "text" must be of type String'
        )
    actions = [name for name in _ACTION_FIELDS if name in raw]
    if not actions:
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    data = raw.get("callback_data")
    if "callback_data" in raw:
        if not isinstance(data, str):
            raise bad_request("BUTTON_DATA_INVALID")
        size = len(data.encode("utf-8"))
        if not 1 <= size <= MAX_CALLBACK_DATA_BYTES:
            raise bad_request("BUTTON_DATA_INVALID")
    url = raw.get("url")
    if "url" in raw and (not isinstance(url, str) or not url.startswith(_URL_SCHEMES)):
        raise bad_request("BUTTON_URL_INVALID")
    return SimButton(
        text=raw["text"],
        callback_data=data if isinstance(data, str) else None,
        url=url if isinstance(url, str) else None,
    )


def _reply_rows(raw: object) -> list[list[str]]:
    if not isinstance(raw, list) or not all(isinstance(row, list) for row in raw):
        raise bad_request('field "keyboard" of the ReplyKeyboardMarkup must be an Array')
    rows: list[list[str]] = []
    for row in raw:
        keys: list[str] = []
        for key in row:
            text = key.get("text") if isinstance(key, dict) else key
            if not isinstance(text, str) or not text:
                raise bad_request(
                    'can\'t parse keyboard button: Field "text" must be of type String'
                )
            keys.append(text)
        rows.append(keys)
    return rows
