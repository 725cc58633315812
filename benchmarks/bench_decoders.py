"""Scale decoder benchmark: throughput per protocol on one core, and pty-to-callback latency.

Throughput: a stream of 20,000 frames per protocol (varied weights, signs and flags from the
protocol's own emulator) is fed to a fresh decoder in 64-byte chunks, as a serial read loop would
hand it over. Baseline (same run, same chunks): a bare ``bytes.split`` framing loop on the
protocol's terminator that builds no readings — the least any framer could do in Python.
Target: >= 50,000 frames/s, so a 115,200-baud stream costs a few per cent of a core.

Latency: a virtual scale (this package's simulator) writes frames on a pty at 115,200 baud, a
``ScaleConnection`` reads them with a real ``serial.Serial``; latency is the time from the frame's
last byte leaving ``os.write`` to the reading callback. Baseline (same run): a bare thread doing
``select`` + ``os.read`` on the same kind of pty, from write to read.

Usage: python benchmarks/bench_decoders.py [--frames N] [--seconds S] [--no-latency]
"""

from __future__ import annotations

import argparse
import os
import random
import select
import statistics
import sys
import threading
import time
import tty
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qcity_desktop.devices.connection import ScaleConnection  # noqa: E402
from qcity_desktop.devices.protocols import decoders  # noqa: E402
from qcity_desktop.devices.protocols.base import ScaleState  # noqa: E402
from qcity_desktop.devices.simulator import VirtualScale  # noqa: E402

TERMINATOR = {"toledo": b"\x02", "ad": b"\n", "mt-sics": b"\n", "cas": b"\x04", "aclas": b"\x01\x02"}


def stream(protocol: str, frames: int) -> bytes:
    rng = random.Random(3)
    emulator = decoders()[protocol].emulator()
    unit = "kg" if "kg" in emulator.units else emulator.units[0]
    parts = []
    for _ in range(frames):
        value = Decimal(rng.randint(-999, 29999)).scaleb(-3)
        state = ScaleState(value, unit, 3, Decimal("0.005"), rng.random() < 0.8, rng.random() < 0.3,
                           Decimal("0.100"), overload=rng.random() < 0.02)
        parts.append(emulator.frame(state))
    return b"".join(parts)


def chunks(data: bytes, size: int = 64) -> list[bytes]:
    return [data[i:i + size] for i in range(0, len(data), size)]


def baseline(pieces: list[bytes], sep: bytes) -> int:
    buf = b""
    count = 0
    for piece in pieces:
        buf += piece
        parts = buf.split(sep)
        buf = parts[-1]
        count += len(parts) - 1
    return count


def best_of(runs: int, fn):
    best = float("inf")
    result = None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def throughput(frames: int) -> None:
    print(f"Decoder throughput: {frames:,} frames per protocol, 64-byte chunks, best of 5, one core")
    print(f"{'protocol':9} {'bytes/frame':>11} {'frames/s':>10} {'baseline/s':>11} {'ratio':>6} "
          f"{'115200 bd CPU':>13}")
    for name, cls in decoders().items():
        data = stream(name, frames)
        pieces = chunks(data)

        def decode(cls=cls, pieces=pieces) -> int:
            decoder = cls()
            n = 0
            for piece in pieces:
                n += len(decoder.feed(piece))
            return n

        t_dec, decoded = best_of(5, decode)
        t_base, _ = best_of(5, lambda pieces=pieces, name=name: baseline(pieces, TERMINATOR[name]))
        assert decoded >= frames * 0.97, (name, decoded)  # overload frames of MT-SICS etc. are still readings
        per_frame = len(data) / frames
        rate = decoded / t_dec
        line_rate = 11520 / per_frame  # frames/s a saturated 115,200-baud 8N1 line carries
        print(f"{name:9} {per_frame:11.1f} {rate:10,.0f} {frames / t_base:11,.0f} {t_dec / t_base:5.1f}x "
              f"{100 * line_rate / rate:12.1f}%")


def pty_baseline(samples: int) -> list[float]:
    master, slave = os.openpty()
    tty.setraw(slave)
    got: list[float] = []
    done = threading.Event()

    def reader() -> None:
        while not done.is_set():
            ready, _, _ = select.select([slave], [], [], 0.05)
            if ready:
                os.read(slave, 1024)
                got.append(time.monotonic())

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    lat = []
    for _ in range(samples):
        n = len(got)
        t0 = time.monotonic()
        os.write(master, b"x")
        while len(got) == n:
            time.sleep(0.0001)
        lat.append(got[-1] - t0)
        time.sleep(0.005)
    done.set()
    thread.join()
    os.close(master)
    os.close(slave)
    return lat


def latency(seconds: float) -> None:
    base = pty_baseline(200)
    print(f"\nLatency, last byte written on the pty -> reading callback ({seconds:g} s per protocol, 115200 baud)")
    print(f"baseline bare select+read on a pty: median {statistics.median(base) * 1000:.2f} ms, "
          f"p99 {quantile(base, 0.99) * 1000:.2f} ms")
    print(f"{'protocol':9} {'samples':>7} {'median ms':>9} {'p99 ms':>7} {'max ms':>7} {'median/baseline':>15}")
    for name in decoders():
        with VirtualScale(name, baud=115200, rate=50) as scale:
            scale.command("load 1234g")
            seen: list[tuple[float, bytes]] = []
            with ScaleConnection(scale.path, name, baud=115200,
                                 on_reading=lambda r, seen=seen: seen.append((time.monotonic(), r.raw))):
                time.sleep(seconds)
            log = list(scale.sent_log)
        # Pair each reading with the write of its own frame (the nearest one in time holding its
        # bytes). Line protocols emit at CR, a byte before the LF that ends the write: clamp to 0.
        lat = []
        for called, raw in seen:
            sent = [t for t, data in log if raw in data]
            if sent:
                lat.append(max(0.0, called - min(sent, key=lambda t: abs(called - t))))
        med = statistics.median(lat)
        print(f"{name:9} {len(lat):7} {med * 1000:9.2f} {quantile(lat, 0.99) * 1000:7.2f} "
              f"{max(lat) * 1000:7.2f} {med / statistics.median(base):14.1f}x")


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=20_000)
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--no-latency", action="store_true")
    args = parser.parse_args()
    cpus = os.sched_getaffinity(0) if hasattr(os, "sched_setaffinity") else None
    if cpus:
        os.sched_setaffinity(0, {min(cpus)})  # throughput on one core
    throughput(args.frames)
    if cpus:
        os.sched_setaffinity(0, cpus)  # the simulated scale is another device: let it run elsewhere
    if not args.no_latency:
        latency(args.seconds)


if __name__ == "__main__":
    main()
