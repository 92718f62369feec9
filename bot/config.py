"""Typed, frozen configuration loaded from TOML; any mistake stops start-up with one clear line."""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
import types
import typing
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.config_ranges import range_problems

TOKEN_ENV = "QIAO_BOT_TOKEN"  # noqa: S105 - the variable's name, not a secret
CONFIG_ENV = "QIAO_CONFIG"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_REQUIRED: Any = dataclasses.MISSING
_PHONE = re.compile(r"\+?[0-9][0-9 ()\-]{1,22}[0-9]")


class ConfigError(Exception):
    """A configuration problem the operator must fix; its text is one line naming the key."""


@dataclass(frozen=True)
class TelegramConfig:
    """How to reach the Bot API."""

    token: str = ""
    base_url: str = "https://api.telegram.org/bot"
    base_file_url: str = "https://api.telegram.org/file/bot"


@dataclass(frozen=True)
class PeopleConfig:
    """Who runs Qiao: admins by Telegram user id, and the volunteer chat."""

    admins: tuple[int, ...] = _REQUIRED
    volunteer_chat_id: int = _REQUIRED


@dataclass(frozen=True)
class StorageConfig:
    """Where the SQLite file lives."""

    database: str = "qiao.sqlite3"


@dataclass(frozen=True)
class LocaleConfig:
    """Defaults for new families."""

    timezone: str = "Asia/Shanghai"
    language: str = "zh"

    @property
    def zone(self) -> ZoneInfo:
        """The default time zone as a zoneinfo object."""
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class QuietHoursConfig:
    """Local hours in which Qiao sends nothing that can wait."""

    start: time = time(21, 0)
    end: time = time(8, 0)

    def contains(self, local: time) -> bool:
        """Tell whether a local time falls in the quiet span (which may wrap midnight)."""
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end


@dataclass(frozen=True)
class RateLimitConfig:
    """Telegram's flood limits as Qiao obeys them."""

    overall_per_second: float = 30.0
    group_per_minute: float = 20.0
    max_retries: int = 2
    enabled: bool = True


@dataclass(frozen=True)
class InviteConfig:
    """One-time deep links."""

    expire_days: int = 7


@dataclass(frozen=True)
class LessonConfig:
    """Lesson pacing and nudges for grandparents."""

    nudge_after_days: int = 7
    follow_through_time: time = time(19, 0)
    """Local time on the day a grandparent picked to try the practice when Qiao asks how it
    went (a moment under three hours away moves to the next day; quiet hours still hold)."""


@dataclass(frozen=True)
class CheckinConfig:
    """When children's weekly check-ins go out and how long they stay open."""

    default_weekday: str = "saturday"
    default_time: time = time(10, 0)
    default_spread_minutes: int = 240
    """A new child's slot is default_time plus a stable offset by child within this many
    minutes (in steps of 5), so a province's check-ins do not all fall in one minute."""
    window_hours: int = 48
    reminder_after_hours: int = 24
    close_after_hours: int = 72


@dataclass(frozen=True)
class AlertConfig:
    """Escalation timings for unclaimed alerts."""

    urgent_repost_minutes: int = 10
    urgent_coordinators_minutes: int = 30
    concern_repost_hours: int = 24
    group_posts_per_minute: float = 15.0
    """The background sender's budget for cards and card edits in the volunteer group; the
    rest of `[rate_limits] group_per_minute` stays free for claims and confirmations."""
    group_burst: int = 5
    """Cards the group may take at once before the budget paces them."""


@dataclass(frozen=True)
class RetentionConfig:
    """How long children's own words are kept."""

    child_text_days: int = 90


@dataclass(frozen=True)
class ReadingListConfig:
    """The reading list: a person reads every child's words that raised no alert."""

    enabled: bool = True
    late_hours: int = 24


