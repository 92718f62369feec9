"""Archiving old check-ins: every reader gives the same answers before and after, safely."""

from __future__ import annotations

import sqlite3
from functools import partial
from typing import Any

from bot.domain import Refusal
from bot.services import erasure as erasure_svc
from bot.services import parent_calls
from bot.services import report as report_svc
from bot.services.parents import period_at
from bot.simtelegram.harness import Harness
from bot.telegram import maintenance
from bot.telegram.jobs import run_job
from storage import alerts, archive, checkins
from storage import maintenance as store
from storage import parents as parents_repo
from tests.checkins.support import SHANGHAI as ZONE
from tests.factories import FamilyIds, make_family
from tests.ops.seed import DAY, add_alert

WEEKS = 52
WEEK = 7 * DAY
PARENTS = ("talked", "miss", "not_talked")


def _week(c: sqlite3.Connection, ids: FamilyIds, week: int, now: int) -> None:
    """One weekly check-in `WEEKS - week` weeks ago: missed, closed half-answered or done,
    with moods, options, a skip, a typed answer and risk levels."""
    due = now - (WEEKS - week) * WEEK
    period = period_at(due, ZONE)
    if week % 10 == 3:
        checkins.create_session(
            c, child_id=ids.child_id, period=period, set_id="weekly", set_version=1,
            origin="schedule", due_at=due, first_question="mood", now=due, status="missed",
        )  # fmt: skip
        return
    closed = week % 4 == 1
    sid = checkins.create_session(
        c, child_id=ids.child_id, period=period, set_id="weekly", set_version=1,
        origin="schedule", due_at=due, first_question="mood", now=due,
        status="pending" if closed else "done",
    )  # fmt: skip
    assert sid is not None
    if closed:
        checkins.mark_sent(
            c, sid, now=due, chat_id=7000 + week, message_id=week, question_message=week
        )
    mood = 1 + week % 5
    given: list[tuple[str, dict[str, Any]]] = [
        ("mood", {"option_id": str(mood), "mood": mood, "level": max(0, 3 - mood)}),
        ("sleep", {"option_id": "poor" if week % 3 else "good", "level": int(week % 3 > 0)}),
        ("friends", {"skipped": True}),
        ("safe", {"option_id": "kids" if week % 6 == 0 else "no", "level": 2 * (week % 6 == 0)}),
        ("parents", {"option_id": PARENTS[week % 3]}),
        ("anything", {"text": f"第{week}周" if week % 2 else None, "skipped": week % 2 == 0}),
    ]
    for position, (question, answer) in enumerate(given[: 3 if closed else 6]):
        checkins.insert_answer(
            c, session_id=sid, question_id=question, now=due + 60 * position,
            position=position, **answer,
        )  # fmt: skip
        if answer.get("level"):
            checkins.raise_level(c, sid, answer["level"], [{"category": "test"}])
    if closed:
        checkins.close(c, sid, due + 3 * DAY)


async def _year(h: Harness) -> FamilyIds:
    """A family whose child has a year of weekly check-ins behind them."""
    ids = await make_family(h)
    now = h.runtime.ts()

    def write(c: sqlite3.Connection) -> None:
        for week in range(WEEKS):
            _week(c, ids, week, now)

    await h.runtime.db.tx(write)
    return ids


def _answers_exported(data: dict[str, Any]) -> dict[str, list[tuple[Any, ...]]]:
    """Per period, the answers `qiao export` shows: answer rows, or decoded packed ones."""
    rows = data["tables"].get("checkin_answers", [])
    found = {}
    for session in data["tables"]["checkin_sessions"]:
        if isinstance(session["answers"], list):
            given = session["answers"]
        else:
            given = [r for r in rows if r["session_id"] == session["id"]]
            given.sort(key=lambda r: (r["answered_at"], r["position"]))
        found[session["period"]] = [
            (a["question_id"], a["option_id"], a["mood"], bool(a["skipped"]), a["level"])
            for a in given
        ]
    return found


