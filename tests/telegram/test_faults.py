"""Every fault the simulated Telegram can inject reaches the error path without a crash."""

from __future__ import annotations

import logging

import pytest

from bot.simtelegram import Fault
from bot.simtelegram.harness import Harness
from storage import people

STRANGER = 1005

FAULTS = {
    "retry_after": Fault.retry_after(3),
    "forbidden": Fault.forbidden(),
    "chat_migrated": Fault.chat_migrated(-100777),
    "bad_request": Fault.bad_request("Bad Request: something odd"),
    "server_error": Fault.server_error(),
    "network_error": Fault.network_error(),
    "timeout": Fault.timeout(),
}
NETWORK = {"server_error", "network_error", "timeout"}
"""Faults PTB raises as NetworkError or TimedOut: Telegram out of reach, not refusing."""


@pytest.mark.parametrize("name", list(FAULTS))
async def test_fault_on_reply_is_logged_and_the_bot_keeps_working(
    harness: Harness, name: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A failing reply is logged by the error handler (Telegram out of reach: one warning line
    without a traceback) and the next update is answered."""
    harness.sim.fail_next("sendMessage", FAULTS[name], times=2)
    with caplog.at_level(logging.WARNING):
        await harness.say("stranger", "/start")
    if name in NETWORK:
        found = [r for r in caplog.records if r.getMessage().startswith("network error while")]
        assert [r.exc_info for r in found] == [None]
        assert not any(r.getMessage() == "handler failed" for r in caplog.records)
    else:
        assert any(r.getMessage() == "handler failed" for r in caplog.records)
    await harness.say("stranger", "/start")
    reply = harness.sim.last_bot_message(STRANGER)
    assert reply is not None
    assert "invitation" in reply.plain_text
    assert await harness.runtime.db.run(people.count) == 0


async def test_error_handler_tells_the_person_when_it_can(harness: Harness) -> None:
    """When only the first send fails, the person still gets the calm error message."""
    harness.sim.fail_next("sendMessage", Fault.network_error(), times=1)
    await harness.say("stranger", "/help")
    reply = harness.sim.last_bot_message(STRANGER)
    assert reply is not None
    assert "出了点小问题" in reply.plain_text
