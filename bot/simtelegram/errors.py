"""Bot API error answers, shaped the way Telegram sends them so PTB maps them itself."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """An error the simulated server answers with: HTTP status, description, parameters."""

    def __init__(
        self, status: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def to_json(self) -> dict[str, Any]:
        """Telegram's error body: `ok` false, `error_code`, `description`, maybe `parameters`."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(detail: str) -> ApiError:
    """A 400 whose description carries Telegram's "Bad Request: " prefix."""
    return ApiError(400, f"Bad Request: {detail}")


def forbidden(detail: str) -> ApiError:
    """A 403 whose description carries Telegram's "Forbidden: " prefix."""
    return ApiError(403, f"Forbidden: {detail}")


def chat_migrated(new_chat_id: int) -> ApiError:
    """What Telegram answers for a group that became a supergroup (PTB: `ChatMigrated`)."""
    return ApiError(
        400,
        "Bad Request: group chat was upgraded to a supergroup chat",
        {"migrate_to_chat_id": new_chat_id},
    )