async def _views(h: Harness, ids: FamilyIds) -> dict[str, Any]:
    """What the trend, the mood chart, the parents' view, the monthly reports and the
    export read of the child's year."""
    now = h.runtime.ts()
    periods = [period_at(now - back * WEEK, ZONE) for back in range(WEEKS + 1)]
    months = ["2025-01", "2025-03", "2025-06", "2025-09", "2025-11", "2025-12"]

    def read(c: sqlite3.Connection) -> dict[str, Any]:
        return {
            "trend": checkins.moods_before(c, ids.child_id, "2099-W01", 60),
            "chart": alerts.moods_by_period(c, ids.child_id, "2000-W01"),
            "parents": [parents_repo.child_reports(c, ids.family_id, p) for p in periods],
            "history": parent_calls.history(c, ids.family_id, now),
            "reports": [report_svc.collect_tx(c, report_svc.parse_month(m, ZONE)) for m in months],
            "export": _answers_exported(store.family_export(c, ids.family_pseudonym) or {}),
        }

    return await h.runtime.db.run(read)


async def _packed(h: Harness, child_id: int) -> dict[str, str | None]:
    """Each session's packed answers (None: not archived), by period."""
    return await h.runtime.db.run(
        lambda c: {
            str(r[0]): r[1]
            for r in c.execute(
                "SELECT period, answers FROM checkin_sessions WHERE child_id = ?", (child_id,)
            )
        }
    )


async def _retention(h: Harness) -> None:
    await run_job(h.app, maintenance.JOBS[0], h.clock.now())


async def test_a_year_reads_the_same_after_archiving(harness: Harness) -> None:
    """After retention archives the old weeks, trends, chart, parents' view, reports and
    export read exactly what they read before; recent weeks and weeks with words stay rows."""
    ids = await _year(harness)
    before = await _views(harness, ids)
    assert len(before["chart"]) > 30
    assert any(before["parents"])
    await _retention(harness)
    packed = await _packed(harness, ids.child_id)
    archived = [p for p, a in packed.items() if a is not None]
    assert 35 <= len(archived) < WEEKS
    assert await _views(harness, ids) == before
    leftovers = await harness.runtime.db.run(
        lambda c: c.execute(
            "SELECT (SELECT COUNT(*) FROM checkin_answers a JOIN checkin_sessions s"
            " ON s.id = a.session_id WHERE s.answers IS NOT NULL),"
            " (SELECT COUNT(*) FROM checkin_sessions WHERE answers IS NOT NULL"
            " AND (chat_id IS NOT NULL OR message_id IS NOT NULL OR question_message IS NOT NULL"
            " OR sent_at IS NOT NULL OR reasons != '[]'))"
        ).fetchone()
    )
    assert tuple(leftovers) == (0, 0)


async def test_a_week_whose_words_are_kept_is_not_archived(harness: Harness) -> None:
    """An open alert keeps the child's old words, and their week stays as answer rows."""
    ids = await _year(harness)
    now = harness.runtime.ts()
    await harness.runtime.db.tx(
        lambda c: add_alert(
            c, person_id=ids.child_id, family_id=ids.family_id, level=3, at=now, source="t:open"
        )
    )
    await _retention(harness)
    kept = await harness.runtime.db.run(
        lambda c: c.execute(
            "SELECT s.answers, a.text FROM checkin_answers a"
            " JOIN checkin_sessions s ON s.id = a.session_id"
            " WHERE s.child_id = ? AND a.text IS NOT NULL AND s.due_at < ?",
            (ids.child_id, now - 100 * DAY),
        ).fetchall()
    )
    assert len(kept) > 5
    assert {r[0] for r in kept} == {None}
    packed = await _packed(harness, ids.child_id)
    typed_weeks = {p for p, a in packed.items() if a is not None and "~" in a}
    assert typed_weeks == set()


