"""Checking a push request by hand: fast, and every defect a clear 422 naming the change, never a 500.

A push of 1,000 rows is validated in a few milliseconds (a JSON-schema validator would take
longer than storing the rows); the rules mirror the schema published in the OpenAPI document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from math import isfinite
from operator import itemgetter
from typing import Any

from qcity_desktop.sync.protocol import (
    BY_NAME,
    MAX_BATCH,
    MAX_ID_LEN,
    MAX_PACKED_COLS,
    MAX_PACKED_ROWS,
    MAX_VALUE_LEN,
    PACK_KEY,
    PACK_SCOPE,
    decode_json,
    is_hlc,
)


def parse_push(raw: bytes) -> tuple[str, list[Change]]:
    """A push request's bytes, parsed and checked; any defect raises ValueError (PushError) for a 422."""
    return parse_batch(decode_json(raw), len(raw))


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



def parse_batch(payload: Any, size: int | None = None) -> tuple[str, list[Change]]:
    """Check a push request by hand (fast, and every defect becomes a clear 422, never a 500).

    ``size`` is the request's length in bytes: no value of a smaller request can be too long.
    """
    long_values = size is None or size > MAX_VALUE_LEN
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
            spec = BY_NAME[tbl]
            if spec.packs:
                _check_packed(where, tbl, rid, body, long_values)
            else:
                _check_columns(f"{where}.body", body)
            if spec.key in body and str(body[spec.key]) != rid and tbl != "audit_log":
                raise PushError(f"{where}: body.{spec.key} differs from id")
        else:
            body = None
        final = ch.get("final", False) is True
        out.append(Change(i, tbl, rid, op, hlc, base, body, final))
    return device, out


def _check_columns(where: str, row: dict[str, Any]) -> None:
    """A row's columns: safe names, and only text, finite numbers or null as values."""
    for k, v in row.items():
        if k not in _GOOD_COLUMNS:
            if not isinstance(k, str) or not _COLUMN.match(k):
                raise PushError(f"{where}: bad column name {str(k)[:40]!r}")
            if len(_GOOD_COLUMNS) < 10_000:
                _GOOD_COLUMNS.add(k)
        t = type(v)
        if t is str:
            if len(v) > MAX_VALUE_LEN:
                raise PushError(f"{where}.{k}: value too long")
        elif t is int:
            if not -2**63 <= v < 2**63:
                raise PushError(f"{where}.{k}: number out of range")
        elif t is float:
            if v != v or v in (_INF, -_INF):
                raise PushError(f"{where}.{k}: not a finite number")
        elif v is not None:   # lists, objects and true/false are not column values
            raise PushError(f"{where}.{k}: values must be text, numbers or null")


_SCALARS = frozenset({str, int, float, type(None)})


