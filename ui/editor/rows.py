"""One row per checklist item, a widget per item type.

Rows only show state and report what the inspector did (signals); the editor decides what to
store, so the same keyboard handling, autosave and undo apply whatever the row type. The result
buttons are painted by one widget rather than six QToolButtons: a 189-item JGJ 59 checklist then
builds in a fraction of the time and scrolls smoothly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from qcity_desktop.checklists.model import RESULT_LABELS, RESULT_SYMBOLS, Answer, Item
from qcity_desktop.photos import SUPPORTED_SUFFIXES

# number keys → results (the order inspectors know from the paper form: √ × ／ △)
KEY_RESULTS = {Qt.Key.Key_1: "pass", Qt.Key.Key_2: "fail", Qt.Key.Key_3: "na", Qt.Key.Key_4: "not_tested",
               Qt.Key.Key_5: "doc_pass", Qt.Key.Key_6: "rectified"}
RESULT_KEYS = {v: k for k, v in {"1": "pass", "2": "fail", "3": "na", "4": "not_tested", "5": "doc_pass",
                                 "6": "rectified"}.items()}
RESULT_COLOURS = {"pass": "#1f8a4c", "fail": "#c62828", "na": "#6b7280", "not_tested": "#b7791f",
                  "doc_pass": "#0f766e", "rectified": "#2563eb"}
ROW_BG = {"current": QColor("#e6f0ff"), "missing": QColor("#fffaf0"), "plain": QColor("#ffffff")}
BAR = {"current": QColor("#2b6cd4"), "missing": QColor("#e08a00"), "fail": QColor("#c62828")}


def result_text(result: str | None, lang: str) -> str:
    if not result:
        return ""
    label = RESULT_LABELS.get(result, {}).get(lang) or result
    return f"{RESULT_SYMBOLS.get(result, '')} {label}"


def image_paths(mime: Any) -> list[str]:
    """Local image files in a drag's data (what an inspector drags from Explorer)."""
    if not mime.hasUrls():
        return []
    out = []
    for url in mime.urls():
        if url.isLocalFile():
            path = url.toLocalFile()
            if Path(path).suffix.lower() in SUPPORTED_SUFFIXES:
                out.append(path)
    return out


