"""Ctrl+Z for answers: each stored change of an item's result or value is one undo step.

The change is already in the database when the command is pushed (autosave writes first), so
the first redo() does nothing; undo and later redos write the remembered answer back through
the same path as a keypress, which keeps them autosaved and audited too.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from qcity_desktop.checklists.model import Answer

Restore = Callable[[str, Answer | None], bool]


class AnswerCommand(QUndoCommand):
    def __init__(self, restore: Restore, item_id: str, before: Answer | None, after: Answer | None,
                 text: str) -> None:
        super().__init__(text)
        self.restore = restore
        self.item_id = item_id
        self.before = before
        self.after = after
        self._applied = True

    def redo(self) -> None:
        if self._applied:
            self._applied = False  # pushed after the write: nothing to do the first time
            return
        self.restore(self.item_id, self.after)

    def undo(self) -> None:
        self.restore(self.item_id, self.before)
