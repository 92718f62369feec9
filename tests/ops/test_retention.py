"""Retention: children's old words are blanked daily, except while an alert about them is open."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

from bot.ops import retention
from bot.simtelegram.harness import Harness, sim_config
from bot.telegram import maintenance
from bot.telegram.jobs import run_job
from storage import alerts, archive, audit, outbox
from tests.factories import FamilyIds, make_family
from tests.ops.seed import DAY, add_alert, add_answer, add_message

OLD = 100 * DAY
RECENT = 10 * DAY


async def texts(h: Harness, child_id: int) -> list[tuple[str, str | None, int, int | None]]:
    """(kind, text, level, mood) of every answer and message of a child, oldest first (an
    archived check-in's answers, older than any live one, from their packed form)."""

    def read(c: sqlite3.Connection) -> list[tuple[str, str | None, int, int | None]]:
        packed = c.execute(
            "SELECT l.questions, s.answers FROM checkin_sessions s"
            " LEFT JOIN checkin_layouts l ON l.id = s.layout"
            " WHERE s.child_id = ? AND s.answers IS NOT NULL ORDER BY s.due_at",
            (child_id,),
        ).fetchall()
        archived = [
            ("answer", None, a.level, a.mood) for r in packed for a in archive.decode(r[0], r[1])
        ]
        answers = c.execute(
            "SELECT 'answer', a.text, a.level, a.mood FROM checkin_answers a"
            " JOIN checkin_sessions s ON s.id = a.session_id WHERE s.child_id = ?"
            " ORDER BY a.answered_at",
            (child_id,),
        ).fetchall()
        messages = c.execute(
            "SELECT 'message', text, level, NULL FROM child_messages WHERE child_id = ?"
            " ORDER BY at",
            (child_id,),
        ).fetchall()
        return archived + [(r[0], r[1], r[2], r[3]) for r in [*answers, *messages]]

    return await h.runtime.db.run(read)


async def seed(h: Harness, ids: FamilyIds, tag: str) -> None:
    """An old answer and message, and a recent answer, for one child."""
    now = h.runtime.ts()

    def write(c: sqlite3.Connection) -> None:
        add_answer(
            c,
            child_id=ids.child_id,
            period="2025-W30",
            at=now - OLD,
            text=f"{tag} old",
            mood=1,
            level=2,
        )
        add_answer(
            c, child_id=ids.child_id, period="2025-W50", at=now - RECENT, text=f"{tag} new", mood=4
        )
        add_message(c, child_id=ids.child_id, text=f"{tag} said", at=now - OLD, level=3)

    await h.runtime.db.tx(write)


async def run_retention(h: Harness) -> None:
    await run_job(h.app, maintenance.JOBS[0], h.clock.now())


async def test_old_texts_go_recent_ones_and_levels_stay(harness: Harness) -> None:
    """Texts past 90 days are blanked, newer ones stay, and levels and moods are untouched."""
    ids = await make_family(harness)
    await seed(harness, ids, "a")
    await harness.runtime.db.tx(
        lambda c: add_alert(
            c,
            person_id=ids.child_id,
            family_id=ids.family_id,
            level=3,
            at=harness.runtime.ts() - OLD,
            source="t:resolved",
            status=alerts.RESOLVED,
            volunteer_id=ids.volunteer_id,
        )
    )
    await run_retention(harness)
    assert await texts(harness, ids.child_id) == [
        ("answer", None, 2, 1),
        ("answer", "a new", 0, 4),
        ("message", None, 3, None),
    ]


async def test_open_and_claimed_alerts_keep_their_childs_words(harness: Harness) -> None:
    """A child with an open (or claimed) alert keeps old texts until the alert is resolved."""
    first = await make_family(harness)
    second = await make_family(harness, caregiver="stranger", shared_phone=True, suffix="2")
    await seed(harness, first, "one")
    await seed(harness, second, "two")
    now = harness.runtime.ts()

    def raise_alerts(c: sqlite3.Connection) -> int:
        opened = add_alert(
            c,
            person_id=first.child_id,
            family_id=first.family_id,
            level=3,
            at=now - OLD,
            source="t:open",
        )
        add_alert(
            c,
            person_id=second.child_id,
            family_id=second.family_id,
            level=2,
            at=now - OLD,
            source="t:claimed",
            status=alerts.CLAIMED,
            volunteer_id=second.volunteer_id,
        )
        return opened

    opened = await harness.runtime.db.tx(raise_alerts)
    await run_retention(harness)
    assert [t[1] for t in await texts(harness, first.child_id)] == [
        "one old",
        "one new",
        "one said",
    ]
    assert [t[1] for t in await texts(harness, second.child_id)] == [
        "two old",
        "two new",
        "two said",
    ]

    await harness.runtime.db.tx(
        lambda c: alerts.resolve(c, opened, first.volunteer_id, "talked_child", now)
    )
    await run_retention(harness)
    assert [t[1] for t in await texts(harness, first.child_id)] == [None, "one new", None]
    assert [t[1] for t in await texts(harness, second.child_id)] == [
        "two old",
        "two new",
        "two said",
    ]


async def test_audit_records_counts_only(harness: Harness) -> None:
    """Each run writes one audit row with the number of texts deleted and no words."""
    ids = await make_family(harness)
    await seed(harness, ids, "secret")
    await run_retention(harness)
    await run_retention(harness)
    rows = await harness.runtime.db.run(lambda c: audit.list_actions(c, "retention"))
    assert [row.detail for row in rows] == [{"texts_deleted": 2}, {"texts_deleted": 0}]
    assert all(row.subject is None for row in rows)
    dumped = await harness.runtime.db.run(
        lambda c: c.execute("SELECT group_concat(detail, ' ') FROM audit_log").fetchone()[0]
    )
    assert "secret" not in dumped


async def test_the_retention_period_comes_from_the_config(tmp_path: Path) -> None:
    """With child_text_days = 5, a ten-day-old text is blanked."""
    config = sim_config(tmp_path / "qiao.sqlite3", retention={"child_text_days": 5})
    async with Harness(tmp_path, config=config) as h:
        ids = await make_family(h)
        await seed(h, ids, "b")
        await run_retention(h)
        assert [t[1] for t in await texts(h, ids.child_id)] == [None, None, None]


def test_retention_runs_daily() -> None:
    """The maintenance feature schedules exactly one job, once a day."""
    assert [(j.name, j.interval) for j in maintenance.JOBS] == [("retention", timedelta(days=1))]


async def test_batches_of_one_blank_the_same_texts_and_step_over_held_children(
    harness: Harness,
) -> None:
    """Run a batch at a time (here one row per batch), retention blanks exactly what one
    transaction would, steps over a child with an open alert and audits one total."""
    held = await make_family(harness)
    free = await make_family(harness, caregiver="stranger", shared_phone=True, suffix="2")
    for ids, tag in ((held, "h"), (free, "f")):
        await seed(harness, ids, tag)
    now = harness.runtime.ts()
    await harness.runtime.db.tx(
        lambda c: add_alert(
            c,
            person_id=held.child_id,
            family_id=held.family_id,
            level=3,
            at=now - OLD,
            source="t:open",
        )
    )
    outcome = await retention.run_batched(harness.runtime.db, now=now, days=90, batch=1)
    assert outcome.texts_deleted == 2
    assert outcome.batches > 2
    assert [t[1] for t in await texts(harness, held.child_id)] == ["h old", "h new", "h said"]
    assert [t[1] for t in await texts(harness, free.child_id)] == [None, "f new", None]
    rows = await harness.runtime.db.run(lambda c: audit.list_actions(c, "retention"))
    assert [row.detail for row in rows] == [{"texts_deleted": 2}]


async def test_sent_messages_lose_their_text_after_a_month_pending_ones_never(
    harness: Harness,
) -> None:
    """Retention empties the payload of outbox rows sent over 30 days ago; a row still
    pending, or sent recently, keeps its text, and every row keeps its dedupe key."""
    now = harness.runtime.ts()

    def queue(c: sqlite3.Connection) -> None:
        for key, age, sent in (
            ("old-sent", 40, True),
            ("old-pending", 40, False),
            ("new", 5, True),
        ):
            item = outbox.add(
                c,
                dedupe_key=key,
                kind="test",
                target="volunteers",
                payload={"text": f"card {key} C-SECRET"},
                now=now - age * DAY,
            )
            assert item is not None
            if sent:
                outbox.mark_sent(c, item, now=now - age * DAY, chat_id=-1, message_id=item)

    await harness.runtime.db.tx(queue)
    await run_retention(harness)
    kept = await harness.runtime.db.run(
        lambda c: dict(
            c.execute(
                "SELECT dedupe_key, payload FROM outbox WHERE dedupe_key IN"
                " ('old-sent', 'old-pending', 'new')"
            ).fetchall()
        )
    )
    assert kept["old-sent"] == "{}"
    assert "C-SECRET" in kept["old-pending"]
    assert "C-SECRET" in kept["new"]
