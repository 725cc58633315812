"""Sign: the confirmation that shows the verdict, and the handwritten signatures.

Signing locks the inspection for good, so the dialog states the verdict (large), the score and
the failed items before anything is stored, and the inspector must both type a name and sign.
The site's representative signs on the same screen (the tablet is passed over); if nobody from
the site is present the box is left empty and no representative signature is recorded.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.editor.panel import VERDICT_COLOURS
from ui.widgets.signature_pad import SignaturePad


class SignatureBox(QGroupBox):
    """A name field and a signature pad with Undo stroke / Clear."""

    changed = Signal()

    def __init__(self, title: str, name: str, role: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.role = role
        self.setObjectName(f"signature-{role}")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.name = QLineEdit(name)
        self.name.setObjectName(f"signer-{role}")
        self.name.textChanged.connect(self.changed)
        form.addRow(self.tr("Name"), self.name)
        layout.addLayout(form)
        self.pad = SignaturePad()
        self.pad.setObjectName(f"pad-{role}")
        self.pad.changed.connect(self.changed)
        layout.addWidget(self.pad, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        undo = QPushButton(self.tr("Undo stroke"))
        undo.clicked.connect(self.pad.undo_stroke)
        clear = QPushButton(self.tr("Clear"))
        clear.clicked.connect(self.pad.clear)
        buttons.addWidget(undo)
        buttons.addWidget(clear)
        layout.addLayout(buttons)

    def signer(self) -> str:
        return self.name.text().strip()

    def filled(self) -> bool:
        return bool(self.signer()) and not self.pad.is_empty()

    def started(self) -> bool:
        return bool(self.signer()) or not self.pad.is_empty()


class SignDialog(QDialog):
    """Confirm the verdict and collect signatures; ``signatures()`` gives what to store."""

    def __init__(self, summary: dict[str, Any], inspector: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signDialog")
        self.setWindowTitle(self.tr("Sign the inspection"))
        self.resize(760, 640)
        layout = QVBoxLayout(self)
        head = QLabel(summary.get("title", ""))
        head.setWordWrap(True)
        layout.addWidget(head)
        verdict = summary.get("verdict") or "—"
        self.verdict = QLabel(verdict)
        self.verdict.setObjectName("signVerdict")
        font = self.verdict.font()
        font.setPointSizeF(font.pointSizeF() * 2.2)
        font.setBold(True)
        self.verdict.setFont(font)
        self.verdict.setStyleSheet(f"color:{VERDICT_COLOURS.get(verdict, '#1f2937')};")
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Verdict")))
        row.addWidget(self.verdict)
        facts = []
        if summary.get("score") is not None:
            facts.append(self.tr("score %1").replace("%1", str(summary["score"])))
        if summary.get("grade"):
            facts.append(self.tr("grade %1").replace("%1", str(summary["grade"])))
        facts.append(self.tr("%n failed item(s)", "", len(summary.get("failed", []))))
        info = QLabel("，".join(facts))
        row.addWidget(info, 1)
        layout.addLayout(row)
        if summary.get("failed"):
            failed = QLabel("；".join(summary["failed"][:8]) + ("…" if len(summary["failed"]) > 8 else ""))
            failed.setWordWrap(True)
            failed.setStyleSheet("color:#c62828;")
            layout.addWidget(failed)
        if summary.get("remarks"):
            remarks = QLabel("\n".join(summary["remarks"]))
            remarks.setWordWrap(True)
            layout.addWidget(remarks)
        warn = QLabel(self.tr("After signing the inspection is locked and can no longer be changed."))
        warn.setObjectName("signWarning")
        warn.setStyleSheet("color:#92400e; font-weight:bold;")
        layout.addWidget(warn)

        pads = QHBoxLayout()
        self.inspector = SignatureBox(self.tr("Inspector"), inspector, "inspector")
        self.representative = SignatureBox(self.tr("Site representative (optional)"), "", "representative")
        pads.addWidget(self.inspector)
        pads.addWidget(self.representative)
        layout.addLayout(pads, 1)
        self.problem = QLabel()
        self.problem.setObjectName("signProblem")
        self.problem.setStyleSheet("color:#c62828;")
        self.problem.setWordWrap(True)
        self.problem.setMinimumWidth(1)  # changing messages must not resize the dialog
        layout.addWidget(self.problem)
        self.buttons = QDialogButtonBox()
        self.sign_button = self.buttons.addButton(self.tr("Sign and lock"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.sign_button.setObjectName("signAndLock")
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._try_accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        for box in (self.inspector, self.representative):
            box.changed.connect(self._check)
        self._check()
        (self.inspector.pad if inspector else self.inspector.name).setFocus(Qt.FocusReason.OtherFocusReason)
        layout.activate()  # settle the size limits before the window exists

    def _problem(self) -> str:
        if not self.inspector.signer():
            return self.tr("Type the inspector's name.")
        if self.inspector.pad.is_empty():
            return self.tr("The inspector must sign in the box.")
        rep = self.representative
        if rep.started() and not rep.filled():
            return self.tr("The representative needs both a name and a signature (or leave both empty).")
        return ""

    def _check(self) -> None:
        problem = self._problem()
        self.problem.setText(problem)
        self.sign_button.setEnabled(not problem)

    def _try_accept(self) -> None:
        if not self._problem():
            self.accept()

    def signatures(self) -> list[tuple[str, str, bytes]]:
        """(role, signer, png) for every signature given."""
        out = [("inspector", self.inspector.signer(), self.inspector.pad.to_png())]
        if self.representative.filled():
            out.append(("representative", self.representative.signer(), self.representative.pad.to_png()))
        return out
