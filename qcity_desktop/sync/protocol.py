"""What device and hub agree on: which tables sync, how rows are keyed, scoped and ordered.

Both sides import this one module, so a new synced table is one entry here plus its triggers
in a migration; the hub stores rows generically (table, id, JSON body) and needs no schema
change when a device's table grows a column.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

PROTOCOL_VERSION = 2   # 2: an inspection's answers travel and are stored as one packed row
API_PREFIX = "/v1"

# Columns every synced row carries that describe the write rather than the thing: they never
# make two versions "conflict", and the merged row takes them from the newer side.
META_COLUMNS = frozenset({"created_at", "updated_at", "device_id", "rev"})

MAX_ID_LEN = 200
MAX_BATCH = 2000
MAX_VALUE_LEN = 1_000_000


@dataclass(frozen=True)
class TableSpec:
    name: str
    key: str = "id"
    scope: str | None = "inspection_id"     # the column naming the inspection the row belongs to
    registry: bool = False                   # everyone sees it (subjects, templates)
    pull: bool = True                        # flows hub → devices (the audit log does not)
    supervisor_push: bool = False            # only supervisors may change it (templates)
    natural: tuple[str, ...] = ()            # a second unique key two devices may both create
    parents: tuple[tuple[str, str], ...] = ()  # (column, table) that must exist locally first
    blob_columns: tuple[str, ...] = ()
    packs: str | None = None                 # a device table whose rows travel packed, one wire row per scope

    @property
    def table(self) -> str:
        """The device's SQL table behind this wire table."""
        return self.packs or self.name


TABLES: tuple[TableSpec, ...] = (
    TableSpec("subjects", scope=None, registry=True),
    TableSpec("templates", scope=None, registry=True, supervisor_push=True, natural=("template_id", "version")),
    TableSpec("inspections", scope="id", parents=(("subject_id", "subjects"), ("reinspection_of", "inspections"))),
    # An inspection's answers are one wire row (and one hub row) keyed by the inspection: 120 answers
    # are one change to validate, store, index and merge instead of 120 (docs/sync.md, "Packed answers").
    TableSpec("answer_sets", scope="id", packs="answers", parents=(("id", "inspections"),)),
    TableSpec("measurements", parents=(("inspection_id", "inspections"),)),
    TableSpec("attachments", parents=(("inspection_id", "inspections"),), blob_columns=("sha256",)),
    TableSpec("signatures", parents=(("inspection_id", "inspections"),), blob_columns=("sha256",)),
    TableSpec("findings", natural=("inspection_id", "item_id"),
              parents=(("inspection_id", "inspections"), ("closed_by", "inspections"))),
    # Supervisors' reviews: rows about a signed inspection, not part of it (db/0008; follow_up below).
    TableSpec("reviews", parents=(("inspection_id", "inspections"),), supervisor_push=True),
    TableSpec("issued_numbers", key="number", parents=(("inspection_id", "inspections"),)),
    TableSpec("audit_log", key="seq", scope=None, pull=False),
)
BY_NAME: dict[str, TableSpec] = {t.name: t for t in TABLES}
ORDER: dict[str, int] = {t.name: i for i, t in enumerate(TABLES)}

PACK_KEY = {"answers": "item_id"}             # the column that keys a packed row inside its set
PACK_SCOPE = {"answers": "inspection_id"}     # the column naming the set a packed row belongs to
# Columns sent once per set when every row holds the same value: the set's own id, and the device
# that wrote it (the same for all answers unless two devices edited one draft).
PACK_SAME = {"answers": ("device_id", "inspection_id")}
MAX_PACKED_ROWS = 5000
MAX_PACKED_COLS = 200


