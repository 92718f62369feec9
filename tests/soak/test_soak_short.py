"""The soak's short form: a simulated week for 25 families with faults, checked like `make soak`."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.soak import run_soak, short_settings

pytestmark = pytest.mark.slow  # a simulated week of faults


@pytest.mark.parametrize(
    ("seed", "delivered"),
    [(20260105, True), (20260107, False)],  # seeds whose week includes urgent answers
    ids=["migration-seen", "migration-unseen"],
)
async def test_a_faulty_week_keeps_every_promise(
    tmp_path: Path, seed: int, delivered: bool
) -> None:
    """Through 429s, network errors, blocks, restarts and a group migration nothing is lost."""
    result = await run_soak(short_settings(seed, deliver_migration=delivered), tmp_path)
    report = result.report
    assert report.problems == [], result.line
    assert (report.duplicates, report.lost, report.leaks) == (0, 0, 0)
    assert report.alerts > 0
    assert report.reached == report.alerts
    assert report.urgent > 0
    assert report.sent >= 25  # every family has at least one child, each due once a week
    assert report.answered > 0
    counts = result.counts
    assert counts["faults"] > 0
    assert counts["handler_faults"] > 0  # faults did interrupt handlers, not only jobs
    assert counts["restarts"] >= 3
    assert counts["migrated"] == 1
    assert counts["migration_delivered"] == int(delivered)
    assert counts["blocked"] >= 1
