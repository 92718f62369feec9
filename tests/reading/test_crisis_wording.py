"""Honest crisis messages: hours and a fallback, the duty phone first, 110 first in danger now."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest

from bot.simtelegram.harness import REPO_CONTENT, Harness, sim_config
from tests.checkins.support import advance_to
from tests.factories import make_family
from tests.reading.support import CHILD, GRANDMA

URGENT_WORDS = "我不想活了"
DUTY = "0731-8888888"
DANGER_RULE = """rules:
  - id: zh.test.danger_now
    level: urgent
    category: danger_now
    lang: zh
    patterns:
      - "有人跟着我"
"""


async def _started(h: Harness) -> AsyncIterator[Harness]:
    await h.start()
    try:
        yield h
    finally:
        await h.stop()


@pytest.fixture
async def with_duty_phone(tmp_path: Path) -> AsyncIterator[Harness]:
    """A programme with its own duty phone configured."""
    config = sim_config(tmp_path / "qiao.sqlite3", safety={"duty_phone": DUTY})
    async for h in _started(Harness(tmp_path, config=config)):
        yield h


@pytest.fixture
async def with_danger_rule(tmp_path: Path) -> AsyncIterator[Harness]:
    """The shipped content plus one `danger_now` rule, and a duty phone."""
    root = tmp_path / "content"
    shutil.copytree(REPO_CONTENT, root)
    (root / "risk" / "zz_test_danger_now.yaml").write_text(DANGER_RULE, encoding="utf-8")
    config = sim_config(
        tmp_path / "qiao.sqlite3", safety={"duty_phone": DUTY}, content_dir=str(root)
    )
    async for h in _started(Harness(tmp_path, config=config, content_root=root)):
        yield h


async def test_the_crisis_text_names_hours_and_what_to_do_when_nobody_answers(
    harness: Harness,
) -> None:
    """A child's urgent message gets hours that are true, 119, and "try the next, or 110"."""
    await make_family(harness)
    await harness.say("child", URGENT_WORDS)
    text = harness.sim.bot_messages(CHILD)[-1].plain_text
    for fact in (
        "12356",
        "18个小时",
        "各地开的时间不一样",
        "白天",
        "119",
        "打不通",
        "换下一个号码",
    ):
        assert fact in text
    assert "白天晚上都有人接" not in text


async def test_the_duty_phone_comes_first_when_set(with_duty_phone: Harness) -> None:
    """With [safety] duty_phone set, the crisis text names it before every hotline."""
    h = with_duty_phone
    await make_family(h)
    await h.say("child", URGENT_WORDS)
    text = h.sim.bot_messages(CHILD)[-1].plain_text
    assert text.index(DUTY) < min(text.index("110"), text.index("12356"))


async def test_the_duty_phone_comes_first_after_an_urgent_checkin_answer(
    with_duty_phone: Harness,
) -> None:
    """An urgent check-in answer ("yes, a grown-up") gets the duty phone before the hotlines."""
    h = with_duty_phone
    await make_family(h)
    await advance_to(h, datetime(2026, 1, 10, 10, 1))
    for label in ("😐", "还行", "还行", "有，是大人"):
        await h.press("child", label)
    crisis = next(m for m in h.sim.bot_messages(CHILD) if "12356" in m.plain_text)
    assert crisis.plain_text.index(DUTY) < crisis.plain_text.index("12356")


async def test_danger_now_puts_110_first(with_danger_rule: Harness) -> None:
    """A `danger_now` message gets 110 before the duty phone and before any hotline."""
    h = with_danger_rule
    await make_family(h)
    await h.say("child", "有人跟着我，家里没大人")
    text = h.sim.bot_messages(CHILD)[-1].plain_text
    assert text.index("110") < text.index(DUTY)
    assert "12356" not in text.split(DUTY)[0]
    assert "119" in text


async def test_consent_and_intro_say_volunteers_read_and_may_tell_an_adult(
    harness: Harness,
) -> None:
    """The child's consent, the guardian's consent and the weekly intro all say volunteers read
    the child's words and may tell an adult to keep the child safe."""
    content = harness.runtime.content
    child = content.ui("onboarding.consent.child", "zh", days=90)
    assert "志愿者哥哥姐姐都会认真看" in child
    assert "告诉一个能帮你的大人" in child
    guardian = content.ui("onboarding.consent.guardian", "zh", days=90)
    assert "第十一条" in guardian
    intro = content.render(content.checkin("weekly").intro, "zh", nickname="小明", weekday="")
    assert "志愿者会认真看你的回答" in intro
    assert "能帮你的大人" in intro


async def test_a_grandparents_urgent_report_gets_110_then_the_duty_phone(
    with_duty_phone: Harness,
) -> None:
    """A grandparent's urgent report is answered with 110 first, then the programme's duty phone."""
    h = with_duty_phone
    await make_family(h)
    await h.say("grandma", "孩子跟我说他不想活了")
    text = h.sim.bot_messages(GRANDMA)[-1].plain_text
    assert text.index("110") < text.index(DUTY)
