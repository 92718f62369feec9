"""Claiming an alert: one winner, a polite refusal for the rest, details in private only."""

from __future__ import annotations

import asyncio
import logging
import sqlite3

import pytest

from bot.levels import RiskLevel
from bot.services.alerts import Signal, raise_alert_tx
from bot.simtelegram import Fault
from bot.simtelegram.harness import Harness
from storage import alerts, lessons, people
from tests.alerts.desk import (
    ADMIN,
    GRANDMA,
    GROUP,
    VOLUNTEER,
    VOLUNTEER2,
    add_volunteer,
    alert_row,
    answer_to_last_press,
    audit_rows,
    button_texts,
    cards,
    checkin_answered,
    child_wrote,
    post,
    press_on,
    raise_and_post,
)
from tests.factories import FamilyIds


async def test_claim_shows_the_claimer_and_keeps_only_resolved(
    h: Harness, family: FamilyIds
) -> None:
    """After a claim the card names the claimer's pseudonym and offers only "Resolved"."""
    alert_id = await raise_and_post(h, family.child_id)
    await press_on(h, "volunteer", cards(h, alert_id)[0], "我来跟进")
    [card] = cards(h, alert_id)
    assert "跟进：V-TST" in card.plain_text
    assert "还没有人认领" not in card.plain_text
    assert button_texts(card) == ["✅ 已解决"]
    row = await alert_row(h, alert_id)
    assert (row.status, row.claimed_by) == (alerts.CLAIMED, family.volunteer_id)
    assert "详情已发到你和桥的私聊" in answer_to_last_press(h)


async def test_claimer_gets_words_chart_volunteer_and_guidance_in_private(
    h: Harness, family: FamilyIds
) -> None:
    """The claimer's private chat gets the child's own words, a mood chart and the guidance."""
    await checkin_answered(h, family.child_id, "2025-W51", mood=4)
    await checkin_answered(h, family.child_id, "2026-W01", mood=2)
    await child_wrote(h, family.child_id, "我不想活了，没有人管我")
    alert_id = await raise_and_post(h, family.child_id, category="suicide")
    await press_on(h, "volunteer", cards(h, alert_id)[0], "我来跟进")
    private = h.sim.bot_messages(VOLUNTEER)
    details = private[0].plain_text
    assert f"A-{alert_id} 的详情" in details
    assert "我不想活了，没有人管我" in details
    assert "家庭志愿者：V-TST" in details
    photos = [m for m in private if m.kind == "photo"]
    assert len(photos) == 1
    assert "C-TST" in photos[0].plain_text
    [upload] = [c for c in h.sim.calls_to("sendPhoto") if c.params["chat_id"] == VOLUNTEER]
    assert upload.params["photo"].content.startswith(b"\x89PNG")
    guidance = private[-1].plain_text
    for point in ("不要答应保密", "110", "120", "12356", "原话"):
        assert point in guidance


async def test_details_view_writes_an_audit_row_without_content(
    h: Harness, family: FamilyIds
) -> None:
    """Each view of the details is audited with the viewer's pseudonym and the alert code only."""
    await child_wrote(h, family.child_id, "他打我")
    alert_id = await raise_and_post(h, family.child_id, category="abuse_physical")
    await press_on(h, "volunteer", cards(h, alert_id)[0], "我来跟进")
    await h.say("volunteer", f"/details A-{alert_id}")
    rows = await audit_rows(h, "alert.details_viewed")
    assert [(r.actor, r.subject) for r in rows] == [("V-TST", f"A-{alert_id}")] * 2
    assert all("他打我" not in str(r.detail) for r in rows)


async def test_second_claim_is_refused_politely_and_changes_nothing(
    h: Harness, family: FamilyIds
) -> None:
    """A volunteer pressing a claim someone else won learns who has it; the row stays."""
    await add_volunteer(h)
    alert_id = await raise_and_post(h, family.child_id)
    card = cards(h, alert_id)[0]
    await press_on(h, "volunteer", card, "我来跟进")
    stale_copy = h.sim.user_presses(VOLUNTEER2, card.message_id, f"alc:{alert_id}", chat_id=GROUP)
    await h.deliver(stale_copy)
    assert "已经由 V-TST 认领了" in answer_to_last_press(h)
    assert (await alert_row(h, alert_id)).claimed_by == family.volunteer_id
    assert h.sim.bot_messages(VOLUNTEER2) == []
    assert len(await audit_rows(h, "alert.details_viewed")) == 1


