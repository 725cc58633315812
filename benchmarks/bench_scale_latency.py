"""Scale wizard latency: a frame's last byte written on the pty -> the reading in the GUI thread.

What is timed: the virtual scale (qcity_desktop.devices.simulator) writes frames on a pty; the
wizard page (ui.scale_wizard.ScaleWizardPage, shown, on its step page with a test running, so the
live reading repaints and the auto-capture runs for every frame) reads them through
``ScaleConnection`` and ``ScaleLink``. A slot connected to ``ScaleLink.reading`` stamps the moment
the reading reaches the GUI thread. The simulator logs the monotonic time just before it writes
each frame's last byte; the frame a reading came from is the newest logged write of those bytes
before the port thread received it. Two parts are reported: pty -> port thread (decoder callback)
and port thread -> GUI thread (the queued signal through the event loop).

Baseline (same run): a bare pty round trip — one thread blocked in select() on the slave, the
main thread writes a frame-sized chunk on the master; time from write to read returning.
Targets (issue 4): median <= 20 ms, p99 <= 50 ms.

Usage: python benchmarks/bench_scale_latency.py [--seconds S] [--protocols toledo,ad,cas] [--rate N]
"""

from __future__ import annotations

import argparse
import os
import select
import statistics
import sys
import tempfile
import threading
import time
import tty
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from qcity_desktop.devices.scenarios import ScaleModel  # noqa: E402
from qcity_desktop.devices.simulator import VirtualScale  # noqa: E402
from qcity_desktop.metrology import ReferenceInstrument  # noqa: E402
from qcity_desktop.store import open_store  # noqa: E402


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def bare_pty(samples: int, size: int = 18) -> list[float]:
    """Write ``size`` bytes on a pty master, time until a reader thread's read() returns them."""
    master, slave = os.openpty()
    tty.setraw(slave)
    arrived: list[float] = []
    got = threading.Event()
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            ready, _, _ = select.select([slave], [], [], 0.1)
            if ready:
                os.read(slave, 4096)
                arrived.append(time.monotonic())
                got.set()

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    out = []
    chunk = b"\x02" + b"0" * (size - 2) + b"\r"
    for _ in range(samples):
        got.clear()
        t0 = time.monotonic()
        os.write(master, chunk)
        got.wait(1.0)
        out.append(arrived[-1] - t0)
        time.sleep(0.004)
    stop.set()
    thread.join()
    os.close(master)
    os.close(slave)
    return out


def make_db(folder: Path) -> str:
    path = folder / "bench.db"
    store = open_store(path)
    sid, _ = store.subjects.add("scale", {"name": "基准测试计价秤", "accuracy_class": "III", "max": "15000", "e": "5",
                                          "min": "100", "d": "5", "serial_no": "BENCH-1"})
    store.inspections.create(sid, "scale-market-in-service", inspectors=["bench"])
    store.references.add(ReferenceInstrument(kind="weight_set", name="M1 砝码组", accuracy_class="M1",
                                             certificate_no="BENCH", expires=date(2099, 1, 1)))
    store.close()
    return str(path)


