"""Checklist editor benchmark (issue 3 §4–§6, §8): what the GUI thread pays per keypress, and what
runs on the worker instead.

Figures are ratios to baselines measured in the same run (a bare sqlite3 INSERT + COMMIT on the
same disk; a bare QWidget shown), because the machine is shared and noisy. The "event-loop gap" is
the longest time a 2 ms QTimer waited while the work ran: the stall an inspector would feel.

Usage: QT_QPA_PLATFORM=offscreen python benchmarks/bench_editor.py
"""

from __future__ import annotations

import io
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image  # noqa: E402
from PySide6.QtCore import QElapsedTimer, Qt, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget  # noqa: E402

from qcity_desktop.photos import make_thumbnail, prepare_photo  # noqa: E402
from qcity_desktop.store import open_store  # noqa: E402

SUBJECTS = {"site": {"name": "城南安置房二期工地"}, "elevator": {"name": "阳光花园3号楼1号电梯"},
            "scale": {"name": "3号秤", "serial_no": "TC-1"}}
TEMPLATES = {"site": "site-jgj59-2011", "elevator": "elevator-t7001-2009", "scale": "scale-market-in-service"}


class GapMeter:
    """Longest interval between ticks of a 2 ms timer on the GUI thread (the felt stall).

    ``worst`` is wall time (includes being descheduled on a busy machine); ``worst_cpu`` is the
    GUI thread's own CPU time between two ticks, i.e. the work that blocked the event loop."""

    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setInterval(2)
        self.clock = QElapsedTimer()
        self.worst = 0.0
        self.worst_cpu = 0.0
        self._cpu = 0.0
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        cpu = time.thread_time()
        if self.clock.isValid():
            self.worst = max(self.worst, self.clock.nsecsElapsed() / 1e6)
            self.worst_cpu = max(self.worst_cpu, (cpu - self._cpu) * 1000)
        self.clock.restart()
        self._cpu = cpu

    def start(self) -> None:
        self.worst = self.worst_cpu = 0.0
        self.clock.invalidate()
        self.timer.start()

    def stop(self) -> tuple[float, float]:
        self.timer.stop()
        return self.worst, self.worst_cpu


def spin(app: QApplication, until, timeout: float = 30.0) -> None:  # noqa: ANN001
    end = time.monotonic() + timeout
    while not until() and time.monotonic() < end:
        app.processEvents()
        time.sleep(0.001)


