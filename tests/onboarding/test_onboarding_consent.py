"""Consent: caregiver, guardian and child decisions, by buttons, recorded with their version."""

from __future__ import annotations

import sqlite3

from bot.domain import Role
from bot.services.checkins import spread_minute
from bot.services.schedule import hhmm
from bot.simtelegram.harness import Harness
from storage import consents, families, invites, people
from storage.people import Person
from tests.onboarding.flows import (
    caregiver_joins,
    create_family,
    last_text,
    press_data,
    register_volunteer,
)

GRANDMA, CHILD, STRANGER = 1003, 1004, 1005


def stale(h: Harness) -> str:
    """The short answer every refused press gets."""
    return h.runtime.content.ui_label("basics.stale_button", "zh")


async def person(h: Harness, pseudonym: str) -> Person:
    found = await h.runtime.db.run(lambda c: people.by_pseudonym(c, pseudonym))
    assert found is not None
    return found


async def family_people(h: Harness) -> tuple[Person, Person]:
    """The (caregiver, child) of the only family."""

    def read(conn: sqlite3.Connection) -> tuple[Person, Person]:
        family = families.newest(conn)[0]
        members = {p.role: p for p in people.in_family(conn, family.id)}
        return members[Role.CAREGIVER], members[Role.CHILD]

    return await h.runtime.db.run(read)


async def test_caregiver_consents_and_becomes_active(harness: Harness) -> None:
    """Language, own consent, guardian consent and form of address make an active caregiver."""
    await register_volunteer(harness)
    caregiver_link, _ = await create_family(harness)
    await caregiver_joins(harness, caregiver_link)
    caregiver, child = await family_people(harness)
    assert caregiver.status == "active"
    assert (caregiver.telegram_user_id, caregiver.chat_id) == (GRANDMA, GRANDMA)
    assert (caregiver.display_name, caregiver.lang) == ("奶奶", "zh")
    decisions = await harness.runtime.db.run(lambda c: consents.for_subject(c, caregiver.id))
    assert [(d.kind, d.decision, d.text_version) for d in decisions] == [("caregiver", "agree", 2)]
    guardian = await harness.runtime.db.run(lambda c: consents.for_subject(c, child.id))
    assert [(d.kind, d.person_id, d.decision) for d in guardian] == [
        ("guardian", caregiver.id, "agree")
    ]
    record = await harness.runtime.db.run(lambda c: families.child(c, child.id))
    assert record is not None
    assert record.guardian_consent_at == harness.runtime.ts()
    welcome, card = [m.plain_text for m in harness.sim.bot_messages(GRANDMA)][-2:]
    assert "/next" in welcome
    assert "/emergency" in card
    assert await harness.runtime.db.run(lambda c: invites.load_flow(c, GRANDMA)) is None


async def test_consent_text_names_what_the_law_asks_for(harness: Harness) -> None:
    """The caregiver's text covers retention, Telegram abroad, /stop and /deleteme."""
    await register_volunteer(harness)
    caregiver_link, _ = await create_family(harness)
    await harness.say("grandma", f"/start {caregiver_link}")
    await harness.press("grandma", "English")
    text = last_text(harness, "grandma")
    days = str(harness.config.retention.child_text_days)
    for needed in (days, "outside China", "/stop", "/deleteme", "Who sees it"):
        assert needed in text
    await harness.press("grandma", "I agree")
    assert "none of it is shown to anyone in the family" in last_text(harness, "grandma")


async def test_english_caregiver_gets_english_texts_and_commands(harness: Harness) -> None:
    """Choosing English stores it and the command menu is in English."""
    await register_volunteer(harness)
    caregiver_link, _ = await create_family(harness)
    await caregiver_joins(harness, caregiver_link, lang="English")
    caregiver, _child = await family_people(harness)
    assert (caregiver.lang, caregiver.display_name) == ("en", "Grandma")
    welcome, card = [m.plain_text for m in harness.sim.bot_messages(GRANDMA)][-2:]
    assert "Welcome, Grandma" in welcome
    assert card.startswith("🆘 Emergency numbers")
    menu = harness.sim.my_commands(scope={"type": "chat", "chat_id": GRANDMA})
    assert [name for name, _ in menu] == [
        "next",
        "lessons",
        "voice",
        "help",
        "stop",
        "resume",
        "deleteme",
        "emergency",
    ]
    assert dict(menu)["deleteme"] == "Delete my information"
    assert dict(menu)["voice"] == "Read lessons aloud (on/off)"


