"""/stop, /resume, /deleteme and /erase: pausing and real deletion with a clean audit row."""

from __future__ import annotations

import json
import sqlite3
from functools import partial

from bot.simtelegram.harness import Harness
from storage import audit, consents, families, invites, outbox, people
from storage.families import Family
from storage.people import Person
from tests.onboarding.flows import (
    caregiver_joins,
    create_family,
    last_message,
    last_text,
    press_data,
    register_volunteer,
)

GRANDMA, CHILD = 1003, 1004


async def joined_family(h: Harness, *, shared_phone: bool = False) -> Family:
    """A family whose caregiver (and own-phone child) joined through their links."""
    await register_volunteer(h)
    caregiver_link, child_link = await create_family(h, shared_phone=shared_phone)
    await caregiver_joins(h, caregiver_link)
    if shared_phone:
        await h.press("grandma", "交给孩子")
        await h.press("grandma", "好的")
    else:
        await h.say("child", f"/start {child_link}")
        await h.press("child", "中文")
        await h.press("child", "好的")
    found = await h.runtime.db.run(lambda c: families.newest(c))
    return found[0]


async def members(h: Harness, family: Family) -> dict[str, Person]:
    found = await h.runtime.db.run(lambda c: people.in_family(c, family.id))
    return {p.role: p for p in found}


def stale(h: Harness) -> str:
    return h.runtime.content.ui_label("basics.stale_button", "zh")


async def test_stop_and_resume(harness: Harness) -> None:
    """/stop pauses the caregiver until /resume."""
    family = await joined_family(harness)
    await harness.say("grandma", "/stop")
    assert (await members(harness, family))["caregiver"].paused
    assert "/resume" in last_text(harness, "grandma")
    await harness.say("grandma", "/resume")
    assert not (await members(harness, family))["caregiver"].paused
    assert not (await members(harness, family))["child"].paused


async def test_stop_on_a_shared_phone_pauses_the_child_too(harness: Harness) -> None:
    """The phone's owner decides what arrives on it: the shared-phone child is paused too."""
    family = await joined_family(harness, shared_phone=True)
    await harness.say("grandma", "/stop")
    found = await members(harness, family)
    assert found["caregiver"].paused
    assert found["child"].paused


async def test_child_can_pause_themself(harness: Harness) -> None:
    """A child with their own phone can /stop; only they are paused."""
    family = await joined_family(harness)
    await harness.say("child", "/stop")
    found = await members(harness, family)
    assert found["child"].paused
    assert not found["caregiver"].paused


async def test_deleteme_erases_the_caregiver_and_keeps_the_family(harness: Harness) -> None:
    """After the confirmation button the caregiver's row, state and queued messages are gone."""
    family = await joined_family(harness)
    before = await members(harness, family)
    caregiver, child = before["caregiver"], before["child"]
    now = harness.runtime.ts()

    def queue(conn: sqlite3.Connection) -> None:
        outbox.enqueue(
            conn,
            dedupe_key="test:nudge",
            kind="nudge",
            target=outbox.chat_target(GRANDMA),
            payload={"text": "王奶奶，新的一课"},
            now=now + 3600,
        )

    await harness.runtime.db.tx(queue)
    await harness.say("grandma", "/deleteme")
    await harness.press("grandma", "确定删除")
    assert "已经全部删除" in last_text(harness, "grandma")
    after = await members(harness, family)
    assert "caregiver" not in after
    assert after["child"].status == "active"  # own phone: the child stays
    assert await harness.runtime.db.run(lambda c: people.by_telegram_user(c, GRANDMA)) is None
    assert await harness.runtime.db.run(lambda c: outbox.get(c, "test:nudge")) is None
    guardian = await harness.runtime.db.run(lambda c: consents.latest(c, child.id, "guardian"))
    assert guardian is not None
    assert guardian.person_id is None
    assert await harness.runtime.db.run(lambda c: families.get(c, family.id)) is not None
    (row,) = await harness.runtime.db.run(lambda c: audit.list_actions(c, "erase.caregiver"))
    assert row.subject == caregiver.pseudonym
    assert row.detail["family"] == family.pseudonym
    assert row.detail["outbox"] == 1
    written = json.dumps([row.actor, row.subject, row.detail], ensure_ascii=False)
    for personal in ("奶奶", "王", str(GRANDMA), "东村"):
        assert personal not in written
    reset = harness.sim.calls_to("deleteMyCommands")
    assert reset
    assert reset[-1].params["scope"] == {"type": "chat", "chat_id": GRANDMA}


async def test_deleteme_on_a_shared_phone_erases_that_child_too(harness: Harness) -> None:
    """A child reachable only through the caregiver's account goes with it."""
    family = await joined_family(harness, shared_phone=True)
    child = (await members(harness, family))["child"]
    await harness.say("grandma", "/deleteme")
    await harness.press("grandma", "确定删除")
    assert await members(harness, family) == {}
    (row,) = await harness.runtime.db.run(lambda c: audit.list_actions(c, "erase.caregiver"))
    assert row.detail["children_erased"] == [child.pseudonym]


