"""Who may act is decided inside the acting service's own transaction: each refusal, called
directly on a temp SQLite file with no Telegram, changes nothing."""

from __future__ import annotations

import pytest

from bot.services import alerts
from bot.services import erasure as erasure_service
from bot.services import onboarding as service
from bot.services.erasure import Erased
from bot.services.onboarding import Refusal
from storage import families, invites, people
from tests.services.world import (
    ADMIN,
    GRANDMA,
    NOW,
    OTHER_VOLUNTEER,
    STRANGER,
    VOLUNTEER,
    World,
)


@pytest.mark.parametrize(
    ("whose", "user_id", "chat_id"),
    [
        pytest.param("caregiver", VOLUNTEER, GRANDMA, id="another-account"),
        pytest.param("caregiver", GRANDMA, -100, id="another-chat"),
        pytest.param("volunteer", VOLUNTEER, VOLUNTEER, id="a-volunteer-s-own-row"),
    ],
)
def test_self_erasure_refuses_all_but_the_caregiver_in_their_own_chat(
    world: World, whose: str, user_id: int, chat_id: int
) -> None:
    """/deleteme erases nothing for another account, another chat, or a volunteer's own row."""
    row = world.family.caregiver.id if whose == "caregiver" else world.volunteer_id
    refused = world.tx(
        lambda c: erasure_service.erase_self(c, row, user_id=user_id, chat_id=chat_id, now=NOW)
    )
    assert refused is Refusal.NOT_ALLOWED
    assert people.by_id(world.conn, row) is not None


def test_self_erasure_erases_the_caregiver_who_asks(world: World) -> None:
    """The caregiver's own press in their own chat erases their row."""
    grandma = world.family.caregiver.id
    erased = world.tx(
        lambda c: erasure_service.erase_self(c, grandma, user_id=GRANDMA, chat_id=GRANDMA, now=NOW)
    )
    assert isinstance(erased, Erased)
    assert erased.subject == world.family.caregiver.pseudonym
    assert people.by_id(world.conn, grandma) is None


def test_family_erasure_refuses_another_volunteer(world: World) -> None:
    """A volunteer cannot erase a family that is not theirs, even with a forged button."""
    family_id = world.family.family.id
    refused = world.tx(
        lambda c: erasure_service.erase_family(
            c, family_id, user_id=OTHER_VOLUNTEER, is_admin=False, now=NOW
        )
    )
    assert refused is Refusal.NOT_ALLOWED
    assert families.get(world.conn, family_id) is not None


def test_family_erasure_refuses_a_volunteer_deactivated_since_the_question(world: World) -> None:
    """A volunteer deactivated between /erase and the press erases nothing."""
    family_id = world.family.family.id
    world.tx(lambda c: people.set_status(c, world.volunteer_id, "declined"))  # a withdrawal
    refused = world.tx(
        lambda c: erasure_service.erase_family(
            c, family_id, user_id=VOLUNTEER, is_admin=False, now=NOW
        )
    )
    assert refused is Refusal.NOT_ALLOWED
    assert families.get(world.conn, family_id) is not None


def test_family_erasure_of_a_gone_family_is_refused(world: World) -> None:
    """A second "yes, erase" press finds the family gone and changes nothing more."""
    family_id = world.family.family.id

    def erase() -> object:
        return world.tx(
            lambda c: erasure_service.erase_family(
                c, family_id, user_id=VOLUNTEER, is_admin=False, now=NOW
            )
        )

    assert isinstance(erase(), Erased)
    assert erase() is Refusal.GONE


def test_an_admin_erases_any_family(world: World) -> None:
    """A config admin (with a row) may erase another volunteer's family."""
    family_id = world.other_family.family.id
    world.tx(lambda c: service.ensure_admin(c, user_id=ADMIN, now=NOW))
    erased = world.tx(
        lambda c: erasure_service.erase_family(c, family_id, user_id=ADMIN, is_admin=True, now=NOW)
    )
    assert isinstance(erased, Erased)
    assert families.get(world.conn, family_id) is None


