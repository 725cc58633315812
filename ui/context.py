"""What every page needs from the shell: the database path, settings, workers and shared actions.

Pages get one ``AppContext`` instead of a reference to the main window, so a page can be built and
tested on its own and never reaches into another page's widgets. Writes anywhere announce
themselves through ``dataChanged`` so lists and the status bar refresh without polling.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from ui.settings import Settings
from ui.workers import DbWorker


class AppContext(QObject):
    dataChanged = Signal()          # something was written: lists and counters refresh
    settingsChanged = Signal()

    def __init__(self, store_path: str, settings: Settings, worker: DbWorker, long_worker: DbWorker | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store_path = store_path
        self.settings = settings
        self.worker = worker
        self._long_worker = long_worker
        self._long_may_start = worker.started()
        self.open_inspection: Callable[[str], None] = lambda _iid: None
        self.new_inspection: Callable[..., Any] = lambda _sid=None, reinspection_of=None: None
        self.preview_report: Callable[..., None] | None = None   # (inspection_id, kind='report')

    @property
    def long_worker(self) -> DbWorker:
        """A second connection for long jobs (exports, batches), created on first use, so lists
        keep loading while a long job runs."""
        if self._long_worker is None:  # starts once the main worker has opened (and migrated) the store
            self._long_worker = DbWorker(self.store_path, "long", start=self._long_may_start)
        return self._long_worker

    def start_long_worker(self) -> None:
        """Called after the main worker's first job: two connections migrating a brand-new file at
        once would collide, so the second one opens only after the first has finished."""
        self._long_may_start = True
        if self._long_worker is not None:
            self._long_worker.start()

    def close_workers(self) -> None:
        self.worker.close()
        if self._long_worker is not None:
            self._long_worker.close()

    def inspector(self) -> str:
        return self.settings.inspector_name.strip()
