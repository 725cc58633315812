"""审核: a supervisor approves a signed inspection or returns it with a reason (docs/review.md).

The dialog shows what is being reviewed and the reviews so far (a review is never changed; a new one
is added), and saves on the database worker. Whether the reviewer may review is the hub's decision:
only supervisors' reviews are accepted there, and a refused one is listed on the Sync page.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.context import AppContext
from ui.labels import local_time, review_label, verdict_label


def load_review(store: Any, inspection_id: str) -> dict[str, Any]:
    """What the dialog shows: the inspection's head and its reviews, oldest first."""
    row = store.inspections.row(inspection_id)
    subject = store.subjects.get(row["subject_id"])
    return {"row": row, "subject": subject["name"], "reviews": store.reviews.for_inspection(inspection_id)}


class ReviewDialog(QDialog):
    saved = Signal(dict)   # the stored review

    def __init__(self, ctx: AppContext, inspection_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewDialog")
        self.ctx = ctx
        self.inspection_id = inspection_id
        self.setWindowTitle(self.tr("Review"))
        self.resize(620, 460)
        self.head = QLabel()
        self.head.setObjectName("reviewHead")
        self.head.setWordWrap(True)
        self.history = QTableWidget(0, 4)
        self.history.setObjectName("reviewHistory")
        self.history.setHorizontalHeaderLabels([self.tr("Time"), self.tr("Reviewer"), self.tr("Decision"),
                                                self.tr("Comment")])
        self.history.horizontalHeader().setStretchLastSection(True)
        self.history.verticalHeader().setVisible(False)
        self.history.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.reviewer = QLineEdit(str(getattr(ctx.settings, "inspector_name", "") or ""))
        self.reviewer.setObjectName("reviewer")
        self.comment = QPlainTextEdit()
        self.comment.setObjectName("reviewComment")
        self.comment.setPlaceholderText(self.tr("Required when returning: what the inspector must correct"))
        self.comment.setMaximumHeight(90)
        self.message = QLabel()
        self.message.setObjectName("reviewMessage")
        self.message.setStyleSheet("color:#b3261e")
        self.approve_button = QPushButton(self.tr("Approve"))
        self.approve_button.setObjectName("reviewApprove")
        self.return_button = QPushButton(self.tr("Return to the inspector"))
        self.return_button.setObjectName("reviewReturn")
        cancel = QPushButton(self.tr("Cancel"))

        form = QFormLayout()
        form.addRow(self.tr("Reviewer"), self.reviewer)
        form.addRow(self.tr("Comment"), self.comment)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        for b in (self.approve_button, self.return_button, cancel):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addWidget(self.head)
        layout.addWidget(QLabel(self.tr("Reviews so far (a review is never changed; add a new one)")))
        layout.addWidget(self.history, 1)
        layout.addLayout(form)
        layout.addLayout(buttons)

        self.approve_button.clicked.connect(lambda: self.submit("approved"))
        self.return_button.clicked.connect(lambda: self.submit("returned"))
        cancel.clicked.connect(self.reject)
        self._set_busy(True)
        ctx.worker.submit(lambda store: load_review(store, inspection_id), self._loaded, self._failed, owner=self)

    def _set_busy(self, busy: bool) -> None:
        self.approve_button.setEnabled(not busy)
        self.return_button.setEnabled(not busy)

    def _loaded(self, data: dict[str, Any]) -> None:
        row = data["row"]
        self.head.setText(self.tr("%1 — %2, signed by %3 on %4; report %5")
                          .replace("%1", data["subject"]).replace("%2", verdict_label(row.get("verdict")))
                          .replace("%3", row.get("signed_by") or "—").replace("%4", local_time(row.get("signed_at") or ""))
                          .replace("%5", row.get("report_no") or "—"))
        reviews = data["reviews"]
        self.history.setRowCount(len(reviews))
        for n, r in enumerate(reviews):
            for col, text in enumerate((local_time(r["reviewed_at"]), r["reviewer"], review_label(r["decision"]),
                                        r["comment"])):
                item = QTableWidgetItem(text)
                if col == 2 and r["decision"] == "returned":
                    item.setForeground(Qt.GlobalColor.red)
                self.history.setItem(n, col, item)
        self.history.resizeColumnsToContents()
        self._set_busy(row.get("status") != "signed")
        if row.get("status") != "signed":
            self.message.setText(self.tr("Only signed inspections are reviewed."))

    def submit(self, decision: str) -> None:
        reviewer, comment = self.reviewer.text().strip(), self.comment.toPlainText().strip()
        if not reviewer:
            self.message.setText(self.tr("Enter the reviewer's name."))
            self.reviewer.setFocus()
            return
        if decision == "returned" and not comment:
            self.message.setText(self.tr("Say what must be corrected before returning it."))
            self.comment.setFocus()
            return
        self._set_busy(True)
        iid = self.inspection_id
        self.ctx.worker.submit(lambda store: store.reviews.add(iid, decision, reviewer, comment), self._saved,
                               self._failed, owner=self)

    def _saved(self, review: dict[str, Any]) -> None:
        self.saved.emit(review)
        self.ctx.dataChanged.emit()
        self.accept()

    def _failed(self, err: BaseException) -> None:
        self._set_busy(False)
        self.message.setText(str(err))
