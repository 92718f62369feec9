"""Who may press the parents' buttons, decided by the services inside the acting transaction."""

from __future__ import annotations

from bot.services import parent_acting as acting
from storage import parents as repo
from storage import people
from tests.services.world import CHILD, GRANDMA, NOW, OTHER_VOLUNTEER, STRANGER, VOLUNTEER, World


def _invite(world: World, user_id: int, family_id: int, *, is_admin: bool = False) -> object:
    return world.tx(
        lambda c: acting.invite_tx(c, user_id, family_id, is_admin=is_admin, now=NOW, expire_days=7)
    )


def _child_on_own_phone(world: World) -> int:
    child = world.family.child
    world.tx(
        lambda c: people.activate(
            c, child.id, telegram_user_id=CHILD, chat_id=CHILD, display_name="小明", lang="zh"
        )
    )
    return child.id


def test_parent_links_follow_who_may_manage_the_family(world: World) -> None:
    """The family's volunteer and caregiver get a link; another volunteer, a stranger and the
    other family's volunteer's press on this family make none."""
    family_id = world.family.family.id
    before = world.count("invites")
    assert _invite(world, OTHER_VOLUNTEER, family_id) is None
    assert _invite(world, STRANGER, family_id) is None
    assert _invite(world, GRANDMA, world.other_family.family.id) is None
    assert world.count("invites") == before
    made = _invite(world, VOLUNTEER, family_id)
    assert isinstance(made, tuple)
    assert made[0].id == world.volunteer_id
    by_grandma = _invite(world, GRANDMA, family_id)
    assert isinstance(by_grandma, tuple)
    assert by_grandma[0].id == world.family.caregiver.id
    assert world.count("invites") == before + 2


def test_a_volunteer_deactivated_before_the_press_makes_no_parent_link(world: World) -> None:
    """A volunteer whose row was set inactive is refused in the press's own transaction."""
    world.tx(lambda c: people.set_status(c, world.volunteer_id, "declined"))
    before = world.count("invites")
    assert _invite(world, VOLUNTEER, world.family.family.id) is None
    assert world.count("invites") == before
    assert _invite(world, STRANGER, world.family.family.id, is_admin=True) is None  # no row


def test_only_the_child_named_on_the_button_switches_their_sharing(world: World) -> None:
    """Another account, or the child pressing a button naming someone else, changes nothing."""
    child_id = _child_on_own_phone(world)
    assert world.tx(lambda c: acting.set_sharing_tx(c, GRANDMA, child_id, True, NOW)) is None
    assert world.tx(lambda c: acting.set_sharing_tx(c, CHILD, child_id + 1, True, NOW)) is None
    assert world.tx(lambda c: repo.sharing(c, child_id)) is False
    done = world.tx(lambda c: acting.set_sharing_tx(c, CHILD, child_id, True, NOW))
    assert done is not None
    assert done.id == child_id
    assert world.tx(lambda c: repo.sharing(c, child_id)) is True


def test_sharing_is_only_shown_to_a_child_on_their_own_phone(world: World) -> None:
    """/sharing reads nothing for a caregiver or a stranger; for the child, the current state."""
    assert world.tx(lambda c: acting.sharing_tx(c, GRANDMA)) is None
    assert world.tx(lambda c: acting.sharing_tx(c, STRANGER)) is None
    child_id = _child_on_own_phone(world)
    found = world.tx(lambda c: acting.sharing_tx(c, CHILD))
    assert found is not None
    assert found[0].id == child_id
    assert found[1] is False


def test_call_buttons_refuse_everyone_but_an_active_parent(world: World) -> None:
    """A caregiver or a volunteer pressing a parent's call buttons records and changes nothing."""
    family_id = world.family.family.id

    def pressed_by(user_id: int) -> tuple[object, object, object]:
        return world.tx(
            lambda c: (
                acting.report_call_tx(
                    c, user_id, family_id=family_id, period="2026-W49", talked=True, now=NOW
                ),
                acting.slot_setting_tx(c, user_id),
                acting.change_slot_tx(c, user_id, weekday=1, minute=1200, now=NOW),
            )
        )

    for user_id in (GRANDMA, VOLUNTEER, STRANGER):
        assert pressed_by(user_id) == (None, None, None)
