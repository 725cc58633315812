"""Small helpers for tests that drive the real `qcity` command line and store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args: str, db: Path | None = None, stdin: str | None = None, check: bool = False) -> subprocess.CompletedProcess:
    """Run ``python -m qcity_desktop`` as a real process, as a user or script would."""
    cmd = [sys.executable, "-m", "qcity_desktop"]
    if db is not None:
        cmd += ["--db", str(db)]
    cmd += list(args)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(cmd, input=stdin, capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    if check and proc.returncode != 0:
        raise AssertionError(f"qcity {' '.join(args)} failed ({proc.returncode}): {proc.stderr}")
    return proc


def cli_json(*args: str, db: Path | None = None, stdin: str | None = None) -> Any:
    proc = run_cli(*args, "--json", db=db, stdin=stdin, check=True)
    return json.loads(proc.stdout)
