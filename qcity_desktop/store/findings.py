"""Findings: failed items with a rectification deadline, closed by a later re-inspection."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qcity_desktop.errors import NotFoundError, StateError
from qcity_desktop.store import new_id

if TYPE_CHECKING:
    from qcity_desktop.store import Store


class Findings:
    def __init__(self, store: Store) -> None:
        self.store = store

    def for_inspection(self, inspection_id: str) -> list[dict[str, Any]]:
        return self.store.query(
            "SELECT * FROM findings WHERE inspection_id = ? ORDER BY created_at, item_id", (inspection_id,)
        )

    def upsert(self, inspection_id: str, item_id: str, description: str, rule: str, severity: str, deadline: str | None) -> str:
        existing = self.store.conn.execute(
            "SELECT id FROM findings WHERE inspection_id = ? AND item_id = ?", (inspection_id, item_id)
        ).fetchone()
        if existing:
            # keep a deadline the inspector already set (or agreed with the site) when completing again
            self.store.update("findings", existing[0], {"description": description, "rule": rule, "severity": severity})
            return existing[0]
        fid = new_id()
        self.store.insert("findings", {"id": fid, "inspection_id": inspection_id, "item_id": item_id,
                                       "description": description, "rule": rule, "severity": severity,
                                       "deadline": deadline, "status": "open", **self.store.sync_fields()})
        return fid

    def remove_except(self, inspection_id: str, keep_items: set[str]) -> None:
        """Drop open findings of items that no longer fail (the inspection is still a draft)."""
        for fid, item_id in self.store.conn.execute(
            "SELECT id, item_id FROM findings WHERE inspection_id = ? AND status = 'open'", (inspection_id,)
        ).fetchall():
            if item_id not in keep_items:
                self.store.conn.execute("DELETE FROM findings WHERE id = ?", (fid,))

    def set_deadline(self, finding_id: str, deadline: str) -> None:
        with self.store.transaction():
            row = self.store.query_one("SELECT f.id, i.status FROM findings f JOIN inspections i ON i.id = f.inspection_id "
                                       "WHERE f.id = ?", (finding_id,))
            if row is None:
                raise NotFoundError(f"no finding {finding_id}")
            if row["status"] == "signed":
                raise StateError("the inspection is signed; its findings' deadlines can no longer change")
            self.store.update("findings", finding_id, {"deadline": deadline})

    def close(self, finding_id: str, reinspection_id: str) -> None:
        """Close a finding by the re-inspection that found it rectified."""
        with self.store.transaction():
            if self.store.query_one("SELECT id FROM findings WHERE id = ?", (finding_id,)) is None:
                raise NotFoundError(f"no finding {finding_id}")
            self.store.update("findings", finding_id, {"status": "closed", "closed_by": reinspection_id})
            self.store.audit.append("close", "finding", finding_id, actor=reinspection_id)

    def open_findings(self) -> list[dict[str, Any]]:
        return self.store.query(
            "SELECT f.*, i.subject_id FROM findings f JOIN inspections i ON i.id = f.inspection_id "
            "WHERE f.status = 'open' ORDER BY f.deadline"
        )
