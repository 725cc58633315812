"""Database work off the GUI thread: one worker thread per connection, results back via signals.

sqlite3 refuses cross-thread use and a query on 100,000 rows can take longer than a frame, so
each ``DbWorker`` opens its own ``Store`` on its own thread and runs submitted functions there in
order. The function's result (or its exception) comes back to the GUI thread through a queued
signal and is handed to the caller's callback; the widget that asked may have been closed by
then, so callbacks bound to a dead owner are dropped instead of crashing.

Long work (imports, exports, report batches) runs on a second worker with a progress dialog and
a Cancel button: the function checks ``ctx.check()`` between steps and stops cleanly.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from qcity_desktop.errors import QCityError

log = logging.getLogger(__name__)


class Cancelled(QCityError):
    """Raised inside a long job when the user pressed Cancel; not an error to report."""


class JobContext:
    """What a long job can use: progress reporting and the cancel flag."""

    def __init__(self, job: Job) -> None:
        self._job = job

    @property
    def cancelled(self) -> bool:
        return self._job.cancel_event.is_set()

    def check(self) -> None:
        if self.cancelled:
            raise Cancelled("cancelled")

    def progress(self, done: int, total: int, text: str = "") -> None:
        self._job.worker._bridge.progress.emit(self._job, int(done), int(total), text)


class Job:
    """One submitted piece of work; ``cancel()`` asks it to stop (long jobs) or drops its result."""

    def __init__(self, worker: DbWorker, fn: Callable[..., Any], on_done: Callable[[Any], None] | None,
                 on_error: Callable[[BaseException], None] | None, owner: QObject | None, with_ctx: bool) -> None:
        self.worker = worker
        self.fn = fn
        self.on_done = on_done
        self.on_error = on_error
        self.owner = owner
        self.with_ctx = with_ctx
        self.cancel_event = threading.Event()
        self.on_progress: Callable[[int, int, str], None] | None = None
        self.finished = threading.Event()

    def cancel(self) -> None:
        self.cancel_event.set()

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()

    def owner_alive(self) -> bool:
        return self.owner is None or shiboken6.isValid(self.owner)


class _Bridge(QObject):
    """Lives in the GUI thread; signals emitted from the worker thread arrive here queued."""

    done = Signal(object, object)
    failed = Signal(object, object)
    progress = Signal(object, int, int, str)


_default_error_handler: Callable[[BaseException], None] | None = None


def set_default_error_handler(handler: Callable[[BaseException], None] | None) -> None:
    """Where errors of jobs without their own ``on_error`` go (the app sets the presenter)."""
    global _default_error_handler
    _default_error_handler = handler


class DbWorker(QObject):
    """A thread that owns one Store connection and runs jobs on it in submission order."""

    idle = Signal()

    def __init__(self, store_path: str, name: str = "db", opener: Callable[[str], Any] | None = None,
                 parent: QObject | None = None, start: bool = True) -> None:
        super().__init__(parent)
        self.store_path = store_path
        self.name = name
        self._opener = opener
        self._bridge = _Bridge()
        self._bridge.done.connect(self._on_done, Qt.ConnectionType.QueuedConnection)
        self._bridge.failed.connect(self._on_failed, Qt.ConnectionType.QueuedConnection)
        self._bridge.progress.connect(self._on_progress, Qt.ConnectionType.QueuedConnection)
        self._queue: queue.Queue[Job | None] = queue.Queue()
        self._pending = 0
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name=f"qcity-{name}", daemon=True)
        self._closed = False
        if start:
            self._thread.start()

    def started(self) -> bool:
        return self._thread.ident is not None

    def start(self) -> None:
        """Start the thread (jobs submitted before wait in the queue); a no-op when running."""
        if not self._thread.is_alive() and not self._closed and self._thread.ident is None:
            self._thread.start()

    # -- GUI-thread API --------------------------------------------------------------------
    def submit(self, fn: Callable[[Any], Any], on_done: Callable[[Any], None] | None = None,
               on_error: Callable[[BaseException], None] | None = None, owner: QObject | None = None) -> Job:
        """Run ``fn(store)`` on the worker; ``on_done(result)`` runs later on the GUI thread."""
        return self._put(Job(self, fn, on_done, on_error, owner, with_ctx=False))

    def submit_long(self, fn: Callable[[Any, JobContext], Any], on_done: Callable[[Any], None] | None = None,
                    on_error: Callable[[BaseException], None] | None = None, owner: QObject | None = None,
                    on_progress: Callable[[int, int, str], None] | None = None) -> Job:
        """Run ``fn(store, ctx)``: ctx.progress(done, total, text) and ctx.check() for Cancel."""
        job = Job(self, fn, on_done, on_error, owner, with_ctx=True)
        job.on_progress = on_progress
        return self._put(job)

    def busy(self) -> bool:
        with self._lock:
            return self._pending > 0

    def close(self, timeout: float = 10.0) -> None:
        """Finish queued jobs, close the connection and end the thread."""
        if self._closed:
            return
        self._closed = True
        self._queue.put(None)
        if self._thread.ident is None:
            return
        self._thread.join(timeout)
        if self._thread.is_alive():
            log.warning("worker %s did not stop within %.0f s", self.name, timeout)

    def _put(self, job: Job) -> Job:
        if self._closed:  # the window is closing; late requests (a view fetching more) are dropped
            log.debug("job for closed worker %s dropped", self.name)
            job.cancel()
            return job
        with self._lock:
            self._pending += 1
        self._queue.put(job)
        return job

    # -- worker thread ----------------------------------------------------------------------
    def _open(self) -> Any:
        if self._opener is not None:
            return self._opener(self.store_path)
        from qcity_desktop.store import open_store

        return open_store(self.store_path)

    def _run(self) -> None:
        store = None
        open_error: BaseException | None = None
        try:
            store = self._open()
        except BaseException as err:  # noqa: BLE001 - reported to every job below
            open_error = err
        while True:
            job = self._queue.get()
            if job is None:
                break
            if job.cancelled:
                job.finished.set()
                self._bridge.failed.emit(job, Cancelled("cancelled"))
                continue
            try:
                if open_error is not None:
                    raise open_error
                result = job.fn(store, JobContext(job)) if job.with_ctx else job.fn(store)
            except BaseException as err:  # noqa: BLE001 - handed to the GUI thread
                job.finished.set()
                self._bridge.failed.emit(job, err)
            else:
                job.finished.set()
                self._bridge.done.emit(job, result)
        if store is not None:
            try:
                store.close()
            except Exception:  # noqa: BLE001
                log.exception("closing the %s connection", self.name)

    # -- back on the GUI thread -------------------------------------------------------------
    def _finish(self) -> None:
        with self._lock:
            self._pending -= 1
            now_idle = self._pending == 0
        if now_idle:
            self.idle.emit()

    def _on_done(self, job: Job, result: Any) -> None:
        try:
            if job.on_done is not None and not job.cancelled and job.owner_alive():
                job.on_done(result)
        finally:
            self._finish()

    def _on_failed(self, job: Job, err: BaseException) -> None:
        try:
            if isinstance(err, Cancelled):
                if job.on_error is not None and job.owner_alive():
                    job.on_error(err)
                return
            if not job.owner_alive():
                log.warning("job of a closed window failed: %r", err)
                return
            handler = job.on_error or _default_error_handler
            if handler is None:
                from ui.errors import present_error

                handler = present_error
            handler(err)
        finally:
            self._finish()

    def _on_progress(self, job: Job, done: int, total: int, text: str) -> None:
        if job.on_progress is not None and job.owner_alive():
            job.on_progress(done, total, text)


def run_with_progress(worker: DbWorker, parent: QWidget, title: str, fn: Callable[[Any, JobContext], Any],
                      on_done: Callable[[Any], None] | None = None,
                      on_error: Callable[[BaseException], None] | None = None) -> Job:
    """Run a long job with a modal progress dialog whose Cancel button stops it."""
    dialog = QProgressDialog(title, QCoreApplication.translate("Workers", "Cancel"), 0, 0, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)

    def progress(done: int, total: int, text: str) -> None:
        if total > 0:
            dialog.setMaximum(total)
            dialog.setValue(min(done, total))
        if text:
            dialog.setLabelText(text)

    def finished(result: Any) -> None:
        dialog.close()
        dialog.deleteLater()
        if on_done is not None:
            on_done(result)

    def failed(err: BaseException) -> None:
        dialog.close()
        dialog.deleteLater()
        if isinstance(err, Cancelled):
            return
        if on_error is not None:
            on_error(err)
        elif _default_error_handler is not None:
            _default_error_handler(err)

    job = worker.submit_long(fn, finished, failed, owner=parent, on_progress=progress)
    dialog.canceled.connect(job.cancel)
    return job
