"""Cold start of the desktop app to its main window shown, as a ratio to a bare PySide6 window.

    python benchmarks/bench_startup.py DB [--runs 7]

Each run starts a fresh Python process (so imports, font loading and Qt plug-ins are all cold for
the process) and measures from spawning it to the child reporting its window's first paint (an
event filter sees the window's first Paint event; the report follows on the next loop turn). The bare baseline is a QMainWindow of the same size started the
same way in the same run, alternating with the app so machine load hits both alike. The app child
also reports when the Today page's lists have arrived from the DB worker (data visible), which is
not part of the target but is what the user sees next.

Runs under whatever QT_QPA_PLATFORM / DISPLAY is set (use Xvfb for a real X server).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def on_first_paint(window: object, then: object) -> object:
    """Call ``then`` once the window has painted for the first time (what the user sees)."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    class Filter(QObject):
        def eventFilter(self, watched, event):  # noqa: ANN001, ANN202, N802
            if event.type() == QEvent.Type.Paint:
                watched.removeEventFilter(self)
                QTimer.singleShot(0, then)
            return False

    f = Filter(window)
    window.installEventFilter(f)
    return f


def child(kind: str, db: str | None) -> None:
    t0 = time.perf_counter()
    sys.path.insert(0, str(ROOT))
    from PySide6.QtCore import QTimer

    if kind == "bare":
        from PySide6.QtWidgets import QApplication, QMainWindow

        app = QApplication([])
        w = QMainWindow()
        w.resize(1280, 800)

        def shown() -> None:
            print(f"shown {time.perf_counter() - t0:.4f}", flush=True)
            os._exit(0)

        on_first_paint(w, shown)
        w.show()
        app.exec()
        return

    from ui.app import build

    app, window, ctx = build(["qcity", "--db", db or ""])
    state = {"shown": False}

    def shown() -> None:
        print(f"shown {time.perf_counter() - t0:.4f}", flush=True)
        state["shown"] = True

    def data() -> None:
        print(f"data {time.perf_counter() - t0:.4f}", flush=True)
        os._exit(0)

    window.page("today").refreshed.connect(data)

    on_first_paint(window, shown)
    QTimer.singleShot(60_000, lambda: os._exit(1))
    app.exec()


def spawn(kind: str, db: str | None, env: dict[str, str]) -> dict[str, float]:
    args = [sys.executable, __file__, "--child", kind] + ([db] if db else [])
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    out: dict[str, float] = {}
    assert proc.stdout is not None
    for line in proc.stdout:
        what, _child = line.split()
        out[what] = time.perf_counter() - start
        out[f"{what}_in_child"] = float(_child)
    proc.wait(timeout=60)
    if "shown" not in out:
        raise SystemExit(f"{kind} child failed:\n{proc.stderr.read() if proc.stderr else ''}")
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("db", nargs="?")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--child", choices=("bare", "app"))
    args = ap.parse_args()
    if args.child:
        child(args.child, args.db)
        return 0
    if not args.db or not Path(args.db).exists():
        raise SystemExit("give an existing database (benchmarks/build_db.py builds the 100,000-inspection one)")
    home = Path(tempfile.mkdtemp(prefix="qcity-bench-start-"))
    env = dict(os.environ)
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        env[var] = str(home / var.lower())
    env.setdefault("QT_QPA_PLATFORM", "xcb" if env.get("DISPLAY") else "offscreen")
    # An installed app ships compiled bytecode; this machine sets PYTHONDONTWRITEBYTECODE, which would
    # make every run recompile our sources. Cache bytecode in a temp folder (not the work tree) instead.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(home / "pycache")
    spawn("bare", None, env)  # warm the OS file cache for both, not measured
    spawn("app", args.db, env)
    bare, app, data = [], [], []
    for _ in range(args.runs):
        bare.append(spawn("bare", None, env)["shown"])
        r = spawn("app", args.db, env)
        app.append(r["shown"])
        data.append(r.get("data", float("nan")))
    mb, ma, md = statistics.median(bare), statistics.median(app), statistics.median(data)
    print(f"platform: {env['QT_QPA_PLATFORM']}   runs: {args.runs}   database: {args.db}")
    print(f"bare PySide6 window shown : median {mb * 1000:7.1f} ms  (min {min(bare) * 1000:.1f}, max {max(bare) * 1000:.1f})")
    print(f"QCity main window shown   : median {ma * 1000:7.1f} ms  (min {min(app) * 1000:.1f}, max {max(app) * 1000:.1f})")
    print(f"ratio app / bare          : {ma / mb:.2f}  (target ≤ 2.0, and app < 1000 ms)")
    print(f"Today lists filled        : median {md * 1000:7.1f} ms after spawn (not part of the target)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
