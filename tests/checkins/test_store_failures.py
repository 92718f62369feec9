"""SQLite failing (disk full, locked): the crisis reply still goes; the signal is kept, stored."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.ops import health
from bot.simtelegram.harness import VOLUNTEER_CHAT_ID, Harness
from storage import alerts
from storage import checkins as repo
from storage.spill import is_store_failure, spill_path
from tests.checkins.answering import press_rotating
from tests.checkins.support import CHILD, advance_to, answers, sessions
from tests.factories import FamilyIds, make_family

ADMIN = 1001
URGENT_WORDS = "我不想活了"
LONG_URGENT = "今天上学，" * 990 + URGENT_WORDS
"""Long enough to need new database pages, which a full disk cannot give."""
CRISIS_MARK = "12356"


def _fill_disk(conn: sqlite3.Connection) -> None:
    """The database may not grow any more, and its free pages are used up: SQLite's real
    "database or disk is full" for every write that needs a new page."""
    conn.execute("CREATE TABLE ballast (b BLOB)")
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")
    for size in (3000, 500, 50):
        assert _insert_until_refused(conn, size) == "database or disk is full"


def _insert_until_refused(conn: sqlite3.Connection, size: int) -> str:
    while True:
        try:
            conn.execute("INSERT INTO ballast VALUES (zeroblob(?))", (size,))
        except sqlite3.OperationalError as exc:
            return str(exc)


def _free_disk(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA max_page_count = 1073741823")
    conn.execute("DROP TABLE ballast")


@contextmanager
def _locked(h: Harness) -> Iterator[None]:
    """Another process holds the write lock past the bot's busy timeout (here: none)."""
    blocker = sqlite3.connect(h.config.storage.database, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()


async def _report(h: Harness) -> health.HealthReport:
    return health.check_file(h.config.storage.database, now=h.runtime.ts())


def _texts(h: Harness, chat_id: int) -> list[str]:
    return [m.plain_text for m in h.sim.bot_messages(chat_id, include_deleted=True)]


def _crises(h: Harness) -> int:
    return sum(1 for text in _texts(h, CHILD) if CRISIS_MARK in text)


def _assert_degraded_card(h: Harness, ids: FamilyIds) -> None:
    [card] = _texts(h, VOLUNTEER_CHAT_ID)
    assert "存储故障" in card
    assert ids.child_pseudonym in card
    assert "小明" not in card
    assert URGENT_WORDS not in card


async def test_disk_full_during_an_urgent_message(harness: Harness) -> None:
    """Disk full: crisis reply, degraded card, coordinators told, health fails; stored later."""
    ids = await make_family(harness)
    await harness.runtime.db.run(_fill_disk)
    await harness.say("child", LONG_URGENT)
    assert _crises(harness) == 1
    assert not any("还在" in text or "存好" in text for text in _texts(harness, CHILD))
    assert await harness.runtime.db.run(lambda c: repo.child_messages(c, ids.child_id)) == []
    _assert_degraded_card(harness, ids)
    assert "存储出故障" in _texts(harness, ADMIN)[-1]
    failing = await _report(harness)
    assert not failing.ok
    assert "storage failing" in failing.line

    await harness.runtime.db.run(_free_disk)
    await harness.advance(timedelta(minutes=2))
    [kept] = await harness.runtime.db.run(lambda c: repo.child_messages(c, ids.child_id))
    assert (kept.level, kept.length) == (3, len(LONG_URGENT))
    [alert] = await harness.runtime.db.run(alerts.open_alerts)
    assert alert.source == f"message:{kept.id}"
    assert len(_texts(harness, VOLUNTEER_CHAT_ID)) == 2  # the degraded card, then the full one
    assert _crises(harness) == 1
    assert "恢复" in _texts(harness, ADMIN)[-1]
    assert (await _report(harness)).ok
    spilled = spill_path(harness.config.storage.database)
    assert spilled is not None
    assert not spilled.exists()


async def test_disk_full_during_an_urgent_typed_answer(harness: Harness) -> None:
    """Disk full on the check-in's typed answer: crisis at once, the answer stored afterwards."""
    ids = await make_family(harness)
    await advance_to(harness, datetime(2026, 1, 10, 10, 1))
    for label in ("😐", "还行", "还行", "没有", "没说上话"):
        await harness.press("child", label)
    await press_rotating(harness, "child")
    await harness.runtime.db.run(_fill_disk)
    await harness.say("child", LONG_URGENT)
    assert _crises(harness) == 1
    _assert_degraded_card(harness, ids)
    [session] = await sessions(harness, ids.child_id)
    # not stored yet: only the five button answers and the rotating question's
    assert len(await answers(harness, session.id)) == 6

    await harness.runtime.db.run(_free_disk)
    await harness.advance(timedelta(minutes=2))
    stored = await answers(harness, session.id)
    assert (stored[-1].question_id, stored[-1].level) == ("anything", 3)
    assert _crises(harness) == 1
    assert (await _report(harness)).ok


async def test_locked_database_during_an_urgent_button_answer(harness: Harness) -> None:
    """Locked past the busy timeout: crisis at once; after a restart the answer is stored and
    the next question comes."""
    ids = await make_family(harness)
    await advance_to(harness, datetime(2026, 1, 10, 10, 1))
    for label in ("🙂", "睡得挺好", "挺好，有好朋友"):
        await harness.press("child", label)
    await harness.runtime.db.run(lambda c: c.execute("PRAGMA busy_timeout = 0"))
    with _locked(harness):
        await harness.press("child", "有，是大人")
        assert _crises(harness) == 1
        _assert_degraded_card(harness, ids)
        assert not (await _report(harness)).ok
    assert CRISIS_MARK in _texts(harness, CHILD)[-1]  # and no word of anything being kept
    await harness.restart()  # the spill file carries the signal over
    await harness.advance(timedelta(minutes=6))
    [session] = await sessions(harness, ids.child_id)
    assert [a.option_id for a in await answers(harness, session.id)][-1] == "adult"
    assert "爸爸妈妈" in _texts(harness, CHILD)[-1]  # the next question, sent by the sweep
    assert _crises(harness) == 1
    assert len(_texts(harness, VOLUNTEER_CHAT_ID)) == 2
    assert (await _report(harness)).ok


def test_spill_path_sits_beside_the_database(tmp_path: Path) -> None:
    """The spill file is the database's name plus `.spill`, in the same folder."""
    assert spill_path(tmp_path / "qiao.sqlite3") == tmp_path / "qiao.sqlite3.spill"


def test_a_damaged_file_counts_as_a_store_failure_and_a_bad_statement_does_not(
    tmp_path: Path,
) -> None:
    """SQLite's own errors for a damaged file are store failures; a wrong statement is a bug."""
    damaged = tmp_path / "damaged.sqlite3"
    damaged.write_bytes(b"this is not a database, it was overwritten" * 100)
    conn = sqlite3.connect(damaged)
    try:
        with pytest.raises(sqlite3.DatabaseError) as read:
            conn.execute("SELECT * FROM sqlite_master")
        with pytest.raises(sqlite3.DatabaseError) as typo:
            conn.execute("SELEC nothing")
    finally:
        conn.close()
    assert is_store_failure(read.value)
    assert not is_store_failure(typo.value)
