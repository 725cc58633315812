"""Supervisors' reviews of signed inspections (审核): approved, or returned with a reason.

A signed inspection never changes, so the review is a record about it, kept beside it: append-only
(db/0008), the latest review is the inspection's state, and earlier ones stay as history. Whether
the reviewer may review is the hub's decision (only supervisors' reviews are accepted, docs/sync.md);
on the device a review needs a signed inspection, a reviewer's name and, to return it, a reason.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qcity_desktop.canonical import canonical_hash
from qcity_desktop.errors import InputError, NotFoundError, StateError
from qcity_desktop.store import new_id

if TYPE_CHECKING:
    from qcity_desktop.store import Store

DECISIONS = ("approved", "returned")
DECISION_ZH = {"approved": "审核通过", "returned": "退回", None: "待审核"}


def latest_sql(column: str, inspection: str = "i.id") -> str:
    """SQL for one column of an inspection's latest review — its review state — for lists and the due list.

    Written once so every place agrees on "latest": the last by time, and of two in the same millisecond
    the one written last (rowid).
    """
    return (f"(SELECT rl.{column} FROM reviews rl WHERE rl.inspection_id = {inspection} "
            "ORDER BY rl.reviewed_at DESC, rl.rowid DESC LIMIT 1)")


class Reviews:
    def __init__(self, store: Store) -> None:
        self.store = store

    def add(self, inspection_id: str, decision: str, reviewer: str, comment: str = "") -> dict[str, Any]:
        """Record a review of a signed inspection; returns the stored row."""
        reviewer, comment = (reviewer or "").strip(), (comment or "").strip()
        if decision not in DECISIONS:
            raise InputError(f"decision {decision!r} is not one of {', '.join(DECISIONS)}")
        if not reviewer:
            raise InputError("a review needs the reviewer's name (--reviewer)")
        if decision == "returned" and not comment:
            raise InputError("returning an inspection needs a reason (--comment) the inspector can act on")
        with self.store.transaction():
            row = self.store.query_one("SELECT status FROM inspections WHERE id = ?", (inspection_id,))
            if row is None:
                raise NotFoundError(f"no inspection {inspection_id}")
            if row["status"] != "signed":
                raise StateError(f"inspection {inspection_id} is {row['status']}; only signed inspections are reviewed")
            rid = new_id()
            review = {"id": rid, "inspection_id": inspection_id, "decision": decision, "reviewer": reviewer,
                      "comment": comment, "reviewed_at": self.store.now()}
            self.store.insert("reviews", {**review, **self.store.sync_fields()})
            self.store.audit.append("review", "inspection", inspection_id, canonical_hash(review), actor=reviewer)
        return self.store.query_one("SELECT * FROM reviews WHERE id = ?", (rid,)) or {}

    def for_inspection(self, inspection_id: str) -> list[dict[str, Any]]:
        """Every review of the inspection, oldest first (the last one is its state; two in the same
        millisecond keep the order they were written in)."""
        return self.store.query("SELECT * FROM reviews WHERE inspection_id = ? ORDER BY reviewed_at, rowid",
                                (inspection_id,))

    def latest(self, inspection_id: str) -> dict[str, Any] | None:
        rows = self.for_inspection(inspection_id)
        return rows[-1] if rows else None

    def pending(self, limit: int = 500) -> list[dict[str, Any]]:
        """Signed inspections with no review yet, oldest signature first: a supervisor's queue."""
        return self.store.query(
            "SELECT i.id, i.kind, i.signed_at, i.signed_by, i.verdict, i.report_no, s.name AS subject_name "
            "FROM inspections i JOIN subjects s ON s.id = i.subject_id WHERE i.status = 'signed' AND NOT EXISTS "
            "(SELECT 1 FROM reviews r WHERE r.inspection_id = i.id) ORDER BY i.signed_at LIMIT ?", (limit,))
