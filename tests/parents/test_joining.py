"""Issue 15: a parent joins by invitation, with their own consent, time zone and quiet hours."""

from __future__ import annotations

from bot.simtelegram.harness import Harness
from tests.parents.support import (
    TOKYO,
    family,
    join,
    links_in,
    parent_joins,
    parent_link,
    rows,
    texts,
)


async def test_volunteer_invites_and_parent_joins_from_another_time_zone(harness: Harness) -> None:
    """A volunteer's link lets a mother in Japan join with her own zone, quiet hours and slot."""
    await family(harness)
    await parent_joins(harness, zone=TOKYO, quiet=1, day="星期日", time="20:00")
    found = await rows(
        harness,
        "SELECT p.role, p.status, s.timezone, s.quiet_start, s.quiet_end, s.call_weekday,"
        " s.call_minute, pf.relation FROM people p JOIN parents s ON s.person_id = p.id"
        " JOIN parent_families pf ON pf.parent_id = p.id",
    )
    assert found == [("parent", "active", "Asia/Tokyo", 23 * 60, 7 * 60, 6, 20 * 60, "mother")]
    assert "每星期日 20:00（您那边的时间）" in texts(harness, "mother")[-1]


async def test_declining_keeps_nothing(harness: Harness) -> None:
    """A parent who declines leaves no person row, no settings and no family link behind."""
    await family(harness)
    payload = await parent_link(harness)
    before = await rows(harness, "SELECT COUNT(*) FROM people")
    await harness.say("mother", f"/start {payload}")
    await harness.press("mother", "中文")
    await harness.press("mother", "不同意")
    after = await rows(harness, "SELECT COUNT(*) FROM people")
    assert after[0][0] == before[0][0] - 1  # the pending P- row made with the link is gone
    assert await rows(harness, "SELECT * FROM parents") == []
    assert await rows(harness, "SELECT * FROM parent_families") == []
    assert "什么都没有保存" in texts(harness, "mother")[-1]


async def test_two_parents_in_one_family(harness: Harness) -> None:
    """A mother and a father each join the same family with their own link."""
    await family(harness)
    await parent_joins(harness, who="mother", relation="妈妈")
    await parent_joins(harness, who="father", relation="爸爸")
    found = await rows(harness, "SELECT relation FROM parent_families ORDER BY relation")
    assert found == [("father",), ("mother",)]


async def test_one_parent_in_two_families(harness: Harness) -> None:
    """Siblings with different carers: a parent already joined adds the second family by link."""
    await family(harness)
    await family(
        harness,
        caregiver="volunteer2",
        child="stranger",
        volunteer="admin",
        suffix="2",
        label="西村小学",
    )
    await parent_joins(harness)
    second = await parent_link(harness, "F-TST2", who="admin")
    await harness.say("mother", f"/start {second}")
    assert "这个家庭也加上了" in texts(harness, "mother")[-1]
    found = await rows(
        harness,
        "SELECT f.pseudonym FROM parent_families pf JOIN families f ON f.id = pf.family_id"
        " ORDER BY f.pseudonym",
    )
    assert found == [("F-TST2",), ("F-TST9",)]
    assert await rows(harness, "SELECT COUNT(*) FROM people WHERE role = 'parent'") == [(1,)]


async def test_caregiver_invites_a_parent_from_family(harness: Harness) -> None:
    """The grandmother's /family offers the parent link for her own family only."""
    await family(harness)
    await harness.say("grandma", "/family")
    await harness.press("grandma", "邀请孩子爸妈")
    payload = links_in(harness, "grandma")[-1]
    await join(harness, payload)
    assert await rows(harness, "SELECT COUNT(*) FROM parent_families") == [(1,)]


async def test_a_link_works_once(harness: Harness) -> None:
    """Someone else opening a spent parent link gets the calm "used" answer and no role."""
    await family(harness)
    payload = await parent_link(harness)
    await join(harness, payload)
    await harness.say("father", f"/start {payload}")
    assert await rows(harness, "SELECT COUNT(*) FROM people WHERE role = 'parent'") == [(1,)]
    assert texts(harness, "father")


async def test_join_presses_are_checked(harness: Harness) -> None:
    """A press of the join flow from another account, or a step out of order, changes nothing."""
    await family(harness)
    payload = await parent_link(harness)
    await harness.say("mother", f"/start {payload}")
    await harness.press("mother", "中文")
    consent = [m for m in harness.sim.bot_messages(harness.user_id("mother")) if m.buttons][-1]
    data = consent.buttons[0].callback_data or ""
    await harness.say("father", "/start")
    carrier = harness.sim.bot_messages(harness.user_id("father"))[-1]
    update = harness.sim.user_presses(harness.user_id("father"), carrier.message_id, data)
    await harness.deliver(update)  # the same data, pressed by another account in its own chat
    out_of_order = harness.sim.user_presses(
        harness.user_id("mother"), consent.message_id, "pa:time:0:1200"
    )
    await harness.deliver(out_of_order)
    assert await rows(harness, "SELECT * FROM parents") == []
    assert await rows(harness, "SELECT status FROM people WHERE role = 'parent'") == [("pending",)]


async def test_a_grandparent_cannot_become_a_parent(harness: Harness) -> None:
    """Somebody already in Qiao under another role opening a parent link keeps their role."""
    await family(harness)
    payload = await parent_link(harness)
    await harness.say("grandma", f"/start {payload}")
    assert await rows(harness, "SELECT role FROM people WHERE telegram_user_id = 1003") == [
        ("caregiver",)
    ]
