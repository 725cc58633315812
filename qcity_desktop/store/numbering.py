"""Report, certificate and notice numbers: assigned at signing, never reused, unique across devices.

Why this shape: inspectors sign offline on many laptops, so a single global counter is impossible.
Each number therefore carries a device part ({device}) and every device counts on its own; the
sequence is kept per *prefix* (the number with the sequence left out), so a pattern with {yyyy}
restarts each year and two patterns never share a counter. Every issued number is written to
``issued_numbers`` (which refuses deletes), and allocation skips any number already there, so
even a restored backup or a reset counter cannot hand the same number out twice.

The pattern and codes come from resources/reports/bureau.json; per-database overrides live in
the ``meta`` table (``numbering.pattern``, ``numbering.device_code``, ``bureau.code``) so the
hub can hand a device its code at enrolment.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import string
from datetime import UTC, date, datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

from qcity_desktop.errors import EnvironmentProblem, InputError

BUREAU_FILE = Path(__file__).resolve().parents[2] / "resources" / "reports" / "bureau.json"
DOC_KINDS = ("report", "certificate", "notice")
# China has one time zone and no daylight saving: the year in a number is the local year.
CHINA_TZ = timezone(timedelta(hours=8))
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


@lru_cache(maxsize=4)
def _load_bureau(path: str) -> dict[str, Any]:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise EnvironmentProblem(f"cannot read bureau settings {path}: {err}") from err


def bureau_settings(path: Path | None = None) -> dict[str, Any]:
    """The bureau identity and numbering settings (a fresh copy the caller may change)."""
    return json.loads(json.dumps(_load_bureau(str(path or BUREAU_FILE))))


def _meta(conn: sqlite3.Connection, key: str) -> str | None:
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    except sqlite3.OperationalError:
        return None
    return row[0] if row else None


def derived_device_code(device_id: str, length: int = 4) -> str:
    """A short, stable code from the device id (Crockford base32 of its SHA-256).

    Four characters give about a million values: fine for a city's devices, but not a proof of
    uniqueness, so the hub should assign ``numbering.device_code`` at enrolment.
    """
    value = int.from_bytes(hashlib.sha256(device_id.encode("utf-8")).digest()[:8], "big")
    chars = []
    for _ in range(length):
        chars.append(_CROCKFORD[value & 31])
        value >>= 5
    return "".join(chars)


def device_code(conn: sqlite3.Connection, device_id: str) -> str:
    """The device's numbering code: the hub-assigned one if present, else derived from its id."""
    return _meta(conn, "numbering.device_code") or derived_device_code(device_id)


def _local_date(signed_at: str | datetime | date) -> date:
    if isinstance(signed_at, datetime):
        moment = signed_at
    elif isinstance(signed_at, date):
        return signed_at
    else:
        try:
            moment = datetime.fromisoformat(str(signed_at).replace("Z", "+00:00"))
        except ValueError as err:
            raise InputError(f"signing time is not an ISO date: {signed_at!r}") from err
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(CHINA_TZ).date()


def _check_pattern(pattern: str) -> None:
    fields = {name for _, name, _, _ in string.Formatter().parse(pattern) if name}
    unknown = fields - {"bureau", "type", "subject", "doc", "yyyy", "yy", "mm", "device", "seq"}
    if unknown:
        raise InputError(f"numbering pattern {pattern!r} has unknown field(s): {', '.join(sorted(unknown))}")
    if "seq" not in fields:
        raise InputError(f"numbering pattern {pattern!r} has no {{seq}} field")


def format_number(pattern: str, fields: dict[str, Any], seq: int) -> str:
    """Render one number; exposed so docs and tests show exactly what a pattern produces."""
    _check_pattern(pattern)
    return pattern.format(**fields, seq=seq)


def _prefix_scope(pattern: str, fields: dict[str, Any]) -> str:
    """The pattern rendered with the sequence left out: the counter's key."""
    parts = []
    for literal, name, spec, conv in string.Formatter().parse(pattern):
        parts.append(literal)
        if name == "seq":
            parts.append("{seq}")
        elif name:
            value = fields[name]
            parts.append(format(value if not conv else (repr(value) if conv == "r" else str(value)), spec or ""))
    return "".join(parts)


def _fields(conn: sqlite3.Connection, subject_kind: str, doc_kind: str, day: date, device_id: str) -> dict[str, Any]:
    settings = bureau_settings()
    numbering = settings.get("numbering", {})
    subject = numbering.get("subject_codes", {}).get(subject_kind, subject_kind[:2].upper())
    doc = numbering.get("doc_codes", {}).get(doc_kind, doc_kind[:1].upper())
    return {
        "bureau": _meta(conn, "bureau.code") or settings.get("code", ""),
        "subject": subject,
        "doc": doc,
        "type": f"{subject}{doc}",
        "yyyy": f"{day.year:04d}",
        "yy": f"{day.year % 100:02d}",
        "mm": f"{day.month:02d}",
        "device": device_code(conn, device_id),
    }


