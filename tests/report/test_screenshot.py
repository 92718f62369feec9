"""The report as a browser shows it: headless Chromium renders the page with both charts."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy
import pytest
from PIL import Image

from bot.services import report
from bot.simtelegram.harness import Harness
from storage.report import snapshot
from tests.report.seed import Seeded

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ANSWERED = (0x2E, 0x8B, 0x57)  # bot/services/charts.py: the response-rate bars
URGENT = (0xD6, 0x45, 0x41)  # the alerts chart's urgent bars
CONCERN = (0xF3, 0x9C, 0x12)  # and its concern bars

pytestmark = [
    pytest.mark.slow,  # a real Chromium renders the report
    pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed"),
]


def screenshot(page: Path, png: Path) -> Image.Image:
    """Render `page` in headless Chromium, 900 px wide and tall enough for the whole report."""
    assert CHROMIUM is not None
    subprocess.run(  # noqa: S603  # a fixed argument list, no shell
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            f"--user-data-dir={png.parent / 'chromium-profile'}",
            "--window-size=900,2600",
            f"--screenshot={png}",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return Image.open(png).convert("RGB")


def pixels_like(image: Image.Image, colour: tuple[int, int, int], tolerance: int = 12) -> int:
    """How many pixels are within `tolerance` of `colour` on every channel."""
    grid = numpy.asarray(image, dtype=numpy.int16)
    near = numpy.abs(grid - numpy.array(colour, dtype=numpy.int16)) <= tolerance
    return int(near.all(axis=2).sum())


async def test_screenshot_shows_both_charts(h: Harness, november: Seeded, tmp_path: Path) -> None:
    """The page shows the response bars and both alert colours; without charts it shows none."""
    month = report.parse_month("2026-11", h.config.locale.zone)
    figures = await h.runtime.db.run(lambda c: snapshot(c, lambda s: report.collect_tx(s, month)))
    page = tmp_path / "report.html"
    page.write_text(
        report.render_html(figures, report.chart_images(figures), generated=h.clock.now()),
        encoding="utf-8",
    )
    shot = screenshot(page, tmp_path / "report.png")
    assert shot.size[0] == 900
    assert pixels_like(shot, ANSWERED) > 2000  # three bars (W45 67 %, W46 100 %)
    assert pixels_like(shot, URGENT) > 300
    assert pixels_like(shot, CONCERN) > 300

    bare = tmp_path / "bare.html"
    bare.write_text(
        report.render_html(figures, {"response": b"", "alerts": b""}, generated=h.clock.now()),
        encoding="utf-8",
    )
    empty = screenshot(bare, tmp_path / "bare.png")
    assert pixels_like(empty, ANSWERED) < 50
    assert pixels_like(empty, URGENT) < 50
