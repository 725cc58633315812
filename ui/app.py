"""Starting the desktop app: logging, settings, language, error hooks, the DB worker and the window.

The window is shown before any database work: the store is opened (and, on the very first start,
filled with demo data) on the worker thread, and the pages fill in as their queries return. That
keeps the cold start close to a bare Qt window even on a database of 100,000 inspections.
"""

from __future__ import annotations

import gc
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from ui.context import AppContext
from ui.errors import install_excepthook, present_error, setup_logging
from ui.i18n import install_language
from ui.main_window import MainWindow
from ui.settings import Settings
from ui.workers import DbWorker, set_default_error_handler

log = logging.getLogger("qcity")


def parse_args(argv: Sequence[str]) -> dict[str, str | None]:
    """``--db FILE`` (or ``--db=FILE``); other arguments are left to Qt. No argparse: it costs
    start-up time for one option."""
    db: str | None = None
    args = list(argv)
    for i, arg in enumerate(args):
        if arg == "--db" and i + 1 < len(args):
            db = args[i + 1]
        elif arg.startswith("--db="):
            db = arg.split("=", 1)[1]
    return {"db": db}


def database_path(arg: str | None) -> Path:
    if arg:
        return Path(arg).expanduser()
    from qcity_desktop.store import default_db_path

    return default_db_path()


def first_start_job(store: Any) -> dict[str, int] | None:
    """Fill a brand-new database with the demo data, so a first start shows a living app."""
    if store.conn.execute("SELECT count(*) FROM subjects").fetchone()[0]:
        return None
    try:
        from qcity_desktop.demo import seed_demo
    except ImportError:
        log.info("no demo data module; starting with an empty database")
        return None
    result = seed_demo(store)
    log.info("demo data created: %s", result)
    return result


class _StartAfterFirstPaint(QObject):
    def __init__(self, window: QWidget, ctx: AppContext) -> None:
        super().__init__(window)
        self._ctx = ctx
        window.installEventFilter(self)
        QTimer.singleShot(500, self._start)  # in case no paint comes (minimised, no display)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._start)
        return False

    def _start(self) -> None:
        if not self._ctx.worker.started():
            # Everything alive now (modules, widgets, translations) lives as long as the app: moved
            # out of the collector's sight, a full collection no longer walks it (those walks were
            # 30-100 ms GUI pauses while scrolling long lists).
            gc.freeze()
        self._ctx.worker.start()


def build(argv: Sequence[str], app: QApplication | None = None,
          exit_on_failure: bool = False) -> tuple[QApplication, MainWindow, AppContext]:
    """Everything up to a shown main window; the caller runs the event loop (tests and benchmarks too).

    With ``exit_on_failure`` an unusable database (locked, damaged, a folder) ends the event loop
    with exit code 3 once the user has read the message.
    """
    args = parse_args(argv[1:])
    log_file = setup_logging()
    settings = Settings.load()
    app = app or QApplication.instance() or QApplication(list(argv))  # type: ignore[assignment]
    app.setApplicationName("QCityInspector")
    app.setApplicationDisplayName("QCity Inspector")
    install_language(settings.language)
    path = database_path(args["db"])
    first = not path.exists()
    log.info("starting on %s (log %s)%s", path, log_file, " — first start" if first else "")
    # The worker starts after the window's first paint: opening the store and its first queries run
    # Python code that would otherwise share the interpreter lock with building the window.
    worker = DbWorker(str(path), "db", start=False)
    ctx = AppContext(str(path), settings, worker)
    window = MainWindow(ctx)
    window.show()
    _StartAfterFirstPaint(window, ctx)

    def probe_failed(err: BaseException) -> None:
        present_error(err, window)
        if exit_on_failure:
            app.exit(3)

    def opened(result: dict[str, int] | None) -> None:
        ctx.start_long_worker()
        if result:
            ctx.dataChanged.emit()  # the demo data is in: lists refresh

    worker.submit(first_start_job if first else (lambda store: None), opened, probe_failed)
    return app, window, ctx


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    install_excepthook()
    set_default_error_handler(present_error)
    app, window, ctx = build(argv, exit_on_failure=True)
    try:
        return app.exec()
    finally:
        ctx.close_workers()
