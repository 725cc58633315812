"""One kind's subjects (elevators, scales or sites) as a lazily fetched, searchable table.

Typing in the search box restarts a short timer; only when the user pauses does the model ask
the worker for the first page of FTS matches, and answers for an older search text are thrown
away when they arrive. Columns come from the kind's field list in the core, so the table, the
form and the CLI always agree on what a scale or an elevator has.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QModelIndex, Qt, QTimer
from PySide6.QtGui import QBrush, QColor

from qcity_desktop.domain.subject_fields import fields_for
from qcity_desktop.store.browse import SubjectFilter, subject_count, subject_page
from ui.i18n import lang
from ui.models.lazy import ID_ROLE, Fetch, LazyTableModel
from ui.workers import DbWorker

__all__ = ["COLUMNS_BY_KIND", "ID_ROLE", "SubjectsModel"]

COLUMNS_BY_KIND: dict[str, tuple[str, ...]] = {
    "elevator": ("name", "registration_code", "address", "district", "user_unit", "maintenance_company", "next_due"),
    "scale": ("name", "serial_no", "merchant", "market", "stall", "accuracy_class", "max", "cert_expiry", "district",
              "next_due"),
    "site": ("name", "permit_no", "address", "district", "builder", "contractor", "next_due"),
}
NEXT_DUE = QT_TRANSLATE_NOOP("SubjectsModel", "Next due")
_OVERDUE_BRUSH = QBrush(QColor("#b3261e"))
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole


def _cells(row: dict[str, Any], columns: tuple[str, ...]) -> tuple[str, ...]:
    out = []
    for name in columns:
        if name == "next_due":
            out.append(row["next_due"] or "")
        elif name in ("name", "address", "district"):
            out.append(row[name])
        else:
            value = row["data"].get(name)
            out.append("" if value is None else str(value))
    return tuple(out)


class SubjectsModel(LazyTableModel):
    def __init__(self, worker: DbWorker, kind: str, page_size: int = 200, debounce_ms: int = 180,
                 parent: Any = None) -> None:
        columns = COLUMNS_BY_KIND[kind]
        super().__init__(worker, len(columns), page_size, parent)
        self.kind = kind
        self._columns = columns
        self._fields = {f.name: f for f in fields_for(kind)}
        self._filter = SubjectFilter(kind=kind)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(debounce_ms)
        self._debounce.timeout.connect(self.reload)
        self._next_due_col = columns.index("next_due")
        self.set_headers()

    # -- filtering ------------------------------------------------------------------------
    @property
    def filter(self) -> SubjectFilter:
        return self._filter

    def set_search(self, text: str) -> None:
        """Search as you type: the query runs once typing pauses for the debounce interval."""
        if text == self._filter.search:
            return
        self._filter = replace(self._filter, search=text)
        self._generation += 1  # answers for the previous text are now stale
        self._debounce.start()

    def set_filter(self, district: str | None = None, due: str | None = None, within_days: int | None = None) -> None:
        changes: dict[str, Any] = {}
        if district is not None:
            changes["district"] = district
        if due is not None:
            changes["due"] = due
        if within_days is not None:
            changes["within_days"] = within_days
        self._filter = replace(self._filter, **changes)
        self.reload()

    def reload(self) -> None:
        self._debounce.stop()
        super().reload()

    @property
    def loading(self) -> bool:
        return self._loading or self._debounce.isActive()

    # -- the lazy table's hooks ------------------------------------------------------------------
    def make_count(self) -> Callable[[Any], int]:
        filt = self._filter
        return lambda store: subject_count(store, filt)

    def make_fetch(self, cursor: Any) -> Fetch:
        filt, size, offset, columns = self._filter, self.page_size, cursor or 0, self._columns

        def fetch(store: Any) -> tuple[list[dict[str, Any]], Any]:
            rows = subject_page(store, filt, offset, size)
            for r in rows:
                r["_cells"] = _cells(r, columns)
            return rows, (offset + len(rows) if len(rows) == size else None)

        return fetch

    def decorate(self, set_data: Callable[..., Any], index: Callable[[int, int], QModelIndex], r: int,
                 row: dict[str, Any]) -> None:
        if row["next_due"] and row["next_due"] < _today():
            set_data(index(r, self._next_due_col), _OVERDUE_BRUSH, _FOREGROUND)
        set_data(index(r, 0), row["name"], _TOOLTIP)

    def header_texts(self) -> list[str]:
        out = []
        for name in self._columns:
            if name == "next_due":
                out.append(QCoreApplication.translate("SubjectsModel", NEXT_DUE))
                continue
            f = self._fields[name]
            label = f.en if lang() == "en" else f.zh
            out.append(f"{label} ({f.unit})" if f.unit else label)
        return out


def _today() -> str:
    return date.today().isoformat()