@dataclass(frozen=True)
class SafetyConfig:
    """What the crisis messages add from the programme's own setup."""

    duty_phone: str = ""
    """The NGO's duty number, named first in crisis messages when set ("" = none)."""


@dataclass(frozen=True)
class WebhookConfig:
    """Webhook mode (`qiao run --webhook`)."""

    public_url: str = ""
    listen: str = "127.0.0.1"
    port: int = 8443
    path: str = "telegram"
    secret_token: str = ""


@dataclass(frozen=True)
class LoggingConfig:
    """Log format and level."""

    format: str = "json"
    level: str = "INFO"


@dataclass(frozen=True)
class Config:
    """Everything Qiao reads from config.toml."""

    people: PeopleConfig
    telegram: TelegramConfig = field(default_factory=TelegramConfig)
    storage: StorageConfig = field(default_factory=StorageConfig)
    locale: LocaleConfig = field(default_factory=LocaleConfig)
    quiet_hours: QuietHoursConfig = field(default_factory=QuietHoursConfig)
    rate_limits: RateLimitConfig = field(default_factory=RateLimitConfig)
    invites: InviteConfig = field(default_factory=InviteConfig)
    lessons: LessonConfig = field(default_factory=LessonConfig)
    checkins: CheckinConfig = field(default_factory=CheckinConfig)
    alerts: AlertConfig = field(default_factory=AlertConfig)
    retention: RetentionConfig = field(default_factory=RetentionConfig)
    reading_list: ReadingListConfig = field(default_factory=ReadingListConfig)
    safety: SafetyConfig = field(default_factory=SafetyConfig)
    webhook: WebhookConfig = field(default_factory=WebhookConfig)
    logging: LoggingConfig = field(default_factory=LoggingConfig)
    content_dir: str = "content"

    def require_token(self) -> str:
        """Return the bot token, or stop with one line that says how to set it."""
        if not self.telegram.token:
            raise ConfigError(
                "no bot token: set [telegram] token in the config file "
                f"or the {TOKEN_ENV} environment variable (get one from @BotFather)"
            )
        return self.telegram.token


def default_config_path() -> Path:
    """The config file used when --config is not given."""
    return Path(os.environ.get(CONFIG_ENV, "config.toml"))


def load_config(path: Path | None = None, *, env: typing.Mapping[str, str] | None = None) -> Config:
    """Read, validate and freeze the config; the token may come from QIAO_BOT_TOKEN."""
    path = path or default_config_path()
    env = os.environ if env is None else env
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found (copy config.example.toml)") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    token = env.get(TOKEN_ENV)
    if token:
        raw.setdefault("telegram", {})
        if isinstance(raw["telegram"], dict):
            raw["telegram"]["token"] = token
    return config_from_dict(raw, source=str(path))


def config_from_dict(raw: typing.Mapping[str, Any], *, source: str = "config") -> Config:
    """Build a Config from plain data (tests and the demo build theirs this way)."""
    config: Config = _build(Config, raw, source, "")
    _check_semantics(config, source)
    return config


def _build(cls: type[Any], raw: Any, source: str, section: str) -> Any:
    where = f"[{section}]" if section else "top level"
    if not isinstance(raw, typing.Mapping):
        raise ConfigError(f"{source}: {where} must be a table")
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    for key in raw:
        if key not in fields:
            raise ConfigError(f"{source}: unknown key {_name(section, key)}")
    values: dict[str, Any] = {}
    for name, fld in fields.items():
        hint = hints[name]
        if name not in raw:
            if fld.default is dataclasses.MISSING and fld.default_factory is dataclasses.MISSING:
                if isinstance(hint, type) and dataclasses.is_dataclass(hint):
                    values[name] = _build(hint, {}, source, name)
                    continue
                raise ConfigError(f"{source}: missing required key {_name(section, name)}")
            continue
        if isinstance(hint, type) and dataclasses.is_dataclass(hint):
            values[name] = _build(hint, raw[name], source, name)
        else:
            values[name] = _coerce(hint, raw[name], source, _name(section, name))
    return cls(**values)