class PhotoDropTarget:
    """Mixin for widgets that take image files dropped from the file manager (not when read-only).

    Subclasses set ``read_only`` and implement ``take_dropped(paths)``."""

    read_only: bool

    def _accept_images(self, event: Any) -> None:
        if not self.read_only and image_paths(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragEnterEvent(self, event: Any) -> None:
        self._accept_images(event)

    def dragMoveEvent(self, event: Any) -> None:
        self._accept_images(event)

    def dropEvent(self, event: Any) -> None:
        paths = image_paths(event.mimeData())
        if paths and not self.read_only:
            event.acceptProposedAction()
            self.take_dropped(paths)

    def take_dropped(self, paths: list[str]) -> None:
        raise NotImplementedError


class ResultSegment(QWidget):
    """The allowed results as the paper form's symbols (√ × ／ △ ▽), the chosen one filled, each
    with its number key; compact so the item's title keeps the room."""

    picked = Signal(str)

    def __init__(self, results: tuple[str, ...], lang: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.results = results
        self.lang = lang
        self.result: str | None = None
        self._enabled = True
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self._big = QFont(self.font())
        self._big.setPointSizeF(self.font().pointSizeF() * 1.25)
        self._big.setBold(True)
        self._small = QFont(self.font())
        self._small.setPointSizeF(max(6.0, self.font().pointSizeF() * 0.7))
        self._cell = 42
        self.setFixedSize(self.sizeHint())
        self.setToolTip("\n".join(f"{RESULT_KEYS.get(r, '')}  {result_text(r, lang)}" for r in results))

    def sizeHint(self) -> QSize:
        return QSize(self._cell * len(self.results) + 1, 30)

    def set_result(self, result: str | None) -> None:
        if result != self.result:
            self.result = result
            self.update()

    def set_interactive(self, on: bool) -> None:
        self._enabled = on
        self.update()

    def cell_rect(self, index: int) -> QRect:
        return QRect(index * self._cell, 0, self._cell, self.height())

    def mousePressEvent(self, event: QMouseEvent) -> None:
        index = int(event.position().x() // self._cell)
        if self._enabled and 0 <= index < len(self.results) and event.button() == Qt.MouseButton.LeftButton:
            self.picked.emit(self.results[index])
        event.ignore()  # let the row take focus too

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        try:
            p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            for i, r in enumerate(self.results):
                rect = QRectF(self.cell_rect(i)).adjusted(2, 2, -2, -2)
                colour = QColor(RESULT_COLOURS.get(r, "#555"))
                chosen = r == self.result
                if not self._enabled and not chosen:
                    colour = QColor("#c3c7ce")
                p.setPen(QPen(colour, 1.3))
                p.setBrush(colour if chosen else QColor("#ffffff"))
                p.drawRoundedRect(rect, 5, 5)
                p.setFont(self._big)
                p.setPen(QColor("#ffffff") if chosen else colour)
                p.drawText(rect.adjusted(4, 1, 0, 0), Qt.AlignmentFlag.AlignCenter, RESULT_SYMBOLS.get(r, "?"))
                key = RESULT_KEYS.get(r)
                if key:
                    p.setFont(self._small)
                    p.setPen(QColor("#ffffff") if chosen else QColor("#9aa0aa"))
                    p.drawText(rect.adjusted(4, 1, 0, 0), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, key)
        finally:
            p.end()


class PaintedText(QWidget):
    """A fixed-size text painted by the widget itself. Changing a QLabel's text asks every layout
    up to the checklist to recompute, which with 189 word-wrapped rows costs ~100 ms per keypress;
    changing this only repaints it."""

    def __init__(self, width: int, bold: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._text = ""
        self._colour = QColor("#333333")
        if bold:
            font = QFont(self.font())
            font.setBold(True)
            self.setFont(font)
        self.setFixedSize(width, self.fontMetrics().height() + 4)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)

    def text(self) -> str:
        return self._text

    def set_text(self, text: str, colour: str = "#333333") -> None:
        if text != self._text or QColor(colour) != self._colour:
            self._text, self._colour = text, QColor(colour)
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self._text:
            return
        p = QPainter(self)
        try:
            p.setPen(self._colour)
            shown = self.fontMetrics().elidedText(self._text, Qt.TextElideMode.ElideRight, self.width())
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, shown)
        finally:
            p.end()


_widths: dict[tuple[str, str], int] = {}


def text_width(widget: QWidget, key: str, *samples: str) -> int:
    """The widest of ``samples`` in the widget's font, cached (rows are built by the hundred)."""
    cache_key = (widget.font().key(), key)
    if cache_key not in _widths:
        fm = widget.fontMetrics()
        _widths[cache_key] = max(fm.horizontalAdvance(t) for t in samples) + 8
    return _widths[cache_key]


class ItemRow(PhotoDropTarget, QFrame):
    """Base row: id, title, badges, and the state colouring (current, missing, failed)."""

    answer_edited = Signal(str, dict)      # item_id, keyword arguments for Inspections.answer
    value_typed = Signal(str, str)         # item_id, text (autosaved after a short pause)
    value_committed = Signal(str)          # item_id: Enter / focus left the field, store now
    photos_dropped = Signal(str, list)     # item_id, file paths
    activated = Signal(str)                # item_id: clicked or focused
    action_requested = Signal(str, str)    # item_id, "photo" / "signature"

    navigable = True

    def __init__(self, item: Item, lang: str, depth: int = 0, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item = item
        self.lang = lang
        self.state = "plain"
        self.missing: str | None = None
        self.failed = False
        self.read_only = False
        self.setObjectName(f"row-{item.id}")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus if self.navigable else Qt.FocusPolicy.NoFocus)
        self.setAcceptDrops(self.navigable)
        self.layout_ = QHBoxLayout(self)
        self.layout_.setContentsMargins(12 + 22 * depth, 4, 8, 4)
        self.layout_.setSpacing(8)
        tag = item.attrs.get("class") or ("★" if item.attrs.get("key") else "")
        self.id_label = QLabel(f"{item.id}" + (f" <span style='color:#b45309'>[{tag}]</span>" if tag else ""))
        self.id_label.setTextFormat(Qt.TextFormat.RichText)
        self.id_label.setMinimumWidth(78)
        self.id_label.setStyleSheet("color:#4b5563;")
        self.title = QLabel(self._title_text())
        self.title.setWordWrap(True)
        self.title.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.layout_.addWidget(self.id_label)
        self.layout_.addWidget(self.title, 1)
        sep = " · "
        widest = max(self.tr("Photos: %1").replace("%1", "99"), self.tr("photo required"), key=len)
        self.badge = PaintedText(text_width(self, "badge", widest + sep + self.tr("Note"),
                                            self.tr("Photos: %1").replace("%1", "99") + sep + self.tr("Note"),
                                            self.tr("photo required") + sep + self.tr("Note")))
        self.badge.setObjectName("badge")
        self.layout_.addWidget(self.badge)

    def _title_text(self) -> str:
        text = self.item.label(self.lang)
        return text + (" *" if self.item.required else "")

    # -- state from the editor -----------------------------------------------------------
    def set_answer(self, answer: Answer | None) -> None:
        """Show the stored answer (no signal is emitted)."""

    def set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only
        self.setAcceptDrops(self.navigable and not read_only)

    def set_current(self, current: bool) -> None:
        state = "current" if current else "plain"
        if state != self.state:
            self.state = state
            self.update()

    def set_flags(self, missing: str | None, failed: bool) -> None:
        if (missing, failed) != (self.missing, self.failed):
            self.missing, self.failed = missing, failed
            self.update()

    def set_badges(self, photos: int, note: str, photo_missing: bool) -> None:
        parts = []
        if photos:
            # %1, not %n: PySide's tr() gives up at the subclass for a %n string it cannot find there
            parts.append(self.tr("Photos: %1").replace("%1", str(photos)))
        if photo_missing:
            parts.append(self.tr("photo required"))
        if note:
            parts.append(self.tr("Note"))
        self.badge.set_text(" · ".join(parts), "#c2410c" if photo_missing else "#6b7280")
        if self.toolTip() != note:
            self.setToolTip(note)

    def focus_target(self) -> QWidget:
        """The widget that takes the keyboard when this row becomes current."""
        return self

    def show_error(self, message: str | None) -> None:
        """Result rows refuse nothing inline; the editor's status line says why."""

    # -- painting and mouse ----------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        try:
            bg = ROW_BG["current"] if self.state == "current" else (ROW_BG["missing"] if self.missing else ROW_BG["plain"])
            p.fillRect(self.rect(), bg)
            bar = BAR["current"] if self.state == "current" else (BAR["missing"] if self.missing else
                                                                   (BAR["fail"] if self.failed else None))
            if bar is not None:
                p.fillRect(QRect(0, 0, 4, self.height()), bar)
            p.setPen(QColor("#eceff3"))
            p.drawLine(QPointF(0, self.height() - 0.5), QPointF(self.width(), self.height() - 0.5))
        finally:
            p.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self.navigable:
            self.focus_target().setFocus(Qt.FocusReason.MouseFocusReason)
            self.activated.emit(self.item.id)
        super().mousePressEvent(event)

    def take_dropped(self, paths: list[str]) -> None:
        self.photos_dropped.emit(self.item.id, paths)


class ResultRow(ItemRow):
    """A pass/fail/n.a./not-tested item: the row itself holds the focus and takes the number keys."""

    def __init__(self, item: Item, lang: str, depth: int = 0, parent: QWidget | None = None) -> None:
        super().__init__(item, lang, depth, parent)
        self.segment = ResultSegment(item.results, lang)
        self.segment.picked.connect(self._picked)
        self.layout_.addWidget(self.segment)
        labels = [RESULT_LABELS.get(r, {}).get(lang, r) for r in item.results]
        self.chosen = PaintedText(text_width(self, "chosen:" + ",".join(labels), *labels))
        self.chosen.setObjectName("chosenResult")
        self.layout_.addWidget(self.chosen)

    def _picked(self, result: str) -> None:
        if not self.read_only:
            self.setFocus(Qt.FocusReason.MouseFocusReason)
            self.activated.emit(self.item.id)
            self.answer_edited.emit(self.item.id, {"result": result})

    def set_answer(self, answer: Answer | None) -> None:
        result = answer.result if answer else None
        self.segment.set_result(result)
        label = RESULT_LABELS.get(result or "", {}).get(self.lang, "")
        self.chosen.set_text(label, RESULT_COLOURS.get(result or "", "#333333"))

    def set_read_only(self, read_only: bool) -> None:
        super().set_read_only(read_only)
        self.segment.set_interactive(not read_only)


class _FieldRow(ItemRow):
    """Rows whose answer is typed: the field holds the focus; Up/Down still move between items."""

    def __init__(self, item: Item, lang: str, depth: int = 0, parent: QWidget | None = None) -> None:
        super().__init__(item, lang, depth, parent)
        self.field = self.make_field()
        self.field.setObjectName(f"field-{item.id}")
        self.field.installEventFilter(self)
        self.setFocusProxy(self.field)

    def make_field(self) -> QWidget:
        raise NotImplementedError

    def focus_target(self) -> QWidget:
        return self.field

    def eventFilter(self, watched: Any, event: QEvent) -> bool:
        if watched is self.field and event.type() == QEvent.Type.FocusIn:
            self.activated.emit(self.item.id)
        return super().eventFilter(watched, event)

    def set_read_only(self, read_only: bool) -> None:
        super().set_read_only(read_only)
        if isinstance(self.field, QLineEdit):
            self.field.setReadOnly(read_only)
        else:
            self.field.setEnabled(not read_only)

    def show_error(self, message: str | None) -> None:
        if (message or "") == self.field.toolTip():
            return  # restyling a field re-polishes it and relays the checklist out: only on a change
        self.field.setStyleSheet("border:2px solid #c62828;" if message else "")
        self.field.setToolTip(message or "")


class NumberRow(_FieldRow):
    """A measured value: typed with its unit; the tolerance decides pass/fail (shown beside it)."""

    def make_field(self) -> QWidget:
        field = QLineEdit()
        field.setFixedWidth(96)
        field.setAlignment(Qt.AlignmentFlag.AlignRight)
        field.setInputMethodHints(Qt.InputMethodHint.ImhFormattedNumbersOnly)
        field.textEdited.connect(lambda text: self.value_typed.emit(self.item.id, text))
        field.editingFinished.connect(lambda: self.value_committed.emit(self.item.id))
        self.layout_.addWidget(field)
        unit = QLabel(self.item.unit)
        unit.setMinimumWidth(28)
        self.layout_.addWidget(unit)
        limits = []
        if self.item.min is not None:
            limits.append(f"≥{self.item.min}")
        if self.item.max is not None:
            limits.append(f"≤{self.item.max}")
        self.limit = QLabel(" ".join(limits))
        self.limit.setStyleSheet("color:#6b7280;")
        self.layout_.addWidget(self.limit)
        self.verdict = PaintedText(text_width(self, "verdict", *(result_text(r, self.lang) for r in RESULT_LABELS)))
        self.layout_.addWidget(self.verdict)
        return field

    def text(self) -> str:
        assert isinstance(self.field, QLineEdit)
        return self.field.text()

    def set_answer(self, answer: Answer | None) -> None:
        assert isinstance(self.field, QLineEdit)
        value = (answer.value if answer else None) or ""
        if not self.field.hasFocus() or self.field.text().strip() == value:
            self.field.setText(value)
        result = answer.result if answer else None
        self.verdict.set_text(result_text(result, self.lang), RESULT_COLOURS.get(result or "", "#333333"))


class TextRow(NumberRow):
    """Free text (e.g. a certificate number): same autosave path as numbers, wider field."""

    def make_field(self) -> QWidget:
        field = QLineEdit()
        field.setMinimumWidth(220)
        field.textEdited.connect(lambda text: self.value_typed.emit(self.item.id, text))
        field.editingFinished.connect(lambda: self.value_committed.emit(self.item.id))
        self.layout_.addWidget(field)
        self.verdict = PaintedText(0)
        return field

    def set_answer(self, answer: Answer | None) -> None:
        assert isinstance(self.field, QLineEdit)
        value = (answer.value if answer else None) or ""
        if not self.field.hasFocus() or self.field.text() == value:
            self.field.setText(value)


class ChoiceRow(_FieldRow):
    def make_field(self) -> QWidget:
        box = QComboBox()
        box.addItem("—", "")
        for c in self.item.choices:
            box.addItem(c.get(self.lang) or c.get("zh") or c["value"], c["value"])
        box.setMinimumWidth(160)
        box.activated.connect(self._chosen)
        self.layout_.addWidget(box)
        return box

    def _chosen(self, index: int) -> None:
        assert isinstance(self.field, QComboBox)
        if not self.read_only:
            self.answer_edited.emit(self.item.id, {"value": self.field.itemData(index) or ""})

    def set_answer(self, answer: Answer | None) -> None:
        assert isinstance(self.field, QComboBox)
        index = self.field.findData((answer.value if answer else None) or "")
        self.field.setCurrentIndex(max(0, index))


class ActionRow(ItemRow):
    """Photo and signature items: answered by attaching something, through a button."""

    def __init__(self, item: Item, lang: str, depth: int = 0, parent: QWidget | None = None) -> None:
        super().__init__(item, lang, depth, parent)
        text = self.tr("Add photo…") if item.type == "photo" else self.tr("Sign…")
        self.button = QPushButton(text)
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.button.clicked.connect(lambda: self.action_requested.emit(item.id, item.type))
        self.layout_.addWidget(self.button)
        self.value = PaintedText(160)
        self.layout_.addWidget(self.value)

    def set_answer(self, answer: Answer | None) -> None:
        self.value.set_text((answer.value if answer else None) or "")

    def set_read_only(self, read_only: bool) -> None:
        super().set_read_only(read_only)
        self.button.setEnabled(not read_only)


class ParentRow(ItemRow):
    """An item with sub-items: its result is derived from them, so it is shown, not answered."""

    navigable = False

    def __init__(self, item: Item, lang: str, depth: int = 0, parent: QWidget | None = None) -> None:
        super().__init__(item, lang, depth, parent)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.derived = PaintedText(text_width(self, "derived", *(result_text(r, lang) for r in RESULT_LABELS)),
                                   bold=True)
        self.layout_.addWidget(self.derived)

    def _title_text(self) -> str:
        return self.item.label(self.lang)

    def set_derived(self, result: str | None) -> None:
        self.derived.set_text(result_text(result, self.lang), RESULT_COLOURS.get(result or "", "#9aa0aa"))


class SectionHeader(QLabel):
    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setStyleSheet("background:#f1f4f8; color:#1f2937; font-weight:bold; padding:8px 12px;"
                           "border-bottom:1px solid #d9dee6;")
        self.setWordWrap(True)


def make_row(item: Item, lang: str, is_parent: bool, depth: int) -> ItemRow:
    if is_parent:
        return ParentRow(item, lang, depth)
    cls: type[ItemRow] = {"result": ResultRow, "number": NumberRow, "text": TextRow, "choice": ChoiceRow,
                          "photo": ActionRow, "signature": ActionRow}.get(item.type, ResultRow)
    return cls(item, lang, depth)
