"""JGJ 59 deduction clauses of the current item: tick a clause, or count it (每处/每人) as often as found.

One item view instead of a checkbox per clause: moving through a 189-item site checklist rebuilds
this list at every step, and items are cheap where a dozen word-wrapped widgets are not.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

CLAUSE_ROLE = Qt.ItemDataRole.UserRole


class DeductionList(QTreeWidget):
    changed = Signal(dict)  # {clause_id: count}

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("deductionList")
        self.setRootIsDecorated(False)
        self.setWordWrap(True)
        self.setUniformRowHeights(False)
        self.setColumnCount(3)
        self.setHeaderLabels([self.tr("Found"), self.tr("Deduction clause"), self.tr("Points")])
        header = self.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.read_only = False
        self._loading = False
        self.itemChanged.connect(self._item_changed)

    def show_clauses(self, clauses: list[dict[str, Any]], ticked: dict[str, int]) -> None:
        self._loading = True
        try:
            self.clear()
            for d in clauses:
                cid = str(d.get("id"))
                points, low = d.get("points"), d.get("min_points")
                pts = f"{low}～{points}" if low is not None and low != points else f"{points}"
                per = d.get("per")
                row = QTreeWidgetItem(["", str(d.get("text", cid)), pts + (f"/{per}" if per else "")])
                row.setData(0, CLAUSE_ROLE, cid)
                row.setData(1, CLAUSE_ROLE, bool(per))
                row.setToolTip(1, str(d.get("text", cid)))
                self._set_count(row, int(ticked.get(cid, 0)))
                self.addTopLevelItem(row)
        finally:
            self._loading = False

    def _set_count(self, row: QTreeWidgetItem, count: int) -> None:
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if row.data(1, CLAUSE_ROLE):  # counted clause: the number is edited with a spin box
            row.setFlags(flags | (Qt.ItemFlag.NoItemFlags if self.read_only else Qt.ItemFlag.ItemIsEditable))
            row.setData(0, Qt.ItemDataRole.EditRole, count)
        else:
            row.setFlags(flags | (Qt.ItemFlag.NoItemFlags if self.read_only else Qt.ItemFlag.ItemIsUserCheckable))
            row.setCheckState(0, Qt.CheckState.Checked if count else Qt.CheckState.Unchecked)

    def set_counts(self, ticked: dict[str, int]) -> None:
        """Show stored counts without rebuilding (after an autosave of this item)."""
        self._loading = True
        try:
            for i in range(self.topLevelItemCount()):
                row = self.topLevelItem(i)
                want = int(ticked.get(row.data(0, CLAUSE_ROLE), 0))
                if self.count_of(row) != want:
                    self._set_count(row, want)
        finally:
            self._loading = False

    def count_of(self, row: QTreeWidgetItem) -> int:
        if row.data(1, CLAUSE_ROLE):
            return max(0, int(row.data(0, Qt.ItemDataRole.EditRole) or 0))
        return 1 if row.checkState(0) == Qt.CheckState.Checked else 0

    def counts(self) -> dict[str, int]:
        return {self.topLevelItem(i).data(0, CLAUSE_ROLE): self.count_of(self.topLevelItem(i))
                for i in range(self.topLevelItemCount())}

    def set_clause(self, clause_id: str, count: int) -> None:
        """Tick (or count) a clause as the inspector would; emits ``changed``."""
        for i in range(self.topLevelItemCount()):
            row = self.topLevelItem(i)
            if row.data(0, CLAUSE_ROLE) == clause_id and not self.read_only:
                self._set_count(row, count)

    def set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only
        self._loading = True
        try:
            for i in range(self.topLevelItemCount()):
                self._set_count(self.topLevelItem(i), self.count_of(self.topLevelItem(i)))
        finally:
            self._loading = False

    def _item_changed(self, row: QTreeWidgetItem, column: int) -> None:
        if not self._loading and not self.read_only and column == 0:
            self.changed.emit(self.counts())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Space ticks, + and − count the current clause, without reaching for the mouse."""
        row = self.currentItem()
        key = event.key()
        if row is not None and not self.read_only and key in (Qt.Key.Key_Space, Qt.Key.Key_Plus, Qt.Key.Key_Minus):
            count = self.count_of(row)
            if key == Qt.Key.Key_Space and not row.data(1, CLAUSE_ROLE):
                count = 0 if count else 1
            elif key == Qt.Key.Key_Plus:
                count = count + 1 if row.data(1, CLAUSE_ROLE) else 1
            elif key == Qt.Key.Key_Minus:
                count = max(0, count - 1)
            self._set_count(row, count)
            return
        super().keyPressEvent(event)