async def test_deleteme_can_be_cancelled_and_not_repeated(harness: Harness) -> None:
    """ "Keep it" deletes nothing; a confirmation pressed again after erasure does nothing."""
    family = await joined_family(harness)
    await harness.say("grandma", "/deleteme")
    await harness.press("grandma", "不删了")
    assert "caregiver" in await members(harness, family)
    await harness.say("grandma", "/deleteme")
    confirmation = harness.sim.last_bot_message(GRANDMA)
    assert confirmation is not None
    caregiver = (await members(harness, family))["caregiver"]
    await harness.press("grandma", "确定删除")
    again = await press_data(
        harness, "grandma", f"ob:del:{caregiver.id}:y", message_id=confirmation.message_id
    )
    assert again == stale(harness)
    assert (
        len(await harness.runtime.db.run(lambda c: audit.list_actions(c, "erase.caregiver"))) == 1
    )


async def test_deleteme_is_for_caregivers(harness: Harness) -> None:
    """A child or volunteer running /deleteme is pointed to the volunteers; nothing changes."""
    family = await joined_family(harness)
    for who in ("child", "volunteer"):
        await harness.say(who, "/deleteme")
        assert "志愿者" in last_text(harness, who)
        assert last_message(harness, who).buttons == []
    assert set(await members(harness, family)) == {"caregiver", "child"}


async def test_forged_deleteme_press_by_someone_else_is_refused(harness: Harness) -> None:
    """The child pressing a forged confirmation for the caregiver changes nothing."""
    family = await joined_family(harness)
    caregiver = (await members(harness, family))["caregiver"]
    assert await press_data(harness, "child", f"ob:del:{caregiver.id}:y") == stale(harness)
    assert "caregiver" in await members(harness, family)


async def test_volunteer_erases_their_family(harness: Harness) -> None:
    """/erase F-XXXX with confirmation deletes every member, link and consent of the family."""
    family = await joined_family(harness)
    await harness.say("volunteer", f"/erase {family.pseudonym}")
    assert "2 个人" in last_text(harness, "volunteer")
    await harness.press("volunteer", "确定删除")
    assert await harness.runtime.db.run(lambda c: families.get(c, family.id)) is None
    for uid in (GRANDMA, CHILD):
        assert await harness.runtime.db.run(partial(people.by_telegram_user, user_id=uid)) is None
    assert await harness.runtime.db.run(invites.count) == 1  # only the volunteer's own link
    assert await harness.runtime.db.run(consents.count) == 0
    (row,) = await harness.runtime.db.run(lambda c: audit.list_actions(c, "erase.family"))
    assert row.subject == family.pseudonym
    assert row.detail["people"] == 2
    assert "王" not in json.dumps(row.detail, ensure_ascii=False)
    assert "已删除" in last_text(harness, "volunteer")
    again = await press_data(harness, "volunteer", f"ob:era:{family.id}:y")
    assert again == stale(harness)


async def test_erase_is_refused_to_everyone_else(harness: Harness) -> None:
    """Caregivers, children, strangers and other volunteers cannot erase a family."""
    family = await joined_family(harness)
    await register_volunteer(harness, "volunteer2")
    for who in ("grandma", "child", "stranger", "volunteer2"):
        await harness.say(who, f"/erase {family.pseudonym}")
        assert last_message(harness, who).buttons == []
    assert "志愿者" in last_text(harness, "grandma")
    assert "invitation" in last_text(harness, "stranger")
    assert "没有找到" in last_text(harness, "volunteer2")
    for who in ("grandma", "volunteer2"):
        assert await press_data(harness, who, f"ob:era:{family.id}:y") == stale(harness)
    assert await harness.runtime.db.run(lambda c: families.get(c, family.id)) is not None
    assert set(await members(harness, family)) == {"caregiver", "child"}


async def test_erase_can_be_cancelled(harness: Harness) -> None:
    """Pressing cancel on the erase confirmation keeps the family."""
    family = await joined_family(harness)
    await harness.say("volunteer", f"/erase {family.pseudonym}")
    await harness.press("volunteer", "取消")
    assert await harness.runtime.db.run(lambda c: families.get(c, family.id)) is not None
    assert "没有删除" in last_text(harness, "volunteer")


async def test_a_volunteer_withdrawn_after_the_question_erases_nothing(harness: Harness) -> None:
    """A volunteer withdrawn between /erase's question and "yes" gets the stale answer and the
    family stays (the erasing transaction reads who presses)."""
    family = await joined_family(harness)
    await harness.say("volunteer", f"/erase {family.pseudonym}")
    volunteer = await harness.runtime.db.run(
        partial(people.by_telegram_user, user_id=harness.user_id("volunteer"))
    )
    assert volunteer is not None
    await harness.runtime.db.tx(lambda c: people.set_status(c, volunteer.id, "declined"))
    assert await press_data(harness, "volunteer", f"ob:era:{family.id}:y") == stale(harness)
    assert await harness.runtime.db.run(lambda c: families.get(c, family.id)) is not None
    assert set(await members(harness, family)) == {"caregiver", "child"}
