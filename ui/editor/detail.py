"""The current item in full: clause, note, photos (add, drop, view, remove) and JGJ 59 deductions.

Rows stay one line high so a long checklist can be scanned; everything that needs room for one
item lives here and follows the cursor.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QKeyEvent, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from qcity_desktop.checklists.model import Answer, Item
from ui.editor.deductions import DeductionList
from ui.editor.rows import PhotoDropTarget

THUMB = 80


class PhotoStrip(PhotoDropTarget, QListWidget):
    """Thumbnails of the current item's photos; a drop target for image files."""

    dropped = Signal(list)
    open_requested = Signal(str)  # attachment id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("photoStrip")
        self.setViewMode(QListWidget.ViewMode.IconMode)
        self.setIconSize(QSize(THUMB, THUMB))
        self.setFlow(QListWidget.Flow.LeftToRight)
        self.setWrapping(False)
        self.setMovement(QListWidget.Movement.Static)
        self.setFixedHeight(THUMB + 40)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)  # drops land on the viewport, which must say yes itself
        self.read_only = False
        self.itemActivated.connect(lambda it: self.open_requested.emit(it.data(Qt.ItemDataRole.UserRole)))

    def take_dropped(self, paths: list[str]) -> None:
        self.dropped.emit(paths)

    def paintEvent(self, event: Any) -> None:
        super().paintEvent(event)
        if self.count() == 0:
            p = QPainter(self.viewport())
            try:
                p.setPen(QColor("#9aa0aa"))
                text = self.tr("No photos. Drop image files here or press Ctrl+P.") if not self.read_only else ""
                p.drawText(self.viewport().rect(), Qt.AlignmentFlag.AlignCenter, text)
            finally:
                p.end()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space) and self.currentItem():
            self.open_requested.emit(self.currentItem().data(Qt.ItemDataRole.UserRole))
            return
        super().keyPressEvent(event)


def placeholder_icon() -> QIcon:
    pix = QPixmap(THUMB, THUMB)
    pix.fill(QColor("#e5e7eb"))
    return QIcon(pix)


