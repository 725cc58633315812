"""The inspections list: the lazy paged table over ``store/browse.inspection_page`` (keyset paging).

Sorting is the database's job (an index and a keyset per sort key), so a header click refetches.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from qcity_desktop.store.browse import InspectionFilter, inspection_count, inspection_page
from ui.labels import (
    FAILING_VERDICTS,
    kind_label,
    local_time,
    review_label,
    status_label,
    template_title,
    verdict_label,
)
from ui.models.lazy import ID_ROLE, Fetch, LazyTableModel
from ui.workers import DbWorker

__all__ = ["COLUMNS", "ID_ROLE", "InspectionsModel"]

# (key in the row / sort key, header source text)
COLUMNS: tuple[tuple[str, str], ...] = (
    ("started_at", QT_TRANSLATE_NOOP("InspectionsModel", "Date")),
    ("subject", QT_TRANSLATE_NOOP("InspectionsModel", "Subject")),
    ("kind", QT_TRANSLATE_NOOP("InspectionsModel", "Kind")),
    ("template", QT_TRANSLATE_NOOP("InspectionsModel", "Template")),
    ("inspectors", QT_TRANSLATE_NOOP("InspectionsModel", "Inspector")),
    ("status", QT_TRANSLATE_NOOP("InspectionsModel", "Status")),
    ("verdict", QT_TRANSLATE_NOOP("InspectionsModel", "Verdict")),
    ("review", QT_TRANSLATE_NOOP("InspectionsModel", "Review")),
    ("score", QT_TRANSLATE_NOOP("InspectionsModel", "Score")),
    ("certificate", QT_TRANSLATE_NOOP("InspectionsModel", "Certificate no.")),
)
_FAIL_BRUSH = QBrush(QColor("#b3261e"))


def _cells(row: dict[str, Any]) -> tuple[str, ...]:
    """The row's texts in column order, in the current language (cached on the row)."""
    return (row["_date"], row["subject_name"], kind_label(row["kind"]), template_title(row["template_id"]),
            row["_inspectors"], status_label(row["status"]), verdict_label(row["verdict"]),
            review_label(row.get("review"), row["status"]), row["score"] or "", row["certificate_no"] or "")


def _prepare(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Format on the worker thread (QCoreApplication.translate is thread-safe), so the GUI thread
    only wraps ready strings into items."""
    for r in rows:
        r["_date"] = local_time(r["started_at"])
        r["inspectors"] = "、".join(r["inspectors"])  # a string: the kept row holds atomic values only
        r["_inspectors"] = r["inspectors"]
        r["_cells"] = _cells(r)
    return rows


_RIGHT = int((Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value)
_ALIGN = Qt.ItemDataRole.TextAlignmentRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
_VERDICT_COL = [k for k, _ in COLUMNS].index("verdict")
_SCORE_COL = [k for k, _ in COLUMNS].index("score")
_REVIEW_COL = [k for k, _ in COLUMNS].index("review")


class InspectionsModel(LazyTableModel):
    def __init__(self, worker: DbWorker, page_size: int = 200, parent: Any = None) -> None:
        super().__init__(worker, len(COLUMNS), page_size, parent)
        self._filter = InspectionFilter()
        self._sort = "started_at"
        self._descending = True
        self.set_headers()

    def set_filter(self, filt: InspectionFilter) -> None:
        self._filter = filt
        self.reload()

    @property
    def filter(self) -> InspectionFilter:
        return self._filter

    def make_count(self) -> Callable[[Any], int]:
        filt = self._filter
        return lambda store: inspection_count(store, filt)

    def make_fetch(self, cursor: Any) -> Fetch:
        filt, sort, desc, size = self._filter, self._sort, self._descending, self.page_size

        def fetch(store: Any) -> tuple[list[dict[str, Any]], Any]:
            rows, key = inspection_page(store, filt, sort, desc, cursor, size)
            return _prepare(rows), key

        return fetch

    def decorate(self, set_data: Callable[..., Any], index: Callable[[int, int], QModelIndex], r: int,
                 row: dict[str, Any]) -> None:
        set_data(index(r, _SCORE_COL), _RIGHT, _ALIGN)
        if row["verdict"] in FAILING_VERDICTS:
            set_data(index(r, _VERDICT_COL), _FAIL_BRUSH, _FOREGROUND)
        if row.get("review") == "returned":     # sent back by the office: the inspector must act
            set_data(index(r, _REVIEW_COL), _FAIL_BRUSH, _FOREGROUND)

    def header_texts(self) -> list[str]:
        return [QCoreApplication.translate("InspectionsModel", text) for _, text in COLUMNS]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sorting is the database's job (an index, keyset paging); the loaded rows are refetched."""
        if not 0 <= column < len(COLUMNS):
            return
        self._sort = COLUMNS[column][0]
        self._descending = order == Qt.SortOrder.DescendingOrder
        self.reload()
