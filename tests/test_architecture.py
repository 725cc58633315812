"""The house rules that keep the core usable headless."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_core_never_imports_qt_or_ui() -> None:
    """import-linter contract from pyproject.toml: qcity_desktop must not import PySide6 or ui."""
    lint = Path(sys.executable).parent / "lint-imports"
    proc = subprocess.run([str(lint), "--config", str(ROOT / "pyproject.toml")], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "The core stays Qt-free KEPT" in proc.stdout


def test_core_cli_loads_without_qt() -> None:
    """The whole CLI imports without pulling in PySide6 (so the hub and scripts run on servers)."""
    code = ("import sys, qcity_desktop.cli as c; c.build_parser(); "
            "assert not [m for m in sys.modules if m.startswith('PySide6')], 'PySide6 imported'")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
