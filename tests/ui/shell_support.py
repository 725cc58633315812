"""The real main window on a database, for the shell's page tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


@contextmanager
def shell_on(qtbot: Any, db: Path, inspector: str = "张伟") -> Iterator[Any]:
    """The main window on ``db``, in Chinese (the default UI language), closed afterwards."""
    from ui.context import AppContext
    from ui.i18n import install_language, remove_language
    from ui.main_window import MainWindow
    from ui.settings import Settings
    from ui.workers import DbWorker

    install_language("zh_CN")  # whatever an earlier test switched to
    worker = DbWorker(str(db))
    ctx = AppContext(str(db), Settings(inspector_name=inspector), worker)
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    try:
        yield win
    finally:
        win.close()
        ctx.close_workers()
        remove_language()  # other parts' tests expect the untranslated source strings
