"""`python -m bench` (`make bench`): every figure in one run, printed with the machine, and
written to bench/results.json.

The modules share one working folder, so the 100,000-family population is built once and
each measurement runs on its own copy. `--quick` runs every module's smoke size and writes
nothing unless `--out` is given.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from collections.abc import Sequence
from importlib import import_module
from pathlib import Path

import psutil

from bench import cli, machine
from bench.results import RESULTS_PATH, Result, merged, read, table, write

MODULES = ("inbound", "fanout", "latency", "memory", "profiling", "burst", "yearly")
"""Figure modules in the order they run (bench.soak and others are not figures)."""
SMOKE_MODULES = tuple(name for name in MODULES if name != "yearly")
"""Modules whose quick mode `make test` runs (the year is `make bench`'s alone)."""


def busy_elsewhere() -> float:
    """How busy the CPUs are just before the run (percent over one second)."""
    return float(psutil.cpu_percent(interval=1.0))


def load_warning(busy: float) -> str | None:
    """A warning when other work shares the machine (the figures would be too low)."""
    if busy > 20.0:
        return (
            f"WARNING: the CPUs were {busy:.0f}% busy before the run: other work is running, so "
            "throughput figures will be low; ratios measured side by side hold up better."
        )
    return None


async def run_all(workdir: Path, quick: bool, only: Sequence[str]) -> list[Result]:
    """Run each module in turn, printing its table as soon as it is done."""
    results: list[Result] = []
    for name in only:
        module = import_module(f"bench.{name}")
        print(f"\n### bench.{name}", flush=True)
        started = time.perf_counter()
        found: list[Result] = await module.measure(workdir, quick)
        print(table(found))
        print(f"({time.perf_counter() - started:.1f} s)", flush=True)
        results.extend(found)
    return results


def main(argv: Sequence[str] | None = None) -> int:
    """Run the figures and write results.json."""
    cli.prepare_environment()
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--quick", action="store_true", help="smoke sizes; writes nothing")
    p.add_argument("--only", default=",".join(MODULES), help="comma-separated module names")
    p.add_argument("--workdir", type=Path, help="keep the databases here (default: temp)")
    p.add_argument("--out", type=Path, help=f"where to write the results (default {RESULTS_PATH})")
    args = p.parse_args(argv)
    only = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(only) - set(MODULES))
    if unknown:
        p.error(f"unknown module(s): {', '.join(unknown)}; choose from {', '.join(MODULES)}")
    print("Qiao benchmarks" + (" (quick)" if args.quick else ""))
    print(machine.summary())
    busy = busy_elsewhere()
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; CPUs {busy:.0f}% busy")
    warning = load_warning(busy)
    if warning:
        print(warning)
    started = time.perf_counter()
    if args.workdir is not None:
        args.workdir.mkdir(parents=True, exist_ok=True)
        results = asyncio.run(run_all(args.workdir, args.quick, only))
    else:
        with tempfile.TemporaryDirectory(prefix="qiao-bench-") as tmp:
            results = asyncio.run(run_all(Path(tmp), args.quick, only))
    print("\n### every figure")
    print(table(results))
    missed = [r.name for r in results if r.met is False]
    took = time.perf_counter() - started
    print(f"\n{len(results)} figures, {len(missed)} targets missed, {took:.0f} s")
    out = args.out or (None if args.quick else RESULTS_PATH)
    if out is not None:
        if set(only) != set(MODULES) and out.exists():
            results = merged(read(out), results)  # a partial run updates its own figures
        print(f"written to {write(results, out)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
