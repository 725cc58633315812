"""The two kinds of trouble and how the user meets them.

Environment problems (a locked database, a full disk, a missing file — ``QCityError`` and
``OSError``) are the user's to fix, so they get one friendly message box that says what happened
and what to do. Anything else is a bug: the global exception hook logs it, asks open editors to
save what they hold, and shows a crash dialog with a report the user can copy and the log path.
"""

from __future__ import annotations

import errno
import logging
import logging.handlers
import platform
import sys
import threading
import traceback
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from qcity_desktop.errors import EnvironmentProblem, InputError, NotFoundError, QCityError, StateError

APP_NAME = "QCityInspector"
log = logging.getLogger("qcity")

_log_path: Path | None = None
_flush_hooks: list[Callable[[], None]] = []


translate = QCoreApplication.translate


# --------------------------------------------------------------------------- logging

def setup_logging(level: int = logging.INFO) -> Path:
    """Log to a rotating file in the user log folder (or a temp folder if that is not writable)."""
    global _log_path
    import platformdirs

    candidates = [Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))]
    import tempfile

    candidates.append(Path(tempfile.gettempdir()) / APP_NAME)
    root = logging.getLogger()
    for folder in candidates:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / "qcity.log"
            handler = logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
        except OSError:
            continue
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"))
        for old in [h for h in root.handlers if getattr(h, "_qcity", False)]:
            root.removeHandler(old)
            old.close()
        handler._qcity = True  # type: ignore[attr-defined]
        root.addHandler(handler)
        root.setLevel(level)
        _log_path = path
        return path
    _log_path = None
    return Path("")


def log_path() -> Path | None:
    return _log_path


# --------------------------------------------------------------------------- environment errors

def is_environment_error(err: BaseException) -> bool:
    return isinstance(err, QCityError | OSError)


def describe(err: BaseException) -> tuple[str, str, str]:
    """(title, what happened, what to do) for an error the user can act on."""
    text = str(err) or err.__class__.__name__
    low = text.lower()
    if isinstance(err, OSError) and not isinstance(err, QCityError):
        if err.errno == errno.ENOSPC:
            return (translate("Errors", "Disk full"), text, translate("Errors", "Free some disk space, then try again. Nothing already saved is lost."))
        if isinstance(err, PermissionError):
            return (translate("Errors", "No permission"), text, translate("Errors", "Choose a folder you can write to, or ask IT to fix the permissions."))
        if isinstance(err, FileNotFoundError):
            return (translate("Errors", "File not found"), text, translate("Errors", "Check that the file still exists (a USB stick may have been removed)."))
        return (translate("Errors", "File problem"), text, translate("Errors", "Check the file and the disk, then try again."))
    if isinstance(err, EnvironmentProblem):
        if "locked" in low or "busy" in low:
            advice = translate("Errors", "Another program is using the database (another QCity window, a backup or sync tool). "
                        "Close it and try again; nothing already saved is lost.")
            return (translate("Errors", "Database in use"), text, advice)
        if "disk full" in low or "no space" in low:
            return (translate("Errors", "Disk full"), text, translate("Errors", "Free some disk space, then try again. Nothing already saved is lost."))
        if "read-only" in low or "permission" in low:
            return (translate("Errors", "Database is read-only"), text, translate("Errors", "Check the file's permissions or copy it to a writable folder."))
        if "is a folder" in low:
            return (translate("Errors", "Database path is a folder"), text,
                    translate("Errors", "Give the path of a database file (option --db or QCITY_DB), not a folder."))
        if "damaged" in low or "not a database" in low:
            return (translate("Errors", "Database damaged"), text,
                    translate("Errors", "Restore the latest backup or sync from the hub; keep the damaged file for support."))
        if "port" in low or "serial" in low:
            return (translate("Errors", "Device problem"), text, translate("Errors", "Check the cable and the port, then try again."))
        if "hub" in low or "network" in low or "connect" in low:
            return (translate("Errors", "Hub unreachable"), text, translate("Errors", "Check the network and the hub address in Settings; work goes on offline."))
        return (translate("Errors", "Problem outside the program"), text, translate("Errors", "Check the message, fix the cause, and try again."))
    if isinstance(err, NotFoundError):
        return (translate("Errors", "Not found"), text, translate("Errors", "It may have been removed or not synced yet; refresh the list."))
    if isinstance(err, InputError):
        return (translate("Errors", "Please check the input"), text, translate("Errors", "Correct the value and try again."))
    if isinstance(err, StateError):
        return (translate("Errors", "Not possible now"), text, translate("Errors", "The record's state does not allow this step."))
    return (translate("Errors", "Problem"), text, "")


