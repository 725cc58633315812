"""The add/edit form for a subject, generated from the kind's field list in the core.

Validation runs as the user types, through the same ``validate_subject`` the CLI and imports use,
so the form explains itself (which field, what is wrong, what the rule is) before Save is pressed:
hard errors block saving and mark the field; soft warnings (a 19-digit registration code, n = Max/e
outside the class limits, an expired certificate) are shown but allowed, because the inspector
records the subject as found.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from qcity_desktop.domain.subject_fields import Field, fields_for, validate_subject
from qcity_desktop.errors import InputError
from ui.context import AppContext
from ui.errors import is_environment_error, present_error
from ui.i18n import lang
from ui.labels import kind_label

CHOICE_LABELS = {
    "passenger": QT_TRANSLATE_NOOP("SubjectForm", "Passenger"),
    "goods": QT_TRANSLATE_NOOP("SubjectForm", "Goods"),
    "side": QT_TRANSLATE_NOOP("SubjectForm", "Side opening"),
    "centre": QT_TRANSLATE_NOOP("SubjectForm", "Centre opening"),
    "2009": QT_TRANSLATE_NOOP("SubjectForm", "TSG T7001-2009"),
    "2023": QT_TRANSLATE_NOOP("SubjectForm", "TSG T7001-2023"),
    "intact": QT_TRANSLATE_NOOP("SubjectForm", "Intact"),
    "broken": QT_TRANSLATE_NOOP("SubjectForm", "Broken"),
    "missing": QT_TRANSLATE_NOOP("SubjectForm", "Missing"),
}
_ERROR_STYLE = "border: 2px solid #b3261e;"


def choice_label(value: str) -> str:
    return QCoreApplication.translate("SubjectForm", CHOICE_LABELS[value]) if value in CHOICE_LABELS else value


class SubjectForm(QDialog):
    saved = Signal(str, list)   # subject id, warnings

    def __init__(self, ctx: AppContext, kind: str, subject: dict[str, Any] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("subjectForm")
        self.ctx = ctx
        self.kind = kind
        self.subject = subject
        self.fields: tuple[Field, ...] = fields_for(kind)
        self.editors: dict[str, QLineEdit | QComboBox] = {}
        self._labels: dict[str, QLabel] = {}
        self._initial: dict[str, Any] = {}
        self._saving = False
        self.error_text = ""
        self.warnings: list[str] = []

        form = QFormLayout()
        values = (subject or {}).get("data", {})
        for f in self.fields:
            editor = self._editor_for(f, values.get(f.name))
            editor.setObjectName(f"field_{f.name}")
            label = QLabel()
            label.setBuddy(editor)
            self._labels[f.name] = label
            self.editors[f.name] = editor
            form.addRow(label, editor)
        inner = QWidget()
        inner.setLayout(form)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)

        self.error_label = QLabel()
        self.error_label.setObjectName("formError")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b3261e;")
        self.warning_label = QLabel()
        self.warning_label.setObjectName("formWarnings")
        self.warning_label.setWordWrap(True)
        self.warning_label.setStyleSheet("color: #8a5a00;")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.warning_label)
        layout.addWidget(self.buttons)
        self.resize(560, 640)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(120)
        self._timer.timeout.connect(self.validate)
        for editor in self.editors.values():
            if isinstance(editor, QComboBox):
                editor.currentIndexChanged.connect(self._timer.start)
            else:
                editor.textChanged.connect(self._timer.start)
        self._initial = self.values()
        self.retranslate()
        self.validate()

    def _editor_for(self, f: Field, value: Any) -> QLineEdit | QComboBox:
        if f.type == "choice":
            box = QComboBox()
            box.addItem("—", "")
            for c in f.choices:
                box.addItem(choice_label(c), c)
            if value is not None:
                at = box.findData(str(value))
                box.setCurrentIndex(max(at, 0))
            return box
        edit = QLineEdit("" if value is None else str(value))
        edit.setClearButtonEnabled(True)
        if f.type == "date":
            edit.setPlaceholderText("YYYY-MM-DD")
        elif f.type == "decimal" and f.unit:
            edit.setPlaceholderText(f.unit)
        return edit

    # -- values and validation -------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, editor in self.editors.items():
            out[name] = editor.currentData() if isinstance(editor, QComboBox) else editor.text().strip()
        return out

    def field_label(self, f: Field) -> str:
        return f.en if lang() == "en" else f.zh

    def validate(self) -> bool:
        """Check the form now; returns True when it can be saved."""
        values = self.values()
        for editor in self.editors.values():
            editor.setStyleSheet("")
        self.error_text = ""
        self.warnings = []
        missing = [f for f in self.fields if f.required and not values.get(f.name)]
        if missing:
            f = missing[0]
            self.error_text = self.tr("{0} is required").format(self.field_label(f))
            self.editors[f.name].setStyleSheet(_ERROR_STYLE)
        else:
            try:
                _, self.warnings = validate_subject(self.kind, {k: v for k, v in values.items()})
            except InputError as err:
                self.error_text = str(err)
                bad = self._field_in(str(err))
                if bad is not None:
                    self.editors[bad].setStyleSheet(_ERROR_STYLE)
        self.error_label.setText(self.error_text)
        self.error_label.setVisible(bool(self.error_text))
        if self.warnings:
            self.warning_label.setText(self.tr("Can be saved, but please check:") + "\n• " + "\n• ".join(self.warnings))
        self.warning_label.setVisible(bool(self.warnings))
        ok = not self.error_text and not self._saving
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(ok)
        return not self.error_text

    def _field_in(self, message: str) -> str | None:
        for f in self.fields:
            if f"field {f.name} " in message or f"field {f.name}:" in message:
                return f.name
        return None

    def dirty(self) -> bool:
        return self.values() != self._initial

    # -- saving ------------------------------------------------------------------------------
    def save(self) -> None:
        self._timer.stop()
        if not self.validate() or self._saving:
            return
        values = self.values()
        kind, subject = self.kind, self.subject
        self._saving = True
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(False)

        def write(store: Any) -> tuple[str, list[str]]:
            if subject is None:
                return store.subjects.add(kind, {k: v for k, v in values.items() if v not in ("", None)})
            return subject["id"], store.subjects.update(subject["id"], values)

        self.ctx.worker.submit(write, self._saved, self._failed, owner=self)

    def _saved(self, result: tuple[str, list[str]]) -> None:
        self._saving = False
        self._initial = self.values()
        sid, warnings = result
        self.saved.emit(sid, list(warnings))
        self.ctx.dataChanged.emit()
        self.accept()

    def _failed(self, err: BaseException) -> None:
        self._saving = False
        if isinstance(err, InputError):
            self.error_text = str(err)
            self.error_label.setText(self.error_text)
            self.error_label.setVisible(True)
            self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(True)
        elif is_environment_error(err):
            self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(True)
            present_error(err, self)
        else:
            present_error(err, self)

    def reject(self) -> None:
        if self.dirty() and not self._confirm_discard():
            return
        super().reject()

    def _confirm_discard(self) -> bool:
        answer = QMessageBox.question(self, self.tr("Discard changes?"),
                                      self.tr("The changes in this form have not been saved. Discard them?"),
                                      QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                                      QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Discard

    # -- language ------------------------------------------------------------------------------
    def retranslate(self) -> None:
        what = kind_label(self.kind)
        self.setWindowTitle(self.tr("Edit {0}").format(what) if self.subject else self.tr("New {0}").format(what))
        for f in self.fields:
            text = self.field_label(f)
            if f.unit:
                text += f" ({f.unit})"
            if f.required:
                text += " *"
            self._labels[f.name].setText(text)
        for f in self.fields:
            editor = self.editors[f.name]
            if isinstance(editor, QComboBox):
                for i in range(1, editor.count()):
                    editor.setItemText(i, choice_label(editor.itemData(i)))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
