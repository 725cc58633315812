"""The inspections list as a lazily fetched table: pages of rows arrive from the DB worker.

The view asks ``canFetchMore``/``fetchMore`` when the user scrolls near the end; the model then
asks the worker for the next keyset page and inserts it when it arrives, so 100,000 rows never
sit in memory at once and the GUI thread never waits on SQLite. A filter or sort change bumps a
generation number: pages of the old query that arrive late are dropped.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from qcity_desktop.store.browse import InspectionFilter, inspection_count, inspection_page
from ui.labels import FAILING_VERDICTS, kind_label, local_time, status_label, template_title, verdict_label
from ui.workers import DbWorker

Index = QModelIndex | QPersistentModelIndex
ID_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2

# (key in the row / sort key, header source text)
COLUMNS: tuple[tuple[str, str], ...] = (
    ("started_at", QT_TRANSLATE_NOOP("InspectionsModel", "Date")),
    ("subject", QT_TRANSLATE_NOOP("InspectionsModel", "Subject")),
    ("kind", QT_TRANSLATE_NOOP("InspectionsModel", "Kind")),
    ("template", QT_TRANSLATE_NOOP("InspectionsModel", "Template")),
    ("inspectors", QT_TRANSLATE_NOOP("InspectionsModel", "Inspector")),
    ("status", QT_TRANSLATE_NOOP("InspectionsModel", "Status")),
    ("verdict", QT_TRANSLATE_NOOP("InspectionsModel", "Verdict")),
    ("score", QT_TRANSLATE_NOOP("InspectionsModel", "Score")),
    ("certificate", QT_TRANSLATE_NOOP("InspectionsModel", "Certificate no.")),
)
_FAIL_BRUSH = QBrush(QColor("#b3261e"))


def _prepare(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Format on the worker thread so data() only looks up strings."""
    for r in rows:
        r["_date"] = local_time(r["started_at"])
        r["_inspectors"] = "、".join(r["inspectors"])
    return rows


class InspectionsModel(QAbstractTableModel):
    countChanged = Signal(int)
    loadingChanged = Signal(bool)
    pageLoaded = Signal(int)

    def __init__(self, worker: DbWorker, page_size: int = 200, parent: Any = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self.page_size = page_size
        self._rows: list[dict[str, Any]] = []
        self._filter = InspectionFilter()
        self._sort = "started_at"
        self._descending = True
        self._next_key: tuple[Any, str] | None = None
        self._more = False
        self._loading = False
        self._generation = 0
        self.total: int | None = None

    # -- queries ---------------------------------------------------------------------------
    def set_filter(self, filt: InspectionFilter) -> None:
        self._filter = filt
        self.reload()

    @property
    def filter(self) -> InspectionFilter:
        return self._filter

    def reload(self) -> None:
        """Forget every row and start again from the first page (filter, sort or data changed)."""
        self._generation += 1
        self.beginResetModel()
        self._rows = []
        self._next_key = None
        self._more = True
        self._loading = False
        self.endResetModel()
        self.total = None
        gen, filt = self._generation, self._filter
        self._worker.submit(lambda store: inspection_count(store, filt),
                            lambda n: self._count_arrived(gen, n), owner=self)
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
        gen, filt, sort, desc, after, size = (self._generation, self._filter, self._sort, self._descending,
                                              self._next_key, self.page_size)

        def fetch(store: Any) -> tuple[list[dict[str, Any]], Any]:
            rows, key = inspection_page(store, filt, sort, desc, after, size)
            return _prepare(rows), key

        self._worker.submit(fetch, lambda result: self._page_arrived(gen, result),
                            lambda err: self._page_failed(gen, err), owner=self)

    def _page_arrived(self, gen: int, result: tuple[list[dict[str, Any]], Any]) -> None:
        if gen != self._generation:
            return
        rows, key = result
        self._loading = False
        self._next_key = key
        self._more = key is not None
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
        return self._loading

    # -- lazy fetching -------------------------------------------------------------------------
    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008 - Qt's signature
        return not parent.isValid() and self._more and not self._loading

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if not parent.isValid():
            self._request_page()

    # -- Qt model API ------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(COLUMNS):
            return self.tr(COLUMNS[section][1])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row = self._rows[index.row()]
        key = COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, key)
        if role == ID_ROLE:
            return row["id"]
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.ForegroundRole and key == "verdict" and row["verdict"] in FAILING_VERDICTS:
            return _FAIL_BRUSH
        if role == Qt.ItemDataRole.TextAlignmentRole and key == "score":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and key == "subject":
            return row["subject_name"]
        return None

    @staticmethod
    def _display(row: dict[str, Any], key: str) -> str:
        if key == "started_at":
            return row["_date"]
        if key == "subject":
            return row["subject_name"]
        if key == "kind":
            return kind_label(row["kind"])
        if key == "template":
            return template_title(row["template_id"])
        if key == "inspectors":
            return row["_inspectors"]
        if key == "status":
            return status_label(row["status"])
        if key == "verdict":
            return verdict_label(row["verdict"])
        if key == "score":
            return row["score"] or ""
        if key == "certificate":
            return row["certificate_no"] or ""
        return ""

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        self._sort = COLUMNS[column][0]
        self._descending = order == Qt.SortOrder.DescendingOrder
        self.reload()

    def row_id(self, row: int) -> str | None:
        return self._rows[row]["id"] if 0 <= row < len(self._rows) else None

    def row_data(self, row: int) -> dict[str, Any] | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(COLUMNS) - 1))
