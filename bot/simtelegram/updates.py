"""The queue `getUpdates` serves, with Telegram's offset and allowed_updates rules.

An update stays queued until a later call's `offset` is greater than its id (that is how a
poller confirms it); a negative offset keeps only the last few; `allowed_updates` is
remembered from call to call and filtered updates are dropped, as Telegram does.
"""

from __future__ import annotations

from collections import deque
from itertools import islice

from bot.simtelegram.model import JSON

FIRST_UPDATE_ID = 100_000_001
# Telegram's default when allowed_updates is empty or was never given.
_NOT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


def update_type(update: JSON) -> str:
    """The update's kind: its first field besides `update_id` ("message", ...)."""
    return next((key for key in update if key != "update_id"), "")


class UpdateQueue:
    """Pending updates in arrival order."""

    def __init__(self) -> None:
        self._pending: deque[JSON] = deque()
        self._next_id = FIRST_UPDATE_ID
        self._allowed: frozenset[str] | None = None

    def push(self, payload: JSON) -> JSON:
        """Queue `payload`, giving it the next `update_id` unless it already has one."""
        given = payload.get("update_id")
        if isinstance(given, int) and not isinstance(given, bool):
            self._next_id = max(self._next_id, given + 1)
        else:
            payload = {"update_id": self._next_id, **payload}
            self._next_id += 1
        self._pending.append(payload)
        return payload

    def serve(self, offset: int, limit: int, allowed: list[str] | None) -> list[JSON]:
        """Confirm what `offset` confirms, then return up to `limit` pending updates."""
        if allowed is not None:
            self._allowed = frozenset(allowed) if allowed else None
        if offset < 0:
            while len(self._pending) > -offset:
                self._pending.popleft()
        elif offset > 0:
            self._pending = deque(u for u in self._pending if _id(u) >= offset)
        if self._allowed is not None or any(
            update_type(u) in _NOT_BY_DEFAULT for u in self._pending
        ):
            self._pending = deque(u for u in self._pending if self._wanted(u))
        return list(islice(self._pending, limit))

    def clear(self) -> None:
        """Drop every pending update (`drop_pending_updates`)."""
        self._pending.clear()

    def __len__(self) -> int:
        return len(self._pending)

    def _wanted(self, update: JSON) -> bool:
        kind = update_type(update)
        if self._allowed is None:
            return kind not in _NOT_BY_DEFAULT
        return kind in self._allowed


def _id(update: JSON) -> int:
    value = update.get("update_id")
    return value if isinstance(value, int) else 0
