"""Complete → Sign (a mixin of InspectionEditor).

Complete asks the store to judge the inspection (it refuses while required answers or photos are
missing, and creates a finding with a deadline for each failed item). Signing records the
handwritten signatures and locks the record in one transaction; both run on the worker because
they read and hash the whole inspection.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from qcity_desktop.errors import QCityError, SupervisedUseNeeded
from ui.editor import jobs
from ui.editor.photo_actions import present


class FinishActions:
    sign_dialog: Any = None
    supervised_use_box: Any = None

    def complete(self: Any) -> None:
        self.complete_with(None)

    def complete_with(self: Any, supervised_use: bool | None) -> None:
        """Complete; ``supervised_use`` is the using unit's answer when the rules needed it (else None)."""
        if self.read_only or self._busy or self.state.status != "draft":
            if self.state.status == "completed":
                self.open_sign_dialog()
            return
        self.flush()
        missing = self.state.missing()
        if missing:
            first = self.state.next_missing(None)
            self.set_current(first)
            # %1, not %n: in a mixin PySide's tr() finds %n strings only under the subclass's name
            text = self.tr("Cannot complete yet: %1 required item(s) or photo(s) missing").replace("%1", str(len(missing)))
            self.show_message(text, error=True)
            return
        self.set_busy(True)
        self.show_message(self.tr("Completing…"))
        self.worker.submit(partial(jobs.complete, inspection_id=self.inspection_id, supervised_use=supervised_use),
                           self._completed, self._finish_failed, owner=self)

    def _completed(self: Any, result: jobs.EvalResult) -> None:
        self._busy = False
        self.evaluation = result
        self._set_status(result.status, result.row)
        self.panel.show_evaluation(result.evaluation, result.error)
        self.panel.set_findings(result.findings)
        verdict = result.evaluation.verdict if result.evaluation else ""
        self.show_message(self.tr("Completed: %1. Set the rectification deadlines, then sign.").replace("%1", verdict or ""))
        self.evaluation_updated.emit(result)
        self.open_sign_dialog()

    def _finish_failed(self: Any, err: BaseException) -> None:
        self._busy = False
        self._apply_status()
        if isinstance(err, SupervisedUseNeeded):
            self.show_message("")
            self.ask_supervised_use(err.items)
            return
        if isinstance(err, QCityError):
            self.show_message(str(err), error=True)
            self.request_evaluation()
        else:
            present(err, self)

    def ask_supervised_use(self: Any, items: list[str]) -> None:
        """The one question the rules cannot answer: did the using unit commit to supervised use?

        Yes completes as 合格 with the 监护使用 remark; No as 不合格; Cancel leaves the draft as it was.
        """
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Supervised use"),
                          self.tr("Items %1 do not conform. Has the using unit committed in writing to supervised use?")
                          .replace("%1", "、".join(items)), QMessageBox.StandardButton.Cancel, self)
        box.setObjectName("askSupervisedUse")
        box.setInformativeText(self.tr("Committed: a pass, with the supervised use in the remarks. Not: a fail."))
        yes = box.addButton(self.tr("Yes, committed"), QMessageBox.ButtonRole.YesRole)
        no = box.addButton(self.tr("No commitment"), QMessageBox.ButtonRole.NoRole)
        yes.setObjectName("supervisedYes")
        no.setObjectName("supervisedNo")
        box.setWindowModality(Qt.WindowModality.WindowModal)

        def answered(_code: int) -> None:
            clicked = box.clickedButton()
            if clicked is yes or clicked is no:
                self.complete_with(clicked is yes)
            else:
                self.show_message(self.tr("Not completed: the supervised-use question was not answered."))

        box.finished.connect(answered)
        self.supervised_use_box = box
        box.open()

    def sign_summary(self: Any) -> dict[str, Any]:
        ev = self.evaluation.evaluation if self.evaluation else None
        return {
            "title": f"{self.subject['name']} — {self.template.title.get(self.lang) or self.template.title.get('zh')}",
            "verdict": (ev.verdict if ev else None) or self.row.get("verdict"),
            "score": ev.score if ev else self.row.get("score"),
            "grade": (ev.grade if ev else None) or self.row.get("grade"),
            "failed": [f"{f.item_id} {f.title}（{f.severity}）" if f.severity else f"{f.item_id} {f.title}"
                       for f in (ev.failed if ev else ())],
            "remarks": list(ev.remarks) if ev else [],
        }

    def open_sign_dialog(self: Any) -> None:
        from ui.editor.sign_dialog import SignDialog

        if self.read_only or self._busy:
            return
        if self.state.status != "completed":
            self.show_message(self.tr("Complete the inspection before signing."), error=True)
            return
        inspector = str(getattr(self.settings, "inspector_name", "") or "") or \
            (self.row.get("inspectors") or [""])[0]
        dialog = SignDialog(self.sign_summary(), inspector, self)
        dialog.accepted.connect(lambda: self._sign(dialog))
        dialog.finished.connect(lambda _code: self.current and self.set_current(self.current))
        self.sign_dialog = dialog
        dialog.open()

    def _sign(self: Any, dialog: Any) -> None:
        signatures = [jobs.SignatureInput(role, signer, png or None) for role, signer, png in dialog.signatures()]
        self.set_busy(True)
        self.show_message(self.tr("Signing…"))
        self.worker.submit(partial(jobs.sign, inspection_id=self.inspection_id, inspector=signatures[0].signer,
                                   signatures=signatures), self._signed, self._finish_failed, owner=self)

    def _signed(self: Any, result: dict[str, Any]) -> None:
        self._busy = False
        self._set_status("signed", result["row"])
        if self.current:
            self.set_current(self.current)
        number = result.get("report_no") or result.get("certificate_no") or ""
        text = self.tr("Signed and locked. %1").replace("%1", number).strip()
        closed, carried = result.get("closed_findings") or [], result.get("carried_findings") or []
        if closed or carried:   # a re-inspection settled the original's findings
            text += " " + self.tr("Re-inspection: %1 finding(s) rectified and closed, %2 carried on.") \
                .replace("%1", str(len(closed))).replace("%2", str(len(carried)))
        self.show_message(text)
        self.request_evaluation()
