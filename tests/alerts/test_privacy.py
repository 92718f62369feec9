"""Nothing the volunteer group receives names the child or repeats what the child wrote."""

from __future__ import annotations

from datetime import timedelta

from bot.levels import RiskLevel
from bot.simtelegram import SimMessage
from bot.simtelegram.harness import Harness
from storage import people
from tests.alerts.desk import (
    GROUP,
    VOLUNTEER,
    add_coordinator,
    add_volunteer,
    cards,
    checkin_answered,
    child_wrote,
    press_on,
    raise_and_post,
)
from tests.factories import FamilyIds

WORDS = ["我不想活了", "叔叔晚上打我，不让我告诉奶奶", "I want to kill myself"]
NOTE_WORDS = "孩子说叔叔晚上打我"


async def test_no_child_name_or_words_in_any_group_message(h: Harness, family: FamilyIds) -> None:
    """Across raising, escalation, claim, notes, listing and resolving, the group sees neither."""
    seen: list[str] = []

    def record(action: str, message: SimMessage) -> None:
        if message.chat_id == GROUP and message.from_bot:
            seen.append(message.text or "")
            seen.append(message.plain_text)

    h.sim.subscribe(record)
    h.sim.chat(GROUP).bot_is_admin = True  # so the bot can remove a note typed in the group
    await add_volunteer(h)
    await add_coordinator(h)
    child = await h.runtime.db.run(lambda c: people.by_id(c, family.child_id))
    assert child is not None
    assert child.display_name == "小明"
    await checkin_answered(h, family.child_id, "2026-W02", mood=1, text=WORDS[1])
    await child_wrote(h, family.child_id, WORDS[0])
    await child_wrote(h, family.child_id, WORDS[2])
    urgent = await raise_and_post(h, family.child_id, category="suicide")
    concern = await raise_and_post(  # the caregiver's: the child's would join the urgent one
        h, family.caregiver_id, source="two", level=RiskLevel.CONCERN, category="abuse_physical"
    )
    help_request = await raise_and_post(
        h, family.caregiver_id, kind="help_request", category="help_request", source="help:1"
    )
    await h.advance(timedelta(minutes=31))
    await press_on(h, "volunteer", cards(h, urgent)[0], "我来跟进")
    await press_on(h, "volunteer2", cards(h, urgent)[0], "已解决")
    await press_on(h, "volunteer2", cards(h, concern)[0], "我来跟进")
    await h.say("volunteer", f"/note A-{urgent} {NOTE_WORDS}", chat_id=GROUP)
    await h.say("volunteer", "/alerts", chat_id=GROUP)
    await h.say("volunteer", f"/details A-{urgent}", chat_id=GROUP)
    await h.say("volunteer", f"/resolve A-{urgent}", chat_id=GROUP)
    await h.press("volunteer", "和孩子谈过了")
    await h.advance(timedelta(days=1, hours=1))
    await press_on(h, "volunteer", cards(h, help_request)[0], "我来跟进")

    assert any(WORDS[0] in m.plain_text for m in h.sim.bot_messages(VOLUNTEER))
    group_calls = [
        str(value)
        for call in h.sim.calls
        if call.params.get("chat_id") == GROUP
        for value in call.params.values()
    ]
    assert len(seen) > 10
    forbidden = [child.display_name, *WORDS, NOTE_WORDS, "小明"]
    for text in [*seen, *group_calls]:
        for secret in forbidden:
            assert secret not in text
    for message in h.sim.messages(GROUP):  # what is still visible, whoever wrote it
        for secret in forbidden:
            assert secret not in message.plain_text
