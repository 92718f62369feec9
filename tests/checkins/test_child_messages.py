"""What children write: assessed as it is stored, answered warmly, alerts without names or words."""

from __future__ import annotations

from datetime import datetime

from bot.simtelegram import Fault
from bot.simtelegram.harness import VOLUNTEER_CHAT_ID, Harness
from storage import alerts, outbox
from storage import checkins as repo
from tests.checkins.answering import press_rotating
from tests.checkins.support import CHILD, advance_to, answers, sessions
from tests.factories import FamilyIds, make_family

URGENT_WORDS = "我不想活了"


async def _stored(h: Harness, ids: FamilyIds) -> list[repo.ChildMessage]:
    return await h.runtime.db.run(lambda c: repo.child_messages(c, ids.child_id))


async def _alerts(h: Harness) -> list[alerts.Alert]:
    return await h.runtime.db.run(alerts.open_alerts)


async def _alert_outbox_rows(h: Harness, alert_id: int) -> list[outbox.OutboxItem]:
    item = await h.runtime.db.run(lambda c: outbox.get(c, f"alert:{alert_id}:post"))
    return [] if item is None else [item]


def _group_text(h: Harness) -> str:
    return "\n".join(m.plain_text for m in h.sim.messages(VOLUNTEER_CHAT_ID, include_deleted=True))


async def test_urgent_message_gets_the_crisis_answer_and_one_pseudonymous_alert(
    harness: Harness,
) -> None:
    """An urgent message: crisis text to the child, one alert, one group post, no name or words."""
    ids = await make_family(harness)
    await harness.say("child", URGENT_WORDS)
    reply = harness.sim.bot_messages(CHILD)[-1]
    assert "12356" in reply.plain_text
    assert "110" in reply.plain_text
    [alert] = await _alerts(harness)
    assert (alert.person_id, alert.level, alert.category) == (ids.child_id, 3, "suicide")
    [stored] = await _stored(harness, ids)
    assert alert.source == f"message:{stored.id}"
    assert (stored.text, stored.level) == (URGENT_WORDS, 3)
    assert len(await _alert_outbox_rows(harness, alert.id)) == 1
    group = harness.sim.bot_messages(VOLUNTEER_CHAT_ID)
    assert len(group) == 1
    text = _group_text(harness)
    assert ids.child_pseudonym in text
    assert "小明" not in text
    assert URGENT_WORDS not in text


async def test_ordinary_message_is_thanked_and_raises_nothing(harness: Harness) -> None:
    """A harmless message is kept and thanked; no alert, nothing in the group."""
    ids = await make_family(harness)
    await harness.say("child", "今天挺好的，我画了一幅画")
    assert "志愿者认真看" in harness.sim.bot_messages(CHILD)[-1].plain_text
    [stored] = await _stored(harness, ids)
    assert stored.level == 0
    assert await _alerts(harness) == []
    assert harness.sim.bot_messages(VOLUNTEER_CHAT_ID) == []


async def test_over_long_message_is_assessed_whole_and_kept_to_4096(harness: Harness) -> None:
    """5,000 characters with the danger at the end: alert raised, 4,096 characters stored."""
    ids = await make_family(harness)
    text = "今天上学，" * 990 + URGENT_WORDS
    assert len(text) > 4096
    await harness.say("child", text)
    [stored] = await _stored(harness, ids)
    assert stored.text is not None
    assert len(stored.text) == 4096
    assert (stored.length, stored.level) == (len(text), 3)
    assert len(await _alerts(harness)) == 1
    assert "12356" in harness.sim.bot_messages(CHILD)[-1].plain_text


async def test_the_alert_survives_a_failed_reply_to_the_child(harness: Harness) -> None:
    """Telegram failing the crisis reply loses nothing: the alert is stored and posted."""
    await make_family(harness)
    harness.sim.fail_next("sendMessage", Fault.network_error(), chat_id=CHILD)
    await harness.say("child", URGENT_WORDS)
    [alert] = await _alerts(harness)
    assert len(harness.sim.bot_messages(VOLUNTEER_CHAT_ID)) == 1
    assert alert.level == 3


async def test_urgent_text_in_the_checkin_shows_the_crisis_first_then_closes(
    harness: Harness,
) -> None:
    """An urgent free-text answer: crisis message, then the closing; one alert for that answer."""
    ids = await make_family(harness)
    await advance_to(harness, datetime(2026, 1, 10, 10, 1))
    for label in ("😐", "还行", "还行", "没有", "没说上话"):
        await harness.press("child", label)
    await press_rotating(harness, "child")
    await harness.say("child", URGENT_WORDS)
    crisis, closing = harness.sim.bot_messages(CHILD)[-2:]
    assert "12356" in crisis.plain_text
    assert "下个星期六见" in closing.plain_text
    [session] = await sessions(harness, ids.child_id)
    [alert] = await _alerts(harness)
    assert alert.source == f"checkin:{session.id}:anything"
    assert (await answers(harness, session.id))[-1].level == 3
    assert await _stored(harness, ids) == []  # an answer, not a free message
    text = _group_text(harness)
    assert "小明" not in text
    assert URGENT_WORDS not in text


async def test_watch_answers_are_stored_for_the_digest_without_a_group_post(
    harness: Harness,
) -> None:
    """A low face is a watch-level answer: kept with its level, nothing posted to the group."""
    ids = await make_family(harness)
    await advance_to(harness, datetime(2026, 1, 10, 10, 1))
    await harness.press("child", "🙁")
    [session] = await sessions(harness, ids.child_id)
    [mood] = await answers(harness, session.id)
    assert mood.level == 1
    assert harness.sim.bot_messages(VOLUNTEER_CHAT_ID) == []
