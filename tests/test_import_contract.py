"""The layer contract in pyproject.toml holds today and breaks the build when a layer leaks."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run(  # noqa: S603 - our own venv's lint-imports, fixed arguments
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _copy(tmp_path: Path) -> Path:
    tree = tmp_path / "tree"
    for package in ("bot", "storage"):
        skip = shutil.ignore_patterns("__pycache__")
        shutil.copytree(ROOT / package, tree / package, ignore=skip)
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    return tree


def test_a_service_importing_telegram_breaks_the_contract(tmp_path: Path) -> None:
    """A service module that imports PTB makes lint-imports fail and name the module."""
    tree = _copy(tmp_path)
    (tree / "bot" / "services" / "leak.py").write_text('"""A leak."""\n\nimport telegram\n')
    result = _lint(tree)
    assert result.returncode != 0
    assert "bot.services.leak" in result.stdout


def test_storage_importing_a_service_breaks_the_contract(tmp_path: Path) -> None:
    """Storage reaching up into services makes lint-imports fail."""
    tree = _copy(tmp_path)
    leak = '"""A leak."""\n\nfrom bot.services import schedule\n'
    (tree / "storage" / "leak.py").write_text(leak)
    result = _lint(tree)
    assert result.returncode != 0
    assert "storage.leak" in result.stdout


def test_a_view_importing_the_adapter_breaks_the_contract(tmp_path: Path) -> None:
    """A view that reaches into the Telegram adapter makes lint-imports fail and name it."""
    tree = _copy(tmp_path)
    leak = '"""A leak."""\n\nfrom bot.telegram import keyboards\n'
    (tree / "bot" / "views" / "leak.py").write_text(leak)
    result = _lint(tree)
    assert result.returncode != 0
    assert "bot.views.leak" in result.stdout
