"""Range checks for every config key, run before Qiao connects to anything.

A value of the right type can still be nonsense (`port = 99999`, `window_hours = 0`): each
is refused here with one line naming the key, the allowed range and the value given.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.config import Config

SUPPORTED_LANGUAGES = ("zh", "en")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
EXAMPLE_ADMIN = 123456789
EXAMPLE_VOLUNTEER_CHAT = -1001234567890
_DAY_HOURS = 24
_WEEK_HOURS = 7 * _DAY_HOURS


def range_problems(config: Config) -> list[str]:
    """Every out-of-range value as `key must be …, got …`; an empty list when all is well."""
    problems: list[str] = []

    def between(key: str, value: float, low: float, high: float) -> None:
        if not low <= value <= high:
            problems.append(f"{key} must be between {low:g} and {high:g}, got {value:g}")

    for key, url in (
        ("[telegram] base_url", config.telegram.base_url),
        ("[telegram] base_file_url", config.telegram.base_file_url),
    ):
        if not url.startswith(("https://", "http://")):
            problems.append(f"{key} must start with https:// (or http://), got {url!r}")
    if any(admin <= 0 for admin in config.people.admins):
        problems.append("[people] admins must be Telegram user ids (positive numbers)")
    if config.people.volunteer_chat_id == 0:
        problems.append("[people] volunteer_chat_id must be a group id (a negative number)")
    if not config.storage.database.strip():
        problems.append("[storage] database must name a file")
    if config.locale.language not in SUPPORTED_LANGUAGES:
        problems.append(
            f"[locale] language must be one of {', '.join(SUPPORTED_LANGUAGES)}, "
            f"got {config.locale.language!r}"
        )
    between("[rate_limits] max_retries", config.rate_limits.max_retries, 0, 10)
    between("[invites] expire_days", config.invites.expire_days, 1, 365)
    between("[lessons] nudge_after_days", config.lessons.nudge_after_days, 1, 365)
    between("[checkins] window_hours", config.checkins.window_hours, 1, _WEEK_HOURS)
    between("[checkins] reminder_after_hours", config.checkins.reminder_after_hours, 1, 168)
    between("[checkins] close_after_hours", config.checkins.close_after_hours, 1, 2 * 168)
    between("[alerts] urgent_repost_minutes", config.alerts.urgent_repost_minutes, 1, 24 * 60)
    between(
        "[alerts] urgent_coordinators_minutes",
        config.alerts.urgent_coordinators_minutes,
        1,
        24 * 60,
    )
    between("[alerts] concern_repost_hours", config.alerts.concern_repost_hours, 1, _WEEK_HOURS)
    between("[retention] child_text_days", config.retention.child_text_days, 1, 3650)
    between("[webhook] port", config.webhook.port, 1, 65535)
    if not config.webhook.listen.strip():
        problems.append("[webhook] listen must be an address like 127.0.0.1")
    if config.logging.level.upper() not in LOG_LEVELS:
        problems.append(
            f"[logging] level must be one of {', '.join(LOG_LEVELS)}, got {config.logging.level!r}"
        )
    content = Path(config.content_dir)
    if not (content / "ui").is_dir():
        what = "does not exist" if not content.exists() else "holds no ui/ texts"
        problems.append(
            f"content_dir {config.content_dir!r} {what} (point it at the content folder)"
        )
    return problems


def example_values(config: Config) -> list[str]:
    """Keys that still carry config.example.toml's placeholder ids (alerts would reach nobody)."""
    found: list[str] = []
    if EXAMPLE_ADMIN in config.people.admins:
        found.append(f"[people] admins still holds the example value {EXAMPLE_ADMIN}")
    if config.people.volunteer_chat_id == EXAMPLE_VOLUNTEER_CHAT:
        found.append(
            f"[people] volunteer_chat_id is still the example value {EXAMPLE_VOLUNTEER_CHAT}"
        )
    return found
