"""Pages filled by other parts of the app (Scales, Sync), with a placeholder until they exist.

The real pages are imported only if their module is present, so the shell runs (and its tests
pass) while the scale wizard and the sync page are still being written.
"""

from __future__ import annotations

import importlib
import logging
from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ui.context import AppContext
from ui.pages.common import heading

log = logging.getLogger(__name__)


class PlaceholderPage(QWidget):
    def __init__(self, which: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.which = which
        self.setObjectName(f"{which}Placeholder")
        self._title = heading()
        self._text = QLabel()
        self._text.setWordWrap(True)
        self._text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout = QVBoxLayout(self)
        layout.addWidget(self._title)
        layout.addWidget(self._text, 1)
        self.retranslate()

    def retranslate(self) -> None:
        if self.which == "scales":
            self._title.setText(self.tr("Scales"))
            self._text.setText(self.tr("The guided scale test (serial connection, weighing points, anti-cheat "
                                       "checks) will appear here."))
        else:
            self._title.setText(self.tr("Sync"))
            self._text.setText(self.tr("Synchronisation with the bureau's hub will appear here. Everything is "
                                       "stored on this computer meanwhile; nothing needs the network."))

    def activate(self) -> None:
        pass

    def focus_search(self) -> bool:
        return False

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange and hasattr(self, "_text"):
            self.retranslate()
        super().changeEvent(event)


def _optional(module: str, name: str) -> Any:
    try:
        return getattr(importlib.import_module(module), name)
    except ImportError as err:
        if err.name not in (module, module.rsplit(".", 1)[0]) and not str(err).startswith(f"cannot import name '{name}'"):
            log.exception("%s failed to import", module)  # present but broken: a bug worth seeing in the log
        return None


def scales_page(ctx: AppContext) -> QWidget:
    cls = _optional("ui.scale_wizard", "ScaleWizardPage")
    if cls is None:
        return PlaceholderPage("scales")
    page = cls(ctx.store_path, ctx.settings)
    for name in ("saved", "finished", "completed"):
        signal = getattr(page, name, None)
        if signal is not None and hasattr(signal, "connect"):
            signal.connect(lambda *_args: ctx.dataChanged.emit())
    return page


def sync_page(ctx: AppContext) -> QWidget:
    cls = _optional("ui.sync_page", "SyncPage")
    if cls is None:
        return PlaceholderPage("sync")
    page = cls(ctx.store_path, ctx.settings)
    finished = getattr(page, "finished", None)
    if finished is not None:  # a sync changes lists and the pending count: refresh them
        finished.connect(lambda *_args: ctx.dataChanged.emit())
    follow = getattr(page, "apply_auto_interval", None)
    if follow is not None:    # 设置 › 自动同步 changed: the timer follows at once
        ctx.settingsChanged.connect(follow)
    return page