def measure(app: QApplication, db: str, protocol: str, seconds: float, rate: float) -> dict[str, list[float]]:
    from ui.scale_wizard import ScaleWizardPage

    scale = VirtualScale(protocol, ScaleModel(settle_s=0.2), rate=rate)
    scale.start()
    page = ScaleWizardPage(db)
    page.resize(1280, 800)
    page.show()
    page.activate()
    port_part: list[float] = []
    total: list[float] = []

    arrivals: list[tuple[float, object]] = []

    def on_gui(reading) -> None:  # noqa: ANN001 - runs in the GUI thread (the queued hop is done)
        arrivals.append((time.monotonic(), reading))

    def wait(predicate, limit: float = 10.0) -> None:  # noqa: ANN001
        end = time.monotonic() + limit
        while not predicate() and time.monotonic() < end:
            app.processEvents()
            time.sleep(0.002)

    wait(lambda: page.connect_panel.inspection_box.count() >= 2)
    page.connect_panel.inspection_box.setCurrentIndex(1)
    wait(lambda: page._subject is not None)
    page.connect_scale(scale.path, protocol)
    wait(lambda: page.link.state == "connected")
    page.start_test()  # the step page: live reading and auto-capture run for every frame
    page.link.reading.connect(on_gui)
    loads = iter(["100g", "1500g", "5000g", "10000g", "15000g"] * 100)
    changer = QTimer()
    changer.timeout.connect(lambda: scale.command(f"load {next(loads)}"))  # weights go on and off: motion too
    changer.start(700)
    confirm = QTimer()  # the inspector confirms the customer display, so auto-capture keeps going
    confirm.timeout.connect(lambda: page.same_as_serial() if page._pending is not None else None)
    confirm.start(100)
    QTimer.singleShot(int(seconds * 1000), app.quit)
    app.exec()
    changer.stop()
    confirm.stop()
    page.link.reading.disconnect(on_gui)
    recorded = len(page.run.session.readings) if page.run else 0
    page.shutdown()
    page.deleteLater()
    scale.stop()
    # Matched after the run, to the logged write of the same bytes nearest to the moment the port
    # thread decoded it (identical frames repeat every 1/rate s). The simulator logs just before a
    # frame's final byte; line protocols (ad, mt-sics) complete a frame at its CR, one byte before
    # the final LF, so "last byte" here is the byte that completes the frame for the decoder: the
    # log time minus the byte times of whatever follows it.
    per_byte = scale.settings.seconds_per_byte()
    log = list(scale.sent_log)
    for now, reading in arrivals:
        best = None
        for sent_at, data in log:
            end = data.rfind(reading.raw)
            if end < 0:
                continue
            done = sent_at - max(0, len(data) - (end + len(reading.raw)) - 1) * per_byte
            if best is None or abs(done - reading.received) < abs(best - reading.received):
                best = done
        if best is not None and abs(best - reading.received) < 0.5 / rate:
            total.append(now - best)
            port_part.append(reading.received - best)
    hop = [t - p for t, p in zip(total, port_part, strict=True)]
    return {"total": total, "port": port_part, "hop": hop, "recorded": [recorded]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="per protocol")
    parser.add_argument("--protocols", default="toledo,ad,mt-sics,cas,aclas")
    parser.add_argument("--rate", type=float, default=20.0, help="frames per second the scale sends")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv)
    base = bare_pty(400)
    b_med, b_p99 = statistics.median(base), pct(base, 0.99)
    print(f"Qt platform: {app.platformName()}; CPUs: {os.cpu_count()}")
    print(f"Baseline, bare pty write -> read: median {b_med * 1000:.3f} ms, p99 {b_p99 * 1000:.3f} ms "
          f"({len(base)} samples)")
    print(f"Wizard page live, {args.rate:g} frames/s, loads changing every 0.7 s, {args.seconds:g} s per protocol")
    print(f"{'protocol':9} {'n':>5} {'median ms':>9} {'p99 ms':>7} {'max ms':>7} {'pty->port med':>13} "
          f"{'port->GUI med':>13} {'median/base':>11} {'p99/base':>8}  auto-captured")
    with tempfile.TemporaryDirectory(prefix="qcity-bench-") as folder:
        for protocol in args.protocols.split(","):
            where = Path(folder) / protocol
            where.mkdir()
            db = make_db(where)
            r = measure(app, db, protocol, args.seconds, args.rate)
            t = r["total"]
            if not t:
                print(f"{protocol:9} no readings matched")
                continue
            print(f"{protocol:9} {len(t):5} {statistics.median(t) * 1000:9.2f} {pct(t, 0.99) * 1000:7.2f} "
                  f"{max(t) * 1000:7.2f} {statistics.median(r['port']) * 1000:13.2f} "
                  f"{statistics.median(r['hop']) * 1000:13.2f} {statistics.median(t) / b_med:10.0f}x "
                  f"{pct(t, 0.99) / b_p99:7.0f}x  {r['recorded'][0]}")


if __name__ == "__main__":
    main()
