"""Sending a job's messages one by one: each failure named, flood control stopping the rest."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from bot.outgoing import Outgoing
from bot.services.delivery import SendOutcome
from bot.telegram.keyboards import api_markup

log = logging.getLogger(__name__)
T = TypeVar("T")


async def send_one(
    bot: Bot,
    chat_id: int,
    message: Outgoing,
    *,
    what: str,
    person: str,
) -> SendOutcome:
    """Send one message; say how it went (`what` and `person` name it in the log)."""
    try:
        await bot.send_message(chat_id, message.text, api_kwargs=api_markup(message.buttons))
    except RetryAfter:
        log.warning("flood control: %s paused", what)
        return SendOutcome.HALT
    except Forbidden:
        log.info("%s not delivered: chat blocked", what, extra={"person": person})
        return SendOutcome.BLOCKED
    except BadRequest as exc:
        log.error("%s rejected", what, extra={"person": person, "reason": exc.message})
        return SendOutcome.FAILED
    except NetworkError:  # includes TimedOut: try again on the next run
        log.warning("network error: %s postponed", what, extra={"person": person})
        return SendOutcome.RETRY
    return SendOutcome.SENT


async def send_each(
    items: Sequence[T], send: Callable[[T], Awaitable[SendOutcome]]
) -> list[tuple[T, SendOutcome]]:
    """Send every item in order; after flood control the rest are left for the next run."""
    outcomes: list[tuple[T, SendOutcome]] = []
    halted = False
    for item in items:
        outcome = SendOutcome.RETRY if halted else await send(item)
        halted = halted or outcome is SendOutcome.HALT
        outcomes.append((item, outcome))
    return outcomes


def sent_count(outcomes: Sequence[tuple[Any, SendOutcome]]) -> int:
    """How many arrived."""
    return sum(1 for _, outcome in outcomes if outcome is SendOutcome.SENT)
