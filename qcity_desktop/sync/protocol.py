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

PROTOCOL_VERSION = 1
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


TABLES: tuple[TableSpec, ...] = (
    TableSpec("subjects", scope=None, registry=True),
    TableSpec("templates", scope=None, registry=True, supervisor_push=True, natural=("template_id", "version")),
    TableSpec("inspections", scope="id", parents=(("subject_id", "subjects"), ("reinspection_of", "inspections"))),
    TableSpec("answers", natural=("inspection_id", "item_id"), parents=(("inspection_id", "inspections"),)),
    TableSpec("measurements", parents=(("inspection_id", "inspections"),)),
    TableSpec("attachments", parents=(("inspection_id", "inspections"),), blob_columns=("sha256",)),
    TableSpec("signatures", parents=(("inspection_id", "inspections"),), blob_columns=("sha256",)),
    TableSpec("findings", natural=("inspection_id", "item_id"),
              parents=(("inspection_id", "inspections"), ("closed_by", "inspections"))),
    TableSpec("issued_numbers", key="number", parents=(("inspection_id", "inspections"),)),
    TableSpec("audit_log", key="seq", scope=None, pull=False),
)
BY_NAME: dict[str, TableSpec] = {t.name: t for t in TABLES}
ORDER: dict[str, int] = {t.name: i for i, t in enumerate(TABLES)}

_HLC = re.compile(r"^\d{15}\.\d{9}$")
_SHA = re.compile(r"^[0-9a-f]{64}$")


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


# One encoder for every call: json.dumps() with options builds a new encoder each time, which costs
# more than encoding a row.
_CANONICAL = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode
# The same C encoder JSONEncoder.encode builds on every call (so the same text, byte for byte), built
# once: the hub encodes every pushed row, and the per-call set-up was a fifth of that. Rows are flat
# column values, so the circular-reference check it leaves out has nothing to find.
_C_ENCODE = (json.encoder.c_make_encoder(None, json.JSONEncoder().default, json.encoder.encode_basestring, None,
                                          ":", ",", True, False, True)
             if json.encoder.c_make_encoder is not None else None)


def canonical_body(body: dict[str, Any] | None) -> str | None:
    """The one text form of a row: equal rows give equal text, so "same change twice" is a string compare."""
    if body is None:
        return None
    if _C_ENCODE is not None and type(body) is dict:
        return "".join(_C_ENCODE(body, 0))
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
