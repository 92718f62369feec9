"""Issue 15: the digest's weekly contact rate per village; the parents' lesson track."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.content import load_content
from bot.content.check import check_content
from bot.services import digest
from bot.simtelegram.harness import REPO_CONTENT, VOLUNTEER_CHAT_ID, Harness
from tests.checkins.answering import answer_all
from tests.factories import make_family
from tests.parents.support import family, parent_joins, rows, texts

RESEARCH = ("PMC6572381", "Minors Protection Law", "field notes", "content-and-safety", "Sinovuyo")


async def test_digest_shows_the_weekly_contact_rate_per_village(harness: Harness) -> None:
    """东村: the child said they talked (1 of 1); 西村: nobody did (0 of 1)."""
    await family(harness, label="东村小学")
    await make_family(
        harness,
        caregiver="stranger",
        child="father",
        volunteer="volunteer2",
        suffix="2",
        label="西村小学",
    )
    await harness.say("child", "/checkin")
    await answer_all(harness, harness.user_id("child"), {"parents": "talked"})
    zone = ZoneInfo("Asia/Shanghai")
    week = digest.week_of(date(2026, 1, 7), zone)
    numbers = await harness.runtime.db.run(lambda c: digest.collect_tx(c, week, zone))
    text = digest.render(harness.runtime.content, numbers, "zh")
    assert "和爸妈联系上的家庭（按村）" in text
    assert "东村小学：1/1（100%）" in text
    assert "西村小学：0/1（0%）" in text


async def test_a_parent_report_counts_for_the_village(harness: Harness) -> None:
    """A parent's "we talked" alone makes the family count as in touch."""
    await family(harness, label="东村小学")
    await parent_joins(harness, day="星期一", time="20:00")
    await harness.runtime.db.tx(
        lambda c: c.execute(
            "INSERT INTO parent_calls (parent_id, family_id, period, talked, at)"
            " SELECT parent_id, family_id, '2026-W02', 1, 0 FROM parent_families"
        )
    )
    zone = ZoneInfo("Asia/Shanghai")
    week = digest.week_of(date(2026, 1, 7), zone)
    numbers = await harness.runtime.db.run(lambda c: digest.collect_tx(c, week, zone))
    assert [(v.village, v.contacted, v.families) for v in numbers.contact] == [("东村小学", 1, 1)]


def test_parents_track_has_six_sourced_lessons() -> None:
    """At least six parents' lessons, each naming a source from the shared research notes."""
    content = load_content(REPO_CONTENT)
    lessons = content.parent_lessons
    assert len(lessons) >= 6
    for lesson in lessons:
        assert any(name in lesson.source for name in RESEARCH), lesson.id
    assert not {lesson.id for lesson in lessons} & {lesson.id for lesson in content.sequence}


def test_a_parents_lesson_listed_for_grandparents_is_a_problem(tmp_path: Path) -> None:
    """`qiao content check` names a parents' lesson put in the grandparents' sequence."""
    root = tmp_path / "content"
    shutil.copytree(REPO_CONTENT, root)
    sequence = root / "lessons" / "sequence.yaml"
    sequence.write_text(
        sequence.read_text(encoding="utf-8") + "  - parents-calls\n", encoding="utf-8"
    )
    problems = check_content(root)
    assert any("parents' lesson" in p.message for p in problems)


async def test_a_parent_takes_the_parents_lessons(harness: Harness) -> None:
    """/next gives a parent the first parents' lesson; a grandparent never sees that track."""
    await family(harness)
    await parent_joins(harness)
    await harness.say("mother", "/next")
    assert "电话里，不光问成绩" in "\n".join(texts(harness, "mother")[-3:])
    await harness.say("grandma", "/lessons")
    assert "在外的爸妈" not in texts(harness, "grandma")[-1]
    await harness.say("mother", "/lessons")
    assert "在外的爸妈" in texts(harness, "mother")[-1]
    assert await rows(harness, "SELECT lesson_id FROM lesson_progress") == [("parents-calls",)]


async def test_a_parents_help_request_names_their_family(harness: Harness) -> None:
    """ "Ask a volunteer" in a parent's lesson posts a card naming a parent and the family."""
    await family(harness)
    await parent_joins(harness)
    await harness.say("mother", "/next")
    await harness.press("mother", "找志愿者")
    card = harness.sim.bot_messages(VOLUNTEER_CHAT_ID)[-1].plain_text
    assert "在外的爸妈 P-" in card
    assert "F-TST9" in card
    assert "V-TST9" in card
