"""Faults a test can inject, and the queue that hands them to the next matching call.

Each fault produces exactly what the real network path would, so PTB's own code turns it
into its exception: an error body with a non-2xx status (RetryAfter, Forbidden, ChatMigrated,
BadRequest, 502 → NetworkError), or an exception raised inside `do_request` (a connection
error → NetworkError, PTB's `TimedOut` → TimedOut). `delivered_timeout` first carries the call
out, as when Telegram got the request but its answer came too late.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from telegram.error import TimedOut

from bot.simtelegram.errors import ApiError, chat_migrated

FaultKind = Literal[
    "retry_after",
    "forbidden",
    "chat_migrated",
    "bad_request",
    "server_error",
    "network",
    "timeout",
    "delivered_timeout",
    "crash",
]


class SimulatedConnectionError(ConnectionError):
    """Raised inside `do_request` for `Fault.network_error()`; PTB wraps it in NetworkError."""


class SimulatedCrash(BaseException):
    """Raised inside `do_request` for `Fault.process_dies()`: nothing of ours catches it, so the
    handler stops where it is, as if the process had been killed at that call."""


@dataclass(frozen=True, slots=True)
class Fault:
    """One failure of one Bot API call; build it with the class methods."""

    kind: FaultKind
    status: int = 0
    description: str = ""
    parameters: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def retry_after(cls, seconds: int) -> Fault:
        """429 flood control: PTB raises `RetryAfter` with `retry_after` = seconds."""
        return cls(
            "retry_after",
            429,
            f"Too Many Requests: retry after {seconds}",
            (("retry_after", seconds),),
        )

    @classmethod
    def forbidden(cls, desc: str = "Forbidden: bot was blocked by the user") -> Fault:
        """403: PTB raises `Forbidden`."""
        return cls("forbidden", 403, desc)

    @classmethod
    def chat_migrated(cls, new_chat_id: int) -> Fault:
        """400 with `migrate_to_chat_id`: PTB raises `ChatMigrated` with `new_chat_id`."""
        error = chat_migrated(new_chat_id)
        params = tuple((error.parameters or {}).items())
        return cls("chat_migrated", error.status, error.description, params)

    @classmethod
    def bad_request(cls, desc: str) -> Fault:
        """400: PTB raises `BadRequest`; "Bad Request: " is prefixed when missing."""
        if not desc.startswith("Bad Request: "):
            desc = f"Bad Request: {desc}"
        return cls("bad_request", 400, desc)

    @classmethod
    def server_error(cls) -> Fault:
        """502 from a proxy or an overloaded server: PTB raises `NetworkError`."""
        return cls("server_error", 502, "Bad Gateway")

    @classmethod
    def network_error(cls) -> Fault:
        """The connection breaks: PTB raises `NetworkError` ("Unknown error in HTTP ...")."""
        return cls("network", 0, "simulated connection reset")

    @classmethod
    def timeout(cls) -> Fault:
        """No answer in time: PTB raises `TimedOut` (a NetworkError subclass)."""
        return cls("timeout", 0, "simulated timeout")

    @classmethod
    def delivered_timeout(cls) -> Fault:
        """The call is carried out (a message is sent) but its answer never comes back in time:
        PTB raises `TimedOut`, and the bot cannot know the message arrived."""
        return cls("delivered_timeout", 0, "simulated timeout after delivery")

    @classmethod
    def timeout_after_delivery(cls) -> Fault:
        """Another name for `delivered_timeout` (a slow route: the call took effect)."""
        return cls.delivered_timeout()

    @classmethod
    def process_dies(cls) -> Fault:
        """The process is killed at this call, before it reaches Telegram (`SimulatedCrash`)."""
        return cls("crash", 0, "simulated process death")

    @property
    def delivers(self) -> bool:
        """The call takes effect before the fault (only `delivered_timeout`)."""
        return self.kind == "delivered_timeout"

    def as_api_error(self) -> ApiError | None:
        """The error body to answer with, or None when the fault is an exception instead."""
        if self.kind in ("network", "timeout", "delivered_timeout", "crash"):
            return None
        return ApiError(self.status, self.description, dict(self.parameters) or None)

    def transport_exception(self) -> Exception | None:
        """What the transport raises for network faults (None for HTTP faults)."""
        if self.kind == "network":
            return SimulatedConnectionError(self.description)
        if self.kind in ("timeout", "delivered_timeout"):
            return TimedOut(self.description)
        return None


@dataclass(slots=True)
class _Pending:
    method: str | None
    fault: Fault
    chat_id: int | None
    remaining: int


class FaultQueue:
    """Faults waiting for their call, matched in the order they were queued."""

    def __init__(self) -> None:
        self._pending: list[_Pending] = []

    def add(self, method: str | None, fault: Fault, chat_id: int | None, times: int) -> None:
        """Queue `fault` for the next `times` calls of `method` (None: any) to `chat_id`."""
        if times < 1:
            raise ValueError("times must be at least 1")
        name = method.lower() if method is not None else None
        self._pending.append(_Pending(name, fault, chat_id, times))

    def take(self, method: str, chat_id: object) -> Fault | None:
        """The fault for this call, if one matches; it is used up after `times` matches."""
        if not self._pending:
            return None
        name = method.lower()
        for index, pending in enumerate(self._pending):
            if pending.method is not None and pending.method != name:
                continue
            if pending.chat_id is not None and not _same_chat(pending.chat_id, chat_id):
                continue
            pending.remaining -= 1
            if pending.remaining == 0:
                del self._pending[index]
            return pending.fault
        return None

    def clear(self) -> None:
        """Forget every queued fault."""
        self._pending.clear()

    def __len__(self) -> int:
        return len(self._pending)


def _same_chat(wanted: int, given: object) -> bool:
    if isinstance(given, bool):
        return False
    if isinstance(given, int):
        return given == wanted
    if isinstance(given, str):
        return given.lstrip("-").isdigit() and int(given) == wanted
    return False
