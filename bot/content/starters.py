"""Conversation starters for parents' weekly reminders: content/parents/starters.yaml.

Read with file and line in every problem (like every content file) and checked by `qiao content
check`. A starter fits the child's age band and the season of the parent's local date; among the
fitting ones the week number picks, so a parent sees a different one week by week.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bot.content.loader import YMap, YNode, YScalar, YSeq, read_yaml
from bot.content.problems import Problem

FILE = Path("parents") / "starters.yaml"
SEASONS = ("exams", "term_start", "spring_festival", "mid_autumn")
AGES = ("any", "10-12", "13-16")
_WINDOW = re.compile(r"^(\d{4}-)?\d{2}-\d{2}\.\.(\d{4}-)?\d{2}-\d{2}$")


@dataclass(frozen=True)
class Starter:
    """One conversation starter."""

    season: str
    age: str
    text: dict[str, str]


@dataclass(frozen=True)
class Starters:
    """Every starter and the date windows of each season."""

    windows: dict[str, tuple[str, ...]]
    items: tuple[Starter, ...]

    def season_of(self, day: date) -> str:
        """The season a local date falls in ('any' outside every window)."""
        for season in SEASONS:
            for window in self.windows.get(season, ()):
                first, last = window.split("..")
                key = day.isoformat() if len(first) > 5 else day.strftime("%m-%d")
                if first <= key <= last:
                    return season
        return "any"

    def pick(self, day: date, age_band: str | None, week: int) -> Starter | None:
        """A starter for this day and child: the season's first, else an all-year one."""
        season = self.season_of(day)
        for wanted in (season, "any"):
            fits = [s for s in self.items if s.season == wanted and s.age in ("any", age_band)]
            if fits:
                return fits[week % len(fits)]
        return None


def _text(node: YNode | None) -> str:
    return str(node.value) if isinstance(node, YScalar) else ""


def load(root: Path) -> tuple[Starters, list[Problem]]:
    """Read and check the starters file; an empty set with problems when it is broken."""
    path = root / FILE
    shown = str(root / FILE)
    if not path.is_file():
        return Starters({}, ()), []
    tree, problems = read_yaml(path, shown)
    if not isinstance(tree, YMap):
        return Starters({}, ()), problems or [Problem(shown, 1, "expected a mapping")]
    windows: dict[str, tuple[str, ...]] = {}
    seasons = tree.entries.get("seasons")
    if seasons is not None and isinstance(seasons.value, YMap):
        for name, entry in seasons.value.entries.items():
            if name not in SEASONS:
                problems.append(Problem(shown, entry.key_line, f"'{name}' is not a season"))
                continue
            node = entry.value
            values = [_text(v) for v in node.items] if isinstance(node, YSeq) else []
            for value in values:
                if not _WINDOW.fullmatch(value):
                    message = f"'{value}' is not MM-DD..MM-DD (or YYYY-MM-DD..YYYY-MM-DD)"
                    problems.append(Problem(shown, entry.key_line, message))
            windows[name] = tuple(values)
    items: list[Starter] = []
    listed = tree.entries.get("starters")
    nodes = listed.value.items if listed is not None and isinstance(listed.value, YSeq) else ()
    for node in nodes:
        fields = {k: e.value for k, e in node.entries.items()} if isinstance(node, YMap) else {}
        season, age = _text(fields.get("season")), _text(fields.get("age"))
        text = {k: _text(fields.get(k)) for k in ("zh", "en") if _text(fields.get(k)).strip()}
        line = node.line
        if season not in (*SEASONS, "any"):
            problems.append(Problem(shown, line, f"season '{season}' is not one of {SEASONS}"))
        elif age not in AGES:
            problems.append(Problem(shown, line, f"age '{age}' is not one of {AGES}"))
        elif len(text) != 2:
            problems.append(Problem(shown, line, "a starter needs zh and en"))
        else:
            items.append(Starter(season, age, text))
    if not items:
        problems.append(Problem(shown, tree.line, "no starters"))
    return Starters(windows, tuple(items)), problems
