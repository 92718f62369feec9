"""The machine a run happened on: every figure means little without it."""

from __future__ import annotations

import os
import platform
import sqlite3
import sys
from importlib import metadata
from pathlib import Path

import psutil

LIBRARIES = (
    "python-telegram-bot",
    "aiosqlite",
    "APScheduler",
    "aiolimiter",
    "Jinja2",
    "PyYAML",
    "OpenCC",
    "psutil",
    "pyinstrument",
)


def cpu_model() -> str:
    """The CPU's model name as the kernel reports it (platform's guess elsewhere)."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def describe() -> dict[str, str]:
    """CPU, cores, RAM, OS, Python and library versions."""
    physical = psutil.cpu_count(logical=False)
    facts = {
        "cpu": cpu_model(),
        "cores": f"{os.cpu_count()} logical, {physical or '?'} physical",
        "ram": f"{psutil.virtual_memory().total / 2**30:.1f} GiB",
        "os": f"{platform.system()} {platform.release()} ({platform.machine()})",
        "python": f"{platform.python_implementation()} {sys.version.split()[0]}",
        "sqlite": sqlite3.sqlite_version,
    }
    for name in LIBRARIES:
        try:
            facts[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            facts[name] = "not installed"
    return facts


def summary() -> str:
    """The machine as printed at the top of a run."""
    facts = describe()
    width = max(len(k) for k in facts)
    return "\n".join(f"{key.ljust(width)}  {value}" for key, value in facts.items())


if __name__ == "__main__":
    print(summary())
