"""Button presses are untrusted: forged, foreign and stale presses change nothing."""

from __future__ import annotations

from bot.simtelegram.harness import Harness
from storage import people
from tests.factories import make_family
from tests.lessons.helpers import NEXT, press_data, progress, texts


async def _at_step_two(h: Harness) -> int:
    ids = await make_family(h)
    await h.say("grandma", "/next")
    await h.press("grandma", NEXT)
    return ids.caregiver_id


FORGED = [
    "ls:ans:nonexistent:x",
    "ls:next:nonexistent:0",
    "ls:next:homework-routine:99",
    "ls:next:homework-routine:-1",
    "ls:next:homework-routine:abc",
    "ls:ans:homework-routine:zz",
    "ls:fu:homework-routine:maybe",
    "ls:done:homework-routine",
    "ls:next:homework-routine",
    "ls:go:extra",
    "ls:unknown",
    "ls:",
    "ls:next:homework-routine:1:2",
    "ls:next:" + "x" * 80 + ":1",
    "ls:next:homework-routine:1\n",
    "ls:ans:homework-routine:<b>",
    "ls:help:" + "界" * 30,
]


async def test_forged_press_changes_nothing(harness: Harness) -> None:
    """Data Qiao never produced gets a short answer; progress and chat stay as they were."""
    h = harness
    caregiver = await _at_step_two(h)
    before = await progress(h, caregiver)
    sent = len(h.sim.bot_messages(h.user_id("grandma")))
    for data in FORGED:
        answer = await press_data(h, "grandma", data)
        assert answer is not None, data
        assert answer.get("text"), data
    assert await progress(h, caregiver) == before
    assert len(h.sim.bot_messages(h.user_id("grandma"))) == sent
    assert h.sim.bot_messages(-4001) == []


async def test_child_pressing_the_grandmothers_button_is_refused(harness: Harness) -> None:
    """The child's account pressing next in the grandmother's chat is told no; nothing moves."""
    h = harness
    caregiver = await _at_step_two(h)
    current = h.sim.last_bot_message(h.user_id("grandma"))
    assert current is not None
    before = await progress(h, caregiver)
    data = current.buttons[0].callback_data
    assert data == "ls:next:homework-routine:1"
    answer = await press_data(h, "child", data, message=current, chat="grandma")
    assert answer is not None
    assert answer["text"] == "这个按钮是给这位家长用的。"
    assert await progress(h, caregiver) == before
    assert h.sim.last_bot_message(h.user_id("grandma")) is current


async def test_stranger_and_volunteer_cannot_press_lesson_buttons(harness: Harness) -> None:
    """Someone not registered, or a volunteer, pressing a lesson button changes nothing."""
    h = harness
    caregiver = await _at_step_two(h)
    current = h.sim.last_bot_message(h.user_id("grandma"))
    assert current is not None
    before = await progress(h, caregiver)
    for who in ("stranger", "volunteer"):
        for data in ("ls:next:homework-routine:1", "ls:help", "ls:go"):
            answer = await press_data(h, who, data, message=current, chat="grandma")
            assert answer is not None
            assert answer.get("text")
    assert await progress(h, caregiver) == before
    assert h.sim.last_bot_message(h.user_id("grandma")) is current
    assert h.sim.bot_messages(-4001) == []


async def test_stale_next_from_an_older_message_changes_nothing(harness: Harness) -> None:
    """Pressing next on step 1 again, when step 2 is showing, only gets a short answer."""
    h = harness
    caregiver = await _at_step_two(h)
    step_one = h.sim.bot_messages(h.user_id("grandma"))[-2]
    assert "（1/5）" in step_one.plain_text
    before = await progress(h, caregiver)
    answer = await press_data(h, "grandma", "ls:next:homework-routine:0", message=step_one)
    assert answer is not None
    assert answer["text"] == "这个按钮已经用过了，请看最新的消息。"
    assert await progress(h, caregiver) == before
    assert "（2/5）" in texts(h, "grandma")[-1]


async def test_double_press_on_an_answer_keeps_the_first(harness: Harness) -> None:
    """A second answer to the same question is refused; the stored answer stays the first."""
    h = harness
    caregiver = await _at_step_two(h)
    while NEXT in h.sim.bot_messages(h.user_id("grandma"))[-1].buttons[0].text:
        await h.press("grandma", NEXT)
    question = h.sim.last_bot_message(h.user_id("grandma"))
    assert question is not None
    await h.press("grandma", 1)
    sent = len(h.sim.bot_messages(h.user_id("grandma")))
    answer = await press_data(h, "grandma", "ls:ans:homework-routine:c", message=question)
    assert answer is not None
    assert "已经用过" in answer["text"]
    [row] = await progress(h, caregiver)
    assert (row.stage, row.answer) == ("practice", "a")
    assert len(h.sim.bot_messages(h.user_id("grandma"))) == sent


async def test_button_for_another_lesson_changes_nothing(harness: Harness) -> None:
    """A well-formed press naming a real lesson that is not the open one changes nothing."""
    h = harness
    caregiver = await _at_step_two(h)
    before = await progress(h, caregiver)
    answer = await press_data(h, "grandma", "ls:next:stress-pause:1")
    assert answer is not None
    assert "已经用过" in answer["text"]
    assert await progress(h, caregiver) == before


async def test_child_using_next_gets_a_calm_refusal(harness: Harness) -> None:
    """A child sending /next or /lessons is told lessons are for grandparents; no row is made."""
    h = harness
    ids = await make_family(h)
    await h.say("child", "/next")
    await h.say("child", "/lessons")
    assert (
        texts(h, "child")[-2:]
        == ["这些小课是给家里的爷爷奶奶准备的。你可以用 /checkin 做每周的小问答。"] * 2
    )
    assert await progress(h, ids.child_id) == []


async def test_volunteer_using_lessons_gets_a_calm_refusal(harness: Harness) -> None:
    """A volunteer or an admin sending /lessons learns that lessons are for grandparents."""
    h = harness
    await make_family(h)
    await h.say("volunteer", "/lessons")
    await h.say("admin", "/next")
    assert texts(h, "volunteer")[-1].startswith("小课是给照顾孩子的爷爷奶奶准备的")
    assert texts(h, "admin")[-1].startswith("小课是给照顾孩子的爷爷奶奶准备的")


async def test_stranger_using_lessons_gets_the_invitation_note(harness: Harness) -> None:
    """Someone unknown sending /lessons gets the usual invitation note and nothing is stored."""
    h = harness
    await h.say("stranger", "/lessons")
    assert "桥只接受邀请使用" in texts(h, "stranger")[-1]
    assert await h.runtime.db.run(people.count) == 0


async def test_paused_caregiver_can_still_open_lessons(harness: Harness) -> None:
    """Pausing stops what Qiao sends on its own, not what the grandparent asks for."""
    h = harness
    ids = await make_family(h)
    await h.runtime.db.tx(lambda c: people.set_paused(c, ids.caregiver_id, True))
    await h.say("grandma", "/next")
    assert texts(h, "grandma")[-1].startswith("固定时间，固定地方（1/5）")
    await h.press("grandma", NEXT)
    assert texts(h, "grandma")[-1].startswith("固定时间，固定地方（2/5）")
