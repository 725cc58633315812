"""The append-only, hash-chained audit log.

Each entry's hash covers the previous entry's hash, so deleting or editing any entry (which
the triggers already refuse) breaks every later link; signing entries also carry the hash of
the signed inspection's canonical JSON, so changing a signed inspection behind the app's back
is found by ``qcity audit verify``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from qcity_desktop.canonical import canonical_hash

if TYPE_CHECKING:
    from qcity_desktop.store import Store

GENESIS = "0" * 64
_FIELDS = ("seq", "at", "device_id", "actor", "action", "entity", "entity_id", "payload_hash", "prev_hash")


def entry_hash(entry: dict[str, Any]) -> str:
    return canonical_hash({k: entry[k] for k in _FIELDS})


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    entries: int
    broken_at: int | None = None
    reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "entries": self.entries, "broken_at": self.broken_at, "reason": self.reason}


class AuditLog:
    def __init__(self, store: Store) -> None:
        self.store = store

    def append(self, action: str, entity: str, entity_id: str, payload_hash: str = "", actor: str = "") -> None:
        """Append an entry; call inside the transaction of the change it records."""
        conn = self.store.conn
        last = conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
        entry = {
            "seq": (last[0] + 1) if last else 1,
            "at": self.store.now(),
            "device_id": self.store.device_id,
            "actor": actor,
            "action": action,
            "entity": entity,
            "entity_id": entity_id,
            "payload_hash": payload_hash,
            "prev_hash": last[1] if last else GENESIS,
        }
        entry["hash"] = entry_hash(entry)
        self.store.insert("audit_log", entry)

    def entries(self, limit: int | None = None) -> list[dict[str, Any]]:
        sql = "SELECT * FROM audit_log ORDER BY seq"
        if limit:
            sql += f" LIMIT {int(limit)}"
        return self.store.query(sql)

    def verify(self) -> VerifyResult:
        """Walk the chain and name the first broken link."""
        prev = GENESIS
        count = 0
        expected_seq = None
        for row in self.store.conn.execute(f"SELECT {', '.join(_FIELDS)}, hash FROM audit_log ORDER BY seq"):
            entry = dict(zip((*_FIELDS, "hash"), row, strict=True))
            count += 1
            seq = entry["seq"]
            if expected_seq is not None and seq != expected_seq:
                return VerifyResult(False, count, seq, f"entries {expected_seq}…{seq - 1} are missing")
            expected_seq = seq + 1
            if entry["prev_hash"] != prev:
                return VerifyResult(False, count, seq, f"entry {seq} does not follow entry {seq - 1} (previous hash differs)")
            if entry_hash(entry) != entry["hash"]:
                return VerifyResult(False, count, seq, f"entry {seq} ({entry['action']} {entry['entity']}) was altered")
            if entry["action"] == "sign" and entry["entity"] == "inspection":
                problem = self._check_signed(entry["entity_id"], entry["payload_hash"])
                if problem:
                    return VerifyResult(False, count, seq, f"entry {seq}: {problem}")
            prev = entry["hash"]
        return VerifyResult(True, count)

    def _check_signed(self, inspection_id: str, payload_hash: str) -> str:
        row = self.store.conn.execute("SELECT content_hash, status FROM inspections WHERE id = ?", (inspection_id,)).fetchone()
        if row is None:
            return f"signed inspection {inspection_id} is missing"
        if row[0] != payload_hash or row[1] != "signed":
            return f"signed inspection {inspection_id} no longer matches its signature record"
        actual = self.store.inspections.content_hash(inspection_id)
        if actual != payload_hash:
            return f"signed inspection {inspection_id} was changed after signing"
        return ""
