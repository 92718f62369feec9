"""A partial benchmark run updates its own figures in bench/results.json and nothing else."""

from __future__ import annotations

from bench.results import Result, merged


def test_partial_run_replaces_its_groups_and_keeps_the_others() -> None:
    """Figures of a group the run measured are replaced or dropped; other groups stay."""
    old = [
        Result("inbound: rate", 1.0, "x/s"),
        Result("size after retention: table a per child-week", 5.0, "bytes"),
        Result("size after retention: per child-year", 30.0, "KiB"),
    ]
    new = [
        Result("size after retention: per child-year", 20.0, "KiB"),
        Result("size after retention: table b per child-week", 4.0, "bytes"),
    ]
    names = {r.name: r.value for r in merged(old, new)}
    assert names == {
        "inbound: rate": 1.0,
        "size after retention: per child-year": 20.0,
        "size after retention: table b per child-week": 4.0,
    }
