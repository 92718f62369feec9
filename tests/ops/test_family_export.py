"""`qiao export`: one family's data, all of it, and nothing of any other family."""

from __future__ import annotations

import json
import sqlite3
import stat
from pathlib import Path

import pytest

from bot.cli import main
from bot.simtelegram.harness import Harness
from storage import alerts, audit, consents, lessons
from tests.factories import FamilyIds, make_family
from tests.ops.seed import DAY, add_alert, add_answer, add_message, write_config


async def seed_family(h: Harness, ids: FamilyIds, words: str) -> int:
    """Answers, a message, a noted alert, a lesson, a consent and audit rows; the alert id."""
    now = h.runtime.ts()

    def write(c: sqlite3.Connection) -> int:
        add_answer(
            c,
            child_id=ids.child_id,
            period="2026-W01",
            at=now - DAY,
            text=f"{words}-answer",
            mood=2,
        )
        add_message(c, child_id=ids.child_id, text=f"{words}-message", at=now - DAY)
        alert_id = add_alert(
            c,
            person_id=ids.child_id,
            family_id=ids.family_id,
            level=3,
            at=now,
            source=f"test:{words}",
            status=alerts.CLAIMED,
            volunteer_id=ids.volunteer_id,
        )
        alerts.add_note(c, alert_id, ids.volunteer_id, f"{words}-note", now)
        lessons.start(
            c,
            person_id=ids.caregiver_id,
            lesson_id="connection-01-special-time",
            version=1,
            follow_up_of=None,
            now=now,
        )
        consents.record(
            c,
            person_id=ids.caregiver_id,
            subject_id=ids.child_id,
            kind="guardian",
            text_version=1,
            agree=True,
            at=now,
        )
        audit.record(
            c, at=now, action="alert.details_viewed", actor="V-TST", subject=f"A-{alert_id}"
        )
        audit.record(c, at=now, action="test.mention", detail={"child": ids.child_pseudonym})
        return alert_id

    return await h.runtime.db.tx(write)


async def two_families(h: Harness) -> tuple[FamilyIds, int, FamilyIds, int]:
    first = await make_family(h)
    second = await make_family(h, caregiver="stranger", shared_phone=True, suffix="2")
    first_alert = await seed_family(h, first, "first")
    second_alert = await seed_family(h, second, "second")
    return first, first_alert, second, second_alert


async def test_export_holds_the_family_and_nothing_of_another(
    harness: Harness, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The export has the family's pseudonyms, words, notes and audit rows, none of another's."""
    first, first_alert, _, second_alert = await two_families(harness)
    out = tmp_path / "export.json"
    config = write_config(harness, tmp_path)

    assert main(["--config", str(config), "export", "f-tst", "--out", str(out)]) == 0
    assert "F-TST" in capsys.readouterr().err
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    text = out.read_text(encoding="utf-8")
    doc = json.loads(text)

    for own in ("F-TST", "G-TST", "C-TST", "first-answer", "first-message", "first-note", "王奶奶"):
        assert own in text
    for foreign in ("F-TST2", "G-TST2", "C-TST2", "second-answer", "second-message", "second-note"):
        assert foreign not in text
    assert doc["family"]["pseudonym"] == "F-TST"
    assert {p["pseudonym"] for p in doc["people"]} == {"G-TST", "C-TST"}
    tables = doc["tables"]
    assert [a["id"] for a in tables["alerts"]] == [first_alert]
    assert [n["text"] for n in tables["alert_notes"]] == ["first-note"]
    assert [a["text"] for a in tables["checkin_answers"]] == ["first-answer"]
    assert {"children", "consents", "lesson_progress", "checkin_sessions", "child_messages"} <= set(
        tables
    )
    subjects = {row["subject"] for row in doc["audit_log"]}
    assert f"A-{first_alert}" in subjects
    assert f"A-{second_alert}" not in subjects
    assert any(row["detail"] == {"child": "C-TST"} for row in doc["audit_log"])
    assert doc["other_people"] == [
        {"id": first.volunteer_id, "pseudonym": "V-TST", "role": "volunteer"}
    ]


async def test_export_is_audited_without_content(
    harness: Harness, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each export writes one audit row: action export, actor cli, the family, counts only."""
    await two_families(harness)
    config = write_config(harness, tmp_path)
    assert main(["--config", str(config), "export", "F-TST"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["format"] == "qiao.family-export"
    rows = await harness.runtime.db.run(lambda c: audit.list_actions(c, "export"))
    assert len(rows) == 1
    assert (rows[0].actor, rows[0].subject) == ("cli", "F-TST")
    assert set(rows[0].detail) == {"people", "rows"}
    assert rows[0].detail["people"] == 2


async def test_unknown_family_is_refused_and_leaves_nothing(
    harness: Harness, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An unknown pseudonym exits 1, writes no file and no audit row."""
    await make_family(harness)
    out = tmp_path / "export.json"
    config = write_config(harness, tmp_path)
    assert main(["--config", str(config), "export", "F-NONE", "--out", str(out)]) == 1
    assert "no family F-NONE" in capsys.readouterr().err
    assert not out.exists()
    assert await harness.runtime.db.run(lambda c: audit.list_actions(c, "export")) == []


async def test_export_never_overwrites_a_file(
    harness: Harness, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An existing --out file is left as it is and the command exits 1."""
    await make_family(harness)
    out = tmp_path / "export.json"
    out.write_text("earlier", encoding="utf-8")
    config = write_config(harness, tmp_path)
    assert main(["--config", str(config), "export", "F-TST", "--out", str(out)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "earlier"
