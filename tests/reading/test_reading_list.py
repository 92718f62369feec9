"""The reading list: every child's words that raised no posted alert reach their volunteer."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.simtelegram import Fault
from bot.simtelegram.harness import VOLUNTEER_CHAT_ID, Harness, sim_config
from tests.checkins.answering import press_rotating
from tests.checkins.support import advance_to
from tests.factories import make_family
from tests.reading.support import (
    ADMIN,
    CHILD,
    GRANDMA,
    VOLUNTEER,
    VOLUNTEER2,
    add_coordinator,
    add_second_volunteer,
    items,
    last_answer,
    listed,
    sent_file_id,
)

HARMLESS = "今天挺好的，我画了一幅画"


async def test_a_harmless_message_reaches_only_the_familys_volunteer(harness: Harness) -> None:
    """A message that raised nothing is listed, with its words, in the volunteer's /inbox only."""
    ids = await make_family(harness)
    await harness.say("child", HARMLESS)
    [row] = await items(harness)
    assert (row["author_id"], row["kind"], row["status"], row["text"]) == (
        ids.child_id,
        "text",
        "unread",
        HARMLESS,
    )
    await harness.say("volunteer", "/inbox")
    [entry] = listed(harness)
    assert ids.child_pseudonym in entry.plain_text
    assert HARMLESS in entry.plain_text
    assert "小明" not in entry.plain_text
    for chat in (GRANDMA, VOLUNTEER_CHAT_ID):
        assert all(HARMLESS not in m.plain_text for m in harness.sim.messages(chat))


async def test_a_childs_photo_and_voice_note_reach_the_reading_list(harness: Harness) -> None:
    """A child's photo and voice note get a warm answer and reach the volunteer by file id."""
    await make_family(harness)
    await harness.deliver(harness.sim.user_sends_media(CHILD, "photo"))
    assert "志愿者会亲自看" in harness.sim.bot_messages(CHILD)[-1].plain_text
    await harness.deliver(harness.sim.user_sends_media(CHILD, "voice"))
    assert "志愿者会亲自听" in harness.sim.bot_messages(CHILD)[-1].plain_text
    sent = {m.kind: sent_file_id(m) for m in harness.sim.messages(CHILD) if not m.from_bot}
    assert [(r["kind"], r["file_id"]) for r in await items(harness)] == [
        ("photo", sent["photo"]),
        ("voice", sent["voice"]),
    ]
    await harness.say("volunteer", "/inbox")
    shown = {m.kind: m.file_id for m in harness.sim.bot_messages(VOLUNTEER) if m.kind != "text"}
    assert shown == {"photo": sent["photo"], "voice": sent["voice"]}
    assert len(listed(harness)) == 2


async def test_a_childs_video_note_reaches_the_reading_list(harness: Harness) -> None:
    """A child's round video message is listed and shown to the volunteer as a video note."""
    await make_family(harness)
    await harness.deliver(harness.sim.user_sends_media(CHILD, "video_note"))
    assert "小视频" in harness.sim.bot_messages(CHILD)[-1].plain_text
    await harness.say("volunteer", "/inbox")
    assert [m.kind for m in harness.sim.bot_messages(VOLUNTEER)].count("video_note") == 1


async def test_a_photo_caption_is_assessed_like_a_message(harness: Harness) -> None:
    """An urgent caption on a photo gets the crisis text and an alert; the photo is still listed."""
    await make_family(harness)
    await harness.deliver(harness.sim.user_sends_media(CHILD, "photo", caption="我不想活了"))
    assert "12356" in harness.sim.bot_messages(CHILD)[-1].plain_text
    assert len(harness.sim.bot_messages(VOLUNTEER_CHAT_ID)) == 1
    [row] = await items(harness)
    assert (row["kind"], row["level"]) == ("photo", 3)


async def test_a_typed_checkin_answer_reaches_the_reading_list(harness: Harness) -> None:
    """The check-in's last, typed answer is listed for the volunteer like any message."""
    await make_family(harness)
    await advance_to(harness, datetime(2026, 1, 10, 10, 1))
    for label in ("😐", "还行", "还行", "没有", "没说上话"):
        await harness.press("child", label)
    await press_rotating(harness, "child")
    await harness.say("child", "想养一只小狗")
    [row] = await items(harness)
    assert (row["text"], row["level"]) == ("想养一只小狗", 0)
    assert row["source"].startswith("checkin:")


