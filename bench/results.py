"""Result records: one per figure, printed as a table and written to bench/results.json.

A record holds the measured value, its unit, the target as readable text (">= 1000") and
whether it was met; figures printed for context (the echo baselines) have no target.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

RESULTS_PATH = Path(__file__).resolve().parent / "results.json"


@dataclass(frozen=True)
class Result:
    """One figure of a benchmark run."""

    name: str
    value: float
    unit: str
    target: str | None = None
    met: bool | None = None

    def to_json(self) -> dict[str, object]:
        """The record as written to results.json."""
        return asdict(self)


def at_least(name: str, value: float, unit: str, minimum: float) -> Result:
    """A figure that must reach `minimum`."""
    return Result(name, round(value, 3), unit, f">= {minimum:g}", value >= minimum)


def below(name: str, value: float, unit: str, maximum: float) -> Result:
    """A figure that must stay under `maximum`."""
    return Result(name, round(value, 3), unit, f"< {maximum:g}", value < maximum)


def at_most(name: str, value: float, unit: str, maximum: float) -> Result:
    """A figure that must not exceed `maximum`."""
    return Result(name, round(value, 3), unit, f"<= {maximum:g}", value <= maximum)


def info(name: str, value: float, unit: str) -> Result:
    """A figure printed for context, with no target of its own."""
    return Result(name, round(value, 3), unit)


def well_formed(result: Result) -> bool:
    """Tell whether a record can be written and compared: named, with a finite number."""
    return (
        bool(result.name.strip())
        and bool(result.unit.strip())
        and isinstance(result.value, int | float)
        and not isinstance(result.value, bool)
        and math.isfinite(result.value)
        and (result.target is None) == (result.met is None)
    )


def table(results: Iterable[Result]) -> str:
    """The records as an aligned text table."""
    rows = [("figure", "value", "unit", "target", "met")]
    for r in results:
        met = "-" if r.met is None else ("yes" if r.met else "NO")
        rows.append(
            (r.name, f"{r.value:,.3f}".rstrip("0").rstrip("."), r.unit, r.target or "-", met)
        )
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = []
    for index, row in enumerate(rows):
        cells = [row[0].ljust(widths[0]), row[1].rjust(widths[1])]
        cells += [row[i].ljust(widths[i]) for i in range(2, 5)]
        lines.append("  ".join(cells).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def write(results: Iterable[Result], path: Path = RESULTS_PATH) -> Path:
    """Write the records as a JSON list (the committed copy is the latest full run)."""
    records = [r.to_json() for r in results]
    path.write_text(json.dumps(records, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def read(path: Path = RESULTS_PATH) -> list[Result]:
    """The records of a results file."""
    records = json.loads(path.read_text(encoding="utf-8"))
    return [Result(**record) for record in records]


def group(name: str) -> str:
    """A figure's group: the words before its colon ("size after retention", "year")."""
    return name.split(":", 1)[0]


def merged(old: Iterable[Result], new: Iterable[Result]) -> list[Result]:
    """The old records with those measured anew replaced in place, new names appended; an old
    record of a group the new run measured, but no longer produced, is dropped (a table that
    left the "largest tables" list must not stay with last run's value)."""
    fresh = {r.name: r for r in new}
    groups = {group(name) for name in fresh}
    kept = [fresh.pop(r.name, r) for r in old if r.name in fresh or group(r.name) not in groups]
    return kept + list(fresh.values())
