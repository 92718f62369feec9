"""Families: /newfamily by buttons, /family summaries, fresh links, nicknames."""

from __future__ import annotations

import sqlite3
from functools import partial

from bot.services.checkins import spread_minute
from bot.services.onboarding import hash_token
from bot.services.pseudonyms import PATTERN
from bot.simtelegram.harness import Harness
from storage import audit, families, invites, people
from storage.families import Family
from tests.onboarding.flows import (
    caregiver_joins,
    create_family,
    last_message,
    last_text,
    links_in,
    press_data,
    register_volunteer,
)

VOLUNTEER = 1002


async def only_family(h: Harness) -> Family:
    found = await h.runtime.db.run(lambda c: families.newest(c))
    assert len(found) == 1
    return found[0]


async def test_volunteer_creates_a_family_with_own_phone_child(harness: Harness) -> None:
    """F-, G- and C- pseudonyms, the default check-in slot, and two one-time links."""
    await register_volunteer(harness)
    caregiver_link, child_link = await create_family(harness, label="  东村   小学 ")
    family = await only_family(harness)
    assert family.label == "东村 小学"
    assert PATTERN.fullmatch(family.pseudonym)
    assert family.pseudonym.startswith("F-")
    assert family.timezone == harness.config.locale.timezone

    def read(conn: sqlite3.Connection) -> tuple[list[people.Person], list[families.Child]]:
        return people.in_family(conn, family.id), families.children_of(conn, family.id)

    members, children = await harness.runtime.db.run(read)
    assert sorted(p.pseudonym[0] for p in members) == ["C", "G"]
    assert all(p.status == "pending" and p.telegram_user_id is None for p in members)
    (child,) = children
    assert (child.age_band, child.shared_phone) == ("10-12", False)
    spread = harness.config.checkins.default_spread_minutes  # saturday 10:00 + offset (config)
    assert (child.checkin_weekday, child.checkin_minute) == (
        5,
        spread_minute(600, spread, child.person_id),
    )
    for payload, role in ((caregiver_link, "caregiver"), (child_link, "child")):
        assert payload is not None
        invite = await harness.runtime.db.run(
            partial(invites.by_hash, token_hash=hash_token(payload))
        )
        assert invite is not None
        assert (invite.role, invite.family_id) == (role, family.id)
    created = await harness.runtime.db.run(lambda c: audit.list_actions(c, "family.create"))
    assert [row.subject for row in created] == [family.pseudonym]
    assert family.pseudonym in harness.sim.bot_messages(VOLUNTEER)[-3].plain_text


async def test_shared_phone_family_has_no_child_link(harness: Harness) -> None:
    """Marking the child as using the caregiver's phone gives one link only."""
    await register_volunteer(harness)
    _caregiver_link, child_link = await create_family(harness, shared_phone=True)
    assert child_link is None
    family = await only_family(harness)
    children = await harness.runtime.db.run(lambda c: families.children_of(c, family.id))
    assert [c.shared_phone for c in children] == [True]


async def test_newfamily_needs_a_short_label(harness: Harness) -> None:
    """No label, or one over 60 characters, gets the usage text and creates nothing."""
    await register_volunteer(harness)
    await harness.say("volunteer", "/newfamily")
    assert "/newfamily" in last_text(harness, "volunteer")
    await harness.say("volunteer", "/newfamily " + "村" * 61)
    assert "60" in last_text(harness, "volunteer")
    assert await harness.runtime.db.run(families.count) == 0
    assert last_message(harness, VOLUNTEER).buttons == []


async def test_family_summary_shows_states_to_its_volunteer_only(harness: Harness) -> None:
    """/family F-XXXX shows pseudonyms and consent states; another volunteer cannot see it."""
    await register_volunteer(harness)
    await register_volunteer(harness, "volunteer2")
    caregiver_link, _ = await create_family(harness)
    await caregiver_joins(harness, caregiver_link)
    family = await only_family(harness)
    await harness.say("volunteer", f"/family {family.pseudonym.lower()}")
    text = last_text(harness, "volunteer")
    assert family.pseudonym in text
    assert "东村小学" in text
    assert "本人同意：同意" in text
    assert "监护人同意：同意" in text
    assert "孩子同意：还没选" in text
    await harness.say("volunteer2", f"/family {family.pseudonym}")
    assert "没有找到" in last_text(harness, "volunteer2")
    await harness.say("admin", f"/family {family.pseudonym}")
    assert family.pseudonym in last_text(harness, "admin")


