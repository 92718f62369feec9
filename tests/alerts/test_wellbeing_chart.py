"""The WHO-5 chart beside the mood chart in the claimer's details."""

from __future__ import annotations

import re
from datetime import datetime

from bot.services.charts import WellbeingWeek, wellbeing_chart
from bot.simtelegram.harness import Harness
from tests.alerts.desk import GROUP, VOLUNTEER, cards, press_on
from tests.alerts.test_charts import size_of
from tests.checkins.answering import answer_all
from tests.checkins.support import CHILD, advance_to
from tests.factories import FamilyIds

LOW = {f"who5_{n}": "1" for n in range(1, 6)}


def _alert_on_card(h: Harness, marker: str) -> int:
    """The id of the alert whose group card says `marker`."""
    [card] = [m for m in h.sim.bot_messages(GROUP) if marker in m.plain_text]
    found = re.search(r"A-(\d+)", card.plain_text)
    assert found is not None
    return int(found.group(1))


async def test_details_of_a_low_score_show_the_wellbeing_chart(
    h: Harness, family: FamilyIds
) -> None:
    """The claimer of a low-score alert gets the mood chart and the WHO-5 chart, numbers only."""
    await advance_to(h, datetime(2026, 1, 10, 10, 1))
    await answer_all(h, CHILD)
    await advance_to(h, datetime(2026, 1, 17, 10, 1))
    await answer_all(h, CHILD, LOW)
    alert_id = _alert_on_card(h, "身心状态分数低")
    await press_on(h, "volunteer", cards(h, alert_id)[0], "我来跟进")
    photos = [m for m in h.sim.bot_messages(VOLUNTEER) if m.kind == "photo"]
    assert len(photos) == 2
    assert "最近 12 周的心情" in photos[0].plain_text
    assert "身心状态分数" in photos[1].plain_text
    assert "临界分 10" in photos[1].plain_text
    assert family.child_pseudonym in photos[1].plain_text
    uploads = [c for c in h.sim.calls_to("sendPhoto") if c.params["chat_id"] == VOLUNTEER]
    assert all(u.params["photo"].content.startswith(b"\x89PNG") for u in uploads)


async def test_details_without_scores_show_only_the_mood_chart(
    h: Harness, family: FamilyIds
) -> None:
    """A child who never completed a WHO-5 has no well-being chart in the details."""
    await advance_to(h, datetime(2026, 1, 10, 10, 1))
    await answer_all(h, CHILD, {"mood": "1"})
    alert_id = _alert_on_card(h, family.child_pseudonym)
    await press_on(h, "volunteer", cards(h, alert_id)[0], "我来跟进")
    photos = [m for m in h.sim.bot_messages(VOLUNTEER) if m.kind == "photo"]
    assert len(photos) == 1


def test_wellbeing_chart_is_a_small_deterministic_png() -> None:
    """Twelve weeks with scores every other week render as a small PNG, the same each time."""
    weeks = [WellbeingWeek(f"01-{n:02d}", 12 + n if n % 2 else None, 9) for n in range(1, 13)]
    png = wellbeing_chart(weeks)
    assert size_of(png) == (600, 280)
    assert len(png) < 100_000
    assert wellbeing_chart(weeks) == png
    assert size_of(wellbeing_chart([WellbeingWeek("01-05", None, 10)])) == (600, 280)
