"""What every command needs: the store named by --db / $QCITY_DB, and JSON or text output."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from qcity_desktop.store import Store, open_store


def open_from_args(args: argparse.Namespace, create: bool = True) -> Store:
    return open_store(getattr(args, "db", None), create=create)


def wants_json(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "json", False))


def parse_sets(pairs: list[str] | None) -> dict[str, Any]:
    """``--set FIELD=VALUE`` pairs as a dict, with a clear message for a malformed pair."""
    from qcity_desktop.errors import InputError

    out: dict[str, Any] = {}
    for pair in pairs or []:
        if "=" not in pair:
            raise InputError(f"--set {pair!r}: expected FIELD=VALUE")
        key, value = pair.split("=", 1)
        if not key.strip():
            raise InputError(f"--set {pair!r}: the field name is empty")
        out[key.strip()] = value
    return out


def output_file(path: str | Path, example: str, label: str = "") -> Path:
    """Where a command writes its file; a folder given by mistake gets one line naming a file to use instead."""
    from qcity_desktop.errors import InputError

    target = Path(path)
    if target.is_dir():
        raise InputError(f"{label + ' ' if label else ''}{target} is a folder; give a file name such as {target / example}")
    return target


def day_arg(text: str | None, flag: str, default: date) -> date:
    """A YYYY-MM-DD option, or ``default`` when it was not given; anything else is one line (exit 2)."""
    from qcity_desktop.errors import InputError

    if not text:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{flag} {text!r} is not a date (YYYY-MM-DD)") from None


def change_number(value: int, flag: str = "--since") -> int:
    """A hub change number given on the command line (0 or more)."""
    from qcity_desktop.errors import InputError

    if value < 0:
        raise InputError(f"{flag} {value}: give a change number of 0 or more")
    return value
