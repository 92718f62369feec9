"""Smoke runs of every benchmark module at its quick size: the records must be well-formed.

No timing is asserted: these runs only prove each figure can be produced and written.
"""

from __future__ import annotations

import json
import math
from importlib import import_module
from pathlib import Path

import pytest

from bench.__main__ import SMOKE_MODULES
from bench.results import Result, well_formed, write

pytestmark = pytest.mark.slow  # every benchmark module in its quick mode

FIELDS = {"name", "value", "unit", "target", "met"}


@pytest.fixture(autouse=True)
def _timedelta_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    """PTB builds RetryAfter with a timedelta only when asked (warnings are errors here)."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture(scope="module")
def shared_workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder for every module's quick run, so the small population is built once."""
    return tmp_path_factory.mktemp("bench")


@pytest.mark.parametrize("name", SMOKE_MODULES)
async def test_quick_run_gives_well_formed_records(name: str, shared_workdir: Path) -> None:
    """Each module's quick mode returns named records with units and finite numbers."""
    module = import_module(f"bench.{name}")
    results: list[Result] = await module.measure(shared_workdir, True)
    assert results, f"bench.{name} returned no figures"
    names = [r.name for r in results]
    assert len(names) == len(set(names)), f"duplicate figure names in bench.{name}"
    for result in results:
        assert well_formed(result), result
        assert isinstance(result.value, int | float)
        assert math.isfinite(result.value)


def test_results_file_holds_exactly_the_five_fields(tmp_path: Path) -> None:
    """results.json is a list of objects with name, value, unit, target and met, in order given."""
    records = [
        Result("a figure", 1.5, "ms", "< 250", True),
        Result("a context figure", 3.0, "updates/s"),
    ]
    path = write(records, tmp_path / "results.json")
    loaded = json.loads(path.read_text(encoding="utf-8"))
    assert [set(item) for item in loaded] == [FIELDS, FIELDS]
    assert [item["name"] for item in loaded] == ["a figure", "a context figure"]
    assert loaded[1]["target"] is None
    assert loaded[1]["met"] is None


def test_a_record_without_a_finite_value_is_not_well_formed() -> None:
    """A NaN value, an empty unit or a target without a verdict is rejected."""
    assert not well_formed(Result("x", math.nan, "ms"))
    assert not well_formed(Result("x", 1.0, " "))
    assert not well_formed(Result("x", 1.0, "ms", "< 1", None))
    assert well_formed(Result("x", 1.0, "ms", "< 1", False))
