"""What every bench module shares when run on its own: `--quick`, a temp folder, a table."""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from bench.results import Result, table

Measure = Callable[[Path, bool], Awaitable[list[Result]]]


def prepare_environment() -> None:
    """PTB builds RetryAfter with a timedelta only when asked; ask, as the tests do."""
    os.environ.setdefault("PTB_TIMEDELTA", "true")


def parser(description: str) -> argparse.ArgumentParser:
    """The arguments every module takes."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--quick", action="store_true", help="a fast smoke run of a few updates")
    p.add_argument("--workdir", type=Path, help="keep the databases here (default: a temp dir)")
    return p


async def measure_in(measure: Measure, workdir: Path | None, quick: bool) -> list[Result]:
    """Run one module's measurement in `workdir` or a temporary folder removed afterwards."""
    if workdir is not None:
        return await measure(workdir, quick)
    with tempfile.TemporaryDirectory(prefix="qiao-bench-") as tmp:
        return await measure(Path(tmp), quick)


def main(measure: Measure, description: str, argv: Sequence[str] | None = None) -> int:
    """Run one module from the command line and print its figures."""
    prepare_environment()
    args = parser(description).parse_args(argv)
    if args.workdir is not None:
        args.workdir.mkdir(parents=True, exist_ok=True)
    results = asyncio.run(measure_in(measure, args.workdir, args.quick))
    print(table(results))
    return 0
