"""The checklist editor: ``InspectionEditor(store_path, inspection_id, settings=None, parent=None)``."""

from ui.editor.editor import InspectionEditor

__all__ = ["InspectionEditor"]