def present_error(err: BaseException, parent: QWidget | None = None) -> None:
    """Show an environment or input error as a friendly message; hand anything else to the crash dialog."""
    if not is_environment_error(err):
        report_bug(type(err), err, err.__traceback__)
        return
    title, what, todo = describe(err)
    log.warning("%s: %s", title, what)
    if QApplication.instance() is None:
        print(f"{title}: {what}\n{todo}", file=sys.stderr)
        return
    if any(b.text() == what and b.isVisible() for b in _open_boxes):
        return  # the same problem is already on screen (e.g. every list hit the same locked file)
    box = QMessageBox(QMessageBox.Icon.Warning, title, what, QMessageBox.StandardButton.Ok, parent or _active_window())
    box.setObjectName("errorBox")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    if todo:
        box.setInformativeText(todo)
    _open_boxes.append(box)
    box.finished.connect(lambda _r, b=box: _open_boxes.remove(b) if b in _open_boxes else None)
    if _in_test_mode():
        box.open()
    else:
        box.exec()


_open_boxes: list[QMessageBox] = []


def _active_window() -> QWidget | None:
    app = QApplication.instance()
    return app.activeWindow() if isinstance(app, QApplication) else None


_test_mode = False


def set_test_mode(on: bool) -> None:
    """Dialogs open non-modally in tests so nothing blocks the test run."""
    global _test_mode
    _test_mode = on


def _in_test_mode() -> bool:
    return _test_mode


# --------------------------------------------------------------------------- crash dialog

def register_flush_hook(fn: Callable[[], None]) -> None:
    """Something to call before the crash dialog shows: editors store what they hold."""
    _flush_hooks.append(fn)


def unregister_flush_hook(fn: Callable[[], None]) -> None:
    if fn in _flush_hooks:
        _flush_hooks.remove(fn)


def run_flush_hooks() -> list[str]:
    problems = []
    for fn in list(_flush_hooks):
        try:
            fn()
        except Exception as err:  # noqa: BLE001 - a crash while saving must not hide the first crash
            log.exception("flush hook failed")
            problems.append(repr(err))
    return problems


def crash_report(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> str:
    from PySide6 import __version__ as pyside_version

    try:
        from qcity_desktop import __version__ as app_version
    except ImportError:
        app_version = "?"
    lines = [
        f"QCity Inspector {app_version}",
        f"time: {datetime.now().isoformat(timespec='seconds')}",
        f"python: {sys.version.split()[0]}  PySide6: {pyside_version}  platform: {platform.platform()}",
        f"thread: {threading.current_thread().name}",
        f"log: {_log_path or '-'}",
        "",
        "".join(traceback.format_exception(exc_type, exc, tb)).rstrip(),
    ]
    return "\n".join(lines)


class CrashDialog(QDialog):
    def __init__(self, report: str, log_file: Path | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("crashDialog")
        self.setWindowTitle(translate("Errors", "QCity Inspector hit a bug"))
        self.resize(720, 460)
        layout = QVBoxLayout(self)
        intro = QLabel(translate("Errors", "Something went wrong inside the program. Your answers are saved as you type, "
                          "so the open inspection is kept. Please copy the report below and send it to support."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        where = QLabel(translate("Errors", "Log file: {0}").format(log_file or translate("Errors", "(no log file)")))
        where.setObjectName("logPath")
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(where)
        self.text = QPlainTextEdit(report)
        self.text.setReadOnly(True)
        self.text.setObjectName("crashReport")
        layout.addWidget(self.text, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton(translate("Errors", "Copy report"))
        self.copy_button.setObjectName("copyReport")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.text.toPlainText())
        self.copy_button.setText(translate("Errors", "Copied"))


_showing = False
last_crash_dialog: CrashDialog | None = None


def report_bug(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    """Log the bug, let editors save, and show the crash dialog (once at a time)."""
    global _showing, last_crash_dialog
    log.error("unhandled exception", exc_info=(exc_type, exc, tb))
    run_flush_hooks()
    report = crash_report(exc_type, exc, tb)
    app = QApplication.instance()
    if app is None or _showing or QThread.currentThread() is not app.thread():
        print(report, file=sys.stderr)
        return
    _showing = True
    try:
        dialog = CrashDialog(report, _log_path, _active_window())
        last_crash_dialog = dialog
        if _in_test_mode():
            dialog.show()
        else:
            dialog.exec()
    finally:
        _showing = False


class _ThreadRelay(QObject):
    """Carries exceptions from other threads to the GUI thread, where dialogs may be shown."""

    crashed = Signal(object, object, object)


_relay: _ThreadRelay | None = None


def _excepthook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    if isinstance(exc, QCityError):
        present_error(exc)
        return
    report_bug(exc_type, exc, tb)


def _thread_hook(args: threading.ExceptHookArgs) -> None:
    if _relay is not None and args.exc_value is not None:
        _relay.crashed.emit(args.exc_type, args.exc_value, args.exc_traceback)
    else:
        sys.__excepthook__(args.exc_type, args.exc_value or Exception(), args.exc_traceback)


def install_excepthook() -> None:
    """Route uncaught exceptions (GUI thread and other threads) to the presenter or crash dialog."""
    global _relay
    if _relay is None:
        _relay = _ThreadRelay()
        _relay.crashed.connect(_excepthook)
    sys.excepthook = _excepthook
    threading.excepthook = _thread_hook
