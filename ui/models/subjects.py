"""One kind's subjects (elevators, scales or sites) as a lazily fetched, searchable table.

Typing in the search box restarts a short timer; only when the user pauses does the model ask
the worker for the first page of FTS matches, and answers for an older search text are thrown
away when they arrive. Columns come from the kind's field list in the core, so the table, the
form and the CLI always agree on what a scale or an elevator has.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from qcity_desktop.domain.subject_fields import fields_for
from qcity_desktop.store.browse import SubjectFilter, subject_count, subject_page
from ui.i18n import lang
from ui.workers import DbWorker

Index = QModelIndex | QPersistentModelIndex
ID_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2

COLUMNS_BY_KIND: dict[str, tuple[str, ...]] = {
    "elevator": ("name", "registration_code", "address", "district", "user_unit", "maintenance_company", "next_due"),
    "scale": ("name", "serial_no", "merchant", "market", "stall", "accuracy_class", "max", "cert_expiry", "district",
              "next_due"),
    "site": ("name", "permit_no", "address", "district", "builder", "contractor", "next_due"),
}
NEXT_DUE = QT_TRANSLATE_NOOP("SubjectsModel", "Next due")
_OVERDUE_BRUSH = QBrush(QColor("#b3261e"))


class SubjectsModel(QAbstractTableModel):
    countChanged = Signal(int)
    loadingChanged = Signal(bool)
    pageLoaded = Signal(int)

    def __init__(self, worker: DbWorker, kind: str, page_size: int = 200, debounce_ms: int = 180,
                 parent: Any = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self.kind = kind
        self.page_size = page_size
        self._columns = COLUMNS_BY_KIND[kind]
        self._fields = {f.name: f for f in fields_for(kind)}
        self._rows: list[dict[str, Any]] = []
        self._filter = SubjectFilter(kind=kind)
        self._more = False
        self._loading = False
        self._generation = 0
        self.total: int | None = None
        self._today = ""
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(debounce_ms)
        self._debounce.timeout.connect(self.reload)

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
        self._generation += 1
        self.beginResetModel()
        self._rows = []
        self._more = True
        self._loading = False
        self.endResetModel()
        self.total = None
        gen, filt = self._generation, self._filter
        self._worker.submit(lambda store: subject_count(store, filt), lambda n: self._count_arrived(gen, n), owner=self)
        self._request_page()

    def _count_arrived(self, gen: int, n: int) -> None:
        if gen == self._generation:
            self.total = n
            self.countChanged.emit(n)

    def _request_page(self) -> None:
        if self._loading or not self._more:
            return
        self._loading = True
        self.loadingChanged.emit(True)
        gen, filt, offset, size = self._generation, self._filter, len(self._rows), self.page_size
        self._worker.submit(lambda store: subject_page(store, filt, offset, size),
                            lambda rows: self._page_arrived(gen, rows), lambda err: self._page_failed(gen, err),
                            owner=self)

    def _page_arrived(self, gen: int, rows: list[dict[str, Any]]) -> None:
        if gen != self._generation:
            return
        self._loading = False
        self._more = len(rows) == self.page_size
        if rows:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()
        self.loadingChanged.emit(False)
        self.pageLoaded.emit(len(self._rows))

    def _page_failed(self, gen: int, err: BaseException) -> None:
        if gen != self._generation:
            return
        self._loading = False
        self._more = False
        self.loadingChanged.emit(False)
        from ui.errors import present_error

        present_error(err)

    @property
    def loading(self) -> bool:
        return self._loading or self._debounce.isActive()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008 - Qt's signature
        return not parent.isValid() and self._more and not self._loading

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if not parent.isValid():
            self._request_page()

    # -- Qt model API --------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if not 0 <= section < len(self._columns):
            return None
        name = self._columns[section]
        if name == "next_due":
            return self.tr(NEXT_DUE)
        f = self._fields[name]
        label = f.en if lang() == "en" else f.zh
        return f"{label} ({f.unit})" if f.unit else label

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row = self._rows[index.row()]
        name = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if name == "next_due":
                return row["next_due"] or ""
            if name in ("name", "address", "district"):
                return row[name]
            value = row["data"].get(name)
            return "" if value is None else str(value)
        if role == ID_ROLE:
            return row["id"]
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.ForegroundRole and name == "next_due" and row["next_due"]:
            if row["next_due"] < self._today_iso():
                return _OVERDUE_BRUSH
        if role == Qt.ItemDataRole.ToolTipRole and name in ("name", "address"):
            return row[name]
        return None

    def _today_iso(self) -> str:
        if not self._today:
            from datetime import date

            self._today = date.today().isoformat()
        return self._today

    def row_id(self, row: int) -> str | None:
        return self._rows[row]["id"] if 0 <= row < len(self._rows) else None

    def row_data(self, row: int) -> dict[str, Any] | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self._columns) - 1)
