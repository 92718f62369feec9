"""A new child's default slot: default_time plus a stable offset within the configured spread."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bot.config import ConfigError
from bot.services.checkins import SPREAD_STEP, spread_minute
from bot.simtelegram.harness import Harness, sim_config
from storage import families
from tests.onboarding.flows import create_family, register_volunteer

TEN = 10 * 60


def test_the_offset_is_stable_and_inside_the_spread_in_five_minute_steps() -> None:
    """The same child always gets the same minute, from 10:00 up to 13:55 for 240 minutes."""
    minutes = [spread_minute(TEN, 240, child_id) for child_id in range(1, 5_001)]
    assert minutes == [spread_minute(TEN, 240, child_id) for child_id in range(1, 5_001)]
    assert all(TEN <= m < TEN + 240 and m % SPREAD_STEP == 0 for m in minutes)
    assert min(minutes) == TEN
    assert max(minutes) == TEN + 240 - SPREAD_STEP


def test_consecutive_children_fill_every_slot_evenly() -> None:
    """Consecutive ids (and every other id, as onboarding makes them) share the slots evenly."""
    for ids in (range(1, 4_801), range(2, 9_602, 2)):
        per_slot = Counter(spread_minute(TEN, 240, child_id) for child_id in ids)
        assert len(per_slot) == 48
        assert max(per_slot.values()) <= 2 * min(per_slot.values())


def test_no_spread_keeps_the_default_time() -> None:
    """With a spread of 0 every child gets default_time exactly."""
    assert {spread_minute(TEN, 0, child_id) for child_id in range(1, 100)} == {TEN}


async def test_a_new_family_gets_its_slot_from_the_config(tmp_path: Path) -> None:
    """Onboarding stores default_time plus the child's offset within the configured spread."""
    config = sim_config(tmp_path / "qiao.sqlite3", checkins={"default_spread_minutes": 60})
    async with Harness(tmp_path, config=config) as h:
        await register_volunteer(h)
        await create_family(h)
        [child_id] = await h.runtime.db.run(
            lambda c: [r[0] for r in c.execute("SELECT person_id FROM children")]
        )
        settings = await h.runtime.db.run(lambda c: families.child(c, child_id))
        assert settings is not None
        assert settings.checkin_weekday == 5
        assert settings.checkin_minute == spread_minute(TEN, 60, child_id)
        assert TEN <= settings.checkin_minute < TEN + 60


@pytest.mark.parametrize("spread", [-5, 14 * 60 + 5])
def test_a_spread_past_midnight_or_negative_is_refused(tmp_path: Path, spread: int) -> None:
    """Start-up names the key when the spread is negative or would run past midnight."""
    with pytest.raises(ConfigError, match="default_spread_minutes"):
        sim_config(tmp_path / "qiao.sqlite3", checkins={"default_spread_minutes": spread})
