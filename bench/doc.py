"""Keep docs/performance.md in agreement with bench/results.json.

The page carries the figures in two places the test `tests/bench/test_performance_doc.py`
checks against the file: the summary table (rows whose first cell names a figure in
backticks) and the full list between the `results:begin` and `results:end` markers, which
`python -m bench.doc` writes from the file after a `make bench`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from bench.results import RESULTS_PATH, Result, read

DOC_PATH = Path(__file__).resolve().parent.parent / "docs" / "performance.md"
BEGIN = "<!-- results:begin (written by `python -m bench.doc` from bench/results.json) -->"
END = "<!-- results:end -->"
ROW = re.compile(r"^\| `(?P<name>[^`]+)` \| (?P<value>[^|]+?) \|", re.MULTILINE)


def number(value: float) -> str:
    """A figure's value as the page shows it: thousands separated, at most three decimals."""
    return f"{value:,.3f}".rstrip("0").rstrip(".")


def shown(result: Result) -> str:
    """Value and unit, as a table cell."""
    return f"{number(result.value)} {result.unit}"


def block(results: Iterable[Result]) -> str:
    """The full list of figures as a Markdown table, between the markers."""
    lines = [BEGIN, "", "| figure | value | target | met |", "|---|---|---|---|"]
    for r in results:
        met = "–" if r.met is None else ("yes" if r.met else "**no**")
        lines.append(f"| `{r.name}` | {shown(r)} | {r.target or '–'} | {met} |")
    lines += ["", END]
    return "\n".join(lines)


def current_block(text: str) -> str | None:
    """The page's block between the markers, markers included (None if absent)."""
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        return None
    return text[start : end + len(END)]


def disagreements(text: str, results: Sequence[Result]) -> list[str]:
    """Every place where the page and the results differ (empty when they agree)."""
    by_name = {r.name: r for r in results}
    problems: list[str] = []
    found = current_block(text)
    if found is None:
        problems.append("the page has no results block")
    elif found != block(results):
        problems.append("the results block differs from bench/results.json")
    outside = text.replace(found or "", "")
    for match in ROW.finditer(outside):
        name, value = match["name"], match["value"].strip()
        if name not in by_name:
            problems.append(f"the page cites {name!r}, which results.json does not have")
        elif value != shown(by_name[name]):
            problems.append(
                f"{name!r}: the page says {value!r}, results.json {shown(by_name[name])!r}"
            )
    return problems


def refreshed_rows(text: str, results: Sequence[Result]) -> str:
    """The page with each summary row's value cell rewritten from the results."""
    by_name = {r.name: r for r in results}

    def row(match: re.Match[str]) -> str:
        found = by_name.get(match["name"])
        if found is None:
            return match.group(0)
        return f"| `{match['name']}` | {shown(found)} |"

    return ROW.sub(row, text)


def main(argv: Sequence[str] | None = None) -> int:
    """Rewrite the page's summary values and results block from bench/results.json."""
    del argv
    results = read(RESULTS_PATH)
    text = DOC_PATH.read_text(encoding="utf-8")
    fresh = block(results)
    found = current_block(text)
    if found:
        text = text.replace(found, "\0")
    text = refreshed_rows(text, results)
    text = text.replace("\0", fresh) if found else text.rstrip("\n") + "\n\n" + fresh + "\n"
    DOC_PATH.write_text(text, encoding="utf-8")
    for problem in disagreements(text, read(RESULTS_PATH)):
        print(problem)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
