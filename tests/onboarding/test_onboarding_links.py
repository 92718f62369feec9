"""Invitation links: one-time, expiring, stored as hashes; bad links change nothing."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import timedelta

from bot.services.onboarding import PAYLOAD, hash_token
from bot.services.pseudonyms import PATTERN
from bot.simtelegram.harness import Harness
from storage import consents, families, invites, people
from tests.onboarding.flows import create_family, last_text, links_in, register_volunteer


@dataclass(frozen=True)
class Counts:
    """Row counts that a refused link must leave alone."""

    people: int
    families: int
    invites: int
    consents: int
    flows: int


async def counts(h: Harness) -> Counts:
    def read(conn: sqlite3.Connection) -> Counts:
        flows = sum(
            invites.load_flow(conn, h.user_id(who)) is not None
            for who in ("grandma", "child", "stranger", "volunteer", "volunteer2")
        )
        return Counts(
            people.count(conn),
            families.count(conn),
            invites.count(conn),
            consents.count(conn),
            flows,
        )

    return await h.runtime.db.run(read)


async def used_at(h: Harness, payload: str) -> int | None:
    invite = await h.runtime.db.run(lambda c: invites.by_hash(c, hash_token(payload)))
    assert invite is not None
    return invite.used_at


async def test_admin_invites_a_volunteer_who_is_registered(harness: Harness) -> None:
    """/invite volunteer gives a t.me deep link; opening it registers an active V- volunteer."""
    await harness.say("admin", "/invite volunteer")
    payload = links_in(harness, "admin")[-1]
    assert PAYLOAD.fullmatch(payload)
    assert len(payload) <= 64
    assert "https://t.me/qiao_sim_bot?start=" in last_text(harness, "admin")
    await harness.say("volunteer", f"/start {payload}")
    volunteer = await harness.runtime.db.run(lambda c: people.by_telegram_user(c, 1002))
    assert volunteer is not None
    assert (volunteer.role, volunteer.status) == ("volunteer", "active")
    assert PATTERN.fullmatch(volunteer.pseudonym)
    assert volunteer.pseudonym.startswith("V-")
    assert volunteer.pseudonym in last_text(harness, "volunteer")
    assert await used_at(harness, payload) is not None


async def test_only_the_hash_of_a_token_is_stored(harness: Harness) -> None:
    """No table holds the token itself, only its sha256."""
    await harness.say("admin", "/invite volunteer")
    payload = links_in(harness, "admin")[-1]
    dump = await harness.runtime.db.run(lambda c: "\n".join(c.iterdump()))
    assert payload not in dump
    assert hash_token(payload) in dump


async def test_expired_link_changes_nothing(harness: Harness) -> None:
    """A link opened after expire_days gets a kind message and no row changes."""
    await harness.say("admin", "/invite volunteer")
    payload = links_in(harness, "admin")[-1]
    before = await counts(harness)
    days = harness.config.invites.expire_days
    harness.clock.advance(timedelta(days=days, minutes=1))
    await harness.say("volunteer", f"/start {payload}")
    assert "过期" in last_text(harness, "volunteer")
    assert "expired" in last_text(harness, "volunteer")
    assert await counts(harness) == before
    assert await used_at(harness, payload) is None


async def test_link_still_works_just_before_it_expires(harness: Harness) -> None:
    """A day before expiry the same kind of link registers the volunteer."""
    await harness.say("admin", "/invite volunteer")
    payload = links_in(harness, "admin")[-1]
    harness.clock.advance(timedelta(days=harness.config.invites.expire_days - 1))
    await harness.say("volunteer", f"/start {payload}")
    volunteer = await harness.runtime.db.run(lambda c: people.by_telegram_user(c, 1002))
    assert volunteer is not None
    assert volunteer.status == "active"


async def test_reused_link_changes_nothing(harness: Harness) -> None:
    """A second person opening a spent link is told so; nobody new is registered."""
    await register_volunteer(harness)
    payload = links_in(harness, "admin")[-1]
    before = await counts(harness)
    await harness.say("volunteer2", f"/start {payload}")
    assert "已经用过" in last_text(harness, "volunteer2")
    assert "already been used" in last_text(harness, "volunteer2")
    assert await counts(harness) == before
    assert await harness.runtime.db.run(lambda c: people.by_telegram_user(c, 1006)) is None


async def test_unknown_link_from_a_stranger_gets_the_invitation_note(harness: Harness) -> None:
    """A made-up payload: the invitation-only greeting in both languages, nothing stored."""
    before = await counts(harness)
    await harness.say("stranger", "/start " + "x" * 32)
    assert "邀请" in last_text(harness, "stranger")
    assert "invitation" in last_text(harness, "stranger")
    assert await counts(harness) == before


async def test_unknown_link_from_a_known_person_is_answered_in_their_language(
    harness: Harness,
) -> None:
    """A registered volunteer opening a broken link is told in their own language only."""
    await register_volunteer(harness)
    before = await counts(harness)
    await harness.say("volunteer", "/start not-a-real-link")
    text = last_text(harness, "volunteer")
    assert "打不开" in text
    assert "doesn't work" not in text
    assert await counts(harness) == before


async def test_registered_person_cannot_take_someone_elses_link(harness: Harness) -> None:
    """A volunteer opening a caregiver link is refused and the link stays usable."""
    await register_volunteer(harness)
    caregiver_link, _child = await create_family(harness)
    before = await counts(harness)
    await harness.say("volunteer", f"/start {caregiver_link}")
    assert "给别人的" in last_text(harness, "volunteer")
    assert await counts(harness) == before
    assert await used_at(harness, caregiver_link) is None
    await harness.say("grandma", f"/start {caregiver_link}")
    assert "请选择语言" in last_text(harness, "grandma")


async def test_reopening_a_link_mid_flow_shows_the_same_step(harness: Harness) -> None:
    """The caregiver who taps their link twice sees their current step, not 'already used'."""
    await register_volunteer(harness)
    caregiver_link, _child = await create_family(harness)
    await harness.say("grandma", f"/start {caregiver_link}")
    await harness.press("grandma", "中文")
    await harness.say("grandma", f"/start {caregiver_link}")
    assert "您同意吗" in last_text(harness, "grandma")
    await harness.say("stranger", f"/start {caregiver_link}")
    assert "已经用过" in last_text(harness, "stranger")
