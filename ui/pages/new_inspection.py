"""Start an inspection: pick the subject (search as you type) and the template, then open the editor."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ui.context import AppContext
from ui.i18n import lang
from ui.labels import KINDS, kind_label
from ui.models.subjects import SubjectsModel
from ui.pages.common import apply_widths, table_view


def _templates(_store: Any) -> list[Any]:
    from qcity_desktop.checklists.templates import latest_templates

    return latest_templates()


class NewInspectionDialog(QDialog):
    created = Signal(str)   # the new inspection's id

    def __init__(self, ctx: AppContext, subject_id: str | None = None, parent: QWidget | None = None,
                 reinspection_of: str | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("newInspectionDialog")
        self.ctx = ctx
        self.reinspection_of = reinspection_of
        self.original_template: str | None = None
        self._preset_subject = subject_id   # a re-inspection link only holds for the subject it was made for
        self.subject: dict[str, Any] | None = None
        self.templates: list[Any] = []
        self.models: dict[str, SubjectsModel] = {}
        self.kind = QComboBox()
        self.kind.setObjectName("newKind")
        for k in KINDS:
            self.kind.addItem("", k)
        self.search = QLineEdit()
        self.search.setObjectName("newSearch")
        self.search.setClearButtonEnabled(True)
        self.view = table_view(self, (240, 160, 200))
        self.view.setObjectName("newSubjects")
        self.chosen = QLabel()
        self.chosen.setObjectName("chosenSubject")
        self.template = QComboBox()
        self.template.setObjectName("newTemplate")
        self.inspector = QLineEdit(ctx.inspector())
        self.inspector.setObjectName("newInspector")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.setObjectName("newButtons")
        self._labels = {w: QLabel() for w in (self.kind, self.search, self.template, self.inspector)}
        form = QFormLayout()
        form.addRow(self._labels[self.kind], self.kind)
        form.addRow(self._labels[self.search], self.search)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.chosen)
        form2 = QFormLayout()
        form2.addRow(self._labels[self.template], self.template)
        form2.addRow(self._labels[self.inspector], self.inspector)
        layout.addLayout(form2)
        layout.addWidget(self.buttons)
        self.resize(640, 560)

        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        self.search.textChanged.connect(lambda text: self._model().set_search(text))
        self.buttons.accepted.connect(self.start)
        self.buttons.rejected.connect(self.reject)
        self.inspector.textChanged.connect(lambda _t: self._update_ok())
        self._kind_changed()
        ctx.worker.submit(_templates, self._templates_arrived, owner=self)
        if subject_id:
            ctx.worker.submit(lambda store: store.subjects.get(subject_id), self.set_subject, owner=self)
        if reinspection_of:  # a re-inspection checks the same items: the original's checklist
            ctx.worker.submit(lambda store: store.inspections.row(reinspection_of)["template_id"],
                              self._original_arrived, owner=self)
        self.retranslate()
        self._update_ok()
        self.search.setFocus()

    def _model(self) -> SubjectsModel:
        kind = self.kind.currentData()
        if kind not in self.models:
            model = SubjectsModel(self.ctx.worker, kind, debounce_ms=150, parent=self)
            self.models[kind] = model
            model.reload()
        return self.models[kind]

    def _kind_changed(self) -> None:
        model = self._model()
        self.view.setModel(model)
        apply_widths(self.view)
        for col in range(3, model.columnCount()):
            self.view.setColumnHidden(col, True)
        self.view.selectionModel().currentRowChanged.connect(self._row_chosen)
        if model.filter.search != self.search.text():
            model.set_search(self.search.text())
        if self.subject is not None and self.subject["kind"] != self.kind.currentData():
            self.subject = None
        self._fill_templates()
        self._update_ok()

    def _row_chosen(self, current: QModelIndex, _prev: QModelIndex) -> None:
        row = self._model().row_data(current.row()) if current.isValid() else None
        if row is not None:
            self.subject = row
        self._update_ok()

    def set_subject(self, subject: dict[str, Any]) -> None:
        self.subject = subject
        at = self.kind.findData(subject["kind"])
        if at != self.kind.currentIndex():
            self.kind.setCurrentIndex(at)
            self.subject = subject
        self._fill_templates()
        self._update_ok()

    def _original_arrived(self, template_id: str) -> None:
        self.original_template = template_id
        self._fill_templates()

    def _templates_arrived(self, templates: list[Any]) -> None:
        self.templates = templates
        self._fill_templates()

    def _fill_templates(self) -> None:
        kind = self.kind.currentData()
        self.template.clear()
        for t in self.templates:
            if t.kind == kind:
                title = t.title.get(lang()) or t.title.get("zh") or t.id
                self.template.addItem(title, t.id)
                self.template.setItemData(self.template.count() - 1, t.standard, Qt.ItemDataRole.ToolTipRole)
        regime = (self.subject or {}).get("data", {}).get("regime")
        if self.original_template and self.template.findData(self.original_template) >= 0:
            self.template.setCurrentIndex(self.template.findData(self.original_template))
        elif regime:  # an elevator's inspection regime picks the matching T7001 template
            for i in range(self.template.count()):
                if str(regime) in str(self.template.itemData(i)):
                    self.template.setCurrentIndex(i)
        self._update_ok()

    def _update_ok(self) -> None:
        ok = self.subject is not None and self.template.count() > 0 and bool(self.inspector.text().strip())
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)
        if self.subject is None:
            self.chosen.setText(self.tr("Choose a subject from the list."))
        else:
            self.chosen.setText(self.tr("Subject: {0} — {1}").format(self.subject["name"], self.subject.get("address", "")))
        if not self.inspector.text().strip():
            self.chosen.setText(self.chosen.text() + "  " + self.tr("Enter the inspector's name."))

    def start(self) -> None:
        if self.subject is None or not self.template.currentData():
            return
        sid, tid, who = self.subject["id"], self.template.currentData(), self.inspector.text().strip()
        original = self.reinspection_of if self.subject["id"] == self._subject_of_original() else None
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        self.ctx.worker.submit(lambda store: store.inspections.create(sid, tid, inspectors=[who], reinspection_of=original),
                               self._created, self._failed, owner=self)

    def _subject_of_original(self) -> str | None:
        return self._preset_subject

    def _created(self, iid: str) -> None:
        self.created.emit(iid)
        self.ctx.dataChanged.emit()
        self.accept()

    def _failed(self, err: BaseException) -> None:
        from ui.errors import present_error

        self._update_ok()
        present_error(err, self)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("New re-inspection") if self.reinspection_of else self.tr("New inspection"))
        for i, k in enumerate(KINDS):
            self.kind.setItemText(i, kind_label(k))
        self._labels[self.kind].setText(self.tr("Kind"))
        self._labels[self.search].setText(self.tr("Find subject"))
        self._labels[self.template].setText(self.tr("Checklist"))
        self._labels[self.inspector].setText(self.tr("Inspector"))
        self.search.setPlaceholderText(self.tr("Name, address, registration code, serial no. …"))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Start"))
        self._update_ok()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange and hasattr(self, "_labels"):
            self.retranslate()
        super().changeEvent(event)

    def keyPressEvent(self, event: Any) -> None:
        # Down from the search box moves into the results, so the dialog works without a mouse
        if event.key() == Qt.Key.Key_Down and self.search.hasFocus():
            self.view.setFocus()
            if not self.view.currentIndex().isValid() and self._model().rowCount():
                self.view.setCurrentIndex(self._model().index(0, 0))
            return
        super().keyPressEvent(event)
