"""The check-in conversation: answers stored as given, replies, reminders, closing, bad presses."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.simtelegram import SimMessage
from bot.simtelegram.harness import Harness
from tests.checkins.answering import CALM, press_rotating
from tests.checkins.support import (
    CHILD,
    SHANGHAI,
    advance_to,
    answers,
    intro_messages,
    reminders,
    sessions,
)
from tests.factories import FamilyIds, make_family

WEEKLY_CALM = ("🙂", "睡得挺好", "挺好，有好朋友", "没有", "说了，挺开心的")


async def _arrived(h: Harness) -> FamilyIds:
    """A family whose first check-in has just arrived (Saturday 10:01)."""
    ids = await make_family(h)
    await advance_to(h, datetime(2026, 1, 10, 10, 1))
    return ids


def _last_answer_text(h: Harness) -> str | None:
    """The text of the bot's most recent answer to a button press."""
    call = h.sim.calls_to("answerCallbackQuery")[-1]
    text = call.params.get("text")
    return None if text is None else str(text)


async def test_a_whole_checkin_is_stored_and_answered_kindly(harness: Harness) -> None:
    """Each press stores its answer, shows the option's reply, asks the next; text ends it."""
    ids = await _arrived(harness)
    await harness.press("child", "🙂")
    assert harness.sim.bot_messages(CHILD)[-1].plain_text.startswith("✓ 🙂\n\n不错呀！")
    for label in WEEKLY_CALM[1:]:
        await harness.press("child", label)
    rotating = await press_rotating(harness, "child")
    await harness.say("child", "这周考试考得不错")
    closing = harness.sim.bot_messages(CHILD)[-1]
    assert "下个星期六见" in closing.plain_text
    assert [b.text for b in closing.buttons] == ["💬 我想找人聊聊", "清理这段对话 🧹"]
    [session] = await sessions(harness, ids.child_id)
    assert session.status == "done"
    stored = await answers(harness, session.id)
    assert [(a.question_id, a.option_id) for a in stored] == [
        ("mood", "4"),
        ("sleep", "good"),
        ("friends", "good"),
        ("safe", "no"),
        ("parents", "talked"),
        (rotating, CALM[rotating]),
        ("anything", None),
    ]
    assert stored[0].mood == 4
    assert stored[-1].text == "这周考试考得不错"
    assert all(a.level == 0 for a in stored)


async def test_an_answer_turns_the_question_into_the_next_one_in_place(harness: Harness) -> None:
    """A press edits its message into the choice and the next question; a repeat is refused."""
    ids = await _arrived(harness)
    [intro] = intro_messages(harness, CHILD)
    calls = len(harness.sim.calls)
    await harness.press("child", "😐")
    assert [c.method for c in harness.sim.calls[calls:]] == [
        "answerCallbackQuery",
        "editMessageText",
    ]
    [edited] = harness.sim.bot_messages(CHILD)
    assert edited.message_id == intro.message_id
    assert edited.plain_text.startswith(
        "✓ 😐\n\n平平常常的一周，也挺好。\n\n这几天晚上，你睡得好吗？"
    )
    assert [b.text for b in edited.buttons][:2] == ["睡得挺好", "还行"]
    [session] = await sessions(harness, ids.child_id)
    again = f"ci:{session.id}:mood:1"
    await harness.deliver(harness.sim.user_presses(CHILD, intro.message_id, again))
    assert _last_answer_text(harness) == "这个问题你已经回答过啦。"
    assert len(harness.sim.bot_messages(CHILD)) == 1
    assert [(a.question_id, a.mood) for a in await answers(harness, session.id)] == [("mood", 3)]


async def test_skipping_the_free_text_question_finishes(harness: Harness) -> None:
    """The skip button answers the optional question with nothing written."""
    ids = await _arrived(harness)
    for label in WEEKLY_CALM:
        await harness.press("child", label)
    await press_rotating(harness, "child")
    await harness.press("child", "跳过")
    [session] = await sessions(harness, ids.child_id)
    last = (await answers(harness, session.id))[-1]
    assert (last.question_id, last.skipped, last.text) == ("anything", True, None)
    assert session.status == "done"


async def test_forged_presses_change_nothing(harness: Harness) -> None:
    """Unknown options, unknown or later questions and malformed data are refused politely."""
    ids = await _arrived(harness)
    [intro] = intro_messages(harness, CHILD)
    [session] = await sessions(harness, ids.child_id)
    forged = [
        f"ci:{session.id}:mood:9",
        f"ci:{session.id}:nothing:1",
        f"ci:{session.id}:sleep:good",
        f"ci:{session.id}:mood:-skip",
        f"ci:{session.id + 1}:mood:1",
        "ci:abc:mood:1",
        "ci:1:mood",
    ]
    for data in forged:
        await harness.deliver(harness.sim.user_presses(CHILD, intro.message_id, data))
        assert _last_answer_text(harness) is not None
    assert await answers(harness, session.id) == []
    assert (await sessions(harness, ids.child_id))[0].current_question == "mood"


async def test_another_childs_press_changes_nothing(harness: Harness) -> None:
    """A second child pressing with the first child's session id is refused."""
    first = await make_family(harness)
    await make_family(harness, caregiver="volunteer2", child="stranger", suffix="2")
    await advance_to(harness, datetime(2026, 1, 10, 10, 1))
    [own] = await sessions(harness, first.child_id)
    theirs = harness.sim.bot_messages(1005)[-1]
    await harness.deliver(harness.sim.user_presses(1005, theirs.message_id, f"ci:{own.id}:mood:1"))
    assert _last_answer_text(harness) == "这个按钮已经不能用了。"
    assert await answers(harness, own.id) == []