def pack(spec: TableSpec, scope: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The wire body of a packed set: ``{"id": scope, "same": {...}, "cols": [...], "rows": [[...], ...]}``.

    Columns once, then one list of values per row: a set of 120 answers parses, checks and encodes
    on the hub about three times faster than 120 objects repeating their column names. The columns
    of ``PACK_SAME`` (the inspection, the device) go once into ``same`` when every row holds the
    same value. Columns are sorted and rows ordered by their key, so the same set is always the
    same text (a re-sent set is recognised as a duplicate); ``packed_wire`` in the device's store
    builds exactly this.
    """
    key = PACK_KEY[spec.table]
    names = sorted({c for r in rows for c in r})
    ordered = sorted(rows, key=lambda r: str(r[key]))
    same: dict[str, Any] = {}
    for c in PACK_SAME[spec.table]:
        if ordered and all(c in r for r in ordered):
            first = ordered[0][c]
            if all(_same_value(r[c], first) for r in ordered):
                same[c] = first
    cols = [c for c in names if c not in same]
    return {"id": scope, "same": same, "cols": cols, "rows": [[r.get(c) for c in cols] for r in ordered]}


def _same_value(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b     # 1 and 1.0, or 1 and True, are different column values


def unpack(spec: TableSpec, body: dict[str, Any]) -> list[dict[str, Any]]:
    """The device rows of a packed body (the inverse of ``pack``)."""
    cols = body.get("cols") or []
    same = body.get("same") or {}
    return [{**same, **dict(zip(cols, values, strict=True))} for values in body.get("rows") or []]


def as_items(spec: TableSpec, body: dict[str, Any] | None) -> dict[str, Any] | None:
    """A packed body as ``{"id", "items": {key: row}}``, the form the merge rule works on."""
    if body is None:
        return None
    key = PACK_KEY[spec.table]
    return {"id": body.get("id"), "items": {str(r[key]): r for r in unpack(spec, body)}}


def from_items(spec: TableSpec, body: dict[str, Any] | None) -> dict[str, Any] | None:
    if body is None:
        return None
    return pack(spec, body["id"], list((body.get("items") or {}).values()))


_HLC = re.compile(r"^\d{15}\.\d{9}$")
_SHA = re.compile(r"^[0-9a-f]{64}$")


# Closing a finding (the re-inspection that found it rectified) is follow-up, not signed evidence: the
# signature's content leaves findings out (Inspections.canonical_content). So a finding of a signed
# inspection may still change these columns, and only these, and only to close it.
FINDING_CLOSURE = frozenset({"status", "closed_by", "updated_at", "rev", "device_id"})


def closes_finding(tbl: str, new: dict[str, Any] | None, old: dict[str, Any] | None) -> bool:
    """Is ``new`` the finding ``old`` closed by a re-inspection, with nothing else about it changed?

    ``old`` None: the finding is first seen already closed (a device sends a row's latest state only,
    so a finding closed after signing reaches the hub after its inspection's signature).
    """
    if tbl != "findings" or new is None or new.get("status") != "closed" or not new.get("closed_by"):
        return False
    if old is None:
        return True
    keys = (set(new) | set(old)) - FINDING_CLOSURE
    return all(new.get(k) == old.get(k) for k in keys)


def follow_up(tbl: str, new: dict[str, Any] | None, old: dict[str, Any] | None) -> bool:
    """May a signed inspection still receive this change? Its findings closed, and new reviews (never changed)."""
    if tbl == "reviews":
        return new is not None and old is None
    return closes_finding(tbl, new, old)


def is_sha256(text: str) -> bool:
    return bool(_SHA.match(text))


def is_hlc(text: str) -> bool:
    return bool(_HLC.match(text))


def hlc_wall(hlc: str) -> int:
    """The wall-clock milliseconds of a stamp (0 for an empty one)."""
    return int(hlc.split(".", 1)[0]) if hlc else 0


def hlc_key(hlc: str, device: str) -> tuple[str, str]:
    """Total order of writes: the stamp (fixed width, so text order is time order), then the device."""
    return (hlc or "", device or "")


try:   # parses and encodes ~4-8x faster than json; the hub parses every push and encodes every row
    import orjson as _orjson
except ImportError:  # pragma: no cover - orjson is a dependency; json gives the same values
    _orjson = None

# The fallback (no orjson, or a value it does not take): one encoder built once, not one per call.
_CANONICAL = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode


def decode_json(raw: bytes) -> Any:
    """A request body as Python values; malformed JSON raises ValueError (a 422, never a 500)."""
    return _orjson.loads(raw) if _orjson is not None else json.loads(raw)


class PackedRows:
    """The rows of a packed set already encoded as a JSON array (by SQLite); ``encode_json`` splices them in."""
    # (``same`` and ``cols`` stay plain Python values: only the bulk of a set is pre-encoded.)

    __slots__ = ("text", "count")

    def __init__(self, text: bytes, count: int) -> None:
        self.text = text
        self.count = count

    def __len__(self) -> int:
        return self.count


def _splice(value: Any) -> Any:
    if isinstance(value, PackedRows):
        return _orjson.Fragment(value.text) if _orjson is not None else json.loads(value.text)
    raise TypeError(f"cannot encode {type(value).__name__}")


def encode_json(value: Any) -> bytes:
    """A request body as compact UTF-8 JSON (orjson when present: a first sync encodes ~100 MB)."""
    if _orjson is not None:
        try:
            return _orjson.dumps(value, default=_splice)
        except (TypeError, _orjson.JSONEncodeError):
            pass
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_splice).encode("utf-8")


def canonical_body(body: dict[str, Any] | None) -> str | None:
    """The one text form of a row: equal rows give equal text, so "same change twice" is a string compare.

    Sorted keys, no spaces, UTF-8 as is. Only the hub compares these texts, and only with texts it
    made itself, so the encoder may change between releases (a float written 1e16 instead of 1e+16
    would at worst store an unchanged row once more as a new version).
    """
    if body is None:
        return None
    if _orjson is not None:
        try:
            return _orjson.dumps(body, option=_orjson.OPT_SORT_KEYS).decode()
        except (TypeError, _orjson.JSONEncodeError):
            pass   # a value orjson does not take (a huge int): the standard encoder below does
    return _CANONICAL(body)


def wire_id(spec: TableSpec, row: dict[str, Any], device_id: str) -> str:
    """The row's id on the hub: its key, except the per-device audit log (seq is only unique per device)."""
    if spec.name == "audit_log":
        return f"{row.get('device_id') or device_id}:{row['seq']}"
    return str(row[spec.key])


def natural_key(spec: TableSpec, body: dict[str, Any] | None) -> str | None:
    if not spec.natural or body is None:
        return None
    parts = [body.get(c) for c in spec.natural]
    if any(p is None for p in parts):
        return None
    return "\x1f".join(str(p) for p in parts)


def scope_of(spec: TableSpec, row_id: str, body: dict[str, Any] | None) -> str | None:
    if spec.scope is None:
        return None
    if spec.scope == spec.key:
        return row_id
    if body is None:
        return None
    value = body.get(spec.scope)
    return None if value is None else str(value)
