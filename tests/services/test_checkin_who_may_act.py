"""Who may act on a check-in (its slot, the shared phone, the tidy-up) is decided by the
check-in service inside its transaction, and a refusal changes nothing."""

from __future__ import annotations

import sqlite3
from functools import cache, partial
from pathlib import Path

from bot.content import ContentBundle, load_content
from bot.domain import Refusal
from bot.services import checkins
from storage import checkins as repo
from storage import families, people
from tests.services.world import CHILD, GRANDMA, NOW, STRANGER, World


@cache
def _content() -> ContentBundle:
    """The repository's content, loaded once for this module."""
    return load_content(Path(__file__).resolve().parents[2] / "content")


def _child_on_own_phone(world: World) -> int:
    """The first family's child, active on their own Telegram account, guardian consent given."""
    child_id = world.family.child.id

    def go(conn: sqlite3.Connection) -> None:
        people.activate(
            conn,
            child_id,
            telegram_user_id=CHILD,
            chat_id=CHILD,
            display_name="小明",
            lang="zh",
        )
        families.set_guardian_consent(conn, child_id, NOW)

    world.tx(go)
    return child_id


def test_slot_press_from_another_account_is_refused(world: World) -> None:
    """A time press for the child from a stranger, or from the caregiver's own chat when the
    child has their own phone, is refused and the slot stays as it was."""
    child_id = _child_on_own_phone(world)
    before = families.child(world.conn, child_id)
    for user_id in (STRANGER, GRANDMA):
        found = world.tx(
            partial(
                checkins.slot_press_tx,
                user_id=user_id,
                chat_id=user_id,
                child_id=child_id,
                weekday=1,
                minute=8 * 60,
                now=NOW,
            )
        )
        assert found == Refusal("basics.stale_button")
    assert families.child(world.conn, child_id) == before


def test_slot_press_out_of_shape_is_refused_and_a_good_one_stored(world: World) -> None:
    """The child's own press with a time never offered is refused in their language; an offered
    time is stored with the next due moment."""
    child_id = _child_on_own_phone(world)

    def press(minute: int) -> checkins.Household | Refusal:
        return world.tx(
            lambda c: checkins.slot_press_tx(
                c,
                user_id=CHILD,
                chat_id=CHILD,
                child_id=child_id,
                weekday=2,
                minute=minute,
                now=NOW,
            )
        )

    assert press(9 * 60 + 7) == Refusal("basics.stale_button", "zh")
    stored = press(checkins.TIME_CHOICES[0])
    assert isinstance(stored, checkins.Household)
    assert (stored.settings.checkin_weekday, stored.settings.checkin_minute) == (2, 8 * 60)
    assert stored.settings.next_due_at is not None
    assert stored.settings.next_due_at > NOW


def test_tidy_and_hand_over_refuse_what_they_may_not_touch(world: World) -> None:
    """Tidying an open check-in, or anyone's press on a session that does not exist, is
    refused, and the session is not marked for tidying."""
    child_id = _child_on_own_phone(world)
    session_id = world.tx(
        lambda c: checkins.open_session_tx(
            c,
            _content(),
            child_id=child_id,
            period="2026-W23",
            origin="early",
            due_at=NOW,
            now=NOW,
            status="sent",
        )
    )
    assert session_id is not None
    tidy = world.tx(
        lambda c: checkins.tidy_tx(c, user_id=CHILD, chat_id=CHILD, session_id=session_id, now=NOW)
    )
    assert tidy == Refusal("basics.stale_button", "zh")
    session = repo.get(world.conn, session_id)
    assert session is not None
    assert session.tidy_at is None
    gone = world.tx(
        lambda c: checkins.tidy_tx(c, user_id=CHILD, chat_id=CHILD, session_id=10**9, now=NOW)
    )
    assert gone == Refusal("basics.stale_button")
    stranger = world.tx(
        lambda c: checkins.take_phone_tx(
            c, _content(), user_id=STRANGER, chat_id=STRANGER, session_id=session_id, now=NOW
        )
    )
    assert stranger == Refusal("basics.stale_button")
    assert repo.chat_state(world.conn, STRANGER) is None
