"""Inspections: the whole record, filtered and sorted, paged in lazily; opens the editor."""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QEvent, QModelIndex, QPoint, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from qcity_desktop.store.browse import InspectionFilter, inspection_count, iter_inspections
from ui.context import AppContext
from ui.labels import FAILING_VERDICTS, KINDS, STATUSES, VERDICTS, kind_label, status_label, verdict_label
from ui.models.inspections import InspectionsModel
from ui.pages.common import apply_widths, table_view
from ui.workers import Job, JobContext, run_with_progress

NO_DATE = QDate(2000, 1, 1)


def _date_edit() -> QDateEdit:
    """A date field that can be empty: its minimum shows as blank and means "no limit"."""
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setMinimumDate(NO_DATE)
    edit.setSpecialValueText(" ")
    edit.setDate(NO_DATE)
    return edit


class InspectionsPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inspectionsPage")
        self.ctx = ctx
        self.model = InspectionsModel(ctx.worker, parent=self)
        self.kind = QComboBox()
        self.kind.setObjectName("kindFilter")
        self.kind.addItem("", "")
        for k in KINDS:
            self.kind.addItem("", k)
        self.status = QComboBox()
        self.status.setObjectName("statusFilter")
        self.status.addItem("", "")
        for s in STATUSES:
            self.status.addItem("", s)
        self.verdict = QComboBox()
        self.verdict.setObjectName("verdictFilter")
        self.verdict.addItem("", "")
        for v in VERDICTS:
            self.verdict.addItem("", v)
        self.verdict.addItem("", "none")
        self.date_from = _date_edit()
        self.date_from.setObjectName("dateFrom")
        self.date_to = _date_edit()
        self.date_to.setObjectName("dateTo")
        self.inspector = QLineEdit()
        self.inspector.setObjectName("inspectorFilter")
        self.inspector.setClearButtonEnabled(True)
        self.reset_button = QPushButton()
        self.open_button = QPushButton()
        self.open_button.setObjectName("openSelected")
        self.export_button = QPushButton()
        self.export_button.setObjectName("exportCsv")
        self.count_label = QLabel()
        self.count_label.setObjectName("inspectionCount")
        self._from_label = QLabel()
        self._to_label = QLabel()

        self.view = table_view(self, (130, 230, 60, 220, 90, 60, 70, 70, 60))
        self.view.setObjectName("inspectionsView")
        self.view.setModel(self.model)
        apply_widths(self.view)
        self.view.horizontalHeader().setSortIndicator(0, Qt.SortOrder.DescendingOrder)
        self.view.horizontalHeader().setSortIndicatorShown(True)
        self.view.horizontalHeader().setSectionsClickable(True)
        self.view.horizontalHeader().sortIndicatorChanged.connect(self.model.sort)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)

        bar = QHBoxLayout()
        for w in (self.kind, self.status, self.verdict):
            bar.addWidget(w)
        bar.addWidget(self._from_label)
        bar.addWidget(self.date_from)
        bar.addWidget(self._to_label)
        bar.addWidget(self.date_to)
        bar.addWidget(self.inspector, 1)
        bar.addWidget(self.reset_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label, 1)
        bottom.addWidget(self.export_button)
        bottom.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        layout.addLayout(bottom)

        self._apply_timer = QTimer(self)
        self._apply_timer.setSingleShot(True)
        self._apply_timer.setInterval(200)
        self._apply_timer.timeout.connect(self.apply_filters)
        for box in (self.kind, self.status, self.verdict):
            box.activated.connect(lambda _i: self.apply_filters())
        self.date_from.dateChanged.connect(lambda _d: self._apply_timer.start())
        self.date_to.dateChanged.connect(lambda _d: self._apply_timer.start())
        self.inspector.textChanged.connect(lambda _t: self._apply_timer.start())
        self.reset_button.clicked.connect(self.reset_filters)
        self.export_button.clicked.connect(self._ask_export)
        self.view.activated.connect(self._open)
        self.open_button.clicked.connect(lambda: self._open(self.view.currentIndex()))
        self.model.countChanged.connect(self._show_count)
        self.model.loadingChanged.connect(lambda _b: self._show_count(self.model.total))
        ctx.dataChanged.connect(self._data_changed)
        self._loaded = False
        self.retranslate()

    # -- filters ------------------------------------------------------------------------------------
    def current_filter(self) -> InspectionFilter:
        def iso(edit: QDateEdit) -> str:
            return "" if edit.date() == NO_DATE else edit.date().toString("yyyy-MM-dd")

        return InspectionFilter(kind=self.kind.currentData() or "", status=self.status.currentData() or "",
                                verdict=self.verdict.currentData() or "", inspector=self.inspector.text().strip(),
                                date_from=iso(self.date_from), date_to=iso(self.date_to))

    def apply_filters(self) -> None:
        self._apply_timer.stop()
        self._loaded = True
        self.model.set_filter(self.current_filter())

    def reset_filters(self) -> None:
        for w in (self.kind, self.status, self.verdict, self.date_from, self.date_to, self.inspector):
            w.blockSignals(True)
        self.kind.setCurrentIndex(0)
        self.status.setCurrentIndex(0)
        self.verdict.setCurrentIndex(0)
        self.date_from.setDate(NO_DATE)
        self.date_to.setDate(NO_DATE)
        self.inspector.clear()
        for w in (self.kind, self.status, self.verdict, self.date_from, self.date_to, self.inspector):
            w.blockSignals(False)
        self.apply_filters()

    def activate(self) -> None:
        if not self._loaded:
            self.apply_filters()

    def _data_changed(self) -> None:
        if self._loaded:
            self.model.reload()

    def _show_count(self, n: int | None) -> None:
        if n is None:
            self.count_label.setText(self.tr("Counting…"))
            return
        text = self.tr("%n inspection(s)", "", n)
        if self.model.rowCount() < n:
            text += "  " + self.tr("({0} loaded; scroll for more)").format(self.model.rowCount())
        self.count_label.setText(text)

    # -- export ------------------------------------------------------------------------------------
    def _ask_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export inspections"), "inspections.csv",
                                              self.tr("CSV files (*.csv)"))
        if path:
            self.export_csv(path)

    def export_csv(self, path: str) -> Job:
        """Write the filtered list to a CSV file (UTF-8 with BOM, so Excel shows Chinese) on the long
        worker, with a progress dialog; Cancel leaves no half-written file behind."""
        filt = self.current_filter()
        headers = [self.model.headerData(c, Qt.Orientation.Horizontal) for c in range(self.model.columnCount())]
        labels = {"kind": {k: kind_label(k) for k in KINDS}, "status": {s: status_label(s) for s in STATUSES},
                  "verdict": {v: verdict_label(v) for v in VERDICTS}}
        progress_text = self.tr("Exported {0} of {1}")

        def job(store: Any, ctx: JobContext) -> int:
            total = inspection_count(store, filt)
            part = Path(path + ".part")
            done = 0
            try:
                with part.open("w", newline="", encoding="utf-8-sig") as fh:
                    out = csv.writer(fh)
                    out.writerow([*headers, "id"])
                    for rows in iter_inspections(store, filt):
                        ctx.check()
                        for r in rows:
                            out.writerow([r["started_at"], r["subject_name"], labels["kind"].get(r["kind"], r["kind"]),
                                          r["template_id"], "、".join(r["inspectors"]),
                                          labels["status"].get(r["status"], r["status"]),
                                          labels["verdict"].get(r["verdict"], r["verdict"] or ""), r["score"] or "",
                                          r["certificate_no"] or "", r["id"]])
                        done += len(rows)
                        ctx.progress(done, total, progress_text.format(done, total))
                os.replace(part, path)
            except BaseException:
                part.unlink(missing_ok=True)
                raise
            return done

        def finished(n: int) -> None:
            self.count_label.setText(self.tr("%n inspection(s) exported to {0}", "", n).format(path))

        return run_with_progress(self.ctx.long_worker, self, self.tr("Exporting inspections…"), job, finished)

    # -- opening ---------------------------------------------------------------------------------------
    def _open(self, index: QModelIndex) -> None:
        if index.isValid():
            self.ctx.open_inspection(self.model.row_id(index.row()))

    def _context_menu(self, pos: QPoint) -> None:
        index = self.view.indexAt(pos)
        if not index.isValid():
            return
        iid = self.model.row_id(index.row())
        menu = QMenu(self)
        open_action = QAction(self.tr("Open"), menu)
        open_action.triggered.connect(lambda: self.ctx.open_inspection(iid))
        menu.addAction(open_action)
        row = self.model.row_data(index.row()) or {}
        if self.ctx.preview_report is not None:
            docs = [("report", self.tr("Preview / print report"))]
            if row.get("status") == "signed":
                docs.append(("certificate", self.tr("Preview / print certificate")))
            if row.get("verdict") in FAILING_VERDICTS:
                docs.append(("notice", self.tr("Preview / print rectification notice")))
            for kind, text in docs:
                act = QAction(text, menu)
                act.triggered.connect(lambda _c=False, k=kind: self.ctx.preview_report(iid, k))  # type: ignore[misc]
                menu.addAction(act)
        if row.get("status") == "signed":
            menu.addSeparator()
            review = QAction(self.tr("Review…"), menu)
            review.triggered.connect(lambda: self.open_review(iid))
            menu.addAction(review)
        menu.popup(self.view.viewport().mapToGlobal(pos))

    def open_review(self, inspection_id: str) -> Any:
        """The 审核 dialog for a signed inspection (a supervisor approves it or returns it)."""
        from ui.pages.review_dialog import ReviewDialog

        dialog = ReviewDialog(self.ctx, inspection_id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.open()
        return dialog

    def focus_search(self) -> bool:
        self.inspector.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.inspector.selectAll()
        return True

    # -- language ------------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.kind.setItemText(0, self.tr("All kinds"))
        for i, k in enumerate(KINDS, start=1):
            self.kind.setItemText(i, kind_label(k))
        self.status.setItemText(0, self.tr("Any status"))
        for i, s in enumerate(STATUSES, start=1):
            self.status.setItemText(i, status_label(s))
        self.verdict.setItemText(0, self.tr("Any verdict"))
        for i, v in enumerate(VERDICTS, start=1):
            self.verdict.setItemText(i, verdict_label(v))
        self.verdict.setItemText(len(VERDICTS) + 1, self.tr("No verdict yet"))
        self._from_label.setText(self.tr("From"))
        self._to_label.setText(self.tr("to"))
        self.inspector.setPlaceholderText(self.tr("Inspector (Ctrl+F)"))
        self.reset_button.setText(self.tr("Clear filters"))
        self.open_button.setText(self.tr("Open"))
        self.export_button.setText(self.tr("Export CSV…"))
        self.model.retranslate()
        self._show_count(self.model.total)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange and hasattr(self, "model"):
            self.retranslate()
        super().changeEvent(event)
