"""docs/performance.md and bench/results.json agree (text only: nothing is measured here)."""

from __future__ import annotations

from bench.doc import DOC_PATH, block, disagreements, shown
from bench.results import RESULTS_PATH, Result, read


def test_every_figure_on_the_page_is_the_one_in_results_json() -> None:
    """The summary rows and the full list on the page match bench/results.json exactly."""
    text = DOC_PATH.read_text(encoding="utf-8")
    assert disagreements(text, read(RESULTS_PATH)) == []


def test_a_changed_figure_is_caught() -> None:
    """A summary row whose value differs from the file, or names a figure it lacks, is reported."""
    records = [Result("alert p99", 9.792, "ms", "< 250", True), Result("rate", 2579.825, "x/s")]
    page = "\n".join(
        [
            f"| `alert p99` | {shown(records[0])} | < 250 |",
            "| `rate` | 2,503 x/s | |",
            "| `gone` | 1 ms | |",
            block(records),
        ]
    )
    problems = disagreements(page, records)
    assert len(problems) == 2
    assert "'rate'" in problems[0]
    assert "2,579.825 x/s" in problems[0]
    assert "'gone'" in problems[1]
    assert (
        disagreements(
            page.replace("2,503", "2,579.825").replace("| `gone` | 1 ms | |", ""), records
        )
        == []
    )