def _check_packed(where: str, tbl: str, rid: str, body: dict[str, Any], long_values: bool = True) -> None:
    """A packed set ``{"id", "same", "cols", "rows"}``: valid column names once, then the rows checked in bulk.

    ``_rows_ok`` checks a whole set column by column in C; only a set it refuses is walked row by
    row, to name the first bad row and what is wrong with it.
    """
    table = BY_NAME[tbl].table
    key_col, scope_col = PACK_KEY[table], PACK_SCOPE[table]
    if set(body) - {"id", "same", "cols", "rows"}:
        raise PushError(f"{where}.body: a packed set has only 'id', 'same', 'cols' and 'rows'")
    if body.get("id") != rid:
        raise PushError(f"{where}: body.id differs from id")
    cols, rows = body.get("cols"), body.get("rows")
    if not isinstance(cols, list) or not isinstance(rows, list):
        raise PushError(f"{where}.body: cols and rows must be lists")
    if len(cols) > MAX_PACKED_COLS or len(rows) > MAX_PACKED_ROWS:
        raise PushError(f"{where}.body: at most {MAX_PACKED_COLS} columns and {MAX_PACKED_ROWS} rows")
    _check_columns(f"{where}.body.cols", dict.fromkeys(cols) if all(type(c) is str for c in cols) else {1: None})
    same = body.get("same", {})
    if not isinstance(same, dict):
        raise PushError(f"{where}.body.same must be an object")
    _check_columns(f"{where}.body.same", same)
    if set(same) & set(cols):
        raise PushError(f"{where}.body.same: a column is either in 'same' or in 'cols'")
    if scope_col in same and same[scope_col] != rid:
        raise PushError(f"{where}.body.same: {scope_col} differs from the set's id")
    if not rows and not cols and not same:   # every member removed: the set is empty
        return
    if len(set(cols)) != len(cols) or "id" not in cols or key_col not in cols:
        raise PushError(f"{where}.body.cols: unique names including 'id' and '{key_col}'")
    width, id_at, key_at = len(cols), cols.index("id"), cols.index(key_col)
    scope_at = cols.index(scope_col) if scope_col in cols else None
    if _rows_ok(rows, width, id_at, key_at, scope_at, rid, long_values):
        return
    keys = set()     # something is wrong: find the first bad row, for a message that names it
    for n, row in enumerate(rows):
        at = f"{where}.body.rows[{n}]"
        if type(row) is not list or len(row) != width:
            raise PushError(f"{at} must be a list of {width} values")
        types = set(map(type, row))
        if not types <= _SCALARS:
            raise PushError(f"{at}: values must be text, numbers or null")
        if int in types and any(type(v) is int and not -2**63 <= v < 2**63 for v in row):
            raise PushError(f"{at}: number out of range")
        if float in types and any(type(v) is float and (v != v or v in (_INF, -_INF)) for v in row):
            raise PushError(f"{at}: not a finite number")
        if long_values and str in types and any(type(v) is str and len(v) > MAX_VALUE_LEN for v in row):
            raise PushError(f"{at}: value too long")
        row_id, key = row[id_at], row[key_at]
        if type(row_id) is not str or not 0 < len(row_id) <= MAX_ID_LEN:
            raise PushError(f"{at}: id must be a non-empty string")
        if key is None or str(key) in keys:
            raise PushError(f"{at}: {key_col} missing or repeated")
        keys.add(str(key))
        if scope_at is not None and row[scope_at] != rid:
            raise PushError(f"{at}: {scope_col} differs from the set's id")
    raise PushError(f"{where}.body.rows: invalid")   # not reached: the checks above mirror _rows_ok


def _rows_ok(rows: list[Any], width: int, id_at: int, key_at: int, scope_at: int | None, rid: str,
             long_values: bool) -> bool:
    """All rows of a set valid? Checked column by column with C-level map/min/max, not value by value."""
    if not rows:
        return True
    if not set(map(type, rows)) <= {list} or set(map(len, rows)) - {width}:
        return False
    for col in zip(*rows, strict=True):
        types = set(map(type, col))
        if not types <= _SCALARS:
            return False
        if type(None) in types:   # None and empty/zero values dropped in C: neither affects the checks below
            types.discard(type(None))
            present: Any = list(filter(None, col))
        else:
            present = col
        if not present:
            continue
        if types == {int}:
            if max(present) >= 2**63 or min(present) < -2**63:
                return False
        elif types == {str}:
            if long_values and max(map(len, present)) > MAX_VALUE_LEN:
                return False
        elif types == {float}:
            if not all(map(isfinite, present)):
                return False
        else:   # text and numbers mixed in one column: value by value
            for v in present:
                if (type(v) is int and not -2**63 <= v < 2**63) or (type(v) is float and not isfinite(v)) \
                        or (long_values and type(v) is str and len(v) > MAX_VALUE_LEN):
                    return False
    ids = list(map(itemgetter(id_at), rows))
    if set(map(type, ids)) != {str} or min(map(len, ids)) == 0 or max(map(len, ids)) > MAX_ID_LEN:
        return False
    keys = list(map(str, map(itemgetter(key_at), rows)))
    if len(set(keys)) != len(keys) or None in map(itemgetter(key_at), rows):
        return False
    return scope_at is None or set(map(itemgetter(scope_at), rows)) <= {rid}
