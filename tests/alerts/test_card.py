"""What the volunteer chat sees when an alert is raised: a pseudonymous card with two buttons."""

from __future__ import annotations

import sqlite3

import pytest

from bot.levels import RiskLevel
from bot.services.alerts import Signal, raise_alert_tx
from bot.simtelegram.harness import Harness
from storage import alerts, outbox
from tests.alerts.desk import (
    GROUP,
    VOLUNTEER,
    alert_row,
    button_texts,
    cards,
    post,
    press_on,
    raise_alert,
    raise_and_post,
)
from tests.factories import FamilyIds


async def test_card_shows_level_category_pseudonyms_label_age_time_and_assignee(
    h: Harness, family: FamilyIds
) -> None:
    """The group card names the level, category, child and family pseudonyms, village, age band."""
    alert_id = await raise_and_post(h, family.child_id, lang="en")
    [card] = cards(h, alert_id)
    text = card.plain_text
    for expected in (
        "Urgent",
        "self-harm",
        f"A-{alert_id}",
        "Child C-TST",
        "age 10-12",
        "Family F-TST",
        "东村小学",
        "2026-01-05 09:00 CST",
        "Family's volunteer: V-TST",
        "Assigned: nobody yet",
    ):
        assert expected in text
    assert button_texts(card) == ["🙋 I'll take it", "✅ Resolved"]


async def test_card_is_written_in_chinese_by_default(h: Harness, family: FamilyIds) -> None:
    """Without a language the card uses Chinese labels for level and category."""
    alert_id = await raise_and_post(
        h, family.child_id, category="bullying", level=RiskLevel.CONCERN
    )
    [card] = cards(h, alert_id)
    assert "需要关注" in card.plain_text
    assert "欺凌" in card.plain_text
    assert button_texts(card) == ["🙋 我来跟进", "✅ 已解决"]


async def test_unknown_category_reads_as_its_code(h: Harness, family: FamilyIds) -> None:
    """A category added to the risk rules without a label still shows, as its code."""
    alert_id = await raise_and_post(h, family.child_id, category="new_thing", lang="en")
    assert "new thing" in cards(h, alert_id)[0].plain_text


async def test_help_request_shows_the_caregiver_and_is_posted_even_below_concern(
    h: Harness, family: FamilyIds
) -> None:
    """A grandparent's help request is posted as a caregiver's card at least at concern level."""
    alert_id = await raise_and_post(
        h,
        family.caregiver_id,
        kind="help_request",
        category="help_request",
        level=RiskLevel.NONE,
        source="help:1",
        lang="en",
    )
    [card] = cards(h, alert_id)
    assert "Caregiver G-TST" in card.plain_text
    assert "help request" in card.plain_text
    assert (await alert_row(h, alert_id)).level == RiskLevel.CONCERN


async def test_watch_level_is_kept_for_the_digest_and_not_posted(
    h: Harness, family: FamilyIds
) -> None:
    """A watch-level risk signal is stored with status watch and never reaches the group."""
    alert_id = await raise_alert(h, family.child_id, level=RiskLevel.WATCH, category="low_mood")
    assert alert_id is not None
    await post(h)
    assert h.sim.bot_messages(GROUP) == []
    assert (await alert_row(h, alert_id)).status == alerts.WATCH
    assert await h.runtime.db.run(lambda c: alerts.open_alerts(c)) == []


async def test_one_alert_per_person_and_source(h: Harness, family: FamilyIds) -> None:
    """Raising twice from the same source creates one alert and one group post."""
    first = await raise_alert(h, family.child_id, source="checkin:7:anything")
    second = await raise_alert(h, family.child_id, source="checkin:7:anything")
    await post(h)
    assert first is not None
    assert second is None
    assert len(cards(h, first)) == 1
    assert await h.runtime.db.run(lambda c: outbox.backlog(c)) == (0, None)


async def test_alert_and_its_post_commit_with_the_cause_or_not_at_all(
    h: Harness, family: FamilyIds
) -> None:
    """If the caller's transaction fails after raising, neither the alert nor its post remain."""
    content, now = h.runtime.content, h.runtime.ts()

    def failing(c: sqlite3.Connection) -> None:
        raise_alert_tx(
            c,
            content,
            Signal(
                kind="risk",
                person_id=family.child_id,
                level=RiskLevel.URGENT,
                category="suicide",
                reasons=[],
                source="x",
                now=now,
            ),
        )
        raise RuntimeError("the answer could not be stored")

    with pytest.raises(RuntimeError):
        await h.runtime.db.tx(failing)
    assert await h.runtime.db.run(lambda c: alerts.open_alerts(c)) == []
    assert await h.runtime.db.run(lambda c: outbox.backlog(c)) == (0, None)


async def test_cards_and_buttons_work_in_a_channel(h: Harness, family: FamilyIds) -> None:
    """In a channel the card is posted and a channel admin's press claims it."""
    h.sim.add_group(GROUP, "Volunteers", kind="channel")
    alert_id = await raise_and_post(h, family.child_id)
    [card] = cards(h, alert_id)
    await press_on(h, "volunteer", card, "我来跟进")
    assert (await alert_row(h, alert_id)).status == alerts.CLAIMED
    assert "V-TST" in cards(h, alert_id)[0].plain_text
    assert h.sim.bot_messages(VOLUNTEER)


async def test_cards_and_buttons_work_in_a_supergroup(h: Harness, family: FamilyIds) -> None:
    """In a supergroup the card is posted, claimed, and /alerts answers."""
    h.sim.add_group(GROUP, "Volunteers", kind="supergroup")
    alert_id = await raise_and_post(h, family.child_id)
    await press_on(h, "volunteer", cards(h, alert_id)[0], "我来跟进")
    assert (await alert_row(h, alert_id)).status == alerts.CLAIMED
    await h.say("volunteer", "/alerts", chat_id=GROUP)
    assert f"A-{alert_id}" in h.sim.bot_messages(GROUP)[-1].plain_text


async def test_commands_posted_in_a_channel_are_ignored(h: Harness, family: FamilyIds) -> None:
    """A channel post has no sender to check, so /alerts there gets no answer."""
    h.sim.add_group(GROUP, "Volunteers", kind="channel")
    await raise_and_post(h, family.child_id)
    before = len(h.sim.bot_messages(GROUP))
    await h.deliver(h.sim.channel_post(GROUP, "/alerts"))
    assert len(h.sim.bot_messages(GROUP)) == before