def test_fresh_links_refuse_another_volunteer(world: World) -> None:
    """Fresh links for someone else's family are refused and no link is stored."""
    before = world.count("invites")
    family_id = world.family.family.id
    refused = world.tx(
        lambda c: service.fresh_links(
            c, family_id, user_id=OTHER_VOLUNTEER, is_admin=False, now=NOW, expire_days=7
        )
    )
    assert refused is Refusal.NOT_ALLOWED
    assert world.count("invites") == before


def test_nickname_refusals(world: World) -> None:
    """/nickname refuses another volunteer's child, an unknown child and an unusable name."""
    child = world.family.child

    def name(user_id: int, pseudonym: str, text: str) -> object:
        return world.tx(
            lambda c: service.set_nickname(
                c, user_id=user_id, is_admin=False, child_pseudonym=pseudonym, name=text
            )
        )

    assert name(OTHER_VOLUNTEER, child.pseudonym, "小明") is Refusal.NOT_ALLOWED
    assert name(VOLUNTEER, "C-ZZZZ", "小明") is Refusal.GONE
    assert name(VOLUNTEER, child.pseudonym, "长" * (service.NICKNAME_MAX + 1)) is Refusal.INVALID
    assert name(STRANGER, child.pseudonym, "小明") is Refusal.NOT_ALLOWED
    stored = people.by_id(world.conn, child.id)
    assert stored is not None
    assert stored.display_name is None


def test_erase_question_refuses_what_the_volunteer_may_not_see(world: World) -> None:
    """/erase's question names no family the volunteer does not manage, nor a non-family."""

    def ask(text: str) -> object:
        return service.erase_question(world.conn, text, user_id=VOLUNTEER, is_admin=False)

    assert ask(world.other_family.family.pseudonym) is Refusal.NOT_ALLOWED
    assert ask(world.family.child.pseudonym) is Refusal.INVALID
    assert ask("F-ZZZZ") is Refusal.GONE
    found = ask(world.family.family.pseudonym)
    assert isinstance(found, tuple)
    assert found[0].id == world.family.family.id


def test_pausing_refuses_a_stranger_and_a_pending_person(world: World) -> None:
    """/stop acts only for a registered, active person (or an admin)."""
    assert (
        world.tx(
            lambda c: service.set_paused(c, user_id=STRANGER, is_admin=False, paused=True, now=NOW)
        )
        is Refusal.NOT_ALLOWED
    )
    world.tx(lambda c: people.set_status(c, world.family.caregiver.id, "declined"))
    assert (
        world.tx(
            lambda c: service.set_paused(c, user_id=GRANDMA, is_admin=False, paused=True, now=NOW)
        )
        is Refusal.NOT_ALLOWED
    )
    grandma = people.by_id(world.conn, world.family.caregiver.id)
    assert grandma is not None
    assert not grandma.paused


def test_volunteer_invitation_refuses_a_non_admin(world: World) -> None:
    """Only a config admin makes a volunteer link; a volunteer's try stores none."""
    before = world.count("invites")
    refused = world.tx(
        lambda c: service.volunteer_invite(
            c, user_id=VOLUNTEER, is_admin=False, now=NOW, expire_days=7
        )
    )
    assert refused is Refusal.NOT_ALLOWED
    assert world.count("invites") == before


def test_new_family_refuses_a_caregiver(world: World) -> None:
    """A caregiver's /newfamily starts no flow."""
    refused = world.tx(
        lambda c: service.start_new_family(
            c, user_id=GRANDMA, is_admin=False, chat_id=GRANDMA, label="北村", now=NOW
        )
    )
    assert refused is Refusal.NOT_ALLOWED
    assert invites.load_flow(world.conn, GRANDMA) is None


def test_one_admin_row_whichever_feature_makes_it(world: World) -> None:
    """The alert desk and onboarding make the admin's row the same way: the alert desk's row
    is the one onboarding finds (private chat, active, admin role)."""
    actor = world.tx(
        lambda c: alerts.actor_tx(c, telegram_user_id=ADMIN, is_config_admin=True, now=NOW)
    )
    assert actor is not None
    person, created = world.tx(lambda c: service.ensure_admin(c, user_id=ADMIN, now=NOW))
    assert not created
    assert person.id == actor.person_id
    assert (person.role, person.status, person.chat_id) == ("admin", "active", ADMIN)
