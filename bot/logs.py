"""Logging set up once: JSON lines in production, readable text in the demo, never a token.

PTB and httpx put the bot token in request URLs (`/bot<token>/sendMessage`); httpx logs each
request at INFO. We lower those loggers and, as a second wall, redact anything token-shaped
in every record that reaches our handlers.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

TOKEN_PATTERN = re.compile(r"(?:bot)?\d{5,}:[A-Za-z0-9_-]{20,}")
REDACTED = "[REDACTED]"
_START_LINK = re.compile(r"([?&]start(?:group)?=)[A-Za-z0-9_-]+")
_START_COMMAND = re.compile(r"(/start[ =]+)[A-Za-z0-9_-]{6,}")
_PERSONAL_FIELD = re.compile(
    r"""(["'](?:text|caption|first_name|last_name|username|display_name|title|label|note)"""
    r"""["']\s*:\s*)(["'])(?:\\.|(?!\2).)*\2""",
    re.DOTALL,
)
"""A payload dumped by a library (Telegram's JSON, a Python repr): names, words, captions."""
_FLOOR = ("telegram", "httpx", "httpcore", "tornado", "aiosqlite", "apscheduler", "matplotlib")
"""Libraries whose DEBUG records dump whole requests and updates: never below INFO."""
_STANDARD_ATTRS = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}
_QUIET = {
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "apscheduler": logging.WARNING,
    "telegram.ext.Application": logging.INFO,
    "telegram._bot": logging.INFO,
    "aiosqlite": logging.WARNING,
    "matplotlib": logging.WARNING,
}


def redact(text: str, secrets: tuple[str, ...] = ()) -> str:
    """Remove bot tokens, the given secrets, invitation payloads and the personal fields of a
    dumped payload (words, names, captions) from a piece of text."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    text = TOKEN_PATTERN.sub(REDACTED, text)
    text = _START_LINK.sub(rf"\1{REDACTED}", text)
    text = _START_COMMAND.sub(rf"\1{REDACTED}", text)
    return _PERSONAL_FIELD.sub(rf"\1\2{REDACTED}\2", text)


class RedactingFilter(logging.Filter):
    """Rewrites each record's message and exception text so no token survives."""

    def __init__(self, secrets: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        """Render the message now, with tokens removed; always keep the record."""
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        record.msg = redact(message, self.secrets)
        record.args = None
        for key, value in list(record.__dict__.items()):
            if key not in _STANDARD_ATTRS and isinstance(value, str):
                setattr(record, key, redact(value, self.secrets))
        if record.exc_info and record.exc_info[1] is not None:
            # Formatters print exc_text when it is set, so the traceback is redacted here
            # (always anew: another handler may have cached it unredacted) while exc_info
            # stays available to other handlers and to tests.
            formatted = logging.Formatter().formatException(record.exc_info)
            record.exc_text = redact(formatted, self.secrets)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line, with any `extra=` fields kept as keys."""

    def format(self, record: logging.LogRecord) -> str:
        """Serialise a record."""
        data: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD_ATTRS and not key.startswith("_"):
                data[key] = value if isinstance(value, int | float | bool | None) else str(value)
        if record.exc_text:
            data["exc"] = record.exc_text
        return json.dumps(data, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """Readable lines for the terminal, extras appended as key=value."""

    def format(self, record: logging.LogRecord) -> str:
        """Render a record as one short line (plus a redacted traceback if any)."""
        extras = " ".join(
            f"{k}={v}"
            for k, v in record.__dict__.items()
            if k not in _STANDARD_ATTRS and not k.startswith("_")
        )
        line = f"{record.levelname[0]} {record.name}: {record.getMessage()}"
        if extras:
            line += f" [{extras}]"
        if record.exc_text:
            line += "\n" + record.exc_text
        return line


def configure(
    *,
    fmt: str = "json",
    level: str = "INFO",
    secrets: tuple[str, ...] = (),
    stream: TextIO | None = None,
) -> logging.Handler:
    """Install one handler on the root logger; returns it so callers can remove it."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(RedactingFilter(secrets))
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        if getattr(old, "_qiao", False):
            root.removeHandler(old)
    handler._qiao = True  # type: ignore[attr-defined]  # marks our handler for re-configuration
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name, quiet_level in _QUIET.items():
        logging.getLogger(name).setLevel(quiet_level)
    for name in _FLOOR:
        if name not in _QUIET:
            logging.getLogger(name).setLevel(logging.INFO)
    return handler


def secrets_of(config: Any) -> tuple[str, ...]:
    """The config's secrets every log line must hide: the bot token and the webhook secret."""
    return tuple(
        s for s in (config.telegram.token, config.webhook.secret_token) if isinstance(s, str) and s
    )
