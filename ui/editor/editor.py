"""The checklist editor: answer a template's items fast from the keyboard, never lose an answer.

Every change is written through to the store at once (results) or after a 300 ms pause in typing
(numbers, text, notes), each in its own transaction, so killing the app loses at most the last
fraction of a second. Small writes stay on the GUI thread (they take about a millisecond);
evaluation, photo processing, completing and signing run on the editor's database worker with
its own connection and come back through signals.
"""

from __future__ import annotations

import logging
from datetime import datetime
from functools import partial
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QHideEvent, QKeyEvent, QKeySequence, QShortcut, QShowEvent, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from qcity_desktop.checklists.model import RESULT_LABELS, RESULT_SYMBOLS, Answer
from qcity_desktop.checklists.rules.common import FAILING
from qcity_desktop.errors import EnvironmentProblem, QCityError
from qcity_desktop.store import open_store
from ui.editor import jobs
from ui.editor.detail import ItemDetail
from ui.editor.finish import FinishActions
from ui.editor.panel import LivePanel
from ui.editor.photo_actions import PhotoActions, present
from ui.editor.rows import KEY_RESULTS, ItemRow, ParentRow, SectionHeader, make_row
from ui.editor.state import MISSING_PHOTO, EditorState
from ui.editor.undo import AnswerCommand
from ui.workers import DbWorker

log = logging.getLogger(__name__)
DEBOUNCE_MS = 300
NAV_KEYS = (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown)


def _default_settings() -> Any:
    try:
        from ui.settings import Settings
    except ImportError:  # pragma: no cover - settings arrive with the main window
        return None
    return Settings()


def _setting(settings: Any, name: str, default: Any) -> Any:
    value = getattr(settings, name, None) if settings is not None else None
    return default if value in (None, "") else value


