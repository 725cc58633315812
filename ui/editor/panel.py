"""The live panel: verdict, score and grade from the rule engine, what is still missing, and the
failed items with their rectification deadlines.

The inspector sees the conclusion form while answering (a B item failing under T7001-2009 turns
the verdict to 不合格 at once), so there are no surprises at Complete. Deadlines become editable
once Complete has created the findings; before that the default is shown.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from qcity_desktop.checklists.model import Evaluation

VERDICT_COLOURS = {"合格": "#1f8a4c", "不合格": "#c62828"}


class LivePanel(QFrame):
    jump_to = Signal(str)
    deadline_changed = Signal(str, str)  # finding id, ISO date
    next_missing_clicked = Signal()
    complete_clicked = Signal()
    sign_clicked = Signal()

    def __init__(self, rectification_days: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("livePanel")
        self.rectification_days = rectification_days
        self.status = "draft"
        self._findings: dict[str, dict[str, Any]] = {}
        self._failed: list[tuple[str, str, str, str]] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        grid = QGridLayout()
        self.verdict = QLabel("—")
        self.verdict.setObjectName("verdict")
        font = self.verdict.font()
        font.setPointSizeF(font.pointSizeF() * 1.9)
        font.setBold(True)
        self.verdict.setFont(font)
        grid.addWidget(QLabel(self.tr("Verdict")), 0, 0)
        grid.addWidget(self.verdict, 0, 1, 1, 3)
        self.score = QLabel("—")
        self.score.setObjectName("score")
        self.grade = QLabel("—")
        self.grade.setObjectName("grade")
        grid.addWidget(QLabel(self.tr("Score")), 1, 0)
        grid.addWidget(self.score, 1, 1)
        grid.addWidget(QLabel(self.tr("Grade")), 1, 2)
        grid.addWidget(self.grade, 1, 3)
        self.progress = QLabel()
        self.progress.setObjectName("progress")
        grid.addWidget(QLabel(self.tr("Answered")), 2, 0)
        grid.addWidget(self.progress, 2, 1, 1, 3)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        layout.addLayout(grid)
        self.missing = QLabel()
        self.missing.setObjectName("missing")
        self.missing.setWordWrap(True)
        layout.addWidget(self.missing)
        self.remarks = QLabel()
        self.remarks.setObjectName("remarks")
        self.remarks.setWordWrap(True)
        self.remarks.setStyleSheet("color:#374151;")
        layout.addWidget(self.remarks)

        self.failed_title = QLabel(self.tr("Failed items → findings"))
        self.failed_title.setStyleSheet("font-weight:bold; margin-top:6px;")
        layout.addWidget(self.failed_title)
        self.failed = QTreeWidget()
        self.failed.setObjectName("failedItems")
        self.failed.setRootIsDecorated(False)
        self.failed.setHeaderLabels([self.tr("Item"), self.tr("Class"), self.tr("Problem"), self.tr("Rectify by")])
        self.failed.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.failed.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.failed.header().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.failed.header().setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.failed.itemActivated.connect(lambda it, _c: self.jump_to.emit(it.data(0, Qt.ItemDataRole.UserRole)))
        self.failed.itemClicked.connect(lambda it, _c: self.jump_to.emit(it.data(0, Qt.ItemDataRole.UserRole)))
        layout.addWidget(self.failed, 1)

        buttons = QHBoxLayout()
        self.next_button = QPushButton(self.tr("Next unanswered (F3)"))
        self.next_button.setObjectName("nextMissing")
        self.next_button.clicked.connect(self.next_missing_clicked)
        self.complete_button = QPushButton(self.tr("Complete (Ctrl+Enter)"))
        self.complete_button.setObjectName("complete")
        self.complete_button.clicked.connect(self.complete_clicked)
        self.sign_button = QPushButton(self.tr("Sign…"))
        self.sign_button.setObjectName("sign")
        self.sign_button.clicked.connect(self.sign_clicked)
        for b in (self.next_button, self.complete_button, self.sign_button):
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            buttons.addWidget(b)
        layout.addLayout(buttons)

    # -- updates -------------------------------------------------------------------------------
    def show_evaluation(self, ev: Evaluation | None, error: str | None = None) -> None:
        if error:
            self.verdict.setText("—")
            self.verdict.setStyleSheet("color:#9aa0aa;")
            self.remarks.setText(self.tr("The rule cannot judge these answers yet: %1").replace("%1", error))
            return
        if ev is None:
            return
        if ev.verdict:
            self.verdict.setText(ev.verdict)
            self.verdict.setStyleSheet(f"color:{VERDICT_COLOURS.get(ev.verdict, '#1f2937')};")
        else:
            self.verdict.setText(self.tr("not yet decided"))
            self.verdict.setStyleSheet("color:#9aa0aa;")
        self.score.setText("—" if ev.score is None else str(ev.score))
        self.grade.setText(ev.grade or "—")
        self.remarks.setText("\n".join(ev.remarks))
        self._failed = [(f.item_id, f.title, f.severity, f.reason) for f in ev.failed]
        self._rebuild_failed()

    def show_progress(self, answered: int, total: int, missing: dict[str, str]) -> None:
        self.progress.setText(f"{answered} / {total}")
        answers = sum(1 for v in missing.values() if v == "answer")
        photos = len(missing) - answers
        if missing:
            parts = []
            if answers:
                parts.append(self.tr("%n required item(s) unanswered", "", answers))
            if photos:
                parts.append(self.tr("%n required photo(s) missing", "", photos))
            self.missing.setText("<span style='color:#c2410c'>" + "；".join(parts) + "</span>")
        else:
            self.missing.setText("<span style='color:#1f8a4c'>" + self.tr("Everything required is answered") + "</span>")
        self.next_button.setEnabled(bool(missing))

    def set_status(self, status: str, read_only: bool) -> None:
        self.status = status
        self.complete_button.setEnabled(status == "draft" and not read_only)
        self.sign_button.setEnabled(status == "completed" and not read_only)
        self._rebuild_failed()

    def set_findings(self, findings: list[dict[str, Any]]) -> None:
        self._findings = {f["item_id"]: f for f in findings}
        self._rebuild_failed()

    # -- the failed-items table -------------------------------------------------------------
    def _rebuild_failed(self) -> None:
        self.failed.clear()
        default = date.today() + timedelta(days=self.rectification_days)
        for item_id, title, severity, reason in self._failed:
            row = QTreeWidgetItem([f"{item_id} {title}", severity, reason, ""])
            row.setData(0, Qt.ItemDataRole.UserRole, item_id)
            row.setToolTip(2, reason)
            self.failed.addTopLevelItem(row)
            finding = self._findings.get(item_id)
            if finding is not None and self.status in ("completed", "signed"):
                edit = QDateEdit()
                edit.setObjectName(f"deadline-{item_id}")
                edit.setCalendarPopup(True)
                edit.setDisplayFormat("yyyy-MM-dd")
                if finding.get("deadline"):
                    edit.setDate(QDate.fromString(finding["deadline"], "yyyy-MM-dd"))
                edit.setEnabled(self.status == "completed")
                fid = finding["id"]
                edit.dateChanged.connect(lambda d, fid=fid: self.deadline_changed.emit(fid, d.toString("yyyy-MM-dd")))
                self.failed.setItemWidget(row, 3, edit)
            else:
                row.setText(3, self.tr("%1 (set at Complete)").replace("%1", default.isoformat()))
                row.setForeground(3, Qt.GlobalColor.gray)
        self.failed_title.setText(self.tr("Failed items → findings (%n)", "", len(self._failed)))

    def deadline_editor(self, item_id: str) -> QDateEdit | None:
        for i in range(self.failed.topLevelItemCount()):
            row = self.failed.topLevelItem(i)
            if row.data(0, Qt.ItemDataRole.UserRole) == item_id:
                w = self.failed.itemWidget(row, 3)
                return w if isinstance(w, QDateEdit) else None
        return None
