"""Reference standards (weight sets, reference scales) in the store — table reference_instruments (0003).

The bureau's standards change slowly but their certificates expire yearly; the scale wizard lists
the ones valid today and refuses a verdict with an expired one (metrology/traceability.py). Every
change is audited and bumps ``rev`` so sync can follow; deleting only hides a row, because old
inspections name it.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import TYPE_CHECKING, Any

from qcity_desktop.errors import InputError, NotFoundError
from qcity_desktop.metrology.traceability import KINDS, ReferenceInstrument

if TYPE_CHECKING:
    from qcity_desktop.store import Store

_COLUMNS = "id, kind, name, accuracy_class, certificate_no, issued_by, serial_no, expires, data, deleted"


def _payload_hash(ref: ReferenceInstrument) -> str:
    text = json.dumps(ref.to_dict(), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _from_row(row: dict[str, Any]) -> ReferenceInstrument:
    return ReferenceInstrument.from_dict({
        "id": row["id"], "kind": row["kind"], "name": row["name"], "class": row["accuracy_class"],
        "certificate_no": row["certificate_no"], "issued_by": row["issued_by"], "serial_no": row["serial_no"],
        "expires": row["expires"], "data": json.loads(row["data"] or "{}"),
    })


class References:
    """Repository of reference instruments: ``References(store)``."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def add(self, ref: ReferenceInstrument, actor: str = "") -> str:
        """Store a new reference (validated by ReferenceInstrument itself); returns its id."""
        with self.store.transaction():
            if self.store.query_one("SELECT id FROM reference_instruments WHERE id = ?", (ref.id,)):
                raise InputError(f"标准器 {ref.id} 已存在 / reference {ref.id} already exists")
            self.store.insert("reference_instruments", {
                "id": ref.id, "kind": ref.kind, "name": ref.name, "accuracy_class": ref.accuracy_class,
                "certificate_no": ref.certificate_no, "issued_by": ref.issued_by, "serial_no": ref.serial_no,
                "expires": ref.expires.isoformat(), "data": json.dumps(ref.data, ensure_ascii=False, sort_keys=True),
                "deleted": 0, **self.store.sync_fields(),
            })
            self.store.audit.append("add", "reference_instrument", ref.id, _payload_hash(ref), actor)
        return ref.id

    def get(self, ref_id: str) -> ReferenceInstrument:
        row = self.store.query_one(f"SELECT {_COLUMNS} FROM reference_instruments WHERE id = ?", (ref_id,))
        if row is None:
            raise NotFoundError(f"标准器 {ref_id} 不存在 / no reference instrument {ref_id}")
        return _from_row(row)

    def list(self, kind: str | None = None, *, valid_on: date | None = None,
             include_deleted: bool = False) -> list[ReferenceInstrument]:
        """References by name; ``valid_on`` keeps only those whose certificate covers that day."""
        if kind is not None and kind not in KINDS:
            raise InputError(f"未知标准器类型 {kind!r} / unknown reference kind (use {', '.join(KINDS)})")
        sql = f"SELECT {_COLUMNS} FROM reference_instruments WHERE 1 = 1"
        params: list[Any] = []
        if kind is not None:
            sql += " AND kind = ?"
            params.append(kind)
        if not include_deleted:
            sql += " AND deleted = 0"
        if valid_on is not None:
            sql += " AND expires >= ?"
            params.append(valid_on.isoformat())
        rows = self.store.query(sql + " ORDER BY kind, name, id", tuple(params))
        return [_from_row(r) for r in rows]

    def renew(self, ref_id: str, certificate_no: str, expires: date, *, issued_by: str | None = None,
              data: dict[str, Any] | None = None, actor: str = "") -> ReferenceInstrument:
        """Record a new certificate for an existing reference (the old one stays in the audit log)."""
        with self.store.transaction():
            old = self.get(ref_id)
            new = ReferenceInstrument(
                id=old.id, kind=old.kind, name=old.name, accuracy_class=old.accuracy_class,
                certificate_no=certificate_no, expires=expires,
                issued_by=old.issued_by if issued_by is None else issued_by,
                serial_no=old.serial_no, data=old.data if data is None else data,
            )
            self.store.update("reference_instruments", ref_id, {
                "certificate_no": new.certificate_no, "expires": new.expires.isoformat(), "issued_by": new.issued_by,
                "data": json.dumps(new.data, ensure_ascii=False, sort_keys=True),
            })
            self.store.audit.append("renew", "reference_instrument", ref_id, _payload_hash(new), actor)
        return new

    def delete(self, ref_id: str, actor: str = "") -> None:
        """Hide a reference from lists; inspections that used it keep their snapshot."""
        with self.store.transaction():
            self.get(ref_id)
            self.store.update("reference_instruments", ref_id, {"deleted": 1})
            self.store.audit.append("delete", "reference_instrument", ref_id, "", actor)