class InspectionEditor(PhotoActions, FinishActions, QWidget):
    """Edit one inspection; opens read-only (with a banner) once it is signed."""

    saved = Signal(str)                 # item id, after an answer reached the database
    status_changed = Signal(str)        # draft / completed / signed
    evaluation_updated = Signal(object)  # jobs.EvalResult
    message = Signal(str)

    def __init__(self, store_path: str, inspection_id: str, settings: Any = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inspectionEditor")
        self.store_path = str(store_path)
        self.inspection_id = inspection_id
        self.settings = settings if settings is not None else _default_settings()
        lang = getattr(self.settings, "lang", None) or ("en" if _setting(self.settings, "language", "zh") == "en" else "zh")
        self.lang = lang
        self.store = open_store(self.store_path)
        inspections = self.store.inspections
        self.row = inspections.row(inspection_id)
        self.template = inspections.template_of(self.row)
        self.subject = self.store.subjects.get(self.row["subject_id"])
        photos: dict[str, list[dict[str, Any]]] = {}
        self.attachments = self.store.attachments.for_inspection(inspection_id)
        for a in self.attachments:
            photos.setdefault(a["item_id"] or "", []).append(a)
        self.state = EditorState(self.template, inspections.answers(inspection_id), photos, self.row["status"], lang,
                                 missing_fn=inspections.missing_required)
        self.current: str | None = None
        self.rows: dict[str, ItemRow] = {}
        self.evaluation: jobs.EvalResult | None = None
        self._pending_values: dict[str, str] = {}
        self._pending_notes: dict[str, str] = {}
        self._eval_busy = False
        self._eval_dirty = False
        self._busy = False
        self._closed = False
        self._find_hits: list[str] = []
        self.undo_stack = QUndoStack(self)
        self.worker = DbWorker(self.store_path, name=f"editor-{inspection_id[:8]}")
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.flush)
        self._init_photos()
        self.setWindowTitle(f"{self.subject['name']} — {self.template.title.get(lang) or self.template.title.get('zh')}")
        self._build()
        self._shortcuts()
        self._apply_status()
        self._refresh_all_rows()
        first = self.state.next_missing(None) or (self.state.order[0] if self.state.order else None)
        if first:
            self.set_current(first, focus=False)
        self.show_message(self.tr("Signed inspections can be viewed but not changed.") if self.read_only
                          else self.tr("Every answer is saved as you go; there is no Save button."))
        self.request_evaluation()
        try:
            from ui.errors import register_flush_hook

            register_flush_hook(self.flush)
        except ImportError:  # pragma: no cover
            pass
        # deleted with its parent (a closed tab) without a closeEvent: still stop the thread
        self.destroyed.connect(partial(_release, self.worker, self.store))

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        self.banner = QLabel()
        self.banner.setObjectName("readOnlyBanner")
        self.banner.setStyleSheet("background:#7c2d12; color:white; font-weight:bold; padding:8px 12px;")
        self.banner.hide()
        outer.addWidget(self.banner)
        outer.addWidget(self._header())
        outer.addWidget(self._legend())
        outer.addWidget(self._find_bar())
        split = QSplitter(Qt.Orientation.Horizontal)
        split.setObjectName("editorSplitter")
        self.scroll = QScrollArea()
        self.scroll.setObjectName("checklist")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.scroll.setWidget(self._checklist())
        split.addWidget(self.scroll)
        right = QSplitter(Qt.Orientation.Vertical)
        self.detail = ItemDetail(self.lang)
        self.panel = LivePanel(int(self.template.params.get("rectification_days", 30)))
        right.addWidget(self.detail)
        right.addWidget(self.panel)
        has_deductions = any(i.attrs.get("deductions") for i in self.template.items.values())
        right.setStretchFactor(0, 3 if has_deductions else 2)  # JGJ 59: the clauses need the room
        right.setStretchFactor(1, 2 if has_deductions else 3)
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([760, 480])
        outer.addWidget(split, 1)
        self.status_line = QLabel()
        self.status_line.setObjectName("saveStatus")
        self.status_line.setStyleSheet("padding:3px 10px; color:#4b5563; border-top:1px solid #d9dee6;")
        self.status_line.setMinimumWidth(1)  # a long message must not widen the window
        outer.addWidget(self.status_line)
        self._connect_side_panels()

    def _header(self) -> QWidget:
        box = QFrame()
        box.setObjectName("editorHeader")
        box.setStyleSheet("#editorHeader{background:#f8fafc; border-bottom:1px solid #d9dee6;}")
        lay = QHBoxLayout(box)
        lay.setContentsMargins(12, 6, 12, 6)
        codes = self.subject.get("codes") or ""
        name = QLabel(f"<b>{self.subject['name']}</b>  <span style='color:#6b7280'>{codes}</span>")
        name.setTextFormat(Qt.TextFormat.RichText)
        lay.addWidget(name)
        lay.addWidget(QLabel(self.template.title.get(self.lang) or self.template.title.get("zh", "")), 1)
        people = "、".join(self.row.get("inspectors") or [])
        lay.addWidget(QLabel(f"{self.row['started_at'][:10]}  {people}"))
        self.status_chip = QLabel()
        self.status_chip.setObjectName("statusChip")
        lay.addWidget(self.status_chip)
        return box

    def _legend(self) -> QWidget:
        """The keys, always in view: inspectors learn them from the screen, not a manual."""
        results = []
        for n, r in enumerate(("pass", "fail", "na", "not_tested", "doc_pass", "rectified"), start=1):
            if any(r in self.template.items[i].results for i in self.state.order
                   if self.template.items[i].type == "result"):
                label = RESULT_LABELS[r].get(self.lang, r)
                results.append(f"<b>{n}</b> {RESULT_SYMBOLS[r]}{label}")
        keys = [self.tr("<b>↑↓</b> move"), "  ".join(results), self.tr("<b>Enter</b> next"),
                self.tr("<b>F3</b> next unanswered"), self.tr("<b>Ctrl+F</b> find"), self.tr("<b>N</b> note"),
                self.tr("<b>Ctrl+Z</b> undo"), self.tr("<b>Ctrl+Enter</b> complete")]
        legend = QLabel(" · ".join(keys))
        legend.setObjectName("keyLegend")
        legend.setTextFormat(Qt.TextFormat.RichText)
        legend.setWordWrap(True)
        legend.setStyleSheet("padding:3px 12px; color:#374151; background:#fbfcfe; border-bottom:1px solid #e5e7eb;")
        return legend

    def _find_bar(self) -> QWidget:
        self.find_box = QFrame()
        self.find_box.setObjectName("findBar")
        lay = QHBoxLayout(self.find_box)
        lay.setContentsMargins(12, 4, 12, 4)
        lay.addWidget(QLabel(self.tr("Find item:")))
        self.find_field = QLineEdit()
        self.find_field.setObjectName("findField")
        self.find_field.setPlaceholderText(self.tr("number or words, e.g. 2.7 or 制动器; Enter for the next match"))
        self.find_field.textEdited.connect(self._find_changed)
        self.find_field.installEventFilter(self)
        lay.addWidget(self.find_field, 1)
        self.find_count = QLabel()
        lay.addWidget(self.find_count)
        close = QPushButton(self.tr("Close"))
        close.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        close.clicked.connect(self.close_find)
        lay.addWidget(close)
        self.find_box.hide()
        return self.find_box

    def _checklist(self) -> QWidget:
        body = QWidget()
        body.setObjectName("checklistBody")
        lay = QVBoxLayout(body)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        items = self.template.items
        for section in self.template.sections:
            lay.addWidget(SectionHeader(f"{section.id}  {section.title.get(self.lang) or section.title.get('zh', '')}"))
            for item_id in section.item_ids:
                item = items[item_id]
                depth, up = 0, item.parent
                while up:
                    depth += 1
                    up = items[up].parent if up in items else None
                row = make_row(item, self.lang, self.state.is_parent(item_id), depth)
                self.rows[item_id] = row
                lay.addWidget(row)
                if row.navigable:
                    row.installEventFilter(self)
                    target = row.focus_target()
                    if target is not row:
                        target.installEventFilter(self)
                    row.activated.connect(self._row_activated)
                    row.answer_edited.connect(self._row_answer)
                    row.value_typed.connect(self._value_typed)
                    row.value_committed.connect(self._commit_value)
                    row.photos_dropped.connect(self.add_photos)
                    row.action_requested.connect(self._row_action)
        lay.addStretch(1)
        return body

    def _connect_side_panels(self) -> None:
        d = self.detail
        d.note_typed.connect(self._note_typed)
        d.note_committed.connect(lambda _item: self.flush())
        d.note.installEventFilter(self)
        d.add_photo_clicked.connect(self.choose_photos)
        d.photos_dropped.connect(self.add_photos)
        d.photo_open.connect(self.open_photo)
        d.photo_remove.connect(self.confirm_remove_photo)
        d.clauses_changed.connect(lambda item_id, counts: self.answer(item_id, clauses=counts))
        d.deduction_entered.connect(self._deduction_entered)
        p = self.panel
        p.jump_to.connect(lambda item_id: self.set_current(item_id, focus=True))
        p.next_missing_clicked.connect(self.next_unanswered)
        p.complete_clicked.connect(self.complete)
        p.sign_clicked.connect(self.open_sign_dialog)
        p.deadline_changed.connect(self.set_deadline)

    def _shortcuts(self) -> None:
        ctx = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for keys, slot in (
            (QKeySequence.StandardKey.Find, self.open_find),
            (QKeySequence(Qt.Key.Key_F3), self.next_unanswered),
            (QKeySequence("Ctrl+J"), self.next_unanswered),
            (QKeySequence.StandardKey.Undo, self.undo),
            (QKeySequence.StandardKey.Redo, self.redo),
            (QKeySequence("Ctrl+Return"), self.complete),
            (QKeySequence("Ctrl+Enter"), self.complete),
            (QKeySequence("Ctrl+P"), lambda: self.current and self.choose_photos(self.current)),
            (QKeySequence(Qt.Key.Key_F2), self.focus_note),
        ):
            sc = QShortcut(keys if isinstance(keys, QKeySequence) else QKeySequence(keys), self)
            sc.setContext(ctx)
            sc.activated.connect(slot)

    # ------------------------------------------------------------------ status and read-only
    @property
    def read_only(self) -> bool:
        return not self.state.editable

    def _apply_status(self) -> None:
        status = self.state.status
        labels = {"draft": self.tr("Draft"), "completed": self.tr("Completed"), "signed": self.tr("Signed")}
        colours = {"draft": "#6b7280", "completed": "#1d4ed8", "signed": "#7c2d12"}
        self.status_chip.setText(labels.get(status, status))
        self.status_chip.setStyleSheet(f"color:white; background:{colours.get(status, '#6b7280')};"
                                       "border-radius:8px; padding:2px 10px;")
        ro = self.read_only or self._busy
        if self.read_only:
            who = self.row.get("signed_by") or ""
            when = (self.row.get("signed_at") or "")[:16].replace("T", " ")
            number = self.row.get("report_no") or self.row.get("certificate_no") or ""
            extra = "　".join(x for x in (who, when, number) if x)
            self.banner.setText(self.tr("Signed — read-only") + (f"　{extra}" if extra else ""))
            self.banner.show()
        else:
            self.banner.hide()
        for row in self.rows.values():
            row.set_read_only(ro)
        self.detail.set_read_only(ro)
        self.panel.set_status(status, self._busy)

    def _set_status(self, status: str, row: dict[str, Any] | None = None) -> None:
        if row:
            self.row = row
        changed = status != self.state.status
        self.state.status = status
        self._apply_status()
        if changed:
            self.status_changed.emit(status)

    def set_busy(self, busy: bool) -> None:
        """While completing or signing runs on the worker, nothing may change underneath it."""
        self._busy = busy
        self._apply_status()

    def refused(self, err: QCityError) -> None:
        """Bad input or a locked record: the status line says why. A problem outside the program
        (locked database, full disk) also gets the app's message box, since nothing was saved."""
        self.show_message(str(err), error=True)
        if isinstance(err, EnvironmentProblem):
            present(err, self)

    def show_message(self, text: str, error: bool = False) -> None:
        colour = "#c62828" if error else "#4b5563"
        self.status_line.setStyleSheet(f"padding:3px 10px; color:{colour}; border-top:1px solid #d9dee6;")
        self.status_line.setText(text)
        self.message.emit(text)

    # ------------------------------------------------------------------ navigation
    def set_current(self, item_id: str | None, focus: bool = True) -> None:
        if item_id is None or item_id not in self.rows or not self.rows[item_id].navigable:
            return
        if item_id != self.current:
            if self.current in self.rows:
                self.rows[self.current].set_current(False)
            self.current = item_id
            row = self.rows[item_id]
            row.set_current(True)
            self._show_detail()
        row = self.rows[item_id]
        self.scroll.ensureWidgetVisible(row, 0, 40)
        if focus:
            row.focus_target().setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_detail(self) -> None:
        item_id = self.current
        if item_id is None:
            self.detail.show_item(None, None, None, [], self.thumbnail_pixmap)
            return
        item = self.template.items[item_id]
        parent = self.template.items.get(item.parent) if item.parent else None
        self.detail.show_item(item, self.state.answer(item_id), parent, self.state.photos.get(item_id, []),
                              self.thumbnail_pixmap)

    def move_cursor(self, step: int) -> None:
        self.flush()
        target = self.state.neighbour(self.current, step)
        if target is None and step not in (-1, 1):
            target = self.state.order[-1 if step > 0 else 0]
        if target:
            self.set_current(target)

    def next_unanswered(self) -> None:
        self.flush()
        target = self.state.next_missing(self.current)
        if target is None:
            self.show_message(self.tr("Nothing required is missing."))
            return
        self.set_current(target)
        what = self.tr("needs a photo") if self.state.missing().get(target) == MISSING_PHOTO else self.tr("unanswered")
        self.show_message(f"{target} {self.template.items[target].label(self.lang)}: {what}")

    def focus_note(self) -> None:
        if self.current and not self.read_only:
            self.detail.note.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _row_activated(self, item_id: str) -> None:
        if item_id != self.current:
            self.flush()
            self.set_current(item_id, focus=False)

    # ------------------------------------------------------------------ find (Ctrl+F)
    def open_find(self) -> None:
        self.find_box.show()
        self.find_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.find_field.selectAll()

    def close_find(self) -> None:
        self.find_box.hide()
        if self.current:
            self.set_current(self.current)

    def _find_changed(self, text: str) -> None:
        self._find_hits = self.state.find(text, None)
        self.find_count.setText(self.tr("%n match(es)", "", len(self._find_hits)) if text.strip() else "")
        if self._find_hits:
            self.set_current(self._find_hits[0], focus=False)

    def find_next(self) -> None:
        hits = self.state.find(self.find_field.text(), self.current)
        if hits:
            self.set_current(hits[0], focus=False)

    # ------------------------------------------------------------------ keyboard
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if watched is self.find_field:
                return self._find_key(event)
            if watched is self.detail.note:
                if event.key() == Qt.Key.Key_Escape:
                    self.flush()
                    self.set_current(self.current)
                    return True
                return False
            row = self._row_for(watched)
            if row is not None:
                return self._row_key(row, watched, event)
        elif kind == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) and isinstance(watched, QLineEdit):
            # a field with no typing to undo lets Ctrl+Z reach the answer undo
            if event.matches(QKeySequence.StandardKey.Undo) and not watched.isUndoAvailable() \
                    and watched is not self.find_field:
                return True
        return super().eventFilter(watched, event)

    def _row_for(self, obj: QObject) -> ItemRow | None:
        if isinstance(obj, ItemRow):
            return obj
        parent = obj.parent()
        while parent is not None and not isinstance(parent, ItemRow):
            parent = parent.parent()
        return parent if isinstance(parent, ItemRow) else None

    def _find_key(self, event: QKeyEvent) -> bool:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Down):
            self.find_next()
            return True
        if key == Qt.Key.Key_Escape:
            self.close_find()
            return True
        return False

    def _row_key(self, row: ItemRow, watched: QObject, event: QKeyEvent) -> bool:
        key = event.key()
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        item_id = row.item.id
        if item_id != self.current:
            self.set_current(item_id, focus=False)
        if mods == Qt.KeyboardModifier.NoModifier and key in NAV_KEYS:
            step = {Qt.Key.Key_Up: -1, Qt.Key.Key_Down: 1, Qt.Key.Key_PageUp: -10, Qt.Key.Key_PageDown: 10}[key]
            self.move_cursor(step)
            return True
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and mods == Qt.KeyboardModifier.NoModifier:
            self._commit_value(item_id)
            self.move_cursor(1)
            return True
        if watched is not row:  # typing in a field: everything else belongs to the field
            return False
        if mods != Qt.KeyboardModifier.NoModifier:
            return False
        if key in KEY_RESULTS and row.item.type == "result":
            result = KEY_RESULTS[key]
            if self.read_only or self._busy:
                return True
            if result not in row.item.results:
                label = RESULT_LABELS.get(result, {}).get(self.lang, result)
                self.show_message(self.tr("%1 is not allowed for item %2").replace("%1", label).replace("%2", item_id),
                                  error=True)
                return True
            self.answer(item_id, result=result)
            return True
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            if not (self.read_only or self._busy) and self.state.answer(item_id) is not None:
                self.restore_answer(item_id, None, record_undo=True)
            return True
        if key == Qt.Key.Key_N:
            self.focus_note()
            return True
        return False

    # ------------------------------------------------------------------ writing answers (autosave)
    def answer(self, item_id: str, record_undo: bool = True, **changes: Any) -> bool:
        """Store one change at once (its own transaction); False when the store refused it."""
        if self.read_only or self._busy:
            return False
        before = self.state.answer(item_id)
        try:
            stored = self.store.inspections.answer(self.inspection_id, item_id, **changes)
        except QCityError as err:
            self.rows[item_id].show_error(str(err))
            self.refused(err)
            return False
        self.rows[item_id].show_error(None)
        self.state.set_answer(item_id, stored)
        after = self.state.answer(item_id)
        if record_undo and set(changes) - {"note"} and _core(before) != _core(after):
            self.undo_stack.push(AnswerCommand(self.restore_answer, item_id, before, after,
                                               self.tr("answer %1").replace("%1", item_id)))
        self._after_write(item_id)
        return True

    def restore_answer(self, item_id: str, target: Answer | None, record_undo: bool = False) -> bool:
        """Put an item's answer back to ``target`` (undo/redo, Delete), keeping its note."""
        if self.read_only or self._busy:
            return False
        before = current = self.state.answer(item_id)
        note = current.note if current else ""
        try:
            need_clear = current is not None and (
                target is None or (target.result is None and current.result is not None)
                or (target.deduction is None and current.deduction is not None))
            if need_clear:
                self.store.inspections.clear_answer(self.inspection_id, item_id)
                self.state.set_answer(item_id, None)
                current = None
            kwargs: dict[str, Any] = {}
            if target is not None:
                if target.result is not None:
                    kwargs["result"] = target.result
                if target.value is not None or (current and current.value):
                    kwargs["value"] = target.value or ""
                if target.clauses or (current and current.clauses):
                    kwargs["clauses"] = target.clauses or {}
                if target.deduction is not None:
                    kwargs["deduction"] = str(target.deduction)
            if note and (kwargs or current is None):
                kwargs["note"] = note
            if kwargs:
                self.state.set_answer(item_id, self.store.inspections.answer(self.inspection_id, item_id, **kwargs))
        except QCityError as err:
            self.refused(err)
            return False
        if record_undo and _core(before) != _core(self.state.answer(item_id)):
            self.undo_stack.push(AnswerCommand(self.restore_answer, item_id, before, self.state.answer(item_id),
                                               self.tr("clear %1").replace("%1", item_id)))
        self._after_write(item_id)
        return True

    def _after_write(self, item_id: str) -> None:
        if self.state.status == "completed":  # the store turned it back into a draft
            self._set_status("draft")
        self._refresh_row(item_id)
        item = self.template.items[item_id]
        up = item.parent
        while up and up in self.rows:
            self._refresh_row(up)
            up = self.template.items[up].parent
        self._refresh_flags()
        if item_id == self.current:
            self.detail.refresh_answer(self.state.answer(item_id))
        self.show_message(self.tr("Saved %1 (%2)").replace("%1", datetime.now().strftime("%H:%M:%S"))
                          .replace("%2", item_id))
        self.saved.emit(item_id)
        self.request_evaluation()

    def _row_answer(self, item_id: str, changes: dict[str, Any]) -> None:
        self.answer(item_id, **changes)

    def _row_action(self, item_id: str, kind: str) -> None:
        if kind == "photo":
            self.choose_photos(item_id)
        else:
            self.sign_item(item_id)

    def _value_typed(self, item_id: str, text: str) -> None:
        if not self.read_only:
            self._pending_values[item_id] = text
            self._debounce.start()

    def _note_typed(self, item_id: str, text: str) -> None:
        if not self.read_only:
            self._pending_notes[item_id] = text
            self._debounce.start()

    def _commit_value(self, item_id: str) -> None:
        if item_id not in self._pending_values:
            return
        text = self._pending_values.pop(item_id).strip()
        current = self.state.answer(item_id)
        if ((current.value if current else None) or "") == text:
            return
        if text:
            self.answer(item_id, value=text)
        elif current is not None:  # emptied field: the item is unanswered again (its note stays)
            self.restore_answer(item_id, Answer(item_id, None, None, current.deduction, current.clauses, current.note),
                                record_undo=True)

    def _deduction_entered(self, item_id: str, text: str) -> None:
        if text:
            self.answer(item_id, deduction=text)
        elif (a := self.state.answer(item_id)) is not None and a.deduction is not None:
            target = Answer(item_id, a.result, a.value, None, a.clauses, a.note)
            self.restore_answer(item_id, target, record_undo=False)

    def flush(self) -> None:
        """Store everything typed but not yet saved (called on a pause, Enter, focus change, close)."""
        if self._closed:
            return
        self._debounce.stop()
        for item_id in list(self._pending_values):
            self._commit_value(item_id)
        notes, self._pending_notes = self._pending_notes, {}
        for item_id, text in notes.items():
            current = self.state.answer(item_id)
            if (current.note if current else "") != text:
                self.answer(item_id, note=text)

    def undo(self) -> None:
        self.flush()
        if self.undo_stack.canUndo():
            text = self.undo_stack.undoText()
            self.undo_stack.undo()
            self.show_message(self.tr("Undone: %1").replace("%1", text))

    def redo(self) -> None:
        if self.undo_stack.canRedo():
            self.undo_stack.redo()

    # ------------------------------------------------------------------ refreshing what is shown
    def _refresh_row(self, item_id: str) -> None:
        row = self.rows.get(item_id)
        if row is None:
            return
        if isinstance(row, ParentRow):
            row.set_derived(self.state.derived_result(item_id))
            return
        a = self.state.answer(item_id)
        row.set_answer(a)
        row.set_badges(self.state.photo_count(item_id), a.note if a else "",
                       self.template.items[item_id].photo_required and not self.state.photo_count(item_id))

    def _refresh_flags(self) -> None:
        missing = self.state.missing()
        for item_id in self.state.order:
            a = self.state.answer(item_id)
            self.rows[item_id].set_flags(missing.get(item_id), bool(a and a.result in FAILING))
        self.panel.show_progress(self.state.answered_count(), len(self.state.order), missing)

    def _refresh_all_rows(self) -> None:
        for item_id in self.rows:
            self._refresh_row(item_id)
        self._refresh_flags()

    # ------------------------------------------------------------------ live evaluation (worker)
    def request_evaluation(self) -> None:
        """Ask the worker for a verdict; while one runs, remember to ask again when it returns."""
        if self._closed:
            return
        if self._eval_busy:
            self._eval_dirty = True
            return
        self._eval_busy, self._eval_dirty = True, False
        self.worker.submit(partial(jobs.evaluate, inspection_id=self.inspection_id), self._evaluated,
                           self._evaluation_failed, owner=self)

    def _evaluated(self, result: jobs.EvalResult) -> None:
        self._eval_busy = False
        self.evaluation = result
        self.panel.show_evaluation(result.evaluation, result.error)
        self.panel.set_findings(result.findings)
        self.evaluation_updated.emit(result)
        if self._eval_dirty:
            self.request_evaluation()

    def _evaluation_failed(self, err: BaseException) -> None:
        self._eval_busy = False
        self.panel.show_evaluation(None, str(err))
        if self._eval_dirty:
            self.request_evaluation()

    def set_deadline(self, finding_id: str, iso: str) -> None:
        try:
            self.store.findings.set_deadline(finding_id, iso)
        except QCityError as err:
            self.refused(err)
            return
        self.show_message(self.tr("Rectification deadline set to %1").replace("%1", iso))

    # ------------------------------------------------------------------ showing and closing
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.current and not self.isAncestorOf(QApplication.focusWidget()):
            QTimer.singleShot(0, lambda: self.current and not self._closed and self.set_current(self.current))

    def hideEvent(self, event: QHideEvent) -> None:
        self.flush()  # a tab switched away or the window closing: store what was being typed
        super().hideEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Store what is pending and stop the worker; safe to call twice."""
        if self._closed:
            return
        self.flush()
        self._closed = True
        try:
            from ui.errors import unregister_flush_hook

            unregister_flush_hook(self.flush)
        except ImportError:  # pragma: no cover
            pass
        self.close_photo_viewer()
        _release(self.worker, self.store)


def _core(a: Answer | None) -> tuple[Any, ...] | None:
    """The parts of an answer that undo covers (the note has its own text undo)."""
    return None if a is None else (a.result, a.value, a.deduction, tuple(sorted((a.clauses or {}).items())))


def _release(worker: DbWorker, store: Any, *_args: Any) -> None:
    """Stop the worker thread and close the GUI connection (idempotent)."""
    worker.close()
    try:
        store.close()
    except Exception:  # noqa: BLE001 - already closed
        pass
