"""Taking lessons: /lessons, /next, steps, the question, the practice task, the end screen."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import yaml

from bot.content import load_content
from bot.content.models import PARENT_TRACK
from bot.services.lessons import lesson_order
from bot.simtelegram.harness import REPO_CONTENT, Harness
from storage import lessons as store
from storage import people
from tests.factories import make_family
from tests.lessons.helpers import HELP, NEXT, progress, take_whole_lesson, texts


async def test_whole_lesson_from_first_step_to_done(harness: Harness) -> None:
    """/next shows each step with next and help, then the question, feedback, practice, done."""
    h = harness
    ids = await make_family(h)
    lesson = h.runtime.content.lesson("homework-routine")
    await h.say("grandma", "/next")
    for number in range(1, len(lesson.steps) + 1):
        step = h.sim.last_bot_message(h.user_id("grandma"))
        assert step is not None
        assert f"（{number}/{len(lesson.steps)}）" in step.plain_text
        assert [b.text for b in step.buttons] == ["下一步 ▶", "🙋 找志愿者"]
        await h.press("grandma", NEXT)
    question = h.sim.last_bot_message(h.user_id("grandma"))
    assert question is not None
    assert "孩子却一直说“等会儿”" in question.plain_text
    labels = [b.text for b in question.buttons]
    assert labels[:-1] == ["关电视，按说好的来", "大声骂一顿", "随他，看完再说"]
    assert HELP in labels[-1]

    await h.press("grandma", "大声骂一顿")
    marked = next(
        m for m in h.sim.bot_messages(h.user_id("grandma")) if m.message_id == question.message_id
    )
    assert marked.edited
    assert marked.buttons == []
    assert "您选的是：大声骂一顿" in marked.plain_text
    feedback, task = h.sim.bot_messages(h.user_id("grandma"))[-2:]
    assert "挨了骂，孩子往往更不想写" in feedback.plain_text
    assert "连着试五天" in task.plain_text

    await h.press("grandma", "这个周末试")
    done = h.sim.last_bot_message(h.user_id("grandma"))
    assert done is not None
    assert "星期日 19:00 左右，我来问问您试得怎么样" in done.plain_text
    assert "这一课学完了" in done.plain_text
    assert "作业辅导：1/4" in done.plain_text
    assert [b.text for b in done.buttons] == ["下一课 ▶", "🙋 找志愿者"]
    [row] = await progress(h, ids.caregiver_id)
    assert (row.lesson_id, row.stage, row.answer, row.version) == (
        "homework-routine",
        "done",
        "b",
        lesson.version,
    )
    assert row.finished_at == h.runtime.ts()


async def test_lessons_command_shows_tracks_in_order_with_progress(harness: Harness) -> None:
    """/lessons lists every track in content order with done/total and a big continue button."""
    h = harness
    await make_family(h)
    await h.say("grandma", "/lessons")
    first = h.sim.last_bot_message(h.user_id("grandma"))
    assert first is not None
    assert [b.text for b in first.buttons] == ["▶ 开始学", "🙋 找志愿者"]
    await h.press("grandma", "开始学")
    await take_whole_lesson(h)
    await h.say("grandma", "/lessons")
    view = texts(h, "grandma")[-1]
    lines = [line for line in view.splitlines() if "　" in line and "/" in line]
    assert lines == [
        "作业辅导　1/4",
        "缓解压力　0/5",
        "孩子的心情　0/5",
        "亲近和联系　0/6",
        "平安成长　0/12",
    ]
    assert "下一课：这些信号，要当真" in view
    last = h.sim.last_bot_message(h.user_id("grandma"))
    assert last is not None
    assert last.buttons[0].text == "▶ 接着学"


def test_lesson_order_follows_the_sequence_file() -> None:
    """The shipped order is the sequence file's: every lesson once, safety lessons in weeks 2-4."""
    content = load_content(REPO_CONTENT)
    order = [lesson.id for lesson in lesson_order(content)]
    listed = yaml.safe_load((REPO_CONTENT / "lessons" / "sequence.yaml").read_text("utf-8"))
    assert order == listed["lessons"]
    grandparents = [lesson.id for lesson in content.lessons if lesson.track != PARENT_TRACK]
    assert sorted(order) == sorted(grandparents)
    assert {"safety-signs", "safety-body", "safety-disclosure"} <= set(order[:4])


def test_without_a_sequence_file_the_tracks_interleave(tmp_path: Path) -> None:
    """Content without a sequence file offers the first lesson of every track, then the second."""
    root = tmp_path / "content"
    shutil.copytree(REPO_CONTENT, root)
    (root / "lessons" / "sequence.yaml").unlink()
    order = lesson_order(load_content(root))
    assert [(lesson.track, lesson.order) for lesson in order[:6]] == [
        ("homework", 1),
        ("stress", 1),
        ("feelings", 1),
        ("connection", 1),
        ("safety", 1),
        ("homework", 2),
    ]


