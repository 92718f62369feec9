"""Commands by role: wrong-role commands are refused calmly; menus follow the role."""

from __future__ import annotations

import sqlite3

from bot.simtelegram.harness import VOLUNTEER_CHAT_ID, Harness
from bot.telegram.onboarding import ROLE_COMMANDS, sync_default_commands
from storage import families, invites, people
from tests.onboarding.flows import caregiver_joins, create_family, last_text, register_volunteer

ADMIN, VOLUNTEER, GRANDMA = 1001, 1002, 1003


async def totals(h: Harness) -> tuple[int, int, int]:
    def read(conn: sqlite3.Connection) -> tuple[int, int, int]:
        return people.count(conn), families.count(conn), invites.count(conn)

    return await h.runtime.db.run(read)


async def joined(h: Harness) -> None:
    await register_volunteer(h)
    caregiver_link, child_link = await create_family(h)
    await caregiver_joins(h, caregiver_link)
    await h.say("child", f"/start {child_link}")
    await h.press("child", "中文")
    await h.press("child", "好的")


async def test_wrong_role_commands_are_refused_and_change_nothing(harness: Harness) -> None:
    """Caregiver /newfamily, child /invite and volunteer /invite get a calm no."""
    await joined(harness)
    before = await totals(harness)
    await harness.say("grandma", "/newfamily 西村")
    assert "给志愿者用的" in last_text(harness, "grandma")
    await harness.say("child", "/invite volunteer")
    assert "只有管理员" in last_text(harness, "child")
    await harness.say("volunteer", "/invite volunteer")
    assert "只有管理员" in last_text(harness, "volunteer")
    await harness.say("grandma", "/family")  # issue 15: only the button for a parent link
    assert "孩子的爸爸妈妈在外打工" in last_text(harness, "grandma")
    await harness.say("stranger", "/newfamily 西村")
    assert "invitation" in last_text(harness, "stranger")
    assert await totals(harness) == before
    assert "https://t.me/" not in last_text(harness, "volunteer")


async def test_invite_needs_the_word_volunteer(harness: Harness) -> None:
    """/invite without 'volunteer' shows its usage and makes no link."""
    await harness.say("admin", "/invite")
    assert "/invite volunteer" in last_text(harness, "admin")
    await harness.say("admin", "/invite caregiver")
    assert "/invite volunteer" in last_text(harness, "admin")
    assert await harness.runtime.db.run(invites.count) == 0


async def test_commands_in_the_volunteer_group_point_to_the_private_chat(harness: Harness) -> None:
    """An admin's /invite in the group shows no link there, only a pointer."""
    await harness.say("admin", "/invite volunteer", chat_id=VOLUNTEER_CHAT_ID)
    text = last_text(harness, VOLUNTEER_CHAT_ID)
    assert "私聊" in text
    assert "https://t.me/" not in text
    assert await harness.runtime.db.run(invites.count) == 0


async def test_admin_gets_a_person_row_and_menu_on_first_command(harness: Harness) -> None:
    """An admin's first command makes their A- person row and their admin menu."""
    await harness.say("admin", "/invite volunteer")
    admin = await harness.runtime.db.run(lambda c: people.by_telegram_user(c, ADMIN))
    assert admin is not None
    assert (admin.role, admin.status) == ("admin", "active")
    assert admin.pseudonym.startswith("K-")
    menu = harness.sim.my_commands(scope={"type": "chat", "chat_id": ADMIN})
    assert tuple(name for name, _ in menu) == ROLE_COMMANDS["admin"]
    await harness.say("admin", "/invite volunteer")
    assert await harness.runtime.db.run(people.count) == 1


async def test_admin_can_act_as_a_volunteer(harness: Harness) -> None:
    """An admin creates a family and is its volunteer."""
    await create_family(harness, who="admin")
    admin = await harness.runtime.db.run(lambda c: people.by_telegram_user(c, ADMIN))
    family = (await harness.runtime.db.run(lambda c: families.newest(c)))[0]
    assert admin is not None
    assert family.volunteer_id == admin.id


async def test_menus_follow_each_role(harness: Harness) -> None:
    """set_my_commands is called per chat with the volunteer's, caregiver's and child's lists."""
    await joined(harness)
    for chat, role in ((VOLUNTEER, "volunteer"), (GRANDMA, "caregiver"), (1004, "child")):
        menu = harness.sim.my_commands(scope={"type": "chat", "chat_id": chat})
        assert tuple(name for name, _ in menu) == ROLE_COMMANDS[role]
    calls = [
        c
        for c in harness.sim.calls_to("setMyCommands")
        if c.params.get("scope", {}).get("chat_id") == GRANDMA
    ]
    assert len(calls) == 1
    assert "language_code" not in calls[0].params


async def test_default_menu_for_strangers(harness: Harness) -> None:
    """sync_default_commands sets /start and /help for everyone, in Chinese and English."""
    await sync_default_commands(harness.app.bot, harness.runtime.content)
    assert [name for name, _ in harness.sim.my_commands()] == ["start", "help"]
    english = dict(harness.sim.my_commands(language_code="en"))
    assert english["help"] == "What I can do"
