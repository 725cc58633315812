"""Checking a push request by hand: fast, and every defect a clear 422 naming the change, never a 500.

A push of 1,000 rows is validated in a few milliseconds (a JSON-schema validator would take
longer than storing the rows); the rules mirror the schema published in the OpenAPI document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from qcity_desktop.sync.protocol import BY_NAME, MAX_BATCH, MAX_ID_LEN, MAX_VALUE_LEN, is_hlc

_COLUMN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
_GOOD_COLUMNS: set[str] = set()
_INF = float("inf")


class PushError(ValueError):
    """The batch itself is malformed (HTTP 422); nothing of it was stored."""


@dataclass
class Change:
    index: int
    tbl: str
    id: str
    op: str
    hlc: str
    base: int | None
    body: dict[str, Any] | None
    final: bool
    text: str | None = None
    nkey: str | None = None
    scope: str | None = None



def parse_batch(payload: Any) -> tuple[str, list[Change]]:
    """Check a push request by hand (fast, and every defect becomes a clear 422, never a 500)."""
    if not isinstance(payload, dict):
        raise PushError("the request body must be a JSON object")
    device = payload.get("device_id")
    if not isinstance(device, str) or not 0 < len(device) <= MAX_ID_LEN:
        raise PushError("device_id must be a non-empty string")
    raw = payload.get("changes")
    if not isinstance(raw, list):
        raise PushError("changes must be a list")
    if len(raw) > MAX_BATCH:
        raise PushError(f"at most {MAX_BATCH} changes per push")
    out = []
    for i, ch in enumerate(raw):
        where = f"changes[{i}]"
        if not isinstance(ch, dict):
            raise PushError(f"{where} must be an object")
        tbl, rid, op = ch.get("t"), ch.get("id"), ch.get("op", "upsert")
        if not isinstance(tbl, str) or tbl not in BY_NAME:
            raise PushError(f"{where}.t: unknown table {str(tbl)[:40]!r}")
        if not isinstance(rid, str) or not 0 < len(rid) <= MAX_ID_LEN:
            raise PushError(f"{where}.id must be a non-empty string of at most {MAX_ID_LEN} characters")
        if op not in ("upsert", "delete"):
            raise PushError(f"{where}.op must be 'upsert' or 'delete'")
        hlc = ch.get("hlc", "")
        if not isinstance(hlc, str) or not is_hlc(hlc):
            raise PushError(f"{where}.hlc must look like 000001700000000.000000000")
        base = ch.get("base")
        if isinstance(base, float) and base.is_integer():
            base = int(base)   # 24.0 is the JSON number 24
        if base is not None and (not isinstance(base, int) or isinstance(base, bool) or not 0 < base < 2**62):
            raise PushError(f"{where}.base must be a positive whole number or null")
        body = ch.get("body")
        if op == "upsert":
            if not isinstance(body, dict) or not body:
                raise PushError(f"{where}.body must be a non-empty object")
            for k, v in body.items():
                if k not in _GOOD_COLUMNS:
                    if not _COLUMN.match(k):
                        raise PushError(f"{where}.body: bad column name {k[:40]!r}")
                    if len(_GOOD_COLUMNS) < 10_000:
                        _GOOD_COLUMNS.add(k)
                t = type(v)
                if t is str:
                    if len(v) > MAX_VALUE_LEN:
                        raise PushError(f"{where}.body.{k}: value too long")
                elif t is int:
                    if not -2**63 <= v < 2**63:
                        raise PushError(f"{where}.body.{k}: number out of range")
                elif t is float:
                    if v != v or v in (_INF, -_INF):
                        raise PushError(f"{where}.body.{k}: not a finite number")
                elif v is not None:   # lists, objects and true/false are not column values
                    raise PushError(f"{where}.body.{k}: values must be text, numbers or null")
            spec = BY_NAME[tbl]
            if spec.key in body and str(body[spec.key]) != rid and tbl != "audit_log":
                raise PushError(f"{where}: body.{spec.key} differs from id")
        else:
            body = None
        final = ch.get("final", False) is True
        out.append(Change(i, tbl, rid, op, hlc, base, body, final))
    return device, out