async def test_next_lesson_follows_the_sequence(harness: Harness) -> None:
    """After the first lesson (homework), the next-lesson button opens the warning-signs lesson."""
    h = harness
    await make_family(h)
    await h.say("grandma", "/next")
    await take_whole_lesson(h)
    await h.press("grandma", "下一课")
    shown = texts(h, "grandma")[-1]
    assert shown.startswith("这些信号，要当真（1/")


async def _finished_earlier(h: Harness, person_id: int, *lesson_ids: str) -> None:
    """Rows for lessons a grandparent finished before the order changed (taken, done)."""
    now = h.runtime.ts()
    content = h.runtime.content

    def write(c: sqlite3.Connection) -> None:
        for lesson_id in lesson_ids:
            lesson = content.lesson(lesson_id)
            store.start(
                c,
                person_id=person_id,
                lesson_id=lesson_id,
                version=lesson.version,
                follow_up_of=None,
                now=now,
            )
            store.move(
                c,
                person_id=person_id,
                lesson_id=lesson_id,
                from_stage="step",
                from_step=0,
                to_stage="practice",
                to_step=0,
                now=now,
            )
            store.finish(c, person_id=person_id, lesson_id=lesson_id, now=now)

    await h.runtime.db.tx(write)


async def test_grandparent_part_way_keeps_progress_and_skips_finished_lessons(
    harness: Harness,
) -> None:
    """Lessons finished under the old order stay done; /next opens the first one not yet taken."""
    h = harness
    ids = await make_family(h)
    await _finished_earlier(
        h, ids.caregiver_id, "homework-routine", "stress-pause", "feelings-naming", "safety-signs"
    )
    await h.say("grandma", "/next")
    shown = texts(h, "grandma")[-1]
    assert shown.startswith("教孩子护好自己的身体（1/5）")
    rows = {row.lesson_id: row.stage for row in await progress(h, ids.caregiver_id)}
    assert rows == {
        "homework-routine": "done",
        "stress-pause": "done",
        "feelings-naming": "done",
        "safety-signs": "done",
        "safety-body": "step",
    }
    await take_whole_lesson(h)
    await h.press("grandma", "下一课")
    assert texts(h, "grandma")[-1].startswith("孩子说出被伤害的时候（1/5）")
    await take_whole_lesson(h)
    await h.press("grandma", "下一课")
    assert texts(h, "grandma")[-1].startswith("孩子说了想不开以后（1/5）")


async def test_progress_survives_a_restart_mid_lesson(harness: Harness) -> None:
    """After a restart /next shows the step the grandparent stopped at; old buttons still work."""
    h = harness
    ids = await make_family(h)
    await h.say("grandma", "/next")
    await h.press("grandma", NEXT)
    await h.press("grandma", NEXT)
    before = h.sim.last_bot_message(h.user_id("grandma"))
    assert before is not None
    assert "（3/5）" in before.plain_text
    await h.restart()
    await h.say("grandma", "/next")
    again = h.sim.last_bot_message(h.user_id("grandma"))
    assert again is not None
    assert again.message_id != before.message_id
    assert again.plain_text == before.plain_text
    [row] = await progress(h, ids.caregiver_id)
    assert (row.stage, row.step) == ("step", 2)
    await h.press("grandma", NEXT)
    assert "（4/5）" in texts(h, "grandma")[-1]


async def test_lesson_texts_use_the_childs_nickname(harness: Harness) -> None:
    """A question that names the child shows the child's nickname from the family."""
    h = harness
    ids = await make_family(h)
    lesson = h.runtime.content.lesson("safety-bullying")
    now = h.runtime.ts()
    await h.runtime.db.tx(
        lambda c: store.start(
            c,
            person_id=ids.caregiver_id,
            lesson_id=lesson.id,
            version=lesson.version,
            follow_up_of=None,
            now=now,
        )
    )
    await h.say("grandma", "/next")
    for _ in lesson.steps:
        await h.press("grandma", NEXT)
    question = texts(h, "grandma")[-1]
    assert question.startswith("❓ 一天，小明回家跟您说")


async def test_english_speaking_caregiver_gets_english(harness: Harness) -> None:
    """A caregiver whose language is English sees the lesson frame and content in English."""
    h = harness
    ids = await make_family(h)
    await h.runtime.db.tx(lambda c: people.set_lang(c, ids.caregiver_id, "en"))
    await h.say("grandma", "/next")
    step = h.sim.last_bot_message(h.user_id("grandma"))
    assert step is not None
    assert step.plain_text.startswith("Same time, same place (1/5)")
    assert [b.text for b in step.buttons] == ["Next ▶", "🙋 Ask a volunteer"]