def _pattern(conn: sqlite3.Connection) -> str:
    pattern = _meta(conn, "numbering.pattern") or bureau_settings().get("numbering", {}).get("pattern")
    pattern = pattern or "{bureau}{type}{yyyy}-{device}-{seq:05}"
    _check_pattern(pattern)
    return pattern


def existing_number(conn: sqlite3.Connection, inspection_id: str, doc_kind: str) -> str | None:
    """The valid number already issued to this inspection for this document, if any."""
    row = conn.execute(
        "SELECT number FROM issued_numbers WHERE inspection_id = ? AND kind = ? AND status = 'valid' "
        "ORDER BY issued_at LIMIT 1",
        (inspection_id, doc_kind),
    ).fetchone()
    return row[0] if row else None


def issue_number(
    conn: sqlite3.Connection,
    inspection_id: str,
    doc_kind: str,
    subject_kind: str,
    signed_at: str | datetime | date,
    device_id: str,
) -> str:
    """Issue (or return the already issued) number of one document; runs in the caller's transaction."""
    if doc_kind not in DOC_KINDS:
        raise InputError(f"unknown document kind {doc_kind!r} (expected one of {', '.join(DOC_KINDS)})")
    found = existing_number(conn, inspection_id, doc_kind)
    if found:
        return found
    day = _local_date(signed_at)
    pattern = _pattern(conn)
    fields = _fields(conn, subject_kind, doc_kind, day, device_id)
    scope = _prefix_scope(pattern, fields)
    conn.execute("INSERT INTO number_sequences(scope, next_value) VALUES (?, 1) ON CONFLICT(scope) DO NOTHING", (scope,))
    seq = int(conn.execute("SELECT next_value FROM number_sequences WHERE scope = ?", (scope,)).fetchone()[0])
    while True:
        number = pattern.format(**fields, seq=seq)
        taken = conn.execute("SELECT 1 FROM issued_numbers WHERE number = ?", (number,)).fetchone()
        if not taken:
            break
        seq += 1  # a restored backup or a reset counter: skip, never reuse
    issued_at = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    conn.execute(
        "INSERT INTO issued_numbers(number, kind, inspection_id, status, issued_at, device_id) "
        "VALUES (?, ?, ?, 'valid', ?, ?)",
        (number, doc_kind, inspection_id, issued_at, device_id),
    )
    conn.execute("UPDATE number_sequences SET next_value = ? WHERE scope = ?", (seq + 1, scope))
    return number


def assign_numbers(
    conn: sqlite3.Connection,
    inspection_id: str,
    kind: str,
    signed_at: str | datetime | date,
    device_id: str,
) -> dict[str, str]:
    """Numbers given to an inspection when it is signed: ``{"report_no": ..., "certificate_no": ...}``.

    ``kind`` is the subject kind (elevator / scale / site). A rectification-notice number is
    added (``notice_no``) when the inspection has findings at that moment. Calling it again for
    the same inspection returns the same numbers. Runs inside the caller's transaction and
    never commits.
    """
    numbers = {
        "report_no": issue_number(conn, inspection_id, "report", kind, signed_at, device_id),
        "certificate_no": issue_number(conn, inspection_id, "certificate", kind, signed_at, device_id),
    }
    has_findings = conn.execute("SELECT 1 FROM findings WHERE inspection_id = ? LIMIT 1", (inspection_id,)).fetchone()
    if has_findings:
        numbers["notice_no"] = issue_number(conn, inspection_id, "notice", kind, signed_at, device_id)
    return numbers


def numbers_for(conn: sqlite3.Connection, inspection_id: str) -> dict[str, dict[str, str]]:
    """Every number issued to an inspection, by document kind, with its status."""
    rows = conn.execute(
        "SELECT kind, number, status, issued_at FROM issued_numbers WHERE inspection_id = ? ORDER BY issued_at",
        (inspection_id,),
    ).fetchall()
    out: dict[str, dict[str, str]] = {}
    for kind, number, status, issued_at in rows:
        if kind not in out or status == "valid":
            out[kind] = {"number": number, "status": status, "issued_at": issued_at}
    return out


def set_number_status(conn: sqlite3.Connection, number: str, status: str) -> None:
    """Mark a number void / replaced / revoked; the row stays so the number is never issued again."""
    if status not in ("valid", "void", "replaced", "revoked"):
        raise InputError(f"unknown number status {status!r}")
    cur = conn.execute("UPDATE issued_numbers SET status = ? WHERE number = ?", (status, number))
    if cur.rowcount == 0:
        raise InputError(f"number {number} was never issued on this device")


def inspection_for_number(conn: sqlite3.Connection, number: str) -> str | None:
    """The inspection a report / certificate / notice number was issued to (any status), if any."""
    row = conn.execute("SELECT inspection_id FROM issued_numbers WHERE number = ?", (number.strip(),)).fetchone()
    return row[0] if row else None
