"""Subjects: one table per kind with search as you type, filters, add/edit, and each subject's history."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QEvent, QModelIndex, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabBar,
    QVBoxLayout,
    QWidget,
)

from qcity_desktop.store.browse import districts
from ui.context import AppContext
from ui.labels import KINDS, kind_plural, local_time, status_label, template_title, verdict_label
from ui.models.rows import Column, RowsModel
from ui.models.subjects import SubjectsModel
from ui.pages.common import apply_widths, subheading, table_view
from ui.pages.subject_form import SubjectForm

HISTORY_COLUMNS = (
    Column(QT_TRANSLATE_NOOP("SubjectsPage", "Date"), "SubjectsPage", lambda r: local_time(r["started_at"])),
    Column(QT_TRANSLATE_NOOP("SubjectsPage", "Template"), "SubjectsPage", lambda r: template_title(r["template_id"])),
    Column(QT_TRANSLATE_NOOP("SubjectsPage", "Status"), "SubjectsPage", lambda r: status_label(r["status"])),
    Column(QT_TRANSLATE_NOOP("SubjectsPage", "Verdict"), "SubjectsPage", lambda r: verdict_label(r["verdict"])),
    Column(QT_TRANSLATE_NOOP("SubjectsPage", "Score"), "SubjectsPage", lambda r: r["score"] or "", align_right=True),
    Column(QT_TRANSLATE_NOOP("SubjectsPage", "Certificate no."), "SubjectsPage", lambda r: r["certificate_no"] or ""),
)
WIDTHS = {"elevator": (260, 190, 260, 80, 200, 200), "scale": (200, 120, 110, 110, 60, 60, 90, 100, 80),
          "site": (260, 170, 240, 80, 200, 200)}


class SubjectsPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("subjectsPage")
        self.ctx = ctx
        self.models: dict[str, SubjectsModel] = {}
        self.kind = KINDS[0]

        self.tabs = QTabBar()
        self.tabs.setObjectName("kindTabs")
        for _ in KINDS:
            self.tabs.addTab("")
        self.search = QLineEdit()
        self.search.setObjectName("subjectSearch")
        self.search.setClearButtonEnabled(True)
        self.district = QComboBox()
        self.district.setObjectName("districtFilter")
        self.district.setMinimumContentsLength(8)
        self.due = QComboBox()
        self.due.setObjectName("dueFilter")
        for code in ("", "overdue", "soon", "none"):
            self.due.addItem("", code)
        self.count_label = QLabel()
        self.count_label.setObjectName("subjectCount")
        self.add_button = QPushButton()
        self.add_button.setObjectName("addSubject")
        self.edit_button = QPushButton()
        self.edit_button.setObjectName("editSubject")
        self.inspect_button = QPushButton()
        self.inspect_button.setObjectName("newInspectionForSubject")

        self.view = table_view(self)
        self.view.setObjectName("subjectsView")
        self.history_title = subheading()
        self.history_model = RowsModel(HISTORY_COLUMNS, parent=self)
        self.history_view = table_view(self, (140, 180, 80, 90, 60))
        self.history_view.setObjectName("historyView")
        self.history_view.setModel(self.history_model)
        apply_widths(self.history_view)

        filters = QHBoxLayout()
        filters.addWidget(self.search, 3)
        filters.addWidget(self.district, 1)
        filters.addWidget(self.due, 1)
        filters.addWidget(self.count_label)
        actions = QHBoxLayout()
        actions.addWidget(self.tabs)
        actions.addStretch(1)
        actions.addWidget(self.add_button)
        actions.addWidget(self.edit_button)
        actions.addWidget(self.inspect_button)
        history_box = QWidget()
        hl = QVBoxLayout(history_box)
        hl.setContentsMargins(0, 0, 0, 0)
        hl.addWidget(self.history_title)
        hl.addWidget(self.history_view)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.view)
        split.addWidget(history_box)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addLayout(actions)
        layout.addLayout(filters)
        layout.addWidget(split, 1)

        self.tabs.currentChanged.connect(lambda i: self.set_kind(KINDS[i]))
        self.search.textChanged.connect(lambda text: self.model.set_search(text))
        self.district.activated.connect(lambda _i: self.model.set_filter(district=self.district.currentData() or ""))
        self.due.activated.connect(lambda _i: self.model.set_filter(due=self.due.currentData() or "",
                                                                   within_days=self.ctx.settings.due_within_days))
        self.view.activated.connect(lambda _index: self.edit_selected())
        self.add_button.clicked.connect(self.add_subject)
        self.edit_button.clicked.connect(self.edit_selected)
        self.inspect_button.clicked.connect(self._new_inspection)
        self.history_view.activated.connect(self._open_history)
        ctx.dataChanged.connect(self._data_changed)
        self._loaded = False
        self.retranslate()
        self.set_kind(self.kind)

    # -- models --------------------------------------------------------------------------------
    @property
    def model(self) -> SubjectsModel:
        return self.models[self.kind]

    def set_kind(self, kind: str) -> None:
        self.kind = kind
        if self.tabs.currentIndex() != KINDS.index(kind):
            self.tabs.setCurrentIndex(KINDS.index(kind))
        created = kind not in self.models
        if created:
            model = SubjectsModel(self.ctx.worker, kind, parent=self)
            model.countChanged.connect(lambda n, k=kind: self._count_changed(k, n))
            self.models[kind] = model
        model = self.models[kind]
        self.view.setModel(model)
        self.view._qcity_widths = WIDTHS[kind]  # type: ignore[attr-defined]
        apply_widths(self.view)
        self.view.selectionModel().currentRowChanged.connect(self._current_changed)
        self.search.blockSignals(True)
        self.search.setText(model.filter.search)
        self.search.blockSignals(False)
        self._select_combo(self.due, model.filter.due)
        self._load_districts()
        if created and self._loaded:
            model.reload()
        self._show_count(model.total)
        self.history_model.set_rows([])
        self._update_history_title(None)

    def _select_combo(self, box: QComboBox, value: str) -> None:
        at = box.findData(value)
        box.setCurrentIndex(max(at, 0))

    def _load_districts(self) -> None:
        kind = self.kind
        self.ctx.worker.submit(lambda store: districts(store, kind), self._districts_arrived, owner=self)

    def _districts_arrived(self, names: list[str]) -> None:
        current = self.model.filter.district
        self.district.clear()
        self.district.addItem(self.tr("All districts"), "")
        for name in names:
            self.district.addItem(name, name)
        self._select_combo(self.district, current)

    def activate(self) -> None:
        if not self._loaded:
            self._loaded = True
            self.model.reload()

    def _data_changed(self) -> None:
        if self._loaded:
            for model in self.models.values():
                model.reload()
            self._load_districts()

    def _count_changed(self, kind: str, n: int) -> None:
        if kind == self.kind:
            self._show_count(n)

    def _show_count(self, n: int | None) -> None:
        self.count_label.setText("" if n is None else self.tr("%n subject(s)", "", n))

    # -- selection and history ----------------------------------------------------------------
    def selected(self) -> dict[str, Any] | None:
        index = self.view.currentIndex()
        return self.model.row_data(index.row()) if index.isValid() else None

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = self.model.row_data(current.row()) if current.isValid() else None
        self._update_history_title(row)
        if row is None:
            self.history_model.set_rows([])
            return
        sid = row["id"]
        self.ctx.worker.submit(lambda store: store.subjects.history(sid), self._history_arrived(sid), owner=self)

    def _history_arrived(self, sid: str) -> Any:
        def done(rows: list[dict[str, Any]]) -> None:
            current = self.selected()
            if current is not None and current["id"] == sid:
                self.history_model.set_rows(rows)
        return done

    def _update_history_title(self, row: dict[str, Any] | None) -> None:
        if row is None:
            self.history_title.setText(self.tr("Inspection history (select a subject)"))
        else:
            self.history_title.setText(self.tr("Inspection history of {0}").format(row["name"]))

    def _open_history(self, index: QModelIndex) -> None:
        row = self.history_model.row_data(index.row())
        if row:
            self.ctx.open_inspection(row["id"])

    # -- actions ----------------------------------------------------------------------------------
    def add_subject(self) -> SubjectForm:
        form = SubjectForm(self.ctx, self.kind, None, self)
        form.saved.connect(self._after_save)
        form.open()
        return form

    def edit_selected(self) -> SubjectForm | None:
        row = self.selected()
        if row is None:
            return None
        sid = row["id"]

        def show(subject: dict[str, Any]) -> None:
            form = SubjectForm(self.ctx, subject["kind"], subject, self)
            form.saved.connect(self._after_save)
            form.open()
            self._last_form = form

        self.ctx.worker.submit(lambda store: store.subjects.get(sid), show, owner=self)
        return None

    def _after_save(self, _sid: str, warnings: list[str]) -> None:
        if warnings:
            box = QMessageBox(QMessageBox.Icon.Information, self.tr("Saved with warnings"),
                              "\n".join(warnings), QMessageBox.StandardButton.Ok, self)
            box.open()

    def _new_inspection(self) -> None:
        row = self.selected()
        self.ctx.new_inspection(row["id"] if row else None)

    def focus_search(self) -> bool:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()
        return True

    # -- language -------------------------------------------------------------------------------
    def retranslate(self) -> None:
        for i, kind in enumerate(KINDS):
            self.tabs.setTabText(i, kind_plural(kind))
        self.search.setPlaceholderText(self.tr("Search name, address, registration code, serial no. … (Ctrl+F)"))
        labels = {"": self.tr("Any due date"), "overdue": self.tr("Overdue"),
                  "soon": self.tr("Due within {0} days").format(self.ctx.settings.due_within_days),
                  "none": self.tr("No due date")}
        for i in range(self.due.count()):
            self.due.setItemText(i, labels[self.due.itemData(i)])
        if self.district.count():
            self.district.setItemText(0, self.tr("All districts"))
        self.add_button.setText(self.tr("Add…"))
        self.edit_button.setText(self.tr("Edit…"))
        self.inspect_button.setText(self.tr("New inspection"))
        self._update_history_title(self.selected())
        self._show_count(self.model.total if self.models else None)
        for model in self.models.values():
            model.retranslate()
        self.history_model.retranslate()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange and hasattr(self, "models"):
            self.retranslate()
        super().changeEvent(event)
