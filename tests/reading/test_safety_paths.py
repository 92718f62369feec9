"""Emergency numbers that answer a picture's caption or an adult's report are never lost."""

from __future__ import annotations

from datetime import timedelta

from bot.simtelegram.faults import Fault
from bot.simtelegram.harness import VOLUNTEER_CHAT_ID, Harness
from storage import alerts, checkins
from storage.spill import spill_path
from tests.checkins.test_store_failures import _locked
from tests.factories import make_family
from tests.reading.support import CHILD, GRANDMA

URGENT_CAPTION = "我不想活了"
REPORT = "孩子跟我说他不想活了，我该怎么办"


def _with(h: Harness, chat_id: int, mark: str) -> int:
    """How many of the bot's messages in a chat contain `mark`."""
    return sum(1 for m in h.sim.bot_messages(chat_id, include_deleted=True) if mark in m.plain_text)


def _attempts(h: Harness, chat_id: int, mark: str) -> int:
    """sendMessage calls to a chat whose text contains `mark`, failed ones included."""
    return sum(
        1
        for c in h.sim.calls_to("sendMessage")
        if c.params.get("chat_id") == chat_id and mark in str(c.params.get("text", ""))
    )


async def test_a_failed_crisis_send_for_a_caption_is_sent_once_by_the_outbox(
    harness: Harness,
) -> None:
    """When Telegram fails the crisis reply to an urgent photo caption, the outbox sends the
    queued copy, and never a second one."""
    await make_family(harness)
    harness.sim.fail_next("sendMessage", Fault.network_error(), chat_id=CHILD)
    await harness.deliver(harness.sim.user_sends_media(CHILD, "photo", caption=URGENT_CAPTION))
    assert _attempts(harness, CHILD, "12356") == 2
    assert _with(harness, CHILD, "12356") == 1
    await harness.advance(timedelta(hours=1))
    assert _with(harness, CHILD, "12356") == 1


async def test_the_same_caption_handled_twice_sends_one_crisis_reply(harness: Harness) -> None:
    """A photo update replayed after a restart finds its crisis reply already sent."""
    await make_family(harness)
    update = harness.sim.user_sends_media(CHILD, "photo", caption=URGENT_CAPTION)
    await harness.deliver(update)
    await harness.deliver(update)
    assert _with(harness, CHILD, "12356") == 1
    assert len(await harness.runtime.db.run(alerts.open_alerts)) == 1


async def test_a_failed_reply_to_an_urgent_report_is_sent_by_the_outbox(harness: Harness) -> None:
    """The reply with the emergency numbers to a grandparent's urgent report is queued with the
    alert: after a network error the outbox sends it, once."""
    await make_family(harness)
    harness.sim.fail_next("sendMessage", Fault.network_error(), chat_id=GRANDMA)
    await harness.say("grandma", REPORT)
    assert _attempts(harness, GRANDMA, "110") == 2
    assert _with(harness, GRANDMA, "110") == 1
    assert len(harness.sim.bot_messages(VOLUNTEER_CHAT_ID)) == 1
    await harness.advance(timedelta(hours=1))
    assert _with(harness, GRANDMA, "110") == 1


async def test_a_locked_database_during_an_urgent_caption_still_answers_and_keeps_it(
    harness: Harness,
) -> None:
    """Database locked by another process: the crisis reply still goes, the caption's signal is
    kept and stored once the lock is gone, with one crisis reply in all."""
    ids = await make_family(harness)
    with _locked(harness):
        await harness.deliver(harness.sim.user_sends_media(CHILD, "photo", caption=URGENT_CAPTION))
        assert _with(harness, CHILD, "12356") == 1
        spilled = spill_path(harness.config.storage.database)
        assert spilled is not None
        assert spilled.exists()
    await harness.advance(timedelta(minutes=2))
    [alert] = await harness.runtime.db.run(alerts.open_alerts)
    assert alert.person_id == ids.child_id
    assert _with(harness, CHILD, "12356") == 1
    assert not spilled.exists()
    [kept] = await harness.runtime.db.run(lambda c: checkins.child_messages(c, ids.child_id))
    assert kept.level == 3  # the caption is kept as the child's message; the file is not
