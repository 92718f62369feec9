"""Lesson tables: erasing a person erases their lesson data; one unfinished lesson at a time."""

from __future__ import annotations

import sqlite3

from bot.simtelegram.harness import Harness
from storage import lessons as store
from tests.factories import make_family
from tests.lessons.helpers import HELP, NEXT

TABLES = ("lesson_progress", "lesson_activity", "lesson_nudges", "help_requests")


def _counts(conn: sqlite3.Connection, person_id: int) -> dict[str, int]:
    return {
        table: int(
            conn.execute(
                f"SELECT COUNT(*) FROM {table} WHERE person_id = ?",  # noqa: S608 - constant names
                (person_id,),
            ).fetchone()[0]
        )
        for table in TABLES
    }


async def test_deleting_a_caregiver_deletes_their_lesson_rows(harness: Harness) -> None:
    """Every lesson table cascades from people, so erasure leaves nothing behind."""
    h = harness
    ids = await make_family(h)
    await h.say("grandma", "/next")
    await h.press("grandma", NEXT)
    await h.press("grandma", HELP)
    now = h.runtime.ts()
    await h.runtime.db.tx(lambda c: store.record_nudge(c, ids.caregiver_id, now))
    before = await h.runtime.db.run(lambda c: _counts(c, ids.caregiver_id))
    assert all(before.values()), before
    await h.runtime.db.tx(
        lambda c: c.execute("DELETE FROM people WHERE id = ?", (ids.caregiver_id,))
    )
    after = await h.runtime.db.run(lambda c: _counts(c, ids.caregiver_id))
    assert after == dict.fromkeys(TABLES, 0)


async def test_only_one_unfinished_lesson_per_person(harness: Harness) -> None:
    """Opening a second lesson while one is unfinished is refused and stores nothing."""
    h = harness
    ids = await make_family(h)
    now = h.runtime.ts()

    def open_two(conn: sqlite3.Connection) -> list[bool]:
        return [
            store.start(
                conn,
                person_id=ids.caregiver_id,
                lesson_id=lesson_id,
                version=1,
                follow_up_of=None,
                now=now,
            )
            for lesson_id in ("homework-routine", "stress-pause")
        ]

    assert await h.runtime.db.tx(open_two) == [True, False]
    rows = await h.runtime.db.run(lambda c: store.all_of(c, ids.caregiver_id))
    assert [row.lesson_id for row in rows] == ["homework-routine"]


async def test_changed_lesson_version_restarts_the_open_lesson(harness: Harness) -> None:
    """A lesson whose text was revised since it was opened starts again from its first step."""
    h = harness
    ids = await make_family(h)
    await h.say("grandma", "/next")
    await h.press("grandma", NEXT)
    await h.press("grandma", NEXT)
    await h.runtime.db.tx(
        lambda c: c.execute(
            "UPDATE lesson_progress SET version = version - 1 WHERE person_id = ?",
            (ids.caregiver_id,),
        )
    )
    await h.say("grandma", "/next")
    last = h.sim.last_bot_message(h.user_id("grandma"))
    assert last is not None
    assert "（1/5）" in last.plain_text
    [row] = await h.runtime.db.run(lambda c: store.all_of(c, ids.caregiver_id))
    assert (row.stage, row.step, row.version) == ("step", 0, 1)
