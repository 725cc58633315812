"""The subjects registry: elevators, scales and construction sites."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from qcity_desktop.domain.subject_fields import fields_for, split_columns, validate_subject
from qcity_desktop.errors import InputError, NotFoundError
from qcity_desktop.store import decode_json_column, new_id

if TYPE_CHECKING:
    from qcity_desktop.store import Store


def _row_to_subject(row: dict[str, Any]) -> dict[str, Any]:
    row["data"] = json.loads(row["data"] or "{}")
    return row


def split_search(text: str) -> tuple[str | None, list[str]]:
    """Split a search into a trigram FTS5 query (terms of 3+ characters) and short terms.

    The trigram index only matches 3+ character substrings; shorter terms such as 赤壁 are
    matched with LIKE on the (already narrowed) rows instead.
    """
    terms = [t for t in text.replace('"', " ").split() if t]
    long_terms = [t for t in terms if len(t) >= 3]
    short = [t for t in terms if len(t) < 3]
    query = " AND ".join(f'"{t}"' for t in long_terms) if long_terms else None
    return query, short


class Subjects:
    def __init__(self, store: Store) -> None:
        self.store = store

    def add(self, kind: str, values: dict[str, Any], subject_id: str | None = None) -> tuple[str, list[str]]:
        """Register a subject; returns its id and any soft warnings."""
        fields_for(kind)
        clean, warnings = validate_subject(kind, values)
        if not clean.get("name"):
            raise InputError(f"a {kind} needs a name (--set name=...)")
        sid = subject_id or new_id()
        with self.store.transaction():
            if self.store.conn.execute("SELECT 1 FROM subjects WHERE id = ?", (sid,)).fetchone():
                raise InputError(f"subject {sid} already exists")
            self.store.insert("subjects", {"id": sid, "kind": kind, **split_columns(kind, clean),
                                           "data": json.dumps(clean, ensure_ascii=False, sort_keys=True),
                                           "next_due": self._next_due(kind, clean), **self.store.sync_fields()})
            self.store.audit.append("add", "subject", sid)
        return sid, warnings

    def update(self, subject_id: str, values: dict[str, Any]) -> list[str]:
        """Change some fields of a subject (other fields are kept)."""
        current = self.get(subject_id)
        merged = {**current["data"], **values}
        clean, warnings = validate_subject(current["kind"], merged)
        if not clean.get("name"):
            raise InputError("a subject needs a name")
        with self.store.transaction():
            self.store.update("subjects", subject_id, {**split_columns(current["kind"], clean),
                                                       "data": json.dumps(clean, ensure_ascii=False, sort_keys=True),
                                                       "next_due": self._next_due(current["kind"], clean)})
            self.store.audit.append("update", "subject", subject_id)
        return warnings

    def _next_due(self, kind: str, clean: dict[str, Any]) -> str | None:
        try:
            from qcity_desktop import schedule
        except ImportError:  # the schedule module arrives with the due-dates work
            return clean.get("cert_expiry") if kind == "scale" else None
        fn = getattr(schedule, "next_due_for_subject", None)
        return fn(kind, clean) if fn else (clean.get("cert_expiry") if kind == "scale" else None)

    def get(self, subject_id: str) -> dict[str, Any]:
        row = self.store.query_one("SELECT * FROM subjects WHERE id = ?", (subject_id,))
        if row is None:
            raise NotFoundError(f"no subject {subject_id}")
        return _row_to_subject(row)

    def list(self, kind: str | None = None, search: str | None = None, limit: int = 200, offset: int = 0,
             district: str | None = None) -> list[dict[str, Any]]:
        """Subjects, newest first, optionally filtered by kind, district and a search text."""
        where, params = ["s.deleted = 0"], []
        if kind:
            fields_for(kind)
            where.append("s.kind = ?")
            params.append(kind)
        if district:
            where.append("s.district = ?")
            params.append(district)
        join = ""
        if search and search.strip():
            query, short = split_search(search.strip())
            if query is not None:
                join = "JOIN subjects_fts f ON f.rowid = s.rowid AND subjects_fts MATCH ?"
                params.insert(0, query)
            for term in short:
                like = f"%{term}%"
                where.append("(s.name LIKE ? OR s.address LIKE ? OR s.codes LIKE ? OR s.owner LIKE ?)")
                params += [like] * 4
        sql = (f"SELECT s.* FROM subjects s {join} WHERE {' AND '.join(where)} "
               f"ORDER BY s.kind, s.name LIMIT ? OFFSET ?")
        rows = self.store.query(sql, (*params, limit, offset))
        decode_json_column(rows, "data")
        return rows

    def count(self, kind: str | None = None) -> int:
        if kind:
            return self.store.conn.execute("SELECT count(*) FROM subjects WHERE kind = ? AND deleted = 0", (kind,)).fetchone()[0]
        return self.store.conn.execute("SELECT count(*) FROM subjects WHERE deleted = 0").fetchone()[0]

    def history(self, subject_id: str) -> list[dict[str, Any]]:
        return self.store.query(
            "SELECT id, template_id, status, verdict, score, grade, started_at, signed_at, certificate_no "
            "FROM inspections WHERE subject_id = ? ORDER BY started_at DESC", (subject_id,))
