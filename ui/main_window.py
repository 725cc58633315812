"""The main window: navigation between the pages, the status bar, shortcuts, and open editors.

Pages other than Today are built the first time they are shown, so the window appears quickly on
a big database; every page loads its data through the DB worker after it is visible. Inspections
open in their own windows (the checklist editor from ``ui.editor``), one per inspection.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import sys
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QStyle,
    QWidget,
)

from ui.context import AppContext
from ui.errors import register_flush_hook, report_bug, unregister_flush_hook
from ui.labels import load_template_titles
from ui.pages.placeholders import PlaceholderPage, scales_page, sync_page

log = logging.getLogger(__name__)
PAGES = ("today", "subjects", "inspections", "scales", "sync", "stats", "settings")
_ICONS = {
    "today": QStyle.StandardPixmap.SP_FileDialogDetailedView,
    "subjects": QStyle.StandardPixmap.SP_DirHomeIcon,
    "inspections": QStyle.StandardPixmap.SP_FileDialogListView,
    "scales": QStyle.StandardPixmap.SP_ComputerIcon,
    "sync": QStyle.StandardPixmap.SP_BrowserReload,
    "stats": QStyle.StandardPixmap.SP_FileDialogContentsView,
    "settings": QStyle.StandardPixmap.SP_FileDialogInfoView,
}


def pending_changes(store: Any) -> dict[str, int]:
    """What the status bar shows; the sync client's own count when it exists."""
    try:
        sync = importlib.import_module("qcity_desktop.sync")
    except ImportError:
        sync = None
    from qcity_desktop.store.browse import local_changes

    counts = local_changes(store)
    fn = getattr(sync, "pending_count", None) or getattr(sync, "pending_changes", None)
    if callable(fn):
        try:
            value = fn(store)
            counts["changed"] = int(value if not isinstance(value, dict) else value.get("total", sum(value.values())))
        except Exception:  # noqa: BLE001 - a status bar figure must never take the window down
            log.exception("sync pending count failed")
    return counts


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.ctx = ctx
        self.pages: dict[str, QWidget] = {}
        self.editors: dict[str, QWidget] = {}
        self.previews: list[QWidget] = []
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setIconSize(QSize(22, 22))
        self.nav.setFixedWidth(170)
        for name in PAGES:
            item = QListWidgetItem(self.style().standardIcon(_ICONS[name]), "")
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setSizeHint(QSize(140, 40))
            self.nav.addItem(item)
        self.stack = QStackedWidget()
        self.stack.setObjectName("pages")
        self._slots: dict[str, QWidget] = {}
        for name in PAGES:
            holder = QWidget()
            holder.setObjectName(f"slot_{name}")
            self._slots[name] = holder
            self.stack.addWidget(holder)
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 6, 0)
        row.setSpacing(6)
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.db_label = QLabel()
        self.db_label.setObjectName("dbPath")
        self.pending_label = QLabel()
        self.pending_label.setObjectName("pendingChanges")
        bar = self.statusBar()
        bar.addWidget(self.db_label, 1)
        bar.addPermanentWidget(self.pending_label)

        # template titles are read from files: on the worker, before any list asks for them
        ctx.worker.submit(lambda _store: load_template_titles())
        self._actions: dict[str, QAction] = {}
        self._build_menus()
        self.nav.currentRowChanged.connect(lambda row: self.show_page(PAGES[row]))
        ctx.dataChanged.connect(self.refresh_status)
        ctx.settingsChanged.connect(self._settings_changed)
        ctx.open_inspection = self.open_inspection
        ctx.new_inspection = self.new_inspection
        ctx.preview_report = self._preview_factory()
        self._status_timer = QTimer(self)
        self._status_timer.setInterval(60_000)
        self._status_timer.timeout.connect(self.refresh_status)
        self._status_timer.start()
        register_flush_hook(self.flush_editors)
        self.resize(1280, 800)
        self.retranslate()
        self.nav.setCurrentRow(0)
        self.refresh_status()

    # -- menus and shortcuts --------------------------------------------------------------------
    def _build_menus(self) -> None:
        def action(key: str, slot: Callable[[], Any], shortcut: QKeySequence | str | None = None) -> QAction:
            act = QAction(self)
            act.setObjectName(f"action_{key}")
            if shortcut is not None:
                act.setShortcut(QKeySequence(shortcut))
            act.triggered.connect(slot)
            self._actions[key] = act
            return act

        self.file_menu = self.menuBar().addMenu("")
        self.file_menu.addAction(action("new", lambda: self.new_inspection(None), QKeySequence.StandardKey.New))
        self.file_menu.addAction(action("find", self.focus_search, QKeySequence.StandardKey.Find))
        self.file_menu.addAction(action("sync_now", self.sync_now, "Ctrl+Shift+Y"))
        self.file_menu.addSeparator()
        self.file_menu.addAction(action("quit", self.close, QKeySequence.StandardKey.Quit))
        self.go_menu = self.menuBar().addMenu("")
        for n, name in enumerate(PAGES, start=1):
            self.go_menu.addAction(action(f"go_{name}", lambda _checked=False, name=name: self.show_page(name), f"Ctrl+{n}"))
        self.help_menu = self.menuBar().addMenu("")
        self.help_menu.addAction(action("shortcuts", self.show_shortcuts, QKeySequence.StandardKey.HelpContents))
        self.help_menu.addAction(action("about", self.show_about))
        # F5 refreshes whatever is on screen
        QShortcut(QKeySequence(QKeySequence.StandardKey.Refresh), self, activated=self.ctx.dataChanged.emit)

    # -- pages ------------------------------------------------------------------------------------
    def page(self, name: str) -> QWidget:
        """The page widget, built on first use."""
        if name not in self.pages:
            widget = self._build_page(name)
            self.pages[name] = widget
            holder = self._slots[name]
            from PySide6.QtWidgets import QVBoxLayout

            lay = QVBoxLayout(holder)
            lay.setContentsMargins(0, 0, 0, 0)
            lay.addWidget(widget)
        return self.pages[name]

    def _build_page(self, name: str) -> QWidget:
        try:
            if name == "today":
                from ui.pages.today import TodayPage

                return TodayPage(self.ctx)
            if name == "subjects":
                from ui.pages.subjects import SubjectsPage

                return SubjectsPage(self.ctx)
            if name == "inspections":
                from ui.pages.inspections import InspectionsPage

                return InspectionsPage(self.ctx)
            if name == "settings":
                from ui.pages.settings_page import SettingsPage

                return SettingsPage(self.ctx)
            if name == "stats":
                from ui.pages.stats import StatsPage

                return StatsPage(self.ctx)
            if name == "scales":
                return scales_page(self.ctx)
            return sync_page(self.ctx)
        except Exception:  # noqa: BLE001 - a broken page must not take the window down
            report_bug(*sys.exc_info())  # type: ignore[arg-type]
            return PlaceholderPage("scales" if name == "scales" else "sync")

    def show_page(self, name: str) -> QWidget:
        widget = self.page(name)
        row = PAGES.index(name)
        if self.nav.currentRow() != row:
            self.nav.blockSignals(True)
            self.nav.setCurrentRow(row)
            self.nav.blockSignals(False)
        self.stack.setCurrentWidget(self._slots[name])
        activate = getattr(widget, "activate", None)
        if callable(activate):
            QTimer.singleShot(0, activate)  # after the page is on screen: its data comes asynchronously
        return widget

    def current_page_name(self) -> str:
        return PAGES[self.stack.currentIndex()]

    def focus_search(self) -> None:
        page = self.page(self.current_page_name())
        focus = getattr(page, "focus_search", None)
        if not (callable(focus) and focus()):
            self.show_page("subjects").focus_search()  # type: ignore[attr-defined]

    # -- inspections ------------------------------------------------------------------------------
    def open_inspection(self, inspection_id: str | None) -> QWidget | None:
        if not inspection_id:
            return None
        existing = self.editors.get(inspection_id)
        if existing is not None:
            existing.show()
            existing.raise_()
            existing.activateWindow()
            return existing
        try:
            from ui.editor import InspectionEditor
        except ImportError:
            InspectionEditor = None  # noqa: N806 - the editor is a separate part still being written
        if InspectionEditor is None:
            QMessageBox.information(self, self.tr("Editor not available"),
                                    self.tr("The checklist editor is not installed in this build."))
            return None
        editor = InspectionEditor(self.ctx.store_path, inspection_id, self.ctx.settings, None)
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        editor.destroyed.connect(lambda _obj=None, iid=inspection_id: self._editor_closed(iid))
        self.editors[inspection_id] = editor
        if not editor.windowTitle():
            editor.setWindowTitle(self.tr("Inspection"))
        editor.resize(max(editor.width(), 1100), max(editor.height(), 760))
        editor.show()
        return editor

    def _editor_closed(self, inspection_id: str) -> None:
        self.editors.pop(inspection_id, None)
        self.ctx.dataChanged.emit()

    def new_inspection(self, subject_id: str | None = None, reinspection_of: str | None = None) -> QWidget:
        """The New inspection dialog; ``reinspection_of`` makes it the re-inspection of that inspection."""
        from ui.pages.new_inspection import NewInspectionDialog

        if subject_id is None and self.current_page_name() == "subjects":
            selected = self.page("subjects").selected()  # type: ignore[attr-defined]
            subject_id = selected["id"] if selected else None
        dialog = NewInspectionDialog(self.ctx, subject_id, self, reinspection_of=reinspection_of)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.created.connect(self.open_inspection)
        dialog.open()
        return dialog

    def flush_editors(self) -> None:
        """Ask open editors to store what they hold (before a crash dialog or on close)."""
        for editor in list(self.editors.values()):
            flush = getattr(editor, "flush", None)
            if callable(flush):
                flush()

    def _preview_factory(self) -> Callable[..., None] | None:
        """Report preview, when the reports part is installed: render on the worker, show the PDF."""
        if importlib.util.find_spec("ui.report_preview") is None:
            return None  # QtPdf is heavy: the preview module is imported when a preview is asked for

        def preview(inspection_id: str, kind: str = "report") -> None:
            language, paper = self.ctx.settings.lang, self.ctx.settings.report.paper.lower()

            def render(store: Any) -> tuple[bytes, str]:
                from qcity_desktop.reports import render_for_store

                row = store.inspections.row(inspection_id)
                number = row.get("certificate_no" if kind == "certificate" else "report_no") or inspection_id[:8]
                return render_for_store(store, inspection_id, kind, lang=language, paper=paper), f"{number}-{kind}.pdf"

            def show(result: tuple[bytes, str]) -> None:
                from ui.report_preview import ReportPreview

                widget = ReportPreview(None)
                widget.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
                widget.setWindowTitle(result[1])
                widget.set_pdf(*result)
                widget.resize(900, 1000)
                widget.show()
                self.previews.append(widget)
                widget.destroyed.connect(lambda _o=None, w=widget: self.previews.remove(w) if w in self.previews else None)

            self.ctx.long_worker.submit(render, show, owner=self)

        return preview

    # -- status bar ----------------------------------------------------------------------------
    def refresh_status(self) -> None:
        self.db_label.setText(self.tr("Database: {0}").format(self.ctx.store_path))
        self.ctx.worker.submit(pending_changes, self._pending_arrived, owner=self)

    def _pending_arrived(self, counts: dict[str, int]) -> None:
        self._pending = counts
        changed = self.tr("%n item(s) not yet synced", "", counts.get("changed", 0))
        drafts = self.tr("%n unsigned", "", counts.get("drafts", 0))
        self.pending_label.setText(f"{changed} · {drafts}")

    def _settings_changed(self) -> None:
        for page in self.pages.values():
            retranslate = getattr(page, "retranslate", None)
            if callable(retranslate):
                retranslate()

    # -- help -----------------------------------------------------------------------------------
    def sync_now(self) -> None:
        """Back in the office: one key sends the day's work (the Sync page shows how it goes)."""
        self.show_page("sync")
        page = self.page("sync")
        if hasattr(page, "sync_now"):
            page.sync_now()

    def shortcuts_text(self) -> str:
        lines = [self.tr("Ctrl+1 … Ctrl+7: Today, Subjects, Inspections, Scales, Sync, Statistics, Settings"),
                 self.tr("Ctrl+N: new inspection"), self.tr("Ctrl+F: search"), self.tr("Ctrl+Shift+Y: sync now"),
                 self.tr("Enter or double-click: open the selected inspection"), self.tr("F5: refresh")]
        return "\n".join(lines)

    def show_shortcuts(self) -> None:
        QMessageBox.information(self, self.tr("Keyboard shortcuts"), self.shortcuts_text())

    def show_about(self) -> None:
        QMessageBox.about(self, self.tr("About QCity Inspector"),
                          self.tr("QCity Inspector — offline inspections of elevators, market scales and "
                                  "construction sites.\nDatabase: {0}").format(self.ctx.store_path))

    # -- language ---------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("QCity Inspector"))
        names = {"today": self.tr("Today"), "subjects": self.tr("Subjects"), "inspections": self.tr("Inspections"),
                 "scales": self.tr("Scales"), "sync": self.tr("Sync"), "stats": self.tr("Statistics"),
                 "settings": self.tr("Settings")}
        for row, name in enumerate(PAGES):
            self.nav.item(row).setText(names[name])
            self._actions[f"go_{name}"].setText(names[name])
        self.file_menu.setTitle(self.tr("&File"))
        self.go_menu.setTitle(self.tr("&Go"))
        self.help_menu.setTitle(self.tr("&Help"))
        self._actions["new"].setText(self.tr("&New inspection…"))
        self._actions["find"].setText(self.tr("&Search"))
        self._actions["sync_now"].setText(self.tr("S&ync now"))
        self._actions["quit"].setText(self.tr("&Quit"))
        self._actions["shortcuts"].setText(self.tr("Keyboard shortcuts"))
        self._actions["about"].setText(self.tr("About"))
        self.db_label.setText(self.tr("Database: {0}").format(self.ctx.store_path))
        if hasattr(self, "_pending"):
            self._pending_arrived(self._pending)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange and hasattr(self, "_actions"):
            self.retranslate()
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        for editor in list(self.editors.values()):
            if not editor.close():
                event.ignore()
                return
        for page in self.pages.values():  # pages with threads or ports (scales, sync) stop them on close
            page.close()
        for widget in list(self.previews):
            widget.close()
        unregister_flush_hook(self.flush_editors)
        self._status_timer.stop()
        super().closeEvent(event)
