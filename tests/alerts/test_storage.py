"""The alert tables: conditional state changes, the words behind an alert, erasure cascades."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

from bot.levels import RiskLevel
from bot.simtelegram.harness import Harness
from storage import alerts, people
from tests.alerts.desk import add_volunteer, checkin_answered, child_wrote, raise_alert
from tests.factories import FamilyIds


async def test_claim_is_conditional(h: Harness, family: FamilyIds) -> None:
    """Only the first claim of an open alert changes the row."""
    second = await add_volunteer(h)
    alert_id = await raise_alert(h, family.child_id)
    assert alert_id is not None
    now = h.runtime.ts()
    won = await h.runtime.db.tx(lambda c: alerts.claim(c, alert_id, family.volunteer_id, now))
    lost = await h.runtime.db.tx(lambda c: alerts.claim(c, alert_id, second, now + 1))
    assert (won, lost) == (True, False)
    row = await h.runtime.db.run(lambda c: alerts.get(c, alert_id))
    assert row is not None
    assert (row.claimed_by, row.claimed_at) == (family.volunteer_id, now)


async def test_resolve_and_escalation_are_conditional(h: Harness, family: FamilyIds) -> None:
    """A resolved alert cannot be resolved again, and an escalation stage is set once."""
    alert_id = await raise_alert(h, family.child_id)
    assert alert_id is not None

    def steps(c: sqlite3.Connection) -> list[bool]:
        return [
            alerts.raise_escalation(c, alert_id, 1),
            alerts.raise_escalation(c, alert_id, 1),
            alerts.raise_escalation(c, alert_id, 2),
            alerts.resolve(c, alert_id, family.volunteer_id, "other", 5),
            alerts.resolve(c, alert_id, family.volunteer_id, "false_alarm", 6),
            alerts.raise_escalation(c, alert_id, 3),
        ]

    assert await h.runtime.db.tx(steps) == [True, False, True, True, False, False]


async def test_words_behind_an_alert_are_the_childs_recent_texts(
    h: Harness, family: FamilyIds
) -> None:
    """The claimer reads the child's check-in text and free messages of the day, oldest first."""
    await child_wrote(h, family.child_id, "两天前的话")
    h.clock.advance(timedelta(hours=25))
    await child_wrote(h, family.child_id, "早上写的话")
    h.clock.advance(timedelta(hours=2))
    await checkin_answered(h, family.child_id, "2026-W02", mood=1, text="问答里写的话")
    alert_id = await raise_alert(h, family.child_id, level=RiskLevel.CONCERN)
    assert alert_id is not None

    def read(c: sqlite3.Connection) -> list[str]:
        alert = alerts.get(c, alert_id)
        assert alert is not None
        return [w.text for w in alerts.words_behind(c, alert)]

    assert await h.runtime.db.run(read) == ["早上写的话", "问答里写的话"]


async def test_erasing_a_child_erases_their_alerts_and_notes(h: Harness, family: FamilyIds) -> None:
    """Deleting the child's person row cascades to alerts and alert notes."""
    alert_id = await raise_alert(h, family.child_id)
    assert alert_id is not None

    def erase(c: sqlite3.Connection) -> tuple[int, int]:
        alerts.add_note(c, alert_id, family.volunteer_id, "note", 1)
        c.execute("DELETE FROM people WHERE id = ?", (family.child_id,))
        left = c.execute("SELECT COUNT(*) FROM alerts").fetchone()[0]
        notes = c.execute("SELECT COUNT(*) FROM alert_notes").fetchone()[0]
        return int(left), int(notes)

    assert await h.runtime.db.tx(erase) == (0, 0)


async def test_erasing_a_volunteer_keeps_the_alert(h: Harness, family: FamilyIds) -> None:
    """A claimer's erasure leaves the alert (claimed_by cleared) and the note without author."""
    second = await add_volunteer(h)
    alert_id = await raise_alert(h, family.child_id)
    assert alert_id is not None

    def erase(c: sqlite3.Connection) -> tuple[int | None, str | None]:
        alerts.claim(c, alert_id, second, 1)
        alerts.add_note(c, alert_id, second, "note", 2)
        c.execute("DELETE FROM people WHERE id = ?", (second,))
        row = alerts.get(c, alert_id)
        assert row is not None
        return row.claimed_by, alerts.notes(c, alert_id)[0].author

    assert await h.runtime.db.tx(erase) == (None, None)
    assert await h.runtime.db.run(lambda c: people.by_id(c, second)) is None
