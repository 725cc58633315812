"""Step 2 of the wizard: the step on screen, the live reading, the inputs and the table of points.

Keyboard first and touch friendly: the buttons never take focus (a finger tap or a mouse click
works, and Space never "clicks" whichever button had focus), the panel itself takes the keys —
Space/Enter record, Backspace discards the last reading, S skips, N moves on — and the text
fields hand Enter to "record" and Esc back to the panel. Only widgets here; the page decides.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.scale_wizard.connect_panel import big_button
from ui.scale_wizard.live import LiveReading

PASS_COLOUR, FAIL_COLOUR, MUTED = QColor("#1e7e34"), QColor("#c62828"), QColor("#8a8a8a")


class _Field(QLineEdit):
    """A text field whose Esc returns the keys to the panel (so Space records again)."""

    escaped = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.escaped.emit()
            return
        super().keyPressEvent(event)


class StepPanel(QWidget):
    captureRequested = Signal()
    discardRequested = Signal()
    skipRequested = Signal()
    nextRequested = Signal()
    resultRequested = Signal()
    backRequested = Signal()
    stepChosen = Signal(str)
    sameAsSerialRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scaleSteps")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.steps = QListWidget()
        self.steps.setObjectName("stepList")
        self.steps.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.steps.setMinimumWidth(230)
        self.steps.itemClicked.connect(lambda item: self.stepChosen.emit(item.data(Qt.ItemDataRole.UserRole)))

        self.counter = QLabel()
        self.counter.setObjectName("stepCounter")
        self.title = QLabel()
        self.title.setObjectName("stepTitle")
        tfont = QFont(self.title.font())
        tfont.setPointSizeF(tfont.pointSizeF() * 1.4)
        tfont.setBold(True)
        self.title.setFont(tfont)
        self.load = QLabel()
        self.load.setObjectName("stepLoad")
        lfont = QFont(self.load.font())
        lfont.setPointSizeF(lfont.pointSizeF() * 2.2)
        lfont.setBold(True)
        self.load.setFont(lfont)
        self.load.setWordWrap(True)
        self.limit = QLabel()
        self.limit.setObjectName("stepLimit")
        self.instruction = QLabel()
        self.instruction.setObjectName("stepInstruction")
        self.instruction.setWordWrap(True)
        self.capture_state = QLabel()
        self.capture_state.setObjectName("captureState")
        self.capture_state.setWordWrap(True)
        cfont = QFont(self.capture_state.font())
        cfont.setPointSizeF(cfont.pointSizeF() * 1.15)
        self.capture_state.setFont(cfont)
        self.live = LiveReading(40)

        # inputs, shown by step kind
        self.display_edit = self._field("displayEdit")
        self.same_button = big_button()
        self.same_button.setObjectName("sameAsSerial")
        self.same_button.clicked.connect(self.sameAsSerialRequested)
        self.key_edit = self._field("keyEdit")
        self.added_edit = self._field("addedEdit")
        self.manual_edit = self._field("manualEdit")
        self.price_edit = self._field("unitPriceEdit")
        self.amount_edit = self._field("amountEdit")
        self.reason_box = QComboBox()
        self.reason_box.setObjectName("reasonBox")
        self.reason_box.setEditable(True)
        self.reason_box.setMinimumHeight(40)
        self.change_point = QCheckBox()
        self.change_point.setObjectName("changePointMode")
        self.labels: dict[str, QLabel] = {k: QLabel() for k in ("display", "key", "added", "manual", "price", "amount",
                                                                "reason")}
        inputs = QHBoxLayout()
        pairs = [("display", self.display_edit), ("key", self.key_edit), ("added", self.added_edit),
                 ("manual", self.manual_edit), ("price", self.price_edit), ("amount", self.amount_edit),
                 ("reason", self.reason_box)]
        self._boxes: dict[str, QWidget] = {}
        for name, widget in pairs:
            box = QWidget()  # label above field; hiding the box closes the gap
            col = QVBoxLayout(box)
            col.setContentsMargins(0, 0, 0, 0)
            col.addWidget(self.labels[name])
            if name == "display":  # the one-tap "customer display = serial value" sits by its field
                cell = QHBoxLayout()
                cell.addWidget(widget, 1)
                cell.addWidget(self.same_button)
                col.addLayout(cell)
            else:
                col.addWidget(widget)
            self._boxes[name] = box
            inputs.addWidget(box, 2 if name in ("display", "reason") else 1)
        self._inputs = dict(pairs)

        self.capture_button = big_button()
        self.capture_button.setObjectName("captureButton")
        self.discard_button = big_button()
        self.discard_button.setObjectName("discardButton")
        self.skip_button = big_button()
        self.skip_button.setObjectName("skipButton")
        self.next_button = big_button()
        self.next_button.setObjectName("nextButton")
        self.result_button = big_button()
        self.result_button.setObjectName("resultButton")
        self.back_button = big_button()
        self.back_button.setObjectName("backToConnect")
        for button, signal in ((self.capture_button, self.captureRequested), (self.discard_button, self.discardRequested),
                               (self.skip_button, self.skipRequested), (self.next_button, self.nextRequested),
                               (self.result_button, self.resultRequested), (self.back_button, self.backRequested)):
            button.clicked.connect(signal)
        cap_font = QFont(self.capture_button.font())
        cap_font.setBold(True)
        self.capture_button.setFont(cap_font)
        self.capture_button.setMinimumWidth(200)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        for b in (self.capture_button, self.discard_button, self.skip_button, self.next_button, self.result_button):
            buttons.addWidget(b)

        self.table = QTableWidget(0, 8)
        self.table.setObjectName("pointsTable")
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.findings = QListWidget()
        self.findings.setObjectName("liveFindings")
        self.findings.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.findings.setWordWrap(True)
        self.findings_title = QLabel()

        head = QVBoxLayout()
        head.addWidget(self.counter)
        head.addWidget(self.title)
        head.addWidget(self.load)
        head.addWidget(self.limit)
        top = QHBoxLayout()
        top.addLayout(head, 3)
        top.addWidget(self.live, 2)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        upper = QWidget()
        upper_lay = QVBoxLayout(upper)
        upper_lay.setContentsMargins(0, 0, 0, 0)
        upper_lay.addLayout(top)
        upper_lay.addWidget(self.instruction)
        upper_lay.addWidget(self.capture_state)
        upper_lay.addWidget(line)
        upper_lay.addLayout(inputs)
        upper_lay.addWidget(self.change_point)
        upper_lay.addLayout(buttons)
        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(self.table)
        fbox = QWidget()
        flay = QVBoxLayout(fbox)
        flay.setContentsMargins(0, 0, 0, 0)
        flay.addWidget(self.findings_title)
        flay.addWidget(self.findings, 1)
        lower.addWidget(fbox)
        lower.setStretchFactor(0, 3)
        lower.setStretchFactor(1, 2)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(upper)
        right.addWidget(lower)
        right.setStretchFactor(1, 1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.steps)
        split.addWidget(right)
        split.setStretchFactor(1, 1)
        split.setSizes([260, 1000])
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(split)
        self.retranslate()

    def _field(self, name: str) -> _Field:
        edit = _Field()
        edit.setObjectName(name)
        edit.setMinimumHeight(40)
        edit.returnPressed.connect(self.captureRequested)
        edit.escaped.connect(lambda: self.setFocus(Qt.FocusReason.ShortcutFocusReason))
        return edit

    # -- keys ---------------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
            super().keyPressEvent(event)
            return
        if key in (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.captureRequested.emit()
        elif key == Qt.Key.Key_Backspace:
            self.discardRequested.emit()
        elif key == Qt.Key.Key_S:
            self.skipRequested.emit()
        elif key == Qt.Key.Key_N:
            self.nextRequested.emit()
        elif key == Qt.Key.Key_R:
            self.resultRequested.emit()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    # -- showing ------------------------------------------------------------------------------
    def show_inputs(self, visible: set[str]) -> None:
        for name, box in self._boxes.items():
            box.setVisible(name in visible or name == "reason")

    def set_steps(self, rows: list[tuple[str, str, str]], current: str | None) -> None:
        """rows: (step id, text, state) with state pass/fail/skipped/partial/todo."""
        marks = {"pass": "✔", "fail": "✘", "skipped": "–", "partial": "◐", "todo": "○"}
        self.steps.clear()
        for step_id, text, state in rows:
            item = QListWidgetItem(f"{marks.get(state, '○')}  {text}")
            item.setData(Qt.ItemDataRole.UserRole, step_id)
            item.setSizeHint(QSize(0, 34))
            if state == "fail":
                item.setForeground(QBrush(FAIL_COLOUR))
            elif state == "pass":
                item.setForeground(QBrush(PASS_COLOUR))
            elif state == "skipped":
                item.setForeground(QBrush(MUTED))
            if step_id == current:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            self.steps.addItem(item)
            if step_id == current:
                self.steps.setCurrentItem(item)
                self.steps.scrollToItem(item, QAbstractItemView.ScrollHint.PositionAtCenter)

    def set_points(self, rows: list[list[Any]]) -> None:
        """rows: [step, load, indication, display, error, mpe, passed (True/False/None), how, discarded]."""
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            *cells, passed, how, discarded = row
            texts = [*cells, self._verdict_text(passed, discarded), how]
            for c, text in enumerate(texts):
                item = QTableWidgetItem(str(text))
                if c in (1, 2, 3, 4, 5):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if discarded:
                    item.setForeground(QBrush(MUTED))
                    font = item.font()
                    font.setStrikeOut(c != 6)
                    item.setFont(font)
                elif c == 6 and passed is not None:
                    item.setForeground(QBrush(PASS_COLOUR if passed else FAIL_COLOUR))
                self.table.setItem(r, c, item)
        if rows:
            self.table.scrollToBottom()

    def _verdict_text(self, passed: bool | None, discarded: str | None) -> str:
        if discarded:
            return self.tr("void: {0}").format(discarded)
        if passed is None:
            return ""
        return self.tr("pass") if passed else self.tr("FAIL")

    def set_findings(self, findings: list[tuple[str, str]]) -> None:
        """(severity, text) pairs; cheat and fail in red."""
        self.findings.clear()
        for severity, text in findings:
            item = QListWidgetItem(("⚠ " if severity == "cheat" else "✘ " if severity == "fail" else "ℹ ") + text)
            if severity in ("cheat", "fail"):
                item.setForeground(QBrush(FAIL_COLOUR))
            self.findings.addItem(item)
        if not findings:
            self.findings.addItem(QListWidgetItem(self.tr("No findings so far.")))

    def set_capture_state(self, text: str, tone: str = "info") -> None:
        colour = {"ok": "#1e7e34", "warn": "#b26a00", "error": "#c62828"}.get(tone, "")
        self.capture_state.setStyleSheet(f"color: {colour};" if colour else "")
        self.capture_state.setText(text)

    # -- language -----------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.labels["display"].setText(self.tr("Customer display shows"))
        self.labels["key"].setText(self.tr("Key pressed"))
        self.labels["added"].setText(self.tr("Small weights ΔL (g)"))
        self.labels["manual"].setText(self.tr("Indication typed by hand"))
        self.labels["price"].setText(self.tr("Unit price (CNY/kg)"))
        self.labels["amount"].setText(self.tr("Amount shown (CNY)"))
        self.labels["reason"].setText(self.tr("Reason (discard / skip)"))
        self.display_edit.setPlaceholderText(self.tr("e.g. 1.500"))
        self.manual_edit.setPlaceholderText(self.tr("only without serial"))
        self.same_button.setText(self.tr("= serial value"))
        self.change_point.setText(self.tr("Change-point method: I add small weights and enter ΔL before recording "
                                          "(no automatic capture on those steps)"))
        reasons = [self.tr("wrong reading"), self.tr("weight misplaced"), self.tr("no weights for this load"),
                   self.tr("not applicable to this scale")]
        text = self.reason_box.currentText()
        self.reason_box.clear()
        self.reason_box.addItems(reasons)
        self.reason_box.setCurrentIndex(-1)
        self.reason_box.setEditText(text if text not in reasons else "")
        self.reason_box.lineEdit().setPlaceholderText(self.tr("reason…"))
        self.capture_button.setText(self.tr("Record  [Space]"))
        self.discard_button.setText(self.tr("Discard last  [⌫]"))
        self.skip_button.setText(self.tr("Skip  [S]"))
        self.next_button.setText(self.tr("Next step  [N]"))
        self.result_button.setText(self.tr("Result  [R]"))
        self.back_button.setText(self.tr("◀ Connection"))
        self.findings_title.setText(self.tr("Findings so far"))
        self.table.setHorizontalHeaderLabels([
            self.tr("Step"), self.tr("Load L"), self.tr("Indication I"), self.tr("Customer display"),
            self.tr("Error E"), self.tr("MPE ±"), self.tr("Result"), self.tr("Recorded")])

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange and hasattr(self, "table"):
            self.retranslate()
        super().changeEvent(event)