def baseline_insert_ms(folder: Path) -> float:
    conn = sqlite3.connect(folder / "bare.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    samples = []
    for n in range(200):
        t = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t (v) VALUES (?)", (f"x{n}",))
        conn.execute("COMMIT")
        samples.append((time.perf_counter() - t) * 1000)
    conn.close()
    return statistics.median(samples)


def baseline_window_ms(app: QApplication) -> float:
    t = time.perf_counter()
    w = QWidget()
    lay = QVBoxLayout(w)
    lay.addWidget(QLabel("hello"))
    w.resize(1280, 800)
    w.show()
    app.processEvents()
    ms = (time.perf_counter() - t) * 1000
    w.close()
    return ms


def make(folder: Path, kind: str) -> tuple[str, str]:
    db = str(folder / f"{kind}.db")
    store = open_store(db)
    sid, _ = store.subjects.add(kind, SUBJECTS[kind])
    iid = store.inspections.create(sid, TEMPLATES[kind], inspectors=["李明"])
    store.close()
    return db, iid


def bench_kind(app: QApplication, folder: Path, kind: str, insert_ms: float, window_ms: float) -> dict[str, float]:
    from ui.editor import InspectionEditor

    db, iid = make(folder, kind)
    t = time.perf_counter()
    ed = InspectionEditor(db, iid)
    ed.resize(1280, 800)
    ed.show()
    app.processEvents()
    open_ms = (time.perf_counter() - t) * 1000
    spin(app, lambda: ed.evaluation is not None)
    ed.set_current(ed.state.order[0])
    gap = GapMeter()
    key_ms = []
    gap.start()
    for item_id in ed.state.order:
        item = ed.template.items[item_id]
        ed.set_current(item_id)  # as an arrow key would: its own event, then the loop runs
        app.processEvents()
        if item.type != "result":
            continue
        target = QApplication.focusWidget() or ed.rows[item_id]
        t = time.perf_counter()
        QTest.keyClick(target, Qt.Key.Key_2 if item_id.endswith("3") else Qt.Key.Key_1)
        key_ms.append((time.perf_counter() - t) * 1000)
        app.processEvents()
    spin(app, lambda: not ed.worker.busy() and not ed._eval_busy)
    key_gap = gap.stop()
    # the rule on the whole checklist, as the worker runs it (what the GUI thread would pay otherwise)
    store = open_store(db)
    from ui.editor import jobs

    evals = []
    for _ in range(10):
        t = time.perf_counter()
        jobs.evaluate(store, iid)
        evals.append((time.perf_counter() - t) * 1000)
    store.close()
    ed.shutdown()
    ed.close()
    key_ms.sort()
    return {"items": len(ed.state.order), "open_ms": open_ms, "open_ratio": open_ms / window_ms,
            "key_median": statistics.median(key_ms), "key_p95": key_ms[int(len(key_ms) * 0.95) - 1],
            "key_max": key_ms[-1], "key_ratio": statistics.median(key_ms) / insert_ms, "key_gap": key_gap[0],
            "key_gap_cpu": key_gap[1],
            "eval_ms": statistics.median(evals)}


def bench_photo(app: QApplication, folder: Path) -> dict[str, float]:
    from ui.editor import InspectionEditor

    img = Image.new("RGB", (4000, 3000), (120, 130, 140))
    for x in range(0, 4000, 50):
        img.paste((x % 255, 80, 200 - x % 200), (x, 0, x + 25, 3000))
    exif = Image.Exif()
    exif[0x0112] = 6
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=92, exif=exif.tobytes())
    raw = buf.getvalue()
    t = time.perf_counter()
    photo = prepare_photo(raw, 2560)
    make_thumbnail(photo.data)
    direct_ms = (time.perf_counter() - t) * 1000
    path = folder / "big.jpg"
    path.write_bytes(raw)
    db, iid = make(folder, "scale")
    ed = InspectionEditor(db, iid)
    ed.show()
    spin(app, lambda: ed.evaluation is not None)
    gap = GapMeter()
    gap.start()
    t = time.perf_counter()
    ed.add_photos("S1.3", [str(path)])
    spin(app, lambda: ed.state.photo_count("S1.3") == 1)
    added_ms = (time.perf_counter() - t) * 1000
    worst, worst_cpu = gap.stop()
    ed.shutdown()
    ed.close()
    return {"photo_direct_ms": direct_ms, "photo_added_ms": added_ms, "photo_gap": worst, "photo_gap_cpu": worst_cpu,
            "photo_mb": len(raw) / 1e6}


def main() -> None:
    app = QApplication.instance() or QApplication(sys.argv)
    folder = Path(tempfile.mkdtemp(prefix="qcity-bench-editor-"))
    insert_ms = baseline_insert_ms(folder)
    baseline_window_ms(app)
    window_ms = baseline_window_ms(app)
    print(f"baseline: bare sqlite INSERT+COMMIT (WAL) {insert_ms:.3f} ms; bare window shown {window_ms:.1f} ms")
    for kind in ("site", "elevator", "scale"):
        r = bench_kind(app, folder, kind, insert_ms, window_ms)
        print(f"{TEMPLATES[kind]:28s} {int(r['items']):4d} items | open {r['open_ms']:.0f} ms "
              f"({r['open_ratio']:.1f}× bare window) | keypress→stored: median {r['key_median']:.2f} ms "
              f"({r['key_ratio']:.1f}× bare insert), p95 {r['key_p95']:.2f}, max {r['key_max']:.2f} ms | "
              f"worst event-loop gap while answering {r['key_gap']:.1f} ms wall, {r['key_gap_cpu']:.1f} ms GUI-thread CPU | "
              f"rule on worker {r['eval_ms']:.1f} ms")
    p = bench_photo(app, folder)
    print(f"photo {p['photo_mb']:.1f} MB 12 MP, EXIF-turned: Pillow upright+downsize+thumbnail {p['photo_direct_ms']:.0f} ms "
          f"(on the worker); drop→stored {p['photo_added_ms']:.0f} ms; worst event-loop gap meanwhile "
          f"{p['photo_gap']:.1f} ms wall, {p['photo_gap_cpu']:.1f} ms GUI-thread CPU "
          f"({p['photo_gap_cpu'] / max(p['photo_direct_ms'], 1e-9):.2f}× the processing time)")


if __name__ == "__main__":
    main()
