"""The monthly report: the right figures for a seeded month, files, privacy, the monthly job."""

from __future__ import annotations

import csv
import io
import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main
from bot.services import report
from bot.simtelegram.harness import Harness
from bot.telegram.jobs import run_job
from bot.telegram.report import JOBS
from storage.report import snapshot
from tests.alerts.desk import ADMIN, add_coordinator
from tests.ops.seed import write_config
from tests.report.seed import CHILD_WORDS, Seeded, move_to, seed_november


async def figures(h: Harness, label: str = "2026-11") -> report.MonthReport:
    month = report.parse_month(label, h.config.locale.zone)
    return await h.runtime.db.run(lambda c: snapshot(c, lambda s: report.collect_tx(s, month)))


async def test_seeded_month_figures(h: Harness, november: Seeded) -> None:
    """Every figure of the seeded November matches the hand count in seed.py."""
    r = await figures(h)
    assert (r.enrolment.families, r.enrolment.new_families) == (3, 2)
    assert (r.enrolment.children, r.enrolment.new_children) == (3, 2)
    assert r.lessons_completed == 2
    assert [(w.label, w.sent, w.answered) for w in r.weeks] == [
        ("2026-W45", 3, 2),
        ("2026-W46", 1, 1),
        ("2026-W47", 0, 0),
        ("2026-W48", 0, 0),
    ]
    assert r.response_rate == 75
    assert [(a.level, a.category, a.count) for a in r.alerts] == [
        ("urgent", "self_harm", 1),
        ("concern", "bullying", 2),
    ]
    assert r.claim == report.Delays(3, 6.0, 20.0)
    assert r.resolve == report.Delays(2, 45.0, 60.0)
    assert r.unreachable == [("F-TSTC", "南村")]
    assert r.parents_contact is None


def test_weeks_belong_to_the_month_of_their_thursday() -> None:
    """A week spanning two months is counted once, in the month that holds its Thursday."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("Asia/Shanghai")
    nov = report.parse_month("2026-11", zone)
    dec = report.parse_month("2026-12", zone)
    assert [w for w, _ in report.weeks_of(nov)] == ["2026-W45", "2026-W46", "2026-W47", "2026-W48"]
    assert next(w for w, _ in report.weeks_of(dec)) == "2026-W49"
    assert report.delays_of([60, 120, 180, 240, 300, 360, 420, 480, 540, 600, 660]).p90 == 10.0


async def test_html_and_csv_hold_no_names_and_no_words(h: Harness, november: Seeded) -> None:
    """The files show pseudonyms, village labels and counts, never names, words or chat ids."""
    r = await figures(h)
    html = report.render_html(r, report.chart_images(r), generated=h.clock.now())
    rows = report.to_csv(r)
    for text in (html, rows):
        for secret in (CHILD_WORDS, "小明", "王奶奶", "Li Wei", "1003", "1004", "2001"):
            assert secret not in text
        assert "F-TSTC" in text
        assert "南村" in text
    assert html.count('src="data:image/png;base64,iVBOR') == 2
    assert "还没有家长加入" in html
    assert "No parent has joined yet" in html
    assert ["parents_contact", "rate", "no parent has joined"] in list(
        csv.reader(io.StringIO(rows))
    )


async def test_labels_are_escaped(h: Harness, november: Seeded) -> None:
    """A village label typed with markup is shown as text, not run as HTML."""
    await h.runtime.db.tx(
        lambda c: c.execute(
            "UPDATE families SET label = '<script>x</script>' WHERE pseudonym = 'F-TSTC'"
        )
    )
    r = await figures(h)
    html = report.render_html(r, {"response": b"", "alerts": b""}, generated=h.clock.now())
    assert "<script>" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html


async def test_report_command_writes_both_files(
    h: Harness, november: Seeded, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`qiao report --month 2026-11 --out DIR` writes the HTML and CSV (mode 0600), one line."""
    config = write_config(h, tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    assert main(["--config", str(config), "report", "--month", "2026-11", "--out", str(out)]) == 0
    assert len(capsys.readouterr().out.strip().splitlines()) == 1
    html, table = out / "qiao-report-2026-11.html", out / "qiao-report-2026-11.csv"
    assert "2026-11" in html.read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(table.read_text(encoding="utf-8"))))
    assert ["enrolment", "families", "3"] in rows
    assert ["checkins", "2026-W45 answered", "2"] in rows
    assert ["alerts", "concern bullying", "2"] in rows
    assert ["minutes_to_resolve", "median", "45"] in rows
    assert ["minutes_to_claim", "p90", "20"] in rows
    for path in (html, table):
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


@pytest.mark.parametrize("month", ["2026-13", "November", "2026-1"])
async def test_report_command_refuses_a_bad_month(
    h: Harness, tmp_path: Path, capsys: pytest.CaptureFixture[str], month: str
) -> None:
    """A month not written YYYY-MM is refused in one line, without a traceback."""
    config = write_config(h, tmp_path)
    assert main(["--config", str(config), "report", "--month", month]) == 2
    err = capsys.readouterr().err
    assert err.startswith("qiao: --month must look like 2026-11")
    assert "Traceback" not in err


def test_report_command_refuses_a_missing_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A database that does not exist is named in one line; no file is created."""
    config = tmp_path / "config.toml"
    missing = tmp_path / "nowhere.sqlite3"
    config.write_text(
        "[people]\nadmins = [1001]\nvolunteer_chat_id = -4001\n"
        f'[storage]\ndatabase = "{missing}"\n',
        encoding="utf-8",
    )
    code = main(["--config", str(config), "report", "--month", "2026-11", "--out", str(tmp_path)])
    assert code == 1
    assert "cannot open" in capsys.readouterr().err
    assert not missing.exists()
    assert not list(tmp_path.glob("qiao-report-*"))


async def test_monthly_job_sends_last_month_once(h: Harness) -> None:
    """On the 1st after 09:00 the admin gets last month's HTML and CSV once, via the outbox."""
    await seed_november(h, december=False)
    await add_coordinator(h)
    job = JOBS[0]
    move_to(h, datetime(2026, 12, 1, 0, 30, tzinfo=UTC))  # 08:30 in Shanghai: still October's
    await run_job(h.app, job, h.clock.now())
    names = [m.extra["document"]["file_name"] for m in h.sim.bot_messages(ADMIN)]
    assert names == ["qiao-report-2026-10.html", "qiao-report-2026-10.csv"]
    move_to(h, datetime(2026, 12, 1, 1, 30, tzinfo=UTC))  # 09:30: November is due
    await run_job(h.app, job, h.clock.now())
    await h.restart()
    await run_job(h.app, job, h.clock.now())  # a restart never sends it twice
    documents = [m for m in h.sim.bot_messages(ADMIN) if m.kind == "document"]
    names = [m.extra["document"]["file_name"] for m in documents]
    assert names[2:] == ["qiao-report-2026-11.html", "qiao-report-2026-11.csv"]
    page = documents[2]
    assert page.content is not None
    assert "F-TSTC" in page.content.decode("utf-8")
    assert page.text is not None
    assert "2026-11" in page.text
    assert "小明" not in page.content.decode("utf-8")
