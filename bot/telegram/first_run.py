"""The first minutes of a bot: reach Telegram, then check that alerts can reach the volunteers.

A newcomer's first `qiao run` meets an offline machine, a mistyped token or a group the bot is
not in. Each gets one line that says what is wrong; no network means retries with a capped
backoff (one line each), never a traceback. The volunteer chat check (`getChat`, then the
bot's own `getChatMember`) runs at start and in `qiao health`; at start a failure is logged
and the bot keeps running: crisis replies need only Telegram, and the outbox keeps every
alert until the chat is fixed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import warnings
from collections.abc import Callable

from telegram import Bot
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    TelegramError,
)
from telegram.warnings import PTBUserWarning

from bot.telegram.context import App, app_runtime

log = logging.getLogger(__name__)

START_BACKOFF_CAP = 60.0


def start_backoff(attempt: int) -> float:
    """Seconds before retry `attempt` (1, 2 …) to reach Telegram at start: 2, 4, 8 … 60."""
    return float(min(START_BACKOFF_CAP, 2 ** min(attempt, 10)))


def is_network(exc: BaseException | None) -> bool:
    """Telegram out of reach (PTB's NetworkError, TimedOut), not a refusal: BadRequest is a
    NetworkError subclass in PTB, but it is Telegram answering."""
    return isinstance(exc, NetworkError) and not isinstance(exc, BadRequest)


def reason(exc: BaseException | None) -> str:
    """A short, token-free reason for a network failure (PTB's text, or the error's type)."""
    if exc is None:
        return "unknown"
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return text[:120] or type(exc).__name__


async def connect(
    app: App, stop: asyncio.Event, *, backoff: Callable[[int], float] = start_backoff
) -> bool:
    """`app.initialize()` (PTB's getMe), retried while the network is down; False if stopped.

    A refused token is not retried: it is logged in one line and raised (InvalidToken).
    """
    attempt = 0
    while not stop.is_set():
        try:
            await app.initialize()
            if attempt:
                log.info("reached Telegram", extra={"attempts": attempt + 1})
            return True
        except InvalidToken:
            log.error("Telegram refused the bot token: check [telegram] token in the config")
            raise
        except NetworkError as exc:
            attempt += 1
            wait = backoff(attempt)
            log.warning(
                f"cannot reach Telegram ({reason(exc)}); retry {attempt} in {wait:g} s",
                extra={"error_type": type(exc).__name__},
            )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=wait)
    return False


async def desk_problem(bot: Bot, chat_id: int) -> str | None:
    """Why alerts cannot be posted in the volunteer chat, in one line; None when they can.

    NetworkError is raised to the caller (the check could not be made, which is not a verdict).
    """
    where = f"[people] volunteer_chat_id = {chat_id}"
    try:
        chat = await bot.get_chat(chat_id)
    except ChatMigrated as exc:
        return f"the volunteer chat became a supergroup: set {where} to {exc.new_chat_id}"
    except Forbidden:
        return f"the bot is not a member of the volunteer chat ({where}): add it to the group"
    except BadRequest as exc:
        if "not found" in exc.message.lower():
            return (
                f"the volunteer chat does not exist or the bot was never added ({where}):"
                " add the bot to the group and put the group's id there"
            )
        return f"the volunteer chat cannot be checked ({where}): {exc.message[:80]}"
    if chat.type == ChatType.PRIVATE:
        return f"the volunteer chat is a private chat ({where}): it must be a group or channel"
    try:
        # Raw JSON: the rights we read are stable, PTB's ChatMember classes change with the API.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PTBUserWarning)  # it suggests get_chat_member
            member = await bot.do_api_request(
                "getChatMember", api_kwargs={"chat_id": chat_id, "user_id": bot.id}
            )
    except (Forbidden, BadRequest) as exc:
        return f"the bot's rights in the volunteer chat cannot be read ({where}): {exc.message}"
    status = member.get("status") if isinstance(member, dict) else None
    if status in (ChatMemberStatus.LEFT, ChatMemberStatus.BANNED):
        return f"the bot is not a member of the volunteer chat ({where}): add it to the group"
    if status == ChatMemberStatus.RESTRICTED and not member.get("can_send_messages"):
        return f"the bot may not post in the volunteer chat ({where}): allow it to send messages"
    if chat.type == ChatType.CHANNEL and not (
        status in (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)
        and member.get("can_post_messages", status == ChatMemberStatus.OWNER)
    ):
        return f"the bot may not post in the volunteer channel ({where}): make it an admin"
    return None


async def check_desk_at_start(app: App) -> str | None:
    """Log one error line when alerts cannot reach the volunteers; returns that line."""
    runtime = app_runtime(app)
    chat_id: int = await runtime.volunteer_chat_id()
    try:
        problem = await desk_problem(app.bot, chat_id)
    except TelegramError as exc:  # NetworkError, RetryAfter: no verdict, say so and go on
        log.warning(f"could not check the volunteer chat ({reason(exc)})")
        return None
    except Exception as exc:  # a check must never keep the bot from starting
        log.warning("could not check the volunteer chat", extra={"error_type": type(exc).__name__})
        return None
    if problem is not None:
        log.error(f"{problem}; alerts are kept and retried until it is fixed")
    return problem


async def desk_verdict(token: str, base_url: str, base_file_url: str, chat_id: int) -> str | None:
    """`qiao health`'s check from outside the bot: one problem line, or None when alerts can
    be posted (a refused token and an unreachable Telegram are problems too)."""
    bot = Bot(token, base_url=base_url, base_file_url=base_file_url)
    try:
        async with bot:
            return await desk_problem(bot, chat_id)
    except InvalidToken:
        return "Telegram refused the bot token: check [telegram] token"
    except TelegramError as exc:
        return f"Telegram unreachable ({reason(exc)})"