async def test_two_volunteers_racing_cannot_both_win(h: Harness, family: FamilyIds) -> None:
    """Two presses processed at the same time: exactly one claim, one details message set."""
    await add_volunteer(h)
    alert_id = await raise_and_post(h, family.child_id)
    card = cards(h, alert_id)[0]
    presses = [
        h.sim.user_presses(uid, card.message_id, f"alc:{alert_id}", chat_id=GROUP)
        for uid in (VOLUNTEER, VOLUNTEER2)
    ]
    await asyncio.gather(*(h.deliver(p) for p in presses))
    claims = await audit_rows(h, "alert.claimed")
    assert len(claims) == 1
    winner = claims[0].actor
    row = await alert_row(h, alert_id)
    winner_person = await h.runtime.db.run(lambda c: people.by_id(c, row.claimed_by or 0))
    assert winner_person is not None
    assert winner_person.pseudonym == winner
    loser = VOLUNTEER2 if winner == "V-TST" else VOLUNTEER
    assert h.sim.bot_messages(loser) == []
    answers = [str(c.params.get("text", "")) for c in h.sim.calls_to("answerCallbackQuery")]
    assert sum("认领了。谢谢你" in a for a in answers) == 1


async def test_non_volunteer_pressing_claim_gets_a_short_answer_and_nothing_changes(
    h: Harness, family: FamilyIds
) -> None:
    """A caregiver in the group pressing "I'll take it" is told only volunteers can claim."""
    alert_id = await raise_and_post(h, family.child_id)
    card = cards(h, alert_id)[0]
    await h.deliver(h.sim.user_presses(GRANDMA, card.message_id, f"alc:{alert_id}", chat_id=GROUP))
    await press_on(h, "stranger", card, "我来跟进")
    assert answer_to_last_press(h) == "只有登记的志愿者才能认领提醒。"
    row = await alert_row(h, alert_id)
    assert (row.status, row.claimed_by) == (alerts.OPEN, None)
    assert button_texts(cards(h, alert_id)[0]) == ["🙋 我来跟进", "✅ 已解决"]
    assert await audit_rows(h, "alert.claimed") == []
    assert h.sim.bot_messages(GRANDMA) == []


async def test_forged_claim_data_is_answered_and_ignored(h: Harness, family: FamilyIds) -> None:
    """A press naming an alert that does not exist gets the stale answer and changes nothing."""
    alert_id = await raise_and_post(h, family.child_id)
    card = cards(h, alert_id)[0]
    await h.deliver(h.sim.user_presses(VOLUNTEER, card.message_id, "alc:999", chat_id=GROUP))
    assert answer_to_last_press(h) == "这个按钮已经不能用了。"
    assert (await alert_row(h, alert_id)).status == alerts.OPEN


async def test_claimer_without_private_chat_keeps_the_claim_and_is_told_to_open_one(
    h: Harness, family: FamilyIds
) -> None:
    """A claimer who never started the bot is asked to open a private chat; /details then works."""
    shy = 1007
    h.sim.add_user(shy, "Chen Jing", started=False)
    await add_volunteer(h, shy, "V-SHY")
    alert_id = await raise_and_post(h, family.child_id)
    await press_on(h, shy, cards(h, alert_id)[0], "我来跟进")
    answer = h.sim.calls_to("answerCallbackQuery")[-1].params
    assert "私聊" in answer["text"]
    assert f"/details A-{alert_id}" in answer["text"]
    assert answer.get("show_alert") is True
    assert (await alert_row(h, alert_id)).status == alerts.CLAIMED
    assert "V-SHY" in cards(h, alert_id)[0].plain_text
    assert await audit_rows(h, "alert.details_viewed") == []
    h.sim.unblock(shy)  # they open the chat and press Start
    await h.say(shy, f"/details A-{alert_id}")
    assert f"A-{alert_id} 的详情" in h.sim.bot_messages(shy)[0].plain_text
    assert len(await audit_rows(h, "alert.details_viewed")) == 1


async def test_only_the_claimer_and_coordinators_see_details(h: Harness, family: FamilyIds) -> None:
    """Another volunteer asking for details is refused; a config admin may see them."""
    await add_volunteer(h)
    await child_wrote(h, family.child_id, "我想死")
    alert_id = await raise_and_post(h, family.child_id)
    await press_on(h, "volunteer", cards(h, alert_id)[0], "我来跟进")
    await h.say("volunteer2", f"/details A-{alert_id}")
    refusal = h.sim.bot_messages(VOLUNTEER2)
    assert [m.plain_text for m in refusal] == [
        f"只有认领 A-{alert_id} 的志愿者和协调员可以看详情。"
    ]
    await h.say("admin", f"/details A-{alert_id}")
    assert "我想死" in h.sim.bot_messages(ADMIN)[0].plain_text
    viewers = [r.actor for r in await audit_rows(h, "alert.details_viewed")]
    assert viewers[0] == "V-TST"
    assert len(viewers) == 2


