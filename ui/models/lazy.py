"""A table that fetches its rows page by page from the DB worker, for lists of any length.

The view asks ``canFetchMore``/``fetchMore`` when the user scrolls near the end; the model asks
the worker for the next page and inserts it when it arrives, so 100,000 rows never sit in memory
at once and the GUI thread never waits on SQLite. A filter or sort change bumps a generation
number: pages of the old query that arrive late are dropped.

The loaded rows live in a QStandardItemModel, i.e. in C++. Painting a page of the table asks the
model for about eight roles of every cell; answering those from Python made a PageDown twice as
slow as a plain C++ model (benchmarks/bench_gui_stall.py measures both). The texts are formatted on
the worker; the GUI thread only copies them in, a few dozen rows per event-loop turn, through
``setData`` so the items are made in C++ (QStandardItems made in Python keep a wrapper each for the
garbage collector to walk: full collections over 20,000 rows paused the GUI for ~100 ms).
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QStandardItemModel

from ui.i18n import generation
from ui.workers import DbWorker

Index = QModelIndex | QPersistentModelIndex
ID_ROLE = Qt.ItemDataRole.UserRole + 1
CHUNK = 100  # rows copied into the model per event-loop turn (~4 ms; each turn also repaints the view)
Fetch = Callable[[Any], tuple[list[dict[str, Any]], Any]]


class LazyTableModel(QStandardItemModel):
    countChanged = Signal(int)
    loadingChanged = Signal(bool)
    pageLoaded = Signal(int)

    def __init__(self, worker: DbWorker, columns: int, page_size: int = 200, parent: Any = None) -> None:
        super().__init__(0, columns, parent)
        self._worker = worker
        self.page_size = page_size
        self._rows: list[dict[str, Any]] = []
        self._pending: list[dict[str, Any]] = []
        self._cursor: Any = None
        self._more = False
        self._loading = False
        self._generation = 0
        self.total: int | None = None
        self._chunker = QTimer(self)
        self._chunker.setSingleShot(True)
        self._chunker.setInterval(0)
        self._chunker.timeout.connect(self._insert_chunk)
        self._lang_generation = generation()

    # -- what a subclass provides ------------------------------------------------------------
    def make_count(self) -> Callable[[Any], int]:
        raise NotImplementedError

    def make_fetch(self, cursor: Any) -> Fetch:
        """fn(store) -> (rows with ``_cells`` filled, next cursor or None at the end); runs on the worker."""
        raise NotImplementedError

    def header_texts(self) -> list[str]:
        raise NotImplementedError

    def keep(self, row: dict[str, Any]) -> dict[str, Any]:
        """What stays in Python for ``row_data`` once the texts are in the item model. A dict made
        of strings and numbers only is never walked by the garbage collector, so thousands of
        loaded rows cost no GC pause."""
        return {k: v for k, v in row.items() if k != "_cells"}

    def decorate(self, set_data: Callable[..., Any], index: Callable[[int, int], QModelIndex], r: int,
                 row: dict[str, Any]) -> None:
        """Extra roles for row ``r`` (colours, alignment); the text and ID_ROLE are already set."""

    # -- loading -----------------------------------------------------------------------------
    def reload(self) -> None:
        """Forget every row and start again from the first page (filter, sort or data changed)."""
        self._generation += 1
        self._chunker.stop()
        self._pending = []
        self.beginResetModel()
        self.blockSignals(True)   # one reset instead of a removal signal per row
        self.setRowCount(0)
        self.blockSignals(False)
        self._rows = []
        self.endResetModel()
        self._cursor = None
        self._more = True
        self._loading = False
        self.total = None
        gen = self._generation
        self._worker.submit(self.make_count(), lambda n: self._count_arrived(gen, n), owner=self)
        self._request_page()

    def _count_arrived(self, gen: int, n: int) -> None:
        if gen == self._generation:
            self.total = n
            self.countChanged.emit(n)

    def _request_page(self) -> None:
        if self._loading or not self._more:
            return
        self._loading = True
        self.loadingChanged.emit(True)
        gen = self._generation
        self._worker.submit(self.make_fetch(self._cursor), lambda result: self._page_arrived(gen, result),
                            lambda err: self._page_failed(gen, err), owner=self)

    def _page_arrived(self, gen: int, result: tuple[list[dict[str, Any]], Any]) -> None:
        if gen != self._generation:
            return
        rows, cursor = result
        self._cursor = cursor
        self._more = cursor is not None
        self._pending.extend(rows)
        self._insert_chunk()

    def _insert_chunk(self) -> None:
        chunk, self._pending = self._pending[:CHUNK], self._pending[CHUNK:]
        if chunk:
            first = len(self._rows)
            self._rows.extend(self.keep(row) for row in chunk)
            self.insertRows(first, len(chunk))   # one insertion signal for the chunk
            self.blockSignals(True)              # the cells go in silently, then one dataChanged
            index, set_data = self.index, self.setData
            for n, row in enumerate(chunk):
                r = first + n
                for c, text in enumerate(row["_cells"]):
                    set_data(index(r, c), text)
                set_data(index(r, 0), row["id"], ID_ROLE)
                self.decorate(set_data, index, r, row)
            self.blockSignals(False)
            self.dataChanged.emit(self.index(first, 0), self.index(first + len(chunk) - 1, self.columnCount() - 1))
        if self._pending:
            self._chunker.start()
            return
        self._loading = False
        # the rows just loaded live as long as the list: keep them out of full collections, which
        # otherwise walk every loaded row (an 18 ms pause at 17,000 rows while dragging to the end)
        gc.freeze()
        self.loadingChanged.emit(False)
        self.pageLoaded.emit(len(self._rows))

    def _page_failed(self, gen: int, err: BaseException) -> None:
        if gen != self._generation:
            return
        self._loading = False
        self._more = False
        self.loadingChanged.emit(False)
        from ui.errors import present_error

        present_error(err)

    @property
    def loading(self) -> bool:
        return self._loading

    # -- lazy fetching -------------------------------------------------------------------------
    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008 - Qt's signature
        return not parent.isValid() and self._more and not self._loading

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if not parent.isValid():
            self._request_page()

    # -- rows --------------------------------------------------------------------------------------
    def row_id(self, row: int) -> str | None:
        return self._rows[row]["id"] if 0 <= row < len(self._rows) else None

    def row_data(self, row: int) -> dict[str, Any] | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def set_headers(self) -> None:
        self.setHorizontalHeaderLabels(self.header_texts())

    def retranslate(self) -> None:
        """New headers, and the rows fetched again so their labels read in the new language."""
        self.set_headers()
        if self._lang_generation != generation() and (self._more or self._rows):
            self.reload()
        self._lang_generation = generation()