class ItemDetail(QFrame):
    note_typed = Signal(str, str)          # item_id, text
    note_committed = Signal(str)
    add_photo_clicked = Signal(str)
    photos_dropped = Signal(str, list)
    photo_open = Signal(str)               # attachment id
    photo_remove = Signal(str)             # attachment id
    clauses_changed = Signal(str, dict)    # item_id, {clause_id: count}
    deduction_entered = Signal(str, str)   # item_id, points text

    def __init__(self, lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lang = lang
        self.item: Item | None = None
        self.read_only = False
        self._loading = False
        self.setObjectName("itemDetail")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        self.heading = QLabel()
        self.heading.setObjectName("detailHeading")
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.heading)
        self.clause = QLabel()
        self.clause.setWordWrap(True)
        self.clause.setStyleSheet("color:#4b5563;")
        self.clause.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.clause)

        layout.addWidget(QLabel(self.tr("Note (N or F2; Esc returns to the list)")))
        self.note = QPlainTextEdit()
        self.note.setObjectName("note")
        self.note.setPlaceholderText(self.tr("What was seen, where, measured how…"))
        self.note.setFixedHeight(70)
        self.note.textChanged.connect(self._note_changed)
        self.note.installEventFilter(self)
        layout.addWidget(self.note)

        photo_bar = QHBoxLayout()
        self.photo_label = QLabel(self.tr("Photos"))
        photo_bar.addWidget(self.photo_label, 1)
        self.add_photo = QPushButton(self.tr("Add photo…"))
        self.add_photo.setObjectName("addPhoto")
        self.add_photo.setToolTip(self.tr("Ctrl+P, or drop image files onto the item"))
        self.add_photo.clicked.connect(lambda: self.item and self.add_photo_clicked.emit(self.item.id))
        photo_bar.addWidget(self.add_photo)
        self.remove_photo = QPushButton(self.tr("Remove"))
        self.remove_photo.clicked.connect(self._remove_clicked)
        photo_bar.addWidget(self.remove_photo)
        layout.addLayout(photo_bar)
        self.photos = PhotoStrip()
        self.photos.dropped.connect(lambda paths: self.item and self.photos_dropped.emit(self.item.id, paths))
        self.photos.open_requested.connect(self.photo_open)
        layout.addWidget(self.photos)

        self.deductions = QGroupBox(self.tr("Deductions (JGJ 59)"))
        self.deductions.setObjectName("deductions")
        box = QVBoxLayout(self.deductions)
        self.clause_list = DeductionList()
        self.clause_list.changed.connect(lambda counts: self.item and self.clauses_changed.emit(self.item.id, counts))
        box.addWidget(self.clause_list, 1)
        form = QFormLayout()
        self.deduction_field = QLineEdit()
        self.deduction_field.setObjectName("deduction")
        self.deduction_field.setPlaceholderText(self.tr("automatic from the ticked clauses"))
        self.deduction_field.editingFinished.connect(self._deduction_edited)
        form.addRow(self.tr("Points deducted"), self.deduction_field)
        box.addLayout(form)
        layout.addWidget(self.deductions, 1)
        self.deductions.hide()
        self.stretch = QWidget()
        layout.addWidget(self.stretch, 1)

    # -- showing an item -----------------------------------------------------------------
    def show_item(self, item: Item | None, answer: Answer | None, parent_item: Item | None,
                  photos: list[dict[str, Any]], thumb: Callable[[str], QPixmap | None]) -> None:
        self._loading = True
        try:
            self.item = item
            if item is None:
                self.heading.setText("")
                self.clause.setText("")
                self.note.setPlainText("")
                self.photos.clear()
                self.deductions.hide()
                return
            above = f"<span style='color:#6b7280'>{parent_item.id} {parent_item.label(self.lang)}</span><br>" \
                if parent_item else ""
            self.heading.setText(f"{above}<b>{item.id}</b> {item.label(self.lang)}")
            extra = []
            if item.attrs.get("class"):
                extra.append(self.tr("Class %1").replace("%1", str(item.attrs["class"])))
            if item.attrs.get("severity"):
                extra.append(str(item.attrs["severity"]))
            if item.photo_required:
                extra.append(self.tr("photo required"))
            self.clause.setText("　".join([item.clause, *extra]).strip())
            note = answer.note if answer else ""
            if self.note.toPlainText() != note:
                self.note.setPlainText(note)
            self.set_photos(photos, thumb)
            self._show_deductions(item, answer)
        finally:
            self._loading = False

    def refresh_answer(self, answer: Answer | None) -> None:
        """The shown item's answer changed: update in place (rebuilding the clause list on every
        keypress would re-lay out the panel each time)."""
        self._loading = True
        try:
            note = answer.note if answer else ""
            if self.note.toPlainText() != note and not self.note.hasFocus():
                self.note.setPlainText(note)
            self.clause_list.set_counts((answer.clauses if answer else None) or {})
            if not self.deduction_field.hasFocus():
                text = "" if not answer or answer.deduction is None else str(answer.deduction)
                if self.deduction_field.text() != text:
                    self.deduction_field.setText(text)
        finally:
            self._loading = False

    def set_photos(self, photos: list[dict[str, Any]], thumb: Callable[[str], QPixmap | None]) -> None:
        self.photos.clear()
        for a in photos:
            pix = thumb(a["sha256"])
            it = QListWidgetItem(QIcon(pix) if pix is not None else placeholder_icon(), a.get("filename") or "")
            it.setData(Qt.ItemDataRole.UserRole, a["id"])
            it.setData(Qt.ItemDataRole.UserRole + 1, a["sha256"])
            it.setToolTip(a.get("filename") or "")
            self.photos.addItem(it)
        self.photo_label.setText(self.tr("Photos (%n)", "", len(photos)))
        self.photos.setFixedHeight(THUMB + 40 if photos else 44)  # an empty strip is just a drop zone
        self.remove_photo.setEnabled(bool(photos) and not self.read_only)

    def update_thumbnail(self, sha256: str, pix: QPixmap) -> None:
        for i in range(self.photos.count()):
            it = self.photos.item(i)
            if it.data(Qt.ItemDataRole.UserRole + 1) == sha256:
                it.setIcon(QIcon(pix))

    def _show_deductions(self, item: Item, answer: Answer | None) -> None:
        clauses = item.attrs.get("deductions") or []
        if not clauses:
            self.deductions.hide()
            self.stretch.show()
            return
        self.clause_list.show_clauses(clauses, (answer.clauses if answer else None) or {})
        self.deduction_field.setText("" if not answer or answer.deduction is None else str(answer.deduction))
        self.deductions.setTitle(self.tr("Deductions (item worth %1 points)").replace("%1", str(item.attrs.get("points", "?"))))
        self.stretch.hide()
        self.deductions.show()

    # -- edits -------------------------------------------------------------------------------
    def _note_changed(self) -> None:
        if not self._loading and self.item is not None and not self.read_only:
            self.note_typed.emit(self.item.id, self.note.toPlainText())

    def _deduction_edited(self) -> None:
        if self._loading or self.item is None or self.read_only:
            return
        self.deduction_entered.emit(self.item.id, self.deduction_field.text().strip())

    def _remove_clicked(self) -> None:
        it = self.photos.currentItem() or (self.photos.item(0) if self.photos.count() == 1 else None)
        if it is not None and not self.read_only:
            self.photo_remove.emit(it.data(Qt.ItemDataRole.UserRole))

    def eventFilter(self, watched: Any, event: Any) -> bool:
        if watched is self.note and event.type() == event.Type.FocusOut and self.item is not None:
            self.note_committed.emit(self.item.id)
        return super().eventFilter(watched, event)

    def set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only
        self.note.setReadOnly(read_only)
        self.add_photo.setEnabled(not read_only)
        self.remove_photo.setEnabled(not read_only and self.photos.count() > 0)
        self.photos.read_only = read_only
        self.clause_list.set_read_only(read_only)
        self.deduction_field.setReadOnly(read_only)