def _name(section: str, key: str) -> str:
    return f"[{section}] {key}" if section else key


def _coerce(hint: Any, value: Any, source: str, key: str) -> Any:
    def wrong(expected: str) -> ConfigError:
        return ConfigError(f"{source}: {key} must be {expected}, got {value!r}")

    if hint is bool:
        if not isinstance(value, bool):
            raise wrong("true or false")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise wrong("a whole number")
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise wrong("a number")
        return float(value)
    if hint is str:
        if not isinstance(value, str):
            raise wrong("a string")
        return value
    if hint is time:
        if not isinstance(value, str):
            raise wrong('a time like "21:00"')
        try:
            hours, minutes = (int(part) for part in value.split(":"))
            return time(hours, minutes)
        except ValueError:
            raise wrong('a time like "21:00"') from None
    origin = typing.get_origin(hint)
    if origin is tuple and typing.get_args(hint) == (int, ...):
        if not isinstance(value, list) or any(
            isinstance(v, bool) or not isinstance(v, int) for v in value
        ):
            raise wrong("a list of whole numbers")
        return tuple(value)
    if isinstance(hint, types.UnionType):  # pragma: no cover - no optional keys yet
        raise wrong(str(hint))
    raise AssertionError(f"unsupported config type {hint!r} for {key}")


def _check_semantics(config: Config, source: str) -> None:
    try:
        ZoneInfo(config.locale.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"{source}: [locale] timezone must be an IANA zone like "
            f'"Asia/Shanghai", got {config.locale.timezone!r}'
        ) from None
    if config.checkins.default_weekday not in WEEKDAYS:
        raise ConfigError(
            f"{source}: [checkins] default_weekday must be one of {', '.join(WEEKDAYS)}, "
            f"got {config.checkins.default_weekday!r}"
        )
    checkins = config.checkins
    start = checkins.default_time.hour * 60 + checkins.default_time.minute
    if not 0 <= checkins.default_spread_minutes <= 24 * 60 - start:
        raise ConfigError(
            f"{source}: [checkins] default_spread_minutes must be between 0 and the minutes "
            f"left in the day after default_time ({24 * 60 - start}), "
            f"got {checkins.default_spread_minutes}"
        )
    if config.logging.format not in ("json", "text"):
        raise ConfigError(f'{source}: [logging] format must be "json" or "text"')
    if config.retention.child_text_days < 1:
        raise ConfigError(f"{source}: [retention] child_text_days must be at least 1")
    if not 1 <= config.reading_list.late_hours <= 24 * 7:
        raise ConfigError(f"{source}: [reading_list] late_hours must be between 1 and 168")
    duty = config.safety.duty_phone
    if duty and not _PHONE.fullmatch(duty):
        raise ConfigError(
            f'{source}: [safety] duty_phone must be a phone number like "0731-1234567" '
            f"(digits, spaces, +, - and brackets), got {duty!r}"
        )
    if not config.people.admins:
        raise ConfigError(f"{source}: [people] admins must list at least one Telegram user id")
    if config.rate_limits.overall_per_second <= 0 or config.rate_limits.group_per_minute <= 0:
        raise ConfigError(f"{source}: [rate_limits] limits must be greater than zero")
    posts, limit = config.alerts.group_posts_per_minute, config.rate_limits.group_per_minute
    if not 0 < posts <= limit:
        raise ConfigError(
            f"{source}: [alerts] group_posts_per_minute must be greater than zero and at most "
            f"[rate_limits] group_per_minute ({limit:g}), got {posts:g}"
        )
    if config.alerts.group_burst < 1:
        raise ConfigError(f"{source}: [alerts] group_burst must be at least 1")
    problems = range_problems(config)
    if problems:
        raise ConfigError(f"{source}: {problems[0]}")