async def test_declining_stores_nothing_but_the_refusal(harness: Harness) -> None:
    """A caregiver who declines keeps no Telegram id, chat or name; only the refusal row."""
    await register_volunteer(harness)
    caregiver_link, _ = await create_family(harness)
    await harness.say("grandma", f"/start {caregiver_link}")
    await harness.press("grandma", "中文")
    await harness.press("grandma", "不同意")
    caregiver, _child = await family_people(harness)
    assert caregiver.status == "declined"
    assert (caregiver.telegram_user_id, caregiver.chat_id, caregiver.display_name) == (
        None,
        None,
        None,
    )
    decisions = await harness.runtime.db.run(lambda c: consents.for_subject(c, caregiver.id))
    assert [(d.kind, d.decision) for d in decisions] == [("caregiver", "decline")]
    assert await harness.runtime.db.run(lambda c: people.by_telegram_user(c, GRANDMA)) is None
    assert await harness.runtime.db.run(lambda c: invites.load_flow(c, GRANDMA)) is None
    assert "没有保存" in last_text(harness, "grandma")


async def test_guardian_declining_keeps_the_child_out(harness: Harness) -> None:
    """Declining for the child marks the child declined; the child's link then does nothing."""
    await register_volunteer(harness)
    caregiver_link, child_link = await create_family(harness)
    await harness.say("grandma", f"/start {caregiver_link}")
    await harness.press("grandma", "中文")
    await harness.press("grandma", "我同意")
    await harness.press("grandma", "不同意")
    assert "不会邀请孩子" in harness.sim.bot_messages(GRANDMA)[-2].plain_text
    await harness.press("grandma", "外婆")
    caregiver, child = await family_people(harness)
    assert (caregiver.status, caregiver.display_name) == ("active", "外婆")
    assert child.status == "declined"
    await harness.say("child", f"/start {child_link}")
    assert "请先等一等" in last_text(harness, "child")
    assert await harness.runtime.db.run(lambda c: people.by_telegram_user(c, CHILD)) is None


async def test_child_link_waits_for_guardian_consent(harness: Harness) -> None:
    """Before the guardian agreed the child's link refuses and stays usable; afterwards it works."""
    await register_volunteer(harness)
    caregiver_link, child_link = await create_family(harness)
    assert child_link is not None
    before = await harness.runtime.db.run(lambda c: (people.count(c), consents.count(c)))
    await harness.say("child", f"/start {child_link}")
    assert "请先等一等" in last_text(harness, "child")
    after = await harness.runtime.db.run(lambda c: (people.count(c), consents.count(c)))
    assert after == before
    _caregiver, child = await family_people(harness)
    assert child.status == "pending"
    assert child.telegram_user_id is None
    await caregiver_joins(harness, caregiver_link)
    await harness.say("child", f"/start {child_link}")
    await harness.press("child", "中文")
    assert "志愿者哥哥姐姐都会认真看" in last_text(harness, "child")
    await harness.press("child", "好的")
    _caregiver, child = await family_people(harness)
    assert (child.status, child.telegram_user_id, child.chat_id) == ("active", CHILD, CHILD)
    assert child.display_name == "小明"  # the Telegram first name, kept because they agreed
    decisions = await harness.runtime.db.run(lambda c: consents.latest(c, child.id, "child"))
    assert decisions is not None
    assert decisions.decision == "agree"
    spread = harness.config.checkins.default_spread_minutes  # 10:00 + the child's offset
    assert f"星期六 {hhmm(spread_minute(600, spread, child.id))}" in last_text(harness, "child")
    menu = harness.sim.my_commands(scope={"type": "chat", "chat_id": CHILD})
    assert [name for name, _ in menu] == [
        "checkin",
        "checkin_time",
        "sharing",
        "help",
        "stop",
        "resume",
    ]