async def test_inbox_lists_the_most_serious_first_then_the_oldest(harness: Harness) -> None:
    """A watch-level message comes before harmless ones; harmless ones in the order they came."""
    await make_family(harness)
    await harness.say("child", "第一条：今天吃了面条")
    harness.clock.advance(timedelta(minutes=5))
    await harness.say("child", "第二条：明天考试")
    harness.clock.advance(timedelta(minutes=5))
    await harness.say("child", "今天有点难过")
    await harness.say("volunteer", "/inbox")
    entries = [m.plain_text for m in listed(harness)]
    assert len(entries) == 3
    assert "今天有点难过" in entries[0]
    assert "第一条" in entries[1]
    assert "第二条" in entries[2]


async def test_read_press_marks_once_and_refuses_forged_and_stale_presses(
    harness: Harness,
) -> None:
    """Only the family's volunteer marks an item read, once; forged and repeated presses fail."""
    await make_family(harness)
    await add_second_volunteer(harness)
    await harness.say("child", HARMLESS)
    [row] = await items(harness)
    await harness.deliver(harness.sim.user_sends(VOLUNTEER2, "/start"))
    await harness.say("volunteer", "/inbox")
    [entry] = listed(harness)
    for forged in (f"rd:{row['id']}", "rd:abc", f"rd:{row['id']}:1"):
        await harness.deliver(
            harness.sim.user_presses(VOLUNTEER2, entry.message_id, forged, chat_id=VOLUNTEER)
        )
        assert "不能用" in last_answer(harness)
    assert (await items(harness))[0]["status"] == "unread"
    await harness.press("volunteer", "已读")
    [read] = await items(harness)
    assert (read["status"], read["read_at"]) == ("read", harness.runtime.ts())
    assert [b.text for b in listed(harness)[0].buttons] == ["✓ 已读"]
    await harness.press("volunteer", "已读")
    assert "已经标记为已读" in last_answer(harness)
    await harness.say("volunteer", "/inbox")
    assert "消息都看完了" in harness.sim.bot_messages(VOLUNTEER)[-1].plain_text


async def test_unread_after_24_hours_goes_to_the_coordinators_by_pseudonym(
    harness: Harness,
) -> None:
    """An item unread for 24 h is reported to each coordinator privately, pseudonyms only, once."""
    ids = await make_family(harness)
    await add_coordinator(harness)
    await harness.say("child", HARMLESS)
    await harness.run_all_jobs_now()
    nudge = harness.sim.bot_messages(VOLUNTEER)[-1].plain_text
    assert "/inbox" in nudge
    harness.clock.advance(timedelta(hours=23))
    await harness.run_all_jobs_now()
    assert harness.sim.bot_messages(ADMIN) == []
    harness.clock.advance(timedelta(hours=1, minutes=1))
    await harness.run_all_jobs_now()
    [report] = harness.sim.bot_messages(ADMIN)
    assert ids.child_pseudonym in report.plain_text
    assert ids.family_pseudonym in report.plain_text
    assert "V-TST" in report.plain_text
    assert HARMLESS not in report.plain_text
    assert "小明" not in report.plain_text
    harness.clock.advance(timedelta(hours=1))
    await harness.run_all_jobs_now()
    assert len(harness.sim.bot_messages(ADMIN)) == 1


async def test_an_item_read_in_time_is_not_reported(harness: Harness) -> None:
    """An item the volunteer read within the day never reaches the coordinators."""
    await make_family(harness)
    await add_coordinator(harness)
    await harness.say("child", HARMLESS)
    await harness.say("volunteer", "/inbox")
    await harness.press("volunteer", "已读")
    harness.clock.advance(timedelta(hours=30))
    await harness.run_all_jobs_now()
    assert harness.sim.bot_messages(ADMIN) == []


