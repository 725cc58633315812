"""Today: what is due or overdue, and the inspections still in progress — where a day starts."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QEvent, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget

from ui.context import AppContext
from ui.labels import days_text, due_label, kind_label, local_time, status_label, template_title
from ui.models.rows import Column, RowsModel
from ui.pages.common import apply_widths, heading, subheading, table_view

_RED = QBrush(QColor("#b3261e"))
_AMBER = QBrush(QColor("#8a5a00"))


def load_due(store: Any, today: date, within_days: int) -> list[dict[str, Any]]:
    """The due list from the schedule when it is available, else from the registered due dates."""
    from qcity_desktop.store.browse import due_by_date

    try:
        from qcity_desktop.store.due import due_items
    except ImportError:
        due_items = None
    if due_items is not None:
        out = []
        for item in due_items(store, today, within_days):
            d = item.as_dict() if hasattr(item, "as_dict") else dict(item)
            d["due_date"] = str(d.get("due_date", ""))[:10]
            out.append(d)
        return out
    return [{"subject_id": r["id"], "subject_name": r["name"], "subject_kind": r["kind"], "what": "next_due",
             "due_date": r["next_due"][:10], "days_left": r["days_left"], "detail": "", "address": r["address"],
             "district": r["district"], "inspection_id": None} for r in due_by_date(store, today, within_days)]


def load_open_work(store: Any) -> list[dict[str, Any]]:
    from qcity_desktop.store.browse import open_work

    return open_work(store)


def _days_brush(row: dict[str, Any]) -> QBrush | None:
    if row["days_left"] < 0:
        return _RED
    if row["days_left"] <= 7:
        return _AMBER
    return None


DUE_COLUMNS = (
    Column(QT_TRANSLATE_NOOP("TodayPage", "Due date"), "TodayPage", lambda r: r["due_date"]),
    Column(QT_TRANSLATE_NOOP("TodayPage", "When"), "TodayPage", lambda r: days_text(int(r["days_left"])), foreground=_days_brush),
    Column(QT_TRANSLATE_NOOP("TodayPage", "What"), "TodayPage", lambda r: due_label(r["what"])),
    Column(QT_TRANSLATE_NOOP("TodayPage", "Subject"), "TodayPage", lambda r: r["subject_name"]),
    Column(QT_TRANSLATE_NOOP("TodayPage", "Kind"), "TodayPage", lambda r: kind_label(r["subject_kind"])),
    Column(QT_TRANSLATE_NOOP("TodayPage", "District"), "TodayPage", lambda r: r.get("district") or ""),
    Column(QT_TRANSLATE_NOOP("TodayPage", "Details"), "TodayPage", lambda r: r.get("detail") or ""),
)
WORK_COLUMNS = (
    Column(QT_TRANSLATE_NOOP("TodayPage", "Started"), "TodayPage", lambda r: local_time(r["started_at"])),
    Column(QT_TRANSLATE_NOOP("TodayPage", "Subject"), "TodayPage", lambda r: r["subject_name"]),
    Column(QT_TRANSLATE_NOOP("TodayPage", "Kind"), "TodayPage", lambda r: kind_label(r["kind"])),
    Column(QT_TRANSLATE_NOOP("TodayPage", "Template"), "TodayPage", lambda r: template_title(r["template_id"])),
    Column(QT_TRANSLATE_NOOP("TodayPage", "Status"), "TodayPage", lambda r: status_label(r["status"])),
    Column(QT_TRANSLATE_NOOP("TodayPage", "Answers"), "TodayPage", lambda r: str(r.get("answered", "")), align_right=True),
)


class TodayPage(QWidget):
    refreshed = Signal()   # both lists have arrived

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("todayPage")
        self.ctx = ctx
        self._title = heading()
        self._due_title = subheading()
        self._work_title = subheading()
        self._due_hint = QLabel()
        self._due_hint.setObjectName("dueHint")
        self.due_model = RowsModel(DUE_COLUMNS, id_key="subject_id", parent=self)
        self.work_model = RowsModel(WORK_COLUMNS, parent=self)
        self.due_view = table_view(self, (100, 130, 150, 260, 90, 80))
        self.due_view.setObjectName("dueView")
        self.due_view.setModel(self.due_model)
        apply_widths(self.due_view)
        self.work_view = table_view(self, (140, 260, 80, 180, 80))
        self.work_view.setObjectName("workView")
        self.work_view.setModel(self.work_model)
        apply_widths(self.work_view)
        self.start_button = QPushButton()
        self.start_button.setObjectName("startInspection")
        self.open_button = QPushButton()
        self.open_button.setObjectName("openInspection")
        self.refresh_button = QPushButton()

        top = QHBoxLayout()
        top.addWidget(self._title, 1)
        top.addWidget(self.refresh_button)
        due_box = QWidget()
        due_layout = QVBoxLayout(due_box)
        due_layout.setContentsMargins(0, 0, 0, 0)
        due_head = QHBoxLayout()
        due_head.addWidget(self._due_title)
        due_head.addWidget(self._due_hint, 1)
        due_head.addWidget(self.start_button)
        due_layout.addLayout(due_head)
        due_layout.addWidget(self.due_view)
        work_box = QWidget()
        work_layout = QVBoxLayout(work_box)
        work_layout.setContentsMargins(0, 0, 0, 0)
        work_head = QHBoxLayout()
        work_head.addWidget(self._work_title, 1)
        work_head.addWidget(self.open_button)
        work_layout.addLayout(work_head)
        work_layout.addWidget(self.work_view)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(due_box)
        split.addWidget(work_box)
        split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)

        self.due_view.activated.connect(self._start_for_due)
        self.work_view.activated.connect(self._open_work)
        self.start_button.clicked.connect(lambda: self._start_for_due(self.due_view.currentIndex()))
        self.open_button.clicked.connect(lambda: self._open_work(self.work_view.currentIndex()))
        self.refresh_button.clicked.connect(self.refresh)
        ctx.dataChanged.connect(self.refresh)
        self._loaded = False
        self.retranslate()

    # -- data ------------------------------------------------------------------------------
    def activate(self) -> None:
        if not self._loaded:
            self.refresh()

    def refresh(self) -> None:
        self._loaded = True
        self._waiting = 2
        within = self.ctx.settings.due_within_days
        today = date.today()
        # the due list runs the schedule arithmetic for every subject (up to a second for a city):
        # on the second connection, so the lists and counters on the main worker are not held up
        self.ctx.long_worker.submit(lambda store: load_due(store, today, within), self._due_arrived, owner=self)
        self.ctx.worker.submit(load_open_work, self._work_arrived, owner=self)

    def _one_arrived(self) -> None:
        self._waiting -= 1
        if self._waiting == 0:
            self.refreshed.emit()

    def _work_arrived(self, rows: list[dict[str, Any]]) -> None:
        self.work_model.set_rows(rows)
        self._one_arrived()

    def _due_arrived(self, rows: list[dict[str, Any]]) -> None:
        rows.sort(key=lambda r: (r["due_date"], r["subject_name"]))
        self.due_model.set_rows(rows)
        self._overdue = sum(1 for r in rows if r["days_left"] < 0)
        self._show_overdue()
        self._one_arrived()

    def _show_overdue(self) -> None:
        n = getattr(self, "_overdue", 0)
        self._due_hint.setText(self.tr("%n overdue", "", n) if n else "")

    def _start_for_due(self, index: Any) -> None:
        row = self.due_model.row_data(index.row()) if index.isValid() else None
        if row is None:
            self.ctx.new_inspection(None)
        elif row.get("what") == "reinspection" and row.get("inspection_id"):
            self.ctx.new_inspection(row["subject_id"], reinspection_of=row["inspection_id"])
        elif row.get("what") == "returned" and row.get("inspection_id"):   # see what the office returned
            self.ctx.open_inspection(row["inspection_id"])
        else:
            self.ctx.new_inspection(row["subject_id"])

    def _open_work(self, index: Any) -> None:
        row = self.work_model.row_data(index.row()) if index.isValid() else None
        if row:
            self.ctx.open_inspection(row["id"])

    def focus_search(self) -> bool:
        return False

    # -- language --------------------------------------------------------------------------
    def retranslate(self) -> None:
        self._title.setText(self.tr("Today — {0}").format(date.today().isoformat()))
        self._due_title.setText(self.tr("Due and overdue (next {0} days)").format(self.ctx.settings.due_within_days))
        self._work_title.setText(self.tr("In progress: drafts and unsigned inspections"))
        self.start_button.setText(self.tr("Start inspection"))
        self.open_button.setText(self.tr("Open"))
        self.refresh_button.setText(self.tr("Refresh"))
        self._show_overdue()
        self.due_model.retranslate()
        self.work_model.retranslate()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
