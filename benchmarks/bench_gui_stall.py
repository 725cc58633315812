"""Longest GUI-thread stall while scrolling the inspections list and typing in the subject search.

    python benchmarks/bench_gui_stall.py DB [--scroll-steps 600] [--rounds 3]

A heartbeat timer on the GUI thread ticks every millisecond and records the gap between ticks;
any gap is time the event loop could not run (handling an event, painting, waiting for the
interpreter lock held by the DB worker). The longest gap minus the 1 ms period is the longest
stall a user could feel. Figures per phase, with an idle phase as the baseline of this machine
(other processes, the scheduler) measured in the same run:

* idle: the main window shown, nothing happening;
* wheel: the inspections list scrolled by 3 rows (one wheel notch) every 16 ms, a fast continuous
  wheel spin; the lazy model fetches page after page from the worker as the end comes near;
* pagedown: PageDown held down (key repeat, 30 per second): a full new page painted each time;
* jump: the scroll bar dragged to the end repeatedly (fetch, insert, repaint far down the list);
* typing: subject search text typed one character every 120 ms, each pause long enough for the
  debounced FTS query to run and its result to replace the list;
* bare-wheel / bare-pagedown: the same scrolling over a plain C++ QStandardItemModel holding the
  same texts in the same kind of view: the floor that Qt's own painting sets on this machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class GcWatch:
    """Python's cyclic garbage collector stops every thread; record how long each collection takes."""

    def __init__(self) -> None:
        import gc

        self.pauses: list[tuple[int, float]] = []
        self._t0 = 0.0
        gc.callbacks.append(self._cb)

    def _cb(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._t0 = time.perf_counter()
        else:
            self.pauses.append((info["generation"], (time.perf_counter() - self._t0) * 1000))

    def take(self) -> list[tuple[int, float]]:
        out, self.pauses = self.pauses, []
        return out


class Heartbeat:
    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.gaps: list[float] = []
        self._last = 0.0
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(1)
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        if self._last:
            self.gaps.append(now - self._last)
        self._last = now

    def start(self) -> None:
        self.gaps = []
        self._last = 0.0
        self.timer.start()

    def stop(self) -> list[float]:
        self.timer.stop()
        return self.gaps


def summary(gaps: list[float]) -> dict[str, float]:
    ms = sorted(max(0.0, g * 1000 - 1.0) for g in gaps) or [0.0]
    return {"max": ms[-1], "p99": ms[int(len(ms) * 0.99) - 1 if len(ms) > 1 else 0],
            "median": statistics.median(ms), "over16": sum(1 for x in ms if x > 16.0), "ticks": len(ms)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("db")
    ap.add_argument("--scroll-steps", type=int, default=900)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    home = Path(tempfile.mkdtemp(prefix="qcity-bench-stall-"))
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        os.environ[var] = str(home / var.lower())
    os.environ.setdefault("QT_QPA_PLATFORM", "xcb" if os.environ.get("DISPLAY") else "offscreen")

    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from ui.app import build

    app, window, ctx = build(["qcity", "--db", args.db])
    beat = Heartbeat()
    gcw = GcWatch()

    def wait(ms: int) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def wait_until(cond, timeout_ms: int = 30_000) -> None:  # noqa: ANN001
        end = time.perf_counter() + timeout_ms / 1000
        while not cond():
            if time.perf_counter() > end:
                raise SystemExit("timed out waiting for the window")
            wait(5)

    def run_steps(n: int, every_ms: int, step) -> None:  # noqa: ANN001
        done = {"n": 0}
        loop = QEventLoop()

        def tick() -> None:
            step(done["n"])
            done["n"] += 1
            if done["n"] >= n:
                timer.stop()
                QTimer.singleShot(300, loop.quit)  # let the last answers arrive and paint

        from PySide6.QtCore import QTimer as _T

        timer = _T()
        timer.setInterval(every_ms)
        timer.timeout.connect(tick)
        timer.start()
        loop.exec()

    today = window.page("today")
    arrived: list[bool] = []
    today.refreshed.connect(lambda: arrived.append(True))
    wait_until(lambda: bool(arrived) and not ctx.worker.busy() and not ctx.long_worker.busy(), 60_000)
    results: dict[str, list[dict[str, float]]] = {k: [] for k in (
        "idle", "wheel", "pagedown", "jump", "typing", "bare-wheel", "bare-pagedown")}
    fetched: list[int] = []
    page = window.page("inspections")

    def measure(name: str, steps: int, every_ms: int, step) -> None:  # noqa: ANN001
        gcw.take()
        beat.start()
        run_steps(steps, every_ms, step)
        results[name].append(summary(beat.stop()))
        pauses = gcw.take()
        results[name][-1]["gc_max"] = max((ms for _g, ms in pauses), default=0.0)
        results[name][-1]["gc_n"] = len(pauses)

    def scroll_phases(view, prefix: str = "") -> None:  # noqa: ANN001
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        bar = view.verticalScrollBar()
        bar.setValue(0)
        wait(200)
        notch = 3 * view.verticalHeader().defaultSectionSize()
        measure(prefix + "wheel", args.scroll_steps, 16, lambda _i: bar.setValue(bar.value() + notch))
        view.setFocus()
        view.setCurrentIndex(view.model().index(max(view.rowAt(0), 0), 0))
        measure(prefix + "pagedown", args.scroll_steps // 3, 33,
                lambda _i: QTest.keyClick(view, Qt.Key.Key_PageDown))

    def bare_table():  # noqa: ANN202
        """The same table as a plain C++ QStandardItemModel: the floor Qt's painting sets here."""
        from PySide6.QtGui import QStandardItemModel

        from ui.pages.common import apply_widths, table_view

        texts = [[page.model.data(page.model.index(r, c)) or "" for c in range(page.model.columnCount())]
                 for r in range(min(page.model.rowCount(), 6000))]
        model = QStandardItemModel(len(texts), page.model.columnCount())
        for r, row in enumerate(texts):  # setData makes the items in C++ (no Python wrappers kept)
            for c, text in enumerate(row):
                model.setData(model.index(r, c), text)
        view = table_view(None, (140, 240, 70, 230, 90, 70, 80, 60))
        view.setModel(model)
        apply_widths(view)
        view.setGeometry(page.view.mapToGlobal(page.view.rect().topLeft()).x(),
                         page.view.mapToGlobal(page.view.rect().topLeft()).y(), page.view.width(), page.view.height())
        view.show()
        wait(300)
        return view, model

    def typing_phase() -> None:
        subjects = window.show_page("subjects")
        wait_until(lambda: subjects.model.rowCount() > 0 and not subjects.model.loading)
        text = "咸安区温泉路花园小区 31104210000000012"

        def type_char(i: int) -> None:
            if i < len(text):
                subjects.search.insert(text[i])
            else:
                subjects.search.clear()

        measure("typing", len(text) + 1, 120, type_char)

    for _ in range(args.rounds):
        window.show_page("today")
        wait(300)
        measure("idle", 1500, 1, lambda _i: None)
        page = window.show_page("inspections")
        page.reset_filters()
        wait_until(lambda p=page: p.model.rowCount() > 0 and not p.model.loading)
        scroll_phases(page.view)
        fetched.append(page.model.rowCount())
        bar = page.view.verticalScrollBar()
        measure("jump", 40, 50, lambda _i, b=bar: b.setValue(b.maximum()))
        fetched.append(page.model.rowCount())
        view, bare_model = bare_table()
        scroll_phases(view, "bare-")
        view.close()
        view.setModel(None)
        view.deleteLater()
        bare_model.deleteLater()
        del view, bare_model
        typing_phase()

    print(f"platform: {os.environ['QT_QPA_PLATFORM']}   database: {args.db}   rounds: {args.rounds}")
    print(f"inspections loaded by scrolling: {max(fetched):,} of {page.model.total or 0:,}")
    print(f"{'phase':14} {'max stall':>10} {'p99':>8} {'median':>8} {'>16 ms':>7} {'ticks':>7}   p99/bare-p99"
          f"  longest GC (collections)")
    for phase, rows in results.items():
        worst = max(rows, key=lambda r: r["max"])
        p99 = max(r["p99"] for r in rows)
        bare = results.get("bare-" + phase)
        ratio = f"{p99 / max(max(r['p99'] for r in bare), 0.01):6.2f}" if bare else ""
        print(f"{phase:14} {worst['max']:8.1f} ms {p99:5.1f} ms "
              f"{statistics.median(r['median'] for r in rows):5.2f} ms {sum(r['over16'] for r in rows):7d} "
              f"{sum(r['ticks'] for r in rows):7d}   {ratio:>6}  {max(r['gc_max'] for r in rows):8.1f} ms "
              f"({sum(r['gc_n'] for r in rows)})")
    print("target: no stall over 16 ms while scrolling (wheel, pagedown, jump) and typing")
    window.close()
    ctx.close_workers()
    QApplication.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
