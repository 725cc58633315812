"""Step 3 of the wizard: verdict, findings, the checklist answers the test gives, and writing them.

The verdict shown here is the metrology engine's; the inspection's own verdict comes from its
checklist rule once the answers are written and the inspector completes it in the editor. When
the verdict is refused (expired or missing reference) the reason is shown in place of a verdict
and writing is refused too, so no record is completed on untraceable weights.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QBrush, QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from ui.scale_wizard.connect_panel import big_button
from ui.scale_wizard.step_panel import FAIL_COLOUR, PASS_COLOUR


class ResultPanel(QWidget):
    backRequested = Signal()
    writeRequested = Signal()
    openRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scaleResult")
        self.verdict = QLabel()
        self.verdict.setObjectName("verdictLabel")
        font = QFont(self.verdict.font())
        font.setPointSizeF(font.pointSizeF() * 2.4)
        font.setBold(True)
        self.verdict.setFont(font)
        self.cheat = QLabel()
        self.cheat.setObjectName("cheatBanner")
        self.cheat.setWordWrap(True)
        self.cheat.setStyleSheet("background: #c62828; color: white; padding: 8px; font-weight: bold;")
        self.blocked = QLabel()
        self.blocked.setObjectName("verdictBlocked")
        self.blocked.setWordWrap(True)
        self.blocked.setStyleSheet("color: #c62828; font-weight: bold;")
        self.stats = QLabel()
        self.stats.setObjectName("resultStats")
        self.stats.setWordWrap(True)
        self.findings_title, self.answers_title = QLabel(), QLabel()
        self.findings = QListWidget()
        self.findings.setObjectName("resultFindings")
        self.findings.setWordWrap(True)
        self.answers = QListWidget()
        self.answers.setObjectName("checklistAnswers")
        self.answers.setWordWrap(True)
        self.written = QLabel()
        self.written.setObjectName("writtenLabel")
        self.written.setWordWrap(True)
        self.back_button = big_button()
        self.back_button.setObjectName("backToSteps")
        self.write_button = big_button()
        self.write_button.setObjectName("writeToInspection")
        self.write_button.setMinimumWidth(260)
        bold = QFont(self.write_button.font())
        bold.setBold(True)
        self.write_button.setFont(bold)
        self.open_button = big_button()
        self.open_button.setObjectName("openInspection")
        self.back_button.clicked.connect(self.backRequested)
        self.write_button.clicked.connect(self.writeRequested)
        self.open_button.clicked.connect(self.openRequested)

        lists = QHBoxLayout()
        for title, widget in ((self.findings_title, self.findings), (self.answers_title, self.answers)):
            col = QVBoxLayout()
            col.addWidget(title)
            col.addWidget(widget, 1)
            lists.addLayout(col, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.write_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.verdict)
        lay.addWidget(self.cheat)
        lay.addWidget(self.blocked)
        lay.addWidget(self.stats)
        lay.addLayout(lists, 1)
        lay.addWidget(self.written)
        lay.addLayout(buttons)
        self.retranslate()

    def show_verdict(self, result: str | None, text: str, cheat: bool, blocked: str | None) -> None:
        """``result`` pass/fail/incomplete or None when refused; ``text`` the words to show."""
        self.verdict.setText(text)
        colour = {"pass": PASS_COLOUR.name(), "fail": FAIL_COLOUR.name()}.get(result or "", "#b26a00")
        self.verdict.setStyleSheet(f"color: {colour};")
        self.cheat.setVisible(cheat)
        self.blocked.setVisible(bool(blocked))
        self.blocked.setText(blocked or "")

    def set_findings(self, rows: list[tuple[str, str]]) -> None:
        self.findings.clear()
        for severity, text in rows:
            item = QListWidgetItem(("⚠ " if severity == "cheat" else "✘ " if severity == "fail" else "ℹ ") + text)
            if severity in ("cheat", "fail"):
                item.setForeground(QBrush(FAIL_COLOUR))
            self.findings.addItem(item)
        if not rows:
            self.findings.addItem(self.tr("No findings."))

    def set_answers(self, rows: list[tuple[str, str, str, bool | None]]) -> None:
        """(item id, title, answer text, passed)."""
        self.answers.clear()
        for item_id, title, text, passed in rows:
            item = QListWidgetItem(f"{item_id}  {title}：{text}")
            item.setData(Qt.ItemDataRole.UserRole, item_id)
            if passed is not None:
                item.setForeground(QBrush(PASS_COLOUR if passed else FAIL_COLOUR))
            self.answers.addItem(item)
        if not rows:
            self.answers.addItem(self.tr("No checklist item is decided yet."))

    def retranslate(self) -> None:
        self.cheat.setText(self.tr("Suspected cheating: keep the scale and the evidence; consider sealing it."))
        self.findings_title.setText(self.tr("Findings"))
        self.answers_title.setText(self.tr("Checklist answers this test gives"))
        self.back_button.setText(self.tr("◀ Back to the steps"))
        self.write_button.setText(self.tr("Write to the inspection record"))
        self.open_button.setText(self.tr("Open in the checklist editor"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange and hasattr(self, "write_button"):
            self.retranslate()
        super().changeEvent(event)
