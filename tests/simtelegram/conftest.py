"""Fixtures: a simulated Telegram with a hand-moved clock, and a real PTB Application on it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, TypeAlias

import pytest
from telegram.ext import Application, ApplicationBuilder, ContextTypes, ExtBot, JobQueue

from bot.simtelegram import SimTelegram

GRANDMA = 1001
CHILD = 1002
VOLUNTEER = 1003
VOLUNTEERS = -4001

# What `ApplicationBuilder().build()` gives: PTB's default bot, context and data types, so calls
# through `app.bot` in these tests are checked against PTB's real signatures.
PtbApp: TypeAlias = Application[
    ExtBot[None],
    ContextTypes.DEFAULT_TYPE,
    dict[Any, Any],
    dict[Any, Any],
    dict[Any, Any],
    JobQueue[ContextTypes.DEFAULT_TYPE],
]


class HandClock:
    """A clock that moves only when a test moves it."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self.t = start

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


@pytest.fixture(autouse=True)
def ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    """Opt in to PTB 22's timedelta periods: otherwise building a RetryAfter from Telegram's
    integer seconds emits a PTBDeprecationWarning, which this suite turns into an error."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
def clock() -> HandClock:
    return HandClock()


@pytest.fixture
def sim(clock: HandClock) -> SimTelegram:
    server = SimTelegram(now=clock)
    server.add_user(GRANDMA, "奶奶")
    server.add_user(CHILD, "小明", username="xiaoming")
    server.add_user(VOLUNTEER, "Li", username="li_volunteer", language_code="en")
    server.add_group(VOLUNTEERS, "志愿者", members=[VOLUNTEER])
    return server


def build_app(sim: SimTelegram) -> PtbApp:
    """The same builder chain the bot uses, with the simulated transport."""
    return (
        ApplicationBuilder()
        .token(sim.token)
        .request(sim.request())
        .get_updates_request(sim.request())
        .build()
    )


@pytest.fixture
async def app(sim: SimTelegram) -> AsyncIterator[PtbApp]:
    application = build_app(sim)
    await application.initialize()
    yield application
    await application.shutdown()