async def test_config_admin_without_a_row_can_claim(h: Harness, family: FamilyIds) -> None:
    """An admin listed only in the config claims; a people row with an A- pseudonym is made."""
    alert_id = await raise_and_post(h, family.child_id, level=RiskLevel.CONCERN)
    await press_on(h, "admin", cards(h, alert_id)[0], "我来跟进")
    admin = await h.runtime.db.run(lambda c: people.by_telegram_user(c, ADMIN))
    assert admin is not None
    assert (admin.role, admin.chat_id) == ("admin", ADMIN)
    assert admin.pseudonym.startswith("K-")
    assert admin.pseudonym in cards(h, alert_id)[0].plain_text
    assert (await alert_row(h, alert_id)).claimed_by == admin.id


async def test_pressing_claim_again_is_answered_and_sends_nothing_again(
    h: Harness, family: FamilyIds
) -> None:
    """A claimer who presses again is told it is theirs; no details, edits or audit rows repeat."""
    alert_id = await raise_and_post(h, family.child_id)
    card = cards(h, alert_id)[0]
    await press_on(h, "volunteer", card, "我来跟进")
    private_before = len(h.sim.bot_messages(VOLUNTEER))
    edits_before = len(h.sim.calls_to("editMessageText"))
    for _ in range(2):
        await h.deliver(
            h.sim.user_presses(VOLUNTEER, card.message_id, f"alc:{alert_id}", chat_id=GROUP)
        )
        assert "/details A-" in answer_to_last_press(h)
    assert len(h.sim.bot_messages(VOLUNTEER)) == private_before
    assert len(h.sim.calls_to("editMessageText")) == edits_before
    assert len(await audit_rows(h, "alert.details_viewed")) == 1
    assert len(await audit_rows(h, "alert.claimed")) == 1


async def test_help_request_details_name_the_open_lesson(h: Harness, family: FamilyIds) -> None:
    """A caregiver's help request shows, in private, which lesson they had open."""
    now = h.runtime.ts()

    def ask(c: sqlite3.Connection) -> int:
        request = lessons.insert_help_request(
            c, person_id=family.caregiver_id, lesson_id="stress-pause", now=now
        )
        alert_id = raise_alert_tx(
            c,
            h.runtime.content,
            Signal(
                kind="help_request",
                person_id=family.caregiver_id,
                level=RiskLevel.CONCERN,
                category="help_request",
                reasons=[],
                source=f"help:{request}",
                now=now,
            ),
        )
        assert alert_id is not None
        lessons.set_help_alert(c, request, alert_id)
        return alert_id

    alert_id = await h.runtime.db.tx(ask)
    await post(h)
    await press_on(h, "volunteer", cards(h, alert_id)[0], "我来跟进")
    details = h.sim.bot_messages(VOLUNTEER)[0].plain_text
    title = h.runtime.content.render_label(h.runtime.content.lesson("stress-pause").title, "zh")
    assert f"求助时正在看的小课：{title}" in details
    assert "家长 G-TST" in details
    assert [m.kind for m in h.sim.bot_messages(VOLUNTEER)] == ["text", "text"]


async def test_card_edit_lost_to_the_network_keeps_the_claim_and_the_details(
    h: Harness, family: FamilyIds, caplog: pytest.LogCaptureFixture
) -> None:
    """A card edit that meets a network error is a logged skip: the claim stands and the
    details arrive (the card keeps its old text until the next change edits it)."""
    alert_id = await raise_and_post(h, family.child_id)
    h.sim.fail_next("editMessageText", Fault.network_error(), chat_id=GROUP)
    with caplog.at_level(logging.WARNING, logger="bot.telegram.edits"):
        await press_on(h, "volunteer", cards(h, alert_id)[0], "我来跟进")
    assert [r.getMessage() for r in caplog.records] == ["alert card not edited"]
    assert (await alert_row(h, alert_id)).claimed_by == family.volunteer_id
    assert f"A-{alert_id} 的详情" in h.sim.bot_messages(VOLUNTEER)[0].plain_text
    [card] = cards(h, alert_id)
    assert "还没有人认领" in card.plain_text
