"""`qiao health`: healthy by default, and unhealthy for each condition that can strand an alert."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from bot.cli import main
from bot.levels import RiskLevel
from bot.ops import health
from bot.services.alerts import Signal, raise_alert_tx
from bot.simtelegram import Fault
from bot.simtelegram.harness import VOLUNTEER_CHAT_ID, Harness
from storage import alerts, outbox, settings
from storage.maintenance import code_schema_version
from tests.factories import make_family
from tests.ops.seed import add_alert, write_config


async def report(h: Harness) -> health.HealthReport:
    return health.check_file(h.config.storage.database, now=h.runtime.ts())


async def raise_urgent(h: Harness, child_id: int, source: str = "test:1") -> int:
    content, now = h.runtime.content, h.runtime.ts()
    alert_id = await h.runtime.db.tx(
        lambda c: raise_alert_tx(
            c,
            content,
            Signal(
                kind="risk",
                person_id=child_id,
                level=RiskLevel.URGENT,
                category="suicide",
                reasons=[{"category": "suicide", "code": "test"}],
                source=source,
                now=now,
            ),
        )
    )
    assert alert_id is not None
    return alert_id


async def test_fresh_bot_is_healthy(harness: Harness) -> None:
    """A migrated database with nothing waiting is healthy and says so in one line."""
    result = await report(harness)
    assert result.ok
    assert result.line.startswith("OK database reachable")
    assert f"schema {code_schema_version()} of {code_schema_version()}" in result.line
    assert "last dispatch never" in result.line
    assert "\n" not in result.line


async def test_health_command_exits_zero_and_prints_one_line(
    harness: Harness, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`qiao health` on a healthy database exits 0 with one line on stdout."""
    config = write_config(harness, tmp_path)
    assert main(["--config", str(config), "health"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("OK ")
    assert out.count("\n") == 1


async def test_last_dispatch_is_reported(harness: Harness) -> None:
    """The check-in dispatcher's last run is shown as an age when it has run."""
    at = harness.runtime.ts() - 120
    await harness.runtime.db.tx(lambda c: settings.put(c, settings.LAST_DISPATCH_AT, str(at)))
    result = await report(harness)
    assert result.ok
    assert "last dispatch 2m ago" in result.line


def test_missing_database_is_unreachable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No database file: exit 1, the reason in the line, and no file is created."""
    database = tmp_path / "nowhere.sqlite3"
    config = tmp_path / "config.toml"
    config.write_text(
        f'[people]\nadmins = [1]\nvolunteer_chat_id = -1\n[storage]\ndatabase = "{database}"\n',
        encoding="utf-8",
    )
    assert main(["--config", str(config), "health"]) == 1
    assert "database unreachable" in capsys.readouterr().out
    assert not database.exists()


def test_a_file_that_is_not_a_database_is_unreachable(tmp_path: Path) -> None:
    """A file that is not SQLite at all is reported in one line naming the file, not a crash."""
    path = tmp_path / "qiao.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    result = health.check_file(path, now=0)
    assert not result.ok
    assert result.problems[0] == f"{path}: not a SQLite database"


async def test_migrations_behind_is_unhealthy(
    harness: Harness, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A database whose newest migration is missing makes `qiao health` exit 1."""
    latest = code_schema_version()
    await harness.runtime.db.tx(
        lambda c: c.execute("DELETE FROM schema_migrations WHERE version = ?", (latest,))
    )
    result = await report(harness)
    assert result.problems == ("migrations behind",)
    assert "qiao db migrate" in result.line
    config = write_config(harness, tmp_path)
    assert main(["--config", str(config), "health"]) == 1
    assert capsys.readouterr().out.startswith("FAIL ")


async def test_database_newer_than_code_is_unhealthy(harness: Harness) -> None:
    """A database migrated by newer code is reported, because this code may misread it."""
    await harness.runtime.db.tx(
        lambda c: c.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', 0)"
        )
    )
    assert (await report(harness)).problems == ("database newer than code",)


async def test_outbox_stuck_over_ten_minutes_is_unhealthy(harness: Harness) -> None:
    """An alert the group cannot receive for 11 minutes makes the bot unhealthy."""
    ids = await make_family(harness)
    harness.sim.fail_next(
        "sendMessage", Fault.network_error(), chat_id=VOLUNTEER_CHAT_ID, times=10_000
    )
    await raise_urgent(harness, ids.child_id)
    await harness.advance(timedelta(minutes=5))
    early = await report(harness)
    assert "outbox backlog" not in early.problems
    assert early.facts is not None
    assert early.facts.outbox_pending >= 1
    await harness.advance(timedelta(minutes=6))
    late = await report(harness)
    assert late.problems == ("outbox backlog",)
    assert "(over 10m)" in late.line


async def test_sent_outbox_items_do_not_count(harness: Harness) -> None:
    """Old messages that were sent or given up on are not a backlog."""
    old = harness.runtime.ts() - 3600

    def write(c: sqlite3.Connection) -> None:
        outbox.enqueue(c, dedupe_key="t:sent", kind="t", target="chat:1", payload={}, now=old)
        outbox.enqueue(c, dedupe_key="t:dead", kind="t", target="chat:1", payload={}, now=old)
        sent, dead = outbox.get(c, "t:sent"), outbox.get(c, "t:dead")
        assert sent is not None
        assert dead is not None
        outbox.mark_sent(c, sent.id, now=old, chat_id=1, message_id=1)
        outbox.mark_dead(c, dead.id, error="Forbidden")

    await harness.runtime.db.tx(write)
    result = await report(harness)
    assert result.ok
    assert "outbox 0 pending" in result.line


async def test_urgent_alert_unclaimed_over_thirty_minutes_is_unhealthy(harness: Harness) -> None:
    """An urgent alert posted to the group but claimed by nobody for 31 minutes fails health."""
    ids = await make_family(harness)
    await raise_urgent(harness, ids.child_id)
    await harness.advance(timedelta(minutes=29))
    assert "urgent alert unclaimed" not in (await report(harness)).problems
    await harness.advance(timedelta(minutes=2))
    result = await report(harness)
    assert result.problems == ("urgent alert unclaimed",)
    assert "unclaimed urgent alerts 1, oldest 31m" in result.line


async def test_claimed_and_lower_alerts_do_not_fail_health(harness: Harness) -> None:
    """A claimed urgent alert and an old open concern alert leave the bot healthy."""
    ids = await make_family(harness)
    old = harness.runtime.ts() - 7200

    def write(c: sqlite3.Connection) -> None:
        add_alert(
            c,
            person_id=ids.child_id,
            family_id=ids.family_id,
            level=int(RiskLevel.URGENT),
            at=old,
            source="t:claimed",
            status=alerts.CLAIMED,
            volunteer_id=ids.volunteer_id,
        )
        add_alert(
            c,
            person_id=ids.child_id,
            family_id=ids.family_id,
            level=int(RiskLevel.CONCERN),
            at=old,
            source="t:concern",
        )

    await harness.runtime.db.tx(write)
    result = await report(harness)
    assert result.ok, result.line
    assert "no unclaimed urgent alert" in result.line


def test_age_is_short_and_readable() -> None:
    """Ages read as seconds, minutes, hours and days in a few characters."""
    assert [health.age(s) for s in (5, 600, 3900, 2 * 86400 + 4 * 3600)] == [
        "5s",
        "10m",
        "1h05m",
        "2d04h",
    ]
