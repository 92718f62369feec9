"""Erased and expired words leave the database file, its -wal file and later backups."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from bot.ops import backup
from bot.simtelegram.harness import Harness
from tests.factories import make_family
from tests.onboarding.test_onboarding_erasure import joined_family
from tests.ops.seed import DAY, add_message
from tests.ops.test_retention import run_retention

WORDS = "ZEBRAPLUM-斑马李子-4471"


def files_holding(h: Harness, words: str) -> list[str]:
    """Which of the database file and its -wal file contain `words` byte for byte."""
    needle = words.encode("utf-8")
    path = Path(h.runtime.db.path)
    found = []
    for candidate in (path, Path(f"{path}-wal")):
        if candidate.exists() and needle in candidate.read_bytes():
            found.append(candidate.name)
    return found


def backup_holds(h: Harness, tmp_path: Path, words: str) -> bool:
    """Take a backup with `qiao backup`'s code and search its bytes."""
    target = tmp_path / "later-backup.sqlite3"
    backup.backup(h.runtime.db.path, target, now=datetime.now(UTC))
    return words.encode("utf-8") in target.read_bytes()


async def test_erased_family_words_leave_file_wal_and_backup(
    harness: Harness, tmp_path: Path
) -> None:
    """After /erase a child's words are in neither the file, the -wal file nor a later backup."""
    family = await joined_family(harness)
    await harness.say("child", f"{WORDS} 我不想活了")
    assert files_holding(harness, WORDS)  # the words were stored
    await harness.say("volunteer", f"/erase {family.pseudonym}")
    await harness.press("volunteer", "确定删除")
    assert files_holding(harness, WORDS) == []
    assert not backup_holds(harness, tmp_path, WORDS)


async def test_erase_removes_the_familys_group_cards(harness: Harness) -> None:
    """/erase removes the outbox rows of the family's alert cards (pseudonyms, village, age)."""
    family = await joined_family(harness)
    await harness.say("child", "我不想活了")

    def cards(c: sqlite3.Connection) -> int:
        return int(
            c.execute("SELECT COUNT(*) FROM outbox WHERE target = 'volunteers'").fetchone()[0]
        )

    assert await harness.runtime.db.run(cards) > 0
    await harness.say("volunteer", f"/erase {family.pseudonym}")
    await harness.press("volunteer", "确定删除")
    assert await harness.runtime.db.run(cards) == 0


async def test_retention_blanked_words_leave_file_wal_and_backup(
    harness: Harness, tmp_path: Path
) -> None:
    """Words blanked by retention are in neither the file, the -wal file nor a later backup."""
    ids = await make_family(harness)
    now = harness.runtime.ts()
    await harness.runtime.db.tx(
        lambda c: add_message(c, child_id=ids.child_id, text=WORDS, at=now - 100 * DAY, level=0)
    )
    assert files_holding(harness, WORDS)
    await run_retention(harness)
    assert files_holding(harness, WORDS) == []
    assert not backup_holds(harness, tmp_path, WORDS)
