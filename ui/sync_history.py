"""The Sync page's 同步记录 tab: the last runs, newest first, each worded in the user's language.

"It says it synced" is the first thing the bureau's IT asks about: when, by network or bundle, what
went up and down, and why a run failed. The reason is a word kept with the run (engine.failure_reason)
and translated here; the core's English line is in the tooltip for whoever reads the log.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from ui.sync_texts import TEXTS, local_time, t

COLUMNS = ("run_at", "run_via", "run_result", "run_pushed", "run_pulled", "run_photos", "run_conflicts")


class SyncHistoryTable(QTableWidget):
    def __init__(self) -> None:
        super().__init__(0, len(COLUMNS))
        self.setObjectName("syncHistory")
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.verticalHeader().setVisible(False)
        header = self.horizontalHeader()
        for c in range(len(COLUMNS)):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.Stretch if c == 2
                                        else QHeaderView.ResizeMode.ResizeToContents)
        self._runs: list[dict[str, Any]] = []
        self.retranslate()

    def retranslate(self) -> None:
        self.setHorizontalHeaderLabels([t(c) for c in COLUMNS])
        self.show_runs(self._runs)

    def show_runs(self, runs: list[dict[str, Any]]) -> None:
        self._runs = runs
        self.setRowCount(len(runs))
        for r, run in enumerate(runs):
            values = [local_time(run.get("finished_at") or run["started_at"]),
                      t("via_bundle") if run.get("via") == "bundle" else t("via_network"),
                      result_text(run), str(run.get("pushed", 0)), str(run.get("pulled", 0)),
                      str(run.get("blobs", 0)), str(run.get("conflicts", 0))]
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                if c >= 3:   # counts, right-aligned like figures
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if c == 2 and run.get("error"):
                    item.setToolTip(str(run["error"]))
                self.setItem(r, c, item)


def result_text(run: dict[str, Any]) -> str:
    """成功, 进行中 or the failure in a few words (unknown reasons: 失败)."""
    if not run.get("finished_at"):
        return t("run_running")
    if run.get("ok"):
        return t("run_ok")
    key = f"why_{run.get('reason') or 'error'}"
    return t(key) if key in TEXTS else t("why_error")
