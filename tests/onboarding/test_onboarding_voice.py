"""Onboarding asks a grandparent once whether lessons should be read aloud."""

from __future__ import annotations

import sqlite3

from bot.simtelegram.harness import Harness
from storage import invites, people
from storage import voice as voice_store
from tests.onboarding.flows import (
    caregiver_joins,
    create_family,
    last_text,
    press_data,
    register_volunteer,
)

GRANDMA = 1003


async def voice_of(h: Harness) -> bool | None:
    """Grandma's stored choice (None: never asked)."""

    def read(conn: sqlite3.Connection) -> bool | None:
        person = people.by_telegram_user(conn, GRANDMA)
        assert person is not None
        return voice_store.mode(conn, person.id)

    return await h.runtime.db.run(read)


async def test_read_it_to_me_is_chosen_with_a_big_button_after_the_form_of_address(
    harness: Harness,
) -> None:
    """After the form of address come two big buttons; "read it to me" turns voice mode on."""
    h = harness
    await register_volunteer(h)
    caregiver_link, _ = await create_family(h)
    await h.say("grandma", f"/start {caregiver_link}")
    await h.press("grandma", "中文")
    await h.press("grandma", 1)
    await h.press("grandma", 1)
    await h.press("grandma", "奶奶")
    assert "念给您听" in last_text(h, "grandma")
    prompt = h.sim.last_bot_message(GRANDMA)
    assert prompt is not None
    assert [[b.text for b in row] for row in prompt.reply_markup or []] == [
        ["🔊 念给我听"],
        ["📖 我自己看"],
    ]
    assert await voice_of(h) is None

    await h.press("grandma", "念给我听")
    assert await voice_of(h) is True
    texts = [m.plain_text for m in h.sim.bot_messages(GRANDMA)]
    assert "欢迎您，奶奶" in texts[-2]  # then, first time only, the emergency card
    assert "救命电话" in texts[-1]
    assert await h.runtime.db.run(lambda c: invites.load_flow(c, GRANDMA)) is None
    assert "✅ 🔊 念给我听" in texts[-3]


async def test_reading_myself_is_remembered_and_the_question_is_not_asked_again(
    harness: Harness,
) -> None:
    """ "I'll read it myself" stores text mode; the spent button and the link ask nothing more."""
    h = harness
    await register_volunteer(h)
    caregiver_link, _ = await create_family(h)
    await caregiver_joins(h, caregiver_link, voice=False)
    assert await voice_of(h) is False
    prompt = next(m for m in h.sim.bot_messages(GRANDMA) if "念给您听" in m.plain_text)
    again = await press_data(h, "grandma", "ob:vc:0:on", message_id=prompt.message_id)
    assert again != ""
    await h.say("grandma", f"/start {caregiver_link}")
    assert "念给您听" not in last_text(h, "grandma")
    assert await voice_of(h) is False