async def test_child_who_declines_leaves_no_account(harness: Harness) -> None:
    """A child's refusal stores the refusal only: no Telegram id, no name."""
    await register_volunteer(harness)
    caregiver_link, child_link = await create_family(harness)
    await caregiver_joins(harness, caregiver_link)
    await harness.say("child", f"/start {child_link}")
    await harness.press("child", "中文")
    await harness.press("child", "不用了")
    _caregiver, child = await family_people(harness)
    assert (child.status, child.telegram_user_id, child.display_name) == ("declined", None, None)
    assert await harness.runtime.db.run(lambda c: people.by_telegram_user(c, CHILD)) is None


async def test_shared_phone_child_agrees_on_the_caregivers_chat(harness: Harness) -> None:
    """With a shared phone there is no child link; the child agrees in the caregiver's chat."""
    await register_volunteer(harness)
    caregiver_link, child_link = await create_family(harness, shared_phone=True)
    assert child_link is None
    await caregiver_joins(harness, caregiver_link)
    assert "请把手机交给孩子" in last_text(harness, "grandma")
    await harness.press("grandma", "交给孩子")
    assert "志愿者哥哥姐姐都会认真看" in last_text(harness, "grandma")
    await harness.press("grandma", "好的")
    caregiver, child = await family_people(harness)
    assert child.status == "active"
    assert (child.telegram_user_id, child.chat_id, child.display_name) == (None, GRANDMA, None)
    assert caregiver.status == "active"
    decision = await harness.runtime.db.run(lambda c: consents.latest(c, child.id, "child"))
    assert decision is not None
    assert decision.person_id == child.id
    assert "还给" in last_text(harness, "grandma")
    caller = await harness.runtime.db.run(lambda c: people.by_telegram_user(c, GRANDMA))
    assert caller is not None
    assert caller.role == "caregiver"


async def test_presses_by_others_twice_or_forged_change_nothing(harness: Harness) -> None:
    """Foreign, repeated and malformed consent presses get a short answer and change nothing."""
    await register_volunteer(harness)
    caregiver_link, _ = await create_family(harness)
    await harness.say("grandma", f"/start {caregiver_link}")
    await harness.press("grandma", "中文")
    caregiver, _child = await family_people(harness)
    consent_message = harness.sim.last_bot_message(GRANDMA)
    assert consent_message is not None
    agree = f"ob:cg:{caregiver.id}:y"
    await harness.say("stranger", "/start")
    assert await press_data(harness, "stranger", agree) == stale(harness)
    assert await press_data(harness, "stranger", "ob:cg:abc:y") == stale(harness)
    assert await press_data(harness, "stranger", "ob:cg:1") == stale(harness)
    assert await harness.runtime.db.run(consents.count) == 0
    await harness.press("grandma", "我同意")
    assert await harness.runtime.db.run(consents.count) == 1
    again = await press_data(harness, "grandma", agree, message_id=consent_message.message_id)
    assert again == stale(harness)
    assert await harness.runtime.db.run(consents.count) == 1
    caregiver_now, _ = await family_people(harness)
    assert caregiver_now.telegram_user_id == GRANDMA


async def test_handover_press_from_another_account_is_refused(harness: Harness) -> None:
    """Only the caregiver's own account can open the shared-phone child's agreement."""
    await register_volunteer(harness)
    caregiver_link, _ = await create_family(harness, shared_phone=True)
    await caregiver_joins(harness, caregiver_link)
    _caregiver, child = await family_people(harness)
    await harness.say("child", "/start")
    assert await press_data(harness, "child", f"ob:hand:{child.id}:go") == stale(harness)
    assert await press_data(harness, "child", f"ob:ch:{child.id}:y") == stale(harness)
    _caregiver, child = await family_people(harness)
    assert child.status == "pending"
    assert await harness.runtime.db.run(lambda c: consents.latest(c, child.id, "child")) is None
