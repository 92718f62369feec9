"""The callback-data codec shared by services and the adapter: `prefix:part:part…`, at most
64 bytes, parsed strictly.

Callback data is untrusted (any client can send any string), so handlers match an anchored
pattern per prefix, unpack with a fixed arity, and then check the press against the
database: who pressed, and whether the state it refers to is still current.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_BYTES = 64
_PART = re.compile(r"[A-Za-z0-9_.\-]*")
_PREFIX = re.compile(r"[a-z]{1,4}")


class CallbackDataError(ValueError):
    """Data that this codec would never have produced."""


@dataclass(frozen=True)
class Callback:
    """A decoded press: its prefix and its parts."""

    prefix: str
    parts: tuple[str, ...]

    def int_part(self, index: int) -> int:
        """A part that must be a non-negative integer."""
        value = self.parts[index]
        if not value.isdigit() or len(value) > 12:
            raise CallbackDataError("not a number")
        return int(value)


def pack(prefix: str, *parts: object) -> str:
    """Encode a press; raises if it would not fit Telegram's 64 bytes."""
    if not _PREFIX.fullmatch(prefix):
        raise CallbackDataError(f"bad prefix {prefix!r}")
    texts = [str(p) for p in parts]
    for text in texts:
        if not _PART.fullmatch(text):
            raise CallbackDataError(f"bad part {text!r}")
    data = ":".join([prefix, *texts])
    if len(data.encode()) > MAX_BYTES:
        raise CallbackDataError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data


def unpack(data: str | None, prefix: str, arity: int) -> Callback:
    """Decode a press of `prefix` with exactly `arity` parts, or raise CallbackDataError."""
    if not data or len(data.encode()) > MAX_BYTES:
        raise CallbackDataError("missing or oversized data")
    head, *parts = data.split(":")
    if head != prefix or len(parts) != arity or not all(_PART.fullmatch(p) for p in parts):
        raise CallbackDataError("malformed")
    return Callback(head, tuple(parts))


def pattern(prefix: str) -> str:
    """The anchored regex a CallbackQueryHandler uses for one prefix."""
    if not _PREFIX.fullmatch(prefix):
        raise CallbackDataError(f"bad prefix {prefix!r}")
    return rf"^{prefix}:[A-Za-z0-9_.:\-]{{0,60}}$"