async def test_family_without_argument_lists_families_to_pick(harness: Harness) -> None:
    """/family alone lists the volunteer's families as buttons; pressing one shows it."""
    await register_volunteer(harness)
    await create_family(harness)
    family = await only_family(harness)
    await harness.say("volunteer", "/family")
    await harness.press("volunteer", family.pseudonym)
    assert "负责志愿者" in last_text(harness, "volunteer")


async def test_fresh_links_invalidate_the_old_ones(harness: Harness) -> None:
    """After "fresh links" the old unused link is dead and the new one works."""
    await register_volunteer(harness)
    old_caregiver, old_child = await create_family(harness)
    family = await only_family(harness)
    await harness.say("volunteer", f"/family {family.pseudonym}")
    before = len(links_in(harness, "volunteer"))
    await harness.press("volunteer", "生成新链接")
    fresh = links_in(harness, "volunteer")[before:]
    assert len(fresh) == 2
    await harness.say("grandma", f"/start {old_caregiver}")
    assert "invitation" in last_text(harness, "grandma")  # unknown now: the stranger's note
    await caregiver_joins(harness, fresh[-1])
    caregiver = await harness.runtime.db.run(lambda c: people.by_telegram_user(c, 1003))
    assert caregiver is not None
    assert caregiver.status == "active"
    await harness.say("child", f"/start {old_child}")
    assert "invitation" in last_text(harness, "child")
    await harness.say("volunteer", f"/family {family.pseudonym}")
    before = len(links_in(harness, "volunteer"))
    await harness.press("volunteer", "生成新链接")
    assert len(links_in(harness, "volunteer")) - before == 1  # only the child still needs one


async def test_fresh_links_button_of_another_volunteer_is_refused(harness: Harness) -> None:
    """A volunteer cannot make links for a family that is not theirs, even with forged data."""
    await register_volunteer(harness)
    await register_volunteer(harness, "volunteer2")
    await create_family(harness)
    family = await only_family(harness)
    count = await harness.runtime.db.run(invites.count)
    answer = await press_data(harness, "volunteer2", f"ob:fl:{family.id}:go")
    assert answer == harness.runtime.content.ui_label("basics.stale_button", "zh")
    assert await harness.runtime.db.run(invites.count) == count


async def test_volunteer_sets_a_childs_nickname(harness: Harness) -> None:
    """/nickname C-XXXX NAME stores what check-ins call the child."""
    await register_volunteer(harness)
    await create_family(harness, shared_phone=True)
    family = await only_family(harness)
    members = await harness.runtime.db.run(lambda c: people.in_family(c, family.id))
    child = next(p for p in members if p.role == "child")
    await harness.say("volunteer", f"/nickname {child.pseudonym} 小红")
    assert "小红" in last_text(harness, "volunteer")
    renamed = await harness.runtime.db.run(lambda c: people.by_id(c, child.id))
    assert renamed is not None
    assert renamed.display_name == "小红"
    await harness.say("volunteer2", f"/nickname {child.pseudonym} 别人")
    renamed = await harness.runtime.db.run(lambda c: people.by_id(c, child.id))
    assert renamed is not None
    assert renamed.display_name == "小红"


async def _deactivate(h: Harness, user_id: int) -> None:
    """What a volunteer's withdrawal leaves: the row declined and the account forgotten."""

    def write(conn: sqlite3.Connection) -> None:
        person = people.by_telegram_user(conn, user_id)
        assert person is not None
        people.set_status(conn, person.id, "declined")

    await h.runtime.db.tx(write)


async def test_a_volunteer_deactivated_before_the_age_answer_gets_no_family_or_links(
    harness: Harness,
) -> None:
    """Deactivated between the phone and the age answers, a volunteer's last press creates no
    family and shows no invitation link."""
    await register_volunteer(harness)
    await harness.say("volunteer", "/newfamily 东村小学")
    await harness.press("volunteer", "有自己的手机")
    await _deactivate(harness, VOLUNTEER)
    await harness.press("volunteer", "10–12")
    assert links_in(harness, "volunteer") == []
    assert await harness.runtime.db.run(lambda c: families.newest(c)) == []


async def test_a_volunteer_deactivated_before_the_phone_answer_is_stopped_there(
    harness: Harness,
) -> None:
    """Deactivated right after /newfamily, the phone answer is refused and the flow forgotten."""
    await register_volunteer(harness)
    await harness.say("volunteer", "/newfamily 东村小学")
    await _deactivate(harness, VOLUNTEER)
    await harness.press("volunteer", "有自己的手机")
    flow = await harness.runtime.db.run(lambda c: invites.load_flow(c, VOLUNTEER))
    assert flow is None
    assert links_in(harness, "volunteer") == []