async def test_archiving_is_idempotent_and_resumes_after_a_crash(harness: Harness) -> None:
    """Two small batches then a stop (a crash), then the daily job twice: the same packed
    weeks as one clean run, and nothing changes on the second run."""
    ids = await _year(harness)
    before = await _views(harness, ids)
    now = harness.runtime.ts()
    cutoff = now - archive.ARCHIVE_WEEKS * WEEK
    after: tuple[int, int] | None = (-1, -1)
    for _ in range(2):
        assert after is not None
        _, after = await harness.runtime.db.tx(
            partial(archive.archive_batch, before=cutoff, after=after, limit=3)
        )
    partly = [a for a in (await _packed(harness, ids.child_id)).values() if a is not None]
    assert len(partly) == 6
    await _retention(harness)
    once = await _packed(harness, ids.child_id)
    await _retention(harness)
    assert await _packed(harness, ids.child_id) == once
    assert await _views(harness, ids) == before


async def test_erasure_removes_archived_weeks_too(harness: Harness) -> None:
    """Erasing the family after archiving leaves no session or answer of the child."""
    ids = await _year(harness)
    await _retention(harness)
    now, volunteer = harness.runtime.ts(), harness.user_id("volunteer")
    erased = await harness.runtime.db.tx(
        lambda c: erasure_svc.erase_family(
            c, ids.family_id, user_id=volunteer, is_admin=False, now=now
        )
    )
    assert not isinstance(erased, Refusal)
    left = await harness.runtime.db.run(
        lambda c: c.execute(
            "SELECT (SELECT COUNT(*) FROM checkin_sessions WHERE child_id = ?),"
            " (SELECT COUNT(*) FROM checkin_answers)",
            (ids.child_id,),
        ).fetchone()
    )
    assert tuple(left) == (0, 0)


def test_the_packed_form_reads_back_what_was_packed() -> None:
    """Options, moods, skips, removed words and levels survive packing; '' is no answer."""
    questions, packed = "mood;sleep;friends;safe;anything", "*2!1;poor;-;kids!2;~"
    decoded = archive.decode(questions, packed)
    assert [(a.question_id, a.option_id, a.mood, a.skipped, a.typed, a.level) for a in decoded] == [
        ("mood", "2", 2, False, False, 1),
        ("sleep", "poor", None, False, False, 0),
        ("friends", None, None, True, False, 0),
        ("safe", "kids", None, False, False, 2),
        ("anything", None, None, False, True, 0),
    ]
    assert archive.decode(None, "") == []
    assert archive.option_in(questions, packed, "safe") == "kids"
    assert archive.option_in(questions, packed, "parents") is None


async def test_a_press_on_an_archived_week_is_refused_calmly(harness: Harness) -> None:
    """A forged or very late press on an archived check-in's button gets the finished-check-in
    answer and stores nothing."""
    ids = await _year(harness)
    await _retention(harness)
    packed = await _packed(harness, ids.child_id)
    period = next(p for p, a in sorted(packed.items()) if a)
    session = await harness.runtime.db.run(
        partial(checkins.for_period, child_id=ids.child_id, period=period)
    )
    assert session is not None
    child = harness.user_id("child")
    await harness.say("child", "/checkin_time")  # any message of the bot's in the child's chat
    shown = harness.sim.bot_messages(child)[-1]
    await harness.deliver(
        harness.sim.user_presses(child, shown.message_id, f"ci:{session.id}:mood:3")
    )
    refusal = harness.sim.calls_to("answerCallbackQuery")[-1].params.get("text")
    status = "already_finished" if session.status == "done" else "closed"
    assert refusal == harness.runtime.content.ui_label(f"checkins.{status}", "zh")
    assert await _packed(harness, ids.child_id) == packed
    rows = await harness.runtime.db.run(partial(checkins.answers, session_id=session.id))
    assert rows == []