async def test_the_digest_counts_items_read_and_the_median_wait(harness: Harness) -> None:
    """The weekly digest says how many items were read and the median hours they waited."""
    await make_family(harness)
    await add_coordinator(harness)
    await harness.say("child", HARMLESS)
    harness.clock.advance(timedelta(hours=2))
    await harness.say("volunteer", "/inbox")
    await harness.press("volunteer", "已读")
    harness.clock.advance(timedelta(days=7))
    await harness.run_all_jobs_now()
    digest = [m.plain_text for m in harness.sim.bot_messages(ADMIN) if "阅读清单" in m.plain_text]
    assert digest == [digest[0]]
    assert "读了 1 条，中位等待 2 小时" in digest[0]


async def test_retention_deletes_reading_items(harness: Harness) -> None:
    """After [retention] child_text_days the item, words and file id, is gone."""
    await make_family(harness)
    await harness.say("child", HARMLESS)
    await harness.deliver(harness.sim.user_sends_media(CHILD, "voice"))
    harness.clock.advance(timedelta(days=91))
    await harness.run_all_jobs_now()
    assert await items(harness) == []


async def test_erasing_the_family_deletes_its_reading_items(harness: Harness) -> None:
    """Erasure removes the family's reading-list rows with everything else."""
    ids = await make_family(harness)
    await harness.say("child", HARMLESS)
    await harness.runtime.db.tx(
        lambda c: c.execute("DELETE FROM families WHERE id = ?", (ids.family_id,))
    )
    assert await items(harness) == []


@pytest.fixture
async def switched_off(tmp_path: Path) -> AsyncIterator[Harness]:
    """A harness whose programme switched the reading list off."""
    config = sim_config(tmp_path / "qiao.sqlite3", reading_list={"enabled": False})
    h = Harness(tmp_path, config=config)
    await h.start()
    try:
        yield h
    finally:
        await h.stop()


async def test_switched_off_the_list_stores_nothing_and_says_so(switched_off: Harness) -> None:
    """With the list off: no rows, no nudges, and media gets the plain "can't open" answer."""
    h = switched_off
    await make_family(h)
    await h.say("child", HARMLESS)
    await h.deliver(h.sim.user_sends_media(CHILD, "photo"))
    assert "这种消息我还看不了" in h.sim.bot_messages(CHILD)[-1].plain_text
    await h.say("grandma", "今天孩子写完作业了")
    assert "用下面的按钮" in h.sim.bot_messages(GRANDMA)[-1].plain_text
    assert await items(h) == []
    await h.run_all_jobs_now()
    assert h.sim.bot_messages(VOLUNTEER) == []


async def test_a_file_telegram_no_longer_has_is_said_so(harness: Harness) -> None:
    """A photo Telegram rejects by file id is replaced by a note; the item stays to be read."""
    await make_family(harness)
    await harness.deliver(harness.sim.user_sends_media(CHILD, "photo"))
    harness.sim.fail_next("sendPhoto", Fault.bad_request("wrong file identifier"))
    await harness.say("volunteer", "/inbox")
    assert "打不开了" in harness.sim.bot_messages(VOLUNTEER)[-1].plain_text
    await harness.press("volunteer", "已读")
    assert (await items(harness))[0]["status"] == "read"


async def test_a_failed_reply_to_the_child_loses_nothing(harness: Harness) -> None:
    """When Telegram fails the warm reply, the voice note is already on the list."""
    await make_family(harness)
    harness.sim.fail_next("sendMessage", Fault.network_error(), chat_id=CHILD, times=2)
    await harness.deliver(harness.sim.user_sends_media(CHILD, "voice"))
    [row] = await items(harness)
    assert (row["kind"], row["status"]) == ("voice", "unread")


async def test_the_daily_nudge_waits_for_the_end_of_quiet_hours(harness: Harness) -> None:
    """A message written late at night is announced to the volunteer the next morning, once."""
    await make_family(harness)
    harness.clock.advance(timedelta(hours=12, minutes=30))  # Monday 21:30 in Shanghai
    await harness.say("child", HARMLESS)
    await harness.run_all_jobs_now()
    assert harness.sim.bot_messages(VOLUNTEER) == []
    harness.clock.advance(timedelta(hours=10, minutes=40))  # Tuesday 08:10
    await harness.run_all_jobs_now()
    await harness.run_all_jobs_now()
    [nudge] = harness.sim.bot_messages(VOLUNTEER)
    assert "1 条消息还没人看" in nudge.plain_text
