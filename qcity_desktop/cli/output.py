"""Shared output helpers so every command prints JSON and tables the same way."""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from typing import Any


def _default(obj: Any) -> Any:
    if isinstance(obj, Decimal):
        return str(obj)
    if hasattr(obj, "isoformat"):
        return obj.isoformat()
    if isinstance(obj, (set, frozenset)):
        return sorted(obj)
    if isinstance(obj, bytes):
        return obj.hex()
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def to_json(data: Any, indent: int | None = 2) -> str:
    """JSON with Decimals as strings (never floats) and Chinese left readable."""
    return json.dumps(data, ensure_ascii=False, indent=indent, default=_default)


def print_json(data: Any, indent: int | None = 2) -> None:
    sys.stdout.write(to_json(data, indent) + "\n")


def print_table(rows: list[dict[str, Any]], columns: list[str]) -> None:
    """A plain aligned table for humans; ``--json`` is the stable interface."""
    if not rows:
        print("(none)")
        return
    widths = {c: max(_width(c), *(_width(str(r.get(c, "") or "")) for r in rows)) for c in columns}
    print("  ".join(_pad(c, widths[c]) for c in columns))
    for row in rows:
        print("  ".join(_pad(str(row.get(c, "") or ""), widths[c]) for c in columns))


def _width(text: str) -> int:
    # CJK characters take two terminal cells.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
