"""The "ask a volunteer" button: one help request to the group, pseudonym and category only."""

from __future__ import annotations

from bot.simtelegram.harness import VOLUNTEER_CHAT_ID, Harness
from storage import alerts
from storage import lessons as store
from tests.factories import make_family
from tests.lessons.helpers import HELP, NEXT, take_whole_lesson, texts


async def test_help_request_reaches_the_group_once_without_personal_data(
    harness: Harness,
) -> None:
    """The group gets one post with the pseudonym and the category; no name, no lesson text."""
    h = harness
    ids = await make_family(h)
    await h.say("grandma", "/next")
    await h.press("grandma", NEXT)
    await h.press("grandma", HELP)
    [post] = h.sim.bot_messages(VOLUNTEER_CHAT_ID)
    assert "G-TST" in post.plain_text
    assert "家长求助" in post.plain_text
    for private in ("王奶奶", "小明", "先定个时间", "固定时间"):
        assert private not in post.plain_text
    assert texts(h, "grandma")[-1].startswith("好的，已经告诉志愿者了")

    await h.press("grandma", "接着学")
    assert "（2/5）" in texts(h, "grandma")[-1]
    await h.press("grandma", HELP)
    assert len(h.sim.bot_messages(VOLUNTEER_CHAT_ID)) == 1
    assert texts(h, "grandma")[-1].startswith("您的求助已经送到了")
    [alert] = await h.runtime.db.run(alerts.open_alerts)
    assert (alert.kind, alert.person_id, alert.category) == (
        "help_request",
        ids.caregiver_id,
        "help_request",
    )
    assert await h.runtime.db.run(lambda c: store.help_request_count(c, ids.caregiver_id)) == 1


async def test_new_help_request_after_the_last_one_was_resolved(harness: Harness) -> None:
    """Once volunteers resolved a help request, the button raises a fresh one."""
    h = harness
    ids = await make_family(h)
    await h.say("grandma", "/lessons")
    await h.press("grandma", HELP)
    [first] = await h.runtime.db.run(alerts.open_alerts)
    now = h.runtime.ts()
    await h.runtime.db.tx(lambda c: alerts.resolve(c, first.id, ids.volunteer_id, "helped", now))
    await h.press("grandma", HELP)
    assert len(h.sim.bot_messages(VOLUNTEER_CHAT_ID)) == 2
    [second] = await h.runtime.db.run(alerts.open_alerts)
    assert second.id != first.id


async def test_help_button_is_under_every_lesson_message(harness: Harness) -> None:
    """Every message of a lesson, to its end, carries the ask-a-volunteer button on its own row."""
    h = harness
    await make_family(h)
    await h.say("grandma", "/next")
    shown_before = len(h.sim.bot_messages(h.user_id("grandma")))
    await take_whole_lesson(h)
    lesson_messages = h.sim.bot_messages(h.user_id("grandma"))[shown_before - 1 :]
    for message in lesson_messages:
        if not message.buttons:  # answered messages lose their buttons
            assert message.edited
            continue
        rows = message.reply_markup or []
        assert [b.text for b in rows[-1]] == ["🙋 找志愿者"]
        assert all(len(row) == 1 for row in rows)
