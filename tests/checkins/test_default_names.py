"""A child without a nickname is addressed by age: 小朋友 at 10–12, 同学 at 13–16."""

from __future__ import annotations

import sqlite3
from datetime import datetime

import pytest

from bot.simtelegram.harness import Harness
from storage import people
from tests.checkins.answering import answer_all
from tests.checkins.support import CHILD, GRANDMA, advance_to
from tests.factories import make_family


def _unnamed(conn: sqlite3.Connection, child_id: int, band: str | None) -> None:
    people.set_display_name(conn, child_id, None)
    conn.execute("UPDATE children SET age_band = ? WHERE person_id = ?", (band, child_id))


@pytest.mark.parametrize(
    ("band", "address"), [("10-12", "小朋友"), ("13-16", "同学"), (None, "同学")]
)
async def test_the_checkin_greets_an_unnamed_child_by_age(
    harness: Harness, band: str | None, address: str
) -> None:
    """Intro and closing call a child with no nickname by the default for their age band."""
    ids = await make_family(harness)
    await harness.runtime.db.tx(lambda c: _unnamed(c, ids.child_id, band))
    await advance_to(harness, datetime(2026, 1, 10, 10, 1))
    intro = harness.sim.bot_messages(CHILD)[-1].plain_text
    assert intro.startswith(f"{address}，你好！")
    await answer_all(harness, CHILD)
    assert f"谢谢你，{address}！" in harness.sim.bot_messages(CHILD)[-1].plain_text


async def test_a_nickname_wins_over_the_age_default(harness: Harness) -> None:
    """A child with a nickname is called by it at any age."""
    ids = await make_family(harness)
    await harness.runtime.db.tx(
        lambda c: c.execute(
            "UPDATE children SET age_band = '13-16' WHERE person_id = ?", (ids.child_id,)
        )
    )
    await advance_to(harness, datetime(2026, 1, 10, 10, 1))
    assert harness.sim.bot_messages(CHILD)[-1].plain_text.startswith("小明，你好！")


async def test_on_a_shared_phone_grandma_hears_the_child_and_the_child_their_age_form(
    harness: Harness,
) -> None:
    """Grandma is asked to hand the phone to 孩子; the child is then greeted as 同学."""
    ids = await make_family(harness, shared_phone=True)
    await harness.runtime.db.tx(lambda c: _unnamed(c, ids.child_id, "13-16"))
    await advance_to(harness, datetime(2026, 1, 10, 10, 1))
    handover = harness.sim.bot_messages(GRANDMA)[-1]
    assert "请把手机交给孩子" in handover.plain_text
    assert [b.text for b in handover.buttons] == ["我是孩子，开始"]
    await harness.press("grandma", "开始")
    assert harness.sim.bot_messages(GRANDMA)[-1].plain_text.startswith("同学，你好！")
