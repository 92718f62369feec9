"""Issue 15: erasure, export and retention cover parents."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from bot.cli import main
from bot.ops import retention
from bot.simtelegram.harness import Harness
from tests.factories import make_family
from tests.ops.seed import write_config
from tests.parents.support import family, parent_joins, parent_link, rows, texts


async def second_family(h: Harness) -> None:
    """F-TST2: a sibling living with another carer, its own volunteer (volunteer2)."""
    await make_family(
        h,
        caregiver="stranger",
        child="father",
        volunteer="volunteer2",
        suffix="2",
        label="西村小学",
    )


async def test_parent_deletes_themself(harness: Harness) -> None:
    """/deleteme → confirm: the parent's row, settings, links and reports go; the family stays."""
    await family(harness)
    await parent_joins(harness)
    await harness.say("mother", "/deleteme")
    assert "打电话的记录" in texts(harness, "mother")[-1]
    await harness.press("mother", "确定删除")
    assert await rows(harness, "SELECT COUNT(*) FROM people WHERE role = 'parent'") == [(0,)]
    for table in ("parents", "parent_families", "parent_calls"):
        assert await rows(harness, f"SELECT COUNT(*) FROM {table}") == [(0,)]  # noqa: S608
    assert await rows(harness, "SELECT COUNT(*) FROM families") == [(1,)]
    assert await rows(harness, "SELECT action FROM audit_log WHERE action = 'erase.parent'") == [
        ("erase.parent",)
    ]


async def test_erasing_a_family_erases_its_parent(harness: Harness) -> None:
    """/erase F-TST9 removes a parent who belongs to no other family, chat traces included."""
    await family(harness)
    await parent_joins(harness)
    await harness.say("volunteer", "/erase F-TST9")
    await harness.press("volunteer", "确定")
    assert await rows(harness, "SELECT COUNT(*) FROM people WHERE role = 'parent'") == [(0,)]
    uid = harness.user_id("mother")
    assert await rows(harness, "SELECT COUNT(*) FROM outbox WHERE target = ?", f"chat:{uid}") == [
        (0,)
    ]


async def test_a_parent_of_two_families_stays_when_one_is_erased(harness: Harness) -> None:
    """The parent keeps their other family; only the erased family's link goes."""
    await family(harness)
    await second_family(harness)
    await parent_joins(harness)
    await harness.say("mother", f"/start {await parent_link(harness, 'F-TST2', 'volunteer2')}")
    await harness.say("volunteer", "/erase F-TST9")
    await harness.press("volunteer", "确定")
    found = await rows(
        harness,
        "SELECT f.pseudonym FROM parent_families pf JOIN families f ON f.id = pf.family_id",
    )
    assert found == [("F-TST2",)]
    assert await rows(harness, "SELECT status FROM people WHERE role = 'parent'") == [("active",)]


async def test_export_includes_the_parent_and_nothing_of_the_other_family(
    harness: Harness, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`qiao export F-TST9` has the parent, their settings and this family's reports only."""
    await family(harness)
    await second_family(harness)
    await parent_joins(harness)
    await harness.say("mother", f"/start {await parent_link(harness, 'F-TST2', 'volunteer2')}")
    now = harness.runtime.ts()
    await harness.runtime.db.tx(
        lambda c: c.executemany(
            "INSERT INTO parent_calls (parent_id, family_id, period, talked, at)"
            " SELECT parent_id, family_id, '2026-W02', 1, ? FROM parent_families",
            [(now,)],
        )
    )
    out = tmp_path / "export.json"
    assert (
        main(
            [
                "--config",
                str(write_config(harness, tmp_path)),
                "export",
                "F-TST9",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    capsys.readouterr()
    doc = json.loads(out.read_text(encoding="utf-8"))
    roles = sorted(p["role"] for p in doc["people"])
    assert roles == ["caregiver", "child", "parent"]
    tables = doc["tables"]
    assert len(tables["parents"]) == 1
    family_id = doc["family"]["id"]
    assert {r["family_id"] for r in tables["parent_families"]} == {family_id}
    assert {r["family_id"] for r in tables["parent_calls"]} == {family_id}


async def test_retention_drops_old_call_reports(harness: Harness) -> None:
    """Call reports older than half a year go at the retention run; recent ones stay."""
    await family(harness)
    await parent_joins(harness)
    now = harness.runtime.ts()

    def seed_and_run(c: sqlite3.Connection) -> None:
        c.execute(
            "INSERT INTO parent_calls (parent_id, family_id, period, talked, at)"
            " SELECT parent_id, family_id, '2025-W20', 1, ? FROM parent_families",
            (now,),
        )
        c.execute(
            "INSERT INTO parent_calls (parent_id, family_id, period, talked, at)"
            " SELECT parent_id, family_id, '2026-W01', 1, ? FROM parent_families",
            (now,),
        )
        retention.apply_tx(c, now=now, days=90)

    await harness.runtime.db.tx(seed_and_run)
    assert await rows(harness, "SELECT period FROM parent_calls") == [("2026-W01",)]
