"""Conversation starters: checked like every content file, chosen by season and age band."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from bot.content.check import check_content
from bot.content.starters import load
from bot.simtelegram.harness import REPO_CONTENT, Harness
from tests.parents.support import family, parent_link, rows


def test_seasons_follow_the_calendar() -> None:
    """Exam weeks, the start of term, Spring Festival (by year) and Mid-Autumn are recognised."""
    starters, problems = load(REPO_CONTENT)
    assert problems == []
    assert starters.season_of(date(2026, 1, 12)) == "exams"
    assert starters.season_of(date(2026, 2, 16)) == "spring_festival"
    assert starters.season_of(date(2026, 9, 1)) == "term_start"
    assert starters.season_of(date(2026, 9, 25)) == "mid_autumn"
    assert starters.season_of(date(2026, 4, 20)) == "any"


def test_starters_fit_the_childs_age() -> None:
    """A 10–12-year-old's parent never gets a starter written for teenagers."""
    starters, _ = load(REPO_CONTENT)
    for week in range(10):
        for day in (date(2026, 1, 12), date(2026, 4, 20), date(2026, 2, 16)):
            chosen = starters.pick(day, "10-12", week)
            assert chosen is not None
            assert chosen.age in ("any", "10-12")


def test_rotation_changes_the_starter_week_by_week() -> None:
    """Outside any season, consecutive weeks bring different starters."""
    starters, _ = load(REPO_CONTENT)
    picks = set()
    for week in range(4):
        chosen = starters.pick(date(2026, 4, 20), "13-16", week)
        assert chosen is not None
        picks.add(chosen.text["zh"])
    assert len(picks) > 1


def test_a_broken_starter_is_reported_with_its_line(tmp_path: Path) -> None:
    """`qiao content check` names the file and line of a starter with an unknown season."""
    root = tmp_path / "content"
    shutil.copytree(REPO_CONTENT, root)
    path = root / "parents" / "starters.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("season: exams", "season: harvest", 1),
        encoding="utf-8",
    )
    problems = check_content(root)
    assert any(
        "starters.yaml" in p.file and "harvest" in p.message and p.line > 0 for p in problems
    )


async def test_fresh_links_keep_a_parent_link(harness: Harness) -> None:
    """The volunteer's "fresh links" replaces caregiver and child links, not a parent's."""
    await family(harness)
    await parent_link(harness)
    await harness.press("volunteer", "生成新链接")
    assert await rows(harness, "SELECT role FROM invites WHERE used_at IS NULL") == [("parent",)]
