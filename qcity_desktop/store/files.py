"""Blobs (photos, signature images) stored once by content hash, and the rows pointing at them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qcity_desktop.canonical import sha256_hex
from qcity_desktop.errors import InputError, NotFoundError, StateError
from qcity_desktop.store import new_id

if TYPE_CHECKING:
    from qcity_desktop.store import Store

SIGNATURE_ROLES = ("inspector", "representative", "reviewer", "approver")


def _require_editable(store: Store, inspection_id: str) -> None:
    row = store.conn.execute("SELECT status FROM inspections WHERE id = ?", (inspection_id,)).fetchone()
    if row is None:
        raise NotFoundError(f"no inspection {inspection_id}")
    if row[0] == "signed":
        raise StateError(f"inspection {inspection_id} is signed and can no longer change")


class Blobs:
    def __init__(self, store: Store) -> None:
        self.store = store

    def put(self, data: bytes, mime: str) -> str:
        """Store ``data`` once; return its SHA-256 (the same bytes twice are stored once)."""
        digest = sha256_hex(data)
        self.store.conn.execute(
            "INSERT OR IGNORE INTO blobs(sha256, size, mime, data, created_at) VALUES (?, ?, ?, ?, ?)",
            (digest, len(data), mime, data, self.store.now()),
        )
        return digest

    def get(self, sha256: str) -> bytes:
        row = self.store.conn.execute("SELECT data FROM blobs WHERE sha256 = ?", (sha256,)).fetchone()
        if row is None:
            raise NotFoundError(f"no stored file with hash {sha256}")
        return bytes(row[0])

    def has(self, sha256: str) -> bool:
        return self.store.conn.execute("SELECT 1 FROM blobs WHERE sha256 = ?", (sha256,)).fetchone() is not None


class Attachments:
    def __init__(self, store: Store) -> None:
        self.store = store

    def add(self, inspection_id: str, data: bytes, mime: str, item_id: str | None = None,
            filename: str = "", caption: str = "", kind: str = "photo") -> str:
        with self.store.transaction():
            _require_editable(self.store, inspection_id)
            digest = self.store.blobs.put(data, mime)
            aid = new_id()
            self.store.insert("attachments", {"id": aid, "inspection_id": inspection_id, "item_id": item_id,
                                              "kind": kind, "sha256": digest, "filename": filename,
                                              "caption": caption, **self.store.sync_fields()})
            self.store.audit.append("attach", "inspection", inspection_id, digest)
        return aid

    def remove(self, attachment_id: str) -> None:
        with self.store.transaction():
            row = self.store.query_one("SELECT inspection_id FROM attachments WHERE id = ?", (attachment_id,))
            if row is None:
                raise NotFoundError(f"no attachment {attachment_id}")
            _require_editable(self.store, row["inspection_id"])
            self.store.conn.execute("DELETE FROM attachments WHERE id = ?", (attachment_id,))
            self.store.audit.append("detach", "inspection", row["inspection_id"], attachment_id)

    def for_inspection(self, inspection_id: str) -> list[dict[str, Any]]:
        return self.store.query(
            "SELECT a.id, a.item_id, a.kind, a.sha256, a.filename, a.caption, b.mime, b.size, a.created_at "
            "FROM attachments a JOIN blobs b ON b.sha256 = a.sha256 WHERE a.inspection_id = ? ORDER BY a.created_at, a.id",
            (inspection_id,),
        )


class Signatures:
    def __init__(self, store: Store) -> None:
        self.store = store

    def add(self, inspection_id: str, role: str, signer: str, png: bytes | None = None, signed_at: str | None = None) -> str:
        """Record who signed in which role (with the handwritten image when there is one)."""
        if role not in SIGNATURE_ROLES:
            raise InputError(f"signature role {role!r} is not one of {', '.join(SIGNATURE_ROLES)}")
        if not signer.strip():
            raise InputError("a signature needs the signer's name")
        with self.store.transaction():
            _require_editable(self.store, inspection_id)
            digest = self.store.blobs.put(png, "image/png") if png else None
            sid = new_id()
            self.store.insert("signatures", {"id": sid, "inspection_id": inspection_id, "role": role,
                                             "signer": signer.strip(), "signed_at": signed_at or self.store.now(),
                                             "sha256": digest, **self.store.sync_fields()})
            self.store.audit.append("signature", "inspection", inspection_id, digest or "", actor=signer)
        return sid

    def for_inspection(self, inspection_id: str) -> list[dict[str, Any]]:
        return self.store.query(
            "SELECT id, role, signer, signed_at, sha256 FROM signatures WHERE inspection_id = ? ORDER BY signed_at, id",
            (inspection_id,),
        )


class Measurements:
    def __init__(self, store: Store) -> None:
        self.store = store

    def add(self, inspection_id: str, kind: str, *, item_id: str | None = None, seq: int = 0,
            load: str | None = None, indication: str | None = None, error: str | None = None,
            mpe: str | None = None, unit: str = "", passed: bool | None = None,
            data: dict[str, Any] | None = None) -> str:
        import json

        with self.store.transaction():
            _require_editable(self.store, inspection_id)
            mid = new_id()
            self.store.insert("measurements", {
                "id": mid, "inspection_id": inspection_id, "item_id": item_id, "kind": kind, "seq": seq,
                "load": load, "indication": indication, "error": error, "mpe": mpe, "unit": unit,
                "passed": None if passed is None else int(bool(passed)),
                "data": json.dumps(data or {}, ensure_ascii=False, sort_keys=True), **self.store.sync_fields()})
        return mid

    def for_inspection(self, inspection_id: str) -> list[dict[str, Any]]:
        import json

        rows = self.store.query(
            "SELECT id, item_id, kind, seq, load, indication, error, mpe, unit, passed, data FROM measurements "
            "WHERE inspection_id = ? ORDER BY kind, seq, created_at", (inspection_id,))
        for r in rows:
            r["data"] = json.loads(r["data"] or "{}")
            r["passed"] = None if r["passed"] is None else bool(r["passed"])
        return rows
