"""Paged, sorted and counted views of the registry and the inspections, for list screens.

The desktop lists show 100,000 inspections without loading them: they ask for one page at a time
and need the position after the last row they have. Keyset paging (``WHERE (key, id) < (?, ?)``)
costs the same on page 500 as on page 1, where OFFSET would walk every skipped row again. The
SQL lives here, in the core, so the ui never builds SQL (architecture rule) and the CLI or the
hub can page the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from qcity_desktop.errors import InputError
from qcity_desktop.store import decode_json_column
from qcity_desktop.store.reviews import latest_sql
from qcity_desktop.store.subjects import split_search

if TYPE_CHECKING:
    from qcity_desktop.store import Store

# Sort keys the lists offer → the SQL expression; every expression is NOT NULL so row-value
# comparisons in keyset paging never meet a NULL.
INSPECTION_SORTS: dict[str, str] = {
    "started_at": "i.started_at",
    "subject": "s.name",
    "kind": "i.kind",
    "template": "i.template_id",
    "inspectors": "i.inspectors",
    "status": "i.status",
    "verdict": "COALESCE(i.verdict, '')",
    "score": "COALESCE(CAST(i.score AS REAL), -1.0)",
    "certificate": "COALESCE(i.certificate_no, '')",
    "review": f"COALESCE({latest_sql('decision')}, '')",
}
SUBJECT_DUE_FILTERS = ("", "overdue", "soon", "none")
_COLUMNS = ("i.id, i.kind, i.subject_id, s.name AS subject_name, i.template_id, i.template_version, i.inspectors, "
            "i.started_at, i.status, i.verdict, i.score, i.grade, i.certificate_no, i.report_no, "
            # the latest review (审核) is the state: one index probe per listed row
            f"{latest_sql('decision')} AS review")


@dataclass(frozen=True)
class InspectionFilter:
    kind: str = ""
    status: str = ""
    verdict: str = ""
    inspector: str = ""
    subject_id: str = ""
    date_from: str = ""      # ISO date, inclusive
    date_to: str = ""        # ISO date, inclusive

    def where(self) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        for col, val in (("i.kind", self.kind), ("i.status", self.status), ("i.subject_id", self.subject_id)):
            if val:
                clauses.append(f"{col} = ?")
                params.append(val)
        if self.verdict == "none":
            clauses.append("i.verdict IS NULL")
        elif self.verdict:
            clauses.append("i.verdict = ?")
            params.append(self.verdict)
        if self.inspector.strip():
            clauses.append("i.inspectors LIKE ?")
            params.append(f"%{self.inspector.strip()}%")
        if self.date_from:
            clauses.append("i.started_at >= ?")
            params.append(_iso(self.date_from, "from"))
        if self.date_to:
            end = date.fromisoformat(_iso(self.date_to, "to")) + timedelta(days=1)
            clauses.append("i.started_at < ?")
            params.append(end.isoformat())
        return (" AND ".join(clauses), params)


def _iso(text: str, which: str) -> str:
    try:
        return date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        raise InputError(f"date {which} {text!r} is not a date (YYYY-MM-DD)") from None


def _sort_expr(sort: str) -> str:
    try:
        return INSPECTION_SORTS[sort]
    except KeyError:
        raise InputError(f"cannot sort inspections by {sort!r}; choose one of {', '.join(INSPECTION_SORTS)}") from None


def inspection_page(store: Store, filt: InspectionFilter, sort: str = "started_at", descending: bool = True,
                    after: tuple[Any, str] | None = None, limit: int = 200) -> tuple[list[dict[str, Any]], tuple[Any, str] | None]:
    """One page of inspections and the key to pass as ``after`` for the next page (None at the end)."""
    expr = _sort_expr(sort)
    where, params = filt.where()
    clauses = [where] if where else []
    op = "<" if descending else ">"
    if after is not None:
        clauses.append(f"({expr}, i.id) {op} (?, ?)")
        params += [after[0], after[1]]
    direction = "DESC" if descending else "ASC"
    sql = (f"SELECT {_COLUMNS}, {expr} AS sort_key FROM inspections i JOIN subjects s ON s.id = i.subject_id "
           + (f"WHERE {' AND '.join(clauses)} " if clauses else "")
           + f"ORDER BY {expr} {direction}, i.id {direction} LIMIT ?")
    rows = store.query(sql, (*params, limit))
    decode_json_column(rows, "inspectors", "[]")
    next_key = (rows[-1]["sort_key"], rows[-1]["id"]) if len(rows) == limit else None
    for r in rows:
        r.pop("sort_key", None)
    return rows, next_key


def iter_inspections(store: Store, filt: InspectionFilter, sort: str = "started_at", descending: bool = True,
                     page: int = 500) -> Iterator[list[dict[str, Any]]]:
    """Every matching inspection, a page at a time (for exports that must not hold all rows)."""
    after = None
    while True:
        rows, after = inspection_page(store, filt, sort, descending, after, page)
        if rows:
            yield rows
        if after is None:
            return


def inspection_count(store: Store, filt: InspectionFilter) -> int:
    where, params = filt.where()
    join = "JOIN subjects s ON s.id = i.subject_id " if "s." in where else ""
    sql = f"SELECT count(*) FROM inspections i {join}" + (f"WHERE {where}" if where else "")
    return int(store.conn.execute(sql, params).fetchone()[0])


def open_work(store: Store, limit: int = 200) -> list[dict[str, Any]]:
    """Drafts and completed-but-unsigned inspections, newest first, with how far each has got."""
    rows = store.query(
        f"SELECT {_COLUMNS}, (SELECT count(*) FROM answers a WHERE a.inspection_id = i.id) AS answered "
        "FROM inspections i JOIN subjects s ON s.id = i.subject_id "
        "WHERE i.status IN ('draft', 'completed') ORDER BY i.started_at DESC LIMIT ?", (limit,))
    decode_json_column(rows, "inspectors", "[]")
    return rows


# --------------------------------------------------------------------------- subjects

@dataclass(frozen=True)
class SubjectFilter:
    kind: str = ""
    search: str = ""
    district: str = ""
    due: str = ""            # "" all / overdue / soon (due within `within_days`) / none (no due date)
    today: str = ""          # ISO date the due filter counts from (default: today)
    within_days: int = 30

    def query(self) -> tuple[str, str, list[Any]]:
        """(join, where, params) for subjects ``s``; the FTS parameter comes first when present."""
        clauses, params = ["s.deleted = 0"], []
        join = ""
        join_params: list[Any] = []
        if self.kind:
            clauses.append("s.kind = ?")
            params.append(self.kind)
        if self.district:
            clauses.append("s.district = ?")
            params.append(self.district)
        if self.due not in SUBJECT_DUE_FILTERS:
            raise InputError(f"due filter {self.due!r} is not one of overdue, soon, none")
        today = date.fromisoformat(self.today) if self.today else date.today()
        if self.due == "overdue":
            clauses.append("s.next_due IS NOT NULL AND s.next_due < ?")
            params.append(today.isoformat())
        elif self.due == "soon":
            clauses.append("s.next_due IS NOT NULL AND s.next_due <= ?")
            params.append((today + timedelta(days=self.within_days)).isoformat())
        elif self.due == "none":
            clauses.append("s.next_due IS NULL")
        text = self.search.strip()
        if text:
            q, short = split_search(text)
            if q is not None:
                join = "JOIN subjects_fts f ON f.rowid = s.rowid AND subjects_fts MATCH ?"
                join_params.append(q)
            for term in short:
                like = f"%{term}%"
                clauses.append("(s.name LIKE ? OR s.address LIKE ? OR s.codes LIKE ? OR s.owner LIKE ?)")
                params += [like] * 4
        return join, " AND ".join(clauses), join_params + params


def subject_page(store: Store, filt: SubjectFilter, offset: int = 0, limit: int = 200) -> list[dict[str, Any]]:
    """Subjects by name; ``data`` is decoded so the list can show kind-specific columns."""
    join, where, params = filt.query()
    rows = store.query(f"SELECT s.id, s.kind, s.name, s.address, s.district, s.codes, s.owner, s.data, s.next_due "
                       f"FROM subjects s {join} WHERE {where} ORDER BY s.name, s.id LIMIT ? OFFSET ?",
                       (*params, limit, offset))
    decode_json_column(rows, "data")
    return rows


def subject_count(store: Store, filt: SubjectFilter) -> int:
    join, where, params = filt.query()
    return int(store.conn.execute(f"SELECT count(*) FROM subjects s {join} WHERE {where}", params).fetchone()[0])


def districts(store: Store, kind: str = "") -> list[str]:
    sql = "SELECT DISTINCT district FROM subjects WHERE deleted = 0 AND district != ''"
    params: tuple[Any, ...] = ()
    if kind:
        sql += " AND kind = ?"
        params = (kind,)
    return [r[0] for r in store.conn.execute(sql + " ORDER BY district", params).fetchall()]


def due_by_date(store: Store, today: date, within_days: int, limit: int = 500) -> list[dict[str, Any]]:
    """Subjects whose registered next due date falls before ``today + within_days`` (overdue first).

    The plain fallback for the Today page when the schedule's own due list is not available.
    """
    horizon = (today + timedelta(days=within_days)).isoformat()
    rows = store.query("SELECT id, kind, name, address, district, codes, next_due FROM subjects "
                       "WHERE deleted = 0 AND next_due IS NOT NULL AND next_due <= ? ORDER BY next_due, name LIMIT ?",
                       (horizon, limit))
    for r in rows:
        r["days_left"] = (date.fromisoformat(r["next_due"][:10]) - today).days
    return rows


# --------------------------------------------------------------------------- status bar

def local_changes(store: Store) -> dict[str, int]:
    """Counts for the status bar: records changed since the last sync mark, and open drafts.

    Until the sync client keeps its own state this counts subjects and inspections written after
    ``meta.last_sync_at`` (everything when the device never synced), which is what an inspector
    means by "not yet sent".
    """
    mark = store.meta_get("last_sync_at") or ""
    changed = 0
    for table in ("subjects", "inspections"):
        changed += store.conn.execute(f"SELECT count(*) FROM {table} WHERE updated_at > ?", (mark,)).fetchone()[0]
    drafts = store.conn.execute("SELECT count(*) FROM inspections WHERE status IN ('draft', 'completed')").fetchone()[0]
    return {"changed": int(changed), "drafts": int(drafts)}