async def test_one_reminder_then_closing_keeps_nothing_lost(harness: Harness) -> None:
    """Ignored: one reminder after 24 hours, no second one, and closing after 72 hours."""
    ids = await _arrived(harness)
    await advance_to(harness, datetime(2026, 1, 11, 9, 59))
    assert reminders(harness, CHILD) == []
    await advance_to(harness, datetime(2026, 1, 11, 10, 6))
    [reminder] = reminders(harness, CHILD)
    assert [b.text for b in reminder.buttons] == ["😢", "🙁", "😐", "🙂", "😄"]
    await advance_to(harness, datetime(2026, 1, 13, 9, 59))
    assert len(reminders(harness, CHILD)) == 1
    assert (await sessions(harness, ids.child_id))[0].status == "sent"
    await advance_to(harness, datetime(2026, 1, 13, 10, 6))
    [session] = await sessions(harness, ids.child_id)
    assert session.status == "closed"
    await harness.press("child", "🙂")
    assert _last_answer_text(harness) == "这次的聊聊已经结束了，下次再聊吧。"
    assert await answers(harness, session.id) == []


async def test_the_reminder_waits_for_the_end_of_quiet_hours(harness: Harness) -> None:
    """A check-in asked for at 22:00 is reminded at 08:00 two mornings later, not at 22:00."""
    await make_family(harness)
    await advance_to(harness, datetime(2026, 1, 5, 22, 0))
    await harness.say("child", "/checkin")
    await advance_to(harness, datetime(2026, 1, 7, 7, 59))
    assert reminders(harness, CHILD) == []
    await advance_to(harness, datetime(2026, 1, 7, 8, 6))
    [reminder] = reminders(harness, CHILD)
    local = datetime.fromtimestamp(reminder.date, SHANGHAI)
    assert (local.day, local.hour) == (7, 8)


async def test_partial_answers_are_kept_when_the_session_closes(harness: Harness) -> None:
    """Two answers, then silence: no reminder (it was answered), closed after 72 h, both kept."""
    ids = await _arrived(harness)
    await harness.press("child", "🙁")
    await harness.press("child", "还行")
    await harness.advance(timedelta(hours=73))
    assert reminders(harness, CHILD) == []
    [session] = await sessions(harness, ids.child_id)
    assert session.status == "closed"
    kept = await answers(harness, session.id)
    assert [(a.question_id, a.option_id) for a in kept] == [("mood", "2"), ("sleep", "ok")]
    assert session.level == 1  # the low face is a watch-level answer


async def test_a_concern_week_is_followed_by_the_followup_set(harness: Harness) -> None:
    """After a week with "someone picks on me" the next check-in is the follow-up set; the
    week after, the regular sets resume with the WHO-5 one that has not come yet."""
    ids = await _arrived(harness)
    await harness.press("child", "😐")
    await harness.press("child", "还行")
    await harness.press("child", "有人欺负我")
    await advance_to(harness, datetime(2026, 1, 17, 10, 1))
    first, second = await sessions(harness, ids.child_id)
    assert first.level == 2
    assert (second.set_id, second.period) == ("followup", "2026-W03")
    assert "我们一直惦记着你" in harness.sim.bot_messages(CHILD)[-1].plain_text
    await advance_to(harness, datetime(2026, 1, 24, 10, 1))
    third = (await sessions(harness, ids.child_id))[2]
    assert third.set_id.partition("+")[0] == "who5"


async def test_urgent_answer_shows_the_crisis_message_before_the_next_question(
    harness: Harness,
) -> None:
    """ "Yes, a grown-up" is followed at once by the crisis message, then the next question
    (new messages, the answered question keeping only its choice)."""
    await _arrived(harness)
    for label in ("😐", "还行", "还行", "有，是大人"):
        await harness.press("child", label)
    question, crisis, following = harness.sim.bot_messages(CHILD)[-3:]
    assert [b.text for b in question.buttons] == ["✓ 有，是大人"]  # the answer stays, inert
    assert "12356" in crisis.plain_text
    assert "110" in crisis.plain_text
    assert crisis.buttons == []
    assert "爸爸妈妈说上话" in following.plain_text


async def test_two_low_weeks_in_a_row_are_a_watch_trend(harness: Harness) -> None:
    """A second week in the bottom two faces adds the low-mood trend to the mood answer."""
    ids = await _arrived(harness)
    await harness.press("child", "🙁")
    await advance_to(harness, datetime(2026, 1, 17, 10, 1))
    await harness.press("child", "🙁")
    second = (await sessions(harness, ids.child_id))[1]
    [mood] = await answers(harness, second.id)
    assert {"category": "low_mood", "code": "trend:low_mood_2"} in mood.reasons


def _visible(messages: list[SimMessage]) -> list[str]:
    return [m.plain_text for m in messages if not m.deleted]


async def test_tidy_up_deletes_the_whole_exchange(harness: Harness) -> None:
    """The tidy-up button removes every message of the check-in, the child's text included."""
    await _arrived(harness)
    for label in WEEKLY_CALM:
        await harness.press("child", label)
    await press_rotating(harness, "child")
    await harness.say("child", "谢谢")
    await harness.press("child", "🧹")
    assert _visible(harness.sim.messages(CHILD)) == []
    assert _last_answer_text(harness) == "已经清理好了 🧹"
