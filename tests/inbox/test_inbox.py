"""The inbox: every update stored before it is handled, handled once, across restarts."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import pytest

from bot.ops import health
from bot.simtelegram import Fault, SimMessage
from bot.simtelegram.harness import Harness
from bot.telegram import inbox
from tests.factories import make_family
from tests.inbox.support import URGENT_WORDS, cards, count, crisis_replies, waiting

CHILD = 1004


async def test_received_urgent_message_is_handled_once_and_marked(harness: Harness) -> None:
    """A stored urgent message gets one crisis reply, one alert and one card, and is marked."""
    await make_family(harness)
    assert await harness.receive(harness.sim.user_sends(CHILD, URGENT_WORDS)) == 1
    assert crisis_replies(harness, CHILD) == 1
    assert await count(harness, "SELECT COUNT(*) FROM alerts") == 1
    assert cards(harness) == 1
    assert await waiting(harness) == 0
    assert await count(harness, "SELECT COUNT(*) FROM inbox WHERE outcome = 'handled'") == 1


async def test_redelivered_update_is_not_handled_again(harness: Harness) -> None:
    """Telegram delivering the same update twice gives one answer and one alert."""
    await make_family(harness)
    update = harness.sim.user_sends(CHILD, URGENT_WORDS)
    assert await harness.receive(update) == 1
    assert await harness.receive(dict(update)) == 0
    assert crisis_replies(harness, CHILD) == 1
    assert await count(harness, "SELECT COUNT(*) FROM alerts") == 1


async def test_update_stored_before_a_crash_is_handled_after_the_restart(
    harness: Harness,
) -> None:
    """An update stored but never handled is handled first at the next start, exactly once."""
    await make_family(harness)
    await harness.store(harness.sim.user_sends(CHILD, URGENT_WORDS))
    assert crisis_replies(harness, CHILD) == 0
    await harness.restart()
    assert await harness.handle_waiting() == 1
    assert crisis_replies(harness, CHILD) == 1
    assert await count(harness, "SELECT COUNT(*) FROM alerts") == 1
    await harness.restart()
    assert await harness.handle_waiting() == 0
    assert crisis_replies(harness, CHILD) == 1


async def test_waiting_updates_keep_their_arrival_order(harness: Harness) -> None:
    """Stored updates come back in arrival order; waiting alone counts no attempt."""
    await make_family(harness)
    first = harness.sim.user_sends(CHILD, "第一")
    second = harness.sim.user_sends(CHILD, "第二")
    await harness.store(second, first)
    for _ in range(inbox.MAX_ATTEMPTS + 1):
        await harness.restart()
        updates = await inbox.waiting_updates(harness.app)
    assert [u.update_id for u in updates] == [second["update_id"], first["update_id"]]
    assert await count(harness, "SELECT MAX(attempts) FROM inbox") == 0


async def test_update_is_not_handled_again_once_its_change_committed(harness: Harness) -> None:
    """A crash after the message and its alert committed does not handle the update again."""
    await make_family(harness)

    def die_at_the_reply(action: str, message: SimMessage) -> None:
        if message.chat_id == CHILD:
            raise asyncio.CancelledError  # the process ends here, as under SIGKILL

    harness.sim.subscribe(die_at_the_reply)
    with pytest.raises(asyncio.CancelledError):
        await harness.receive(harness.sim.user_sends(CHILD, URGENT_WORDS))
    harness.sim._world.listeners.clear()  # the next process is not killed
    await harness.restart()
    assert await harness.handle_waiting() == 0
    assert await count(harness, "SELECT COUNT(*) FROM alerts") == 1
    assert await count(harness, "SELECT COUNT(*) FROM child_messages") == 1
    assert crisis_replies(harness, CHILD) == 1  # it had reached Telegram before the crash


async def test_update_whose_handler_failed_is_marked_handled(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """A handler that raised (the error handler ran) counts as handled: no loop at restart."""
    harness.sim.fail_next("sendMessage", Fault.bad_request("Bad Request: chat not found"))
    with caplog.at_level(logging.ERROR):
        await harness.receive(harness.sim.user_sends(1005, "/help"))
    assert any(r.getMessage() == "handler failed" for r in caplog.records)
    await harness.restart()
    assert await harness.handle_waiting() == 0


async def test_update_failing_every_restart_is_given_up_and_health_fails(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """An update whose handling kills the process three times is given up; the child's
    message queued behind it, never begun, is handled."""
    await make_family(harness)
    await harness.store(harness.sim.user_sends(1005, "/help"))
    await harness.store(harness.sim.user_sends(CHILD, "今天挺好的"))

    def die(action: str, message: SimMessage) -> None:
        raise asyncio.CancelledError  # the process ends at the first thing the bot sends

    for _ in range(inbox.MAX_ATTEMPTS):
        await harness.restart()
        poison, _behind = await inbox.waiting_updates(harness.app)
        harness.sim.subscribe(die)
        with pytest.raises(asyncio.CancelledError):
            await harness.app.process_update(poison)
        harness.sim._world.listeners.clear()
    await harness.restart()
    with caplog.at_level(logging.ERROR):
        assert await harness.handle_waiting() == 1
    assert any("given up" in r.getMessage() for r in caplog.records)
    assert await count(harness, "SELECT COUNT(*) FROM child_messages") == 1
    report = await health.check_database(harness.runtime.db, now=harness.runtime.ts())
    assert not report.ok
    assert "updates given up" in report.problems


async def test_stuck_inbox_fails_health(harness: Harness) -> None:
    """An update waiting unhandled for more than five minutes makes `qiao health` fail."""
    await harness.store(harness.sim.user_sends(1005, "/start"))
    now = harness.runtime.ts()
    assert (await health.check_database(harness.runtime.db, now=now + 60)).ok
    report = await health.check_database(harness.runtime.db, now=now + health.INBOX_MAX_AGE + 1)
    assert not report.ok
    assert "inbox stuck" in report.problems
    assert "inbox 1 waiting" in report.line


async def test_handled_rows_are_deleted_after_a_day(harness: Harness) -> None:
    """Handled inbox rows (children's words among them) are gone a day later; waiting stay."""
    await make_family(harness)
    await harness.receive(harness.sim.user_sends(CHILD, "今天挺好的"))
    await harness.store(harness.sim.user_sends(1005, "/start"))
    await harness.advance(timedelta(hours=23))
    assert await count(harness, "SELECT COUNT(*) FROM inbox") == 2
    await harness.advance(timedelta(hours=2))
    assert await count(harness, "SELECT COUNT(*) FROM inbox") == 1
    assert await waiting(harness) == 1


async def test_erasing_a_family_deletes_its_handled_inbox_rows(harness: Harness) -> None:
    """/erase removes what the family's chats sent from the inbox too; others' rows stay."""
    ids = await make_family(harness, suffix="2")  # F-TST2: a well-formed pseudonym
    await harness.receive(harness.sim.user_sends(CHILD, "今天挺好的"))
    await harness.receive(harness.sim.user_sends(1005, "/start"))
    await harness.say("volunteer", f"/erase {ids.family_pseudonym}")
    await harness.press("volunteer", "确定删除")
    assert await count(harness, "SELECT COUNT(*) FROM inbox WHERE payload LIKE '%今天挺好的%'") == 0
    assert await count(harness, "SELECT COUNT(*) FROM inbox") == 1
