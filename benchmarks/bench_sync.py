"""Sync benchmark: first sync vs. a raw upload of the same bytes, a no-op sync, and hub load.

    .venv/bin/python benchmarks/bench_sync.py            # the issue's sizes (needs ~6 GB of disk)
    .venv/bin/python benchmarks/bench_sync.py --quick    # a tenth of it, for a quick look

Figures are ratios to a baseline measured in the same run on the same hub: the baseline is
the same bytes (photos and the rows' JSON) POSTed raw to the hub's /v1/diag/sink, which reads
and discards them, over the same number of connections the sync uses (BLOB_STREAMS for photos,
one for rows). Everything runs on this machine, so client, hub and load generator share its cores.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from qcity_desktop.store import open_store  # noqa: E402
from qcity_desktop.store.sync_state import SyncState  # noqa: E402
from qcity_desktop.sync.engine import BLOB_STREAMS, build_changes, sync  # noqa: E402
from qcity_desktop.sync.protocol import BY_NAME, encode_json, pack  # noqa: E402


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Hub:
    def __init__(self, data: Path) -> None:
        self.data = data
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.proc = subprocess.Popen([sys.executable, "-m", "qcity_desktop", "hub", "serve", "--data", str(data),
                                      "--port", str(self.port)], env=env, cwd=ROOT,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(300):
            try:
                httpx.get(f"{self.url}/v1/health", timeout=1)
                return
            except httpx.HTTPError:
                time.sleep(0.05)
        raise RuntimeError("hub did not start")

    def user(self, name: str, role: str) -> str:
        from qcity_desktop.hub.accounts import add_user
        from qcity_desktop.hub.db import HubDb

        db = HubDb(self.data)
        try:
            return add_user(db, name, role)
        finally:
            db.close()

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(30)


class Link:
    """A TCP relay in front of the hub that caps client → hub bytes at ``mbps`` (a real uplink), shared by
    all connections, so the sync and the raw upload are measured through the same bottleneck."""

    def __init__(self, upstream_port: int, mbps: float) -> None:
        import socket

        self.rate = mbps * 1e6 / 8
        self.upstream_port = upstream_port
        self.lock = threading.Lock()
        self.next_free = time.monotonic()
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        import socket

        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            for s in (client, upstream):
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            threading.Thread(target=self._pump, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, False), daemon=True).start()

    def _pump(self, src, dst, limited: bool) -> None:  # noqa: ANN001
        import socket

        try:
            while data := src.recv(65536):
                if limited:
                    with self.lock:
                        start = max(self.next_free, time.monotonic())
                        self.next_free = start + len(data) / self.rate
                    delay = self.next_free - time.monotonic()
                    if delay > 0:
                        time.sleep(delay)
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def close(self) -> None:
        self.sock.close()


def cpu_seconds(pid: int | None = None) -> float:
    """User + system CPU of this process (``pid`` None) or of another one (from /proc): the sync's work, not its waits."""
    if pid is None:
        t = os.times()
        return t.user + t.system
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())


def at(k: int) -> str:
    """The k-th answer's time on a morning's visit (answers are not all written in the same millisecond)."""
    return f"2026-11-28T08:{k // 60 % 60:02d}:{k % 60:02d}.{k * 7 % 1000:03d}Z"


def build_device(path: Path, inspections: int, answers: int, photos: int, photo_bytes: int) -> object:
    """A device database filled the fast way (plain INSERTs; the sync triggers still fire)."""
    store = open_store(path)
    ts, dev = now(), store.device_id
    sync_cols = (ts, ts, dev, 1)
    subjects = max(1, inspections // 10)
    rnd = os.urandom
    with store.transaction():
        c = store.conn
        sids = [str(uuid.uuid4()) for _ in range(subjects)]
        c.executemany("INSERT INTO subjects(id, kind, name, address, data, created_at, updated_at, device_id, rev) "
                      "VALUES (?, 'elevator', ?, ?, '{}', ?, ?, ?, ?)",
                      [(s, f"电梯{n}", f"咸安区温泉路{n}号", *sync_cols) for n, s in enumerate(sids)])
        iids = [str(uuid.uuid4()) for _ in range(inspections)]
        c.executemany("INSERT INTO inspections(id, subject_id, kind, template_id, template_version, inspectors, "
                      "started_at, status, created_at, updated_at, device_id, rev) "
                      "VALUES (?, ?, 'elevator', 'elevator-t7001-2009', 1, '[\"张伟\"]', ?, 'draft', ?, ?, ?, ?)",
                      [(i, sids[n % subjects], ts, *sync_cols) for n, i in enumerate(iids)])
        for iid in iids:   # answers recorded over the visit: each its own time (as in real use)
            c.executemany("INSERT INTO answers(id, inspection_id, item_id, result, value, note, created_at, "
                          "updated_at, device_id, rev) VALUES (?, ?, ?, 'pass', ?, '', ?, ?, ?, ?)",
                          [(str(uuid.uuid4()), iid, f"{k // 10 + 1}.{k % 10 + 1}", str(k % 7), at(k), at(k), dev, 1)
                           for k in range(answers)])
        for n in range(photos):
            data = rnd(photo_bytes)
            sha = store.blobs.put(data, "image/jpeg")
            c.execute("INSERT INTO attachments(id, inspection_id, item_id, kind, sha256, filename, created_at, "
                      "updated_at, device_id, rev) VALUES (?, ?, '1.1', 'photo', ?, ?, ?, ?, ?, ?)",
                      (str(uuid.uuid4()), iids[n % inspections], sha, f"p{n}.jpg", *sync_cols))
    return store


def raw_baseline(hub: Hub, token: str, store, url: str | None = None, cpu: list[float] | None = None
                 ) -> tuple[float, int]:
    """The same bytes, prepared beforehand, POSTed raw: photos on one connection, row JSON on another.

    ``cpu``, when given, receives the client's and the hub's CPU seconds spent inside the timed part."""
    state = SyncState(store)
    bodies = []
    after, upto = 0, state.last_outbox_seq()
    while True:
        entries = state.outbox(after, upto, 1000)
        if not entries:
            break
        changes, _, _ = build_changes(state, entries, store.device_id)
        bodies.append(encode_json({"device_id": store.device_id, "changes": [c for c in changes if c]}))
        after = entries[-1].seq
    shas = [r[0] for r in store.conn.execute("SELECT sha256 FROM blobs")]
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/octet-stream"}
    total = sum(len(b) for b in bodies)

    def send_rows() -> None:
        with httpx.Client(base_url=url or hub.url, headers=headers, timeout=600) as http:
            for body in bodies:
                http.post("/v1/diag/sink", content=body).raise_for_status()

    todo = iter(shas)
    lock = threading.Lock()

    def send_photos() -> None:
        import sqlite3

        conn = sqlite3.connect(store.path)
        with httpx.Client(base_url=url or hub.url, headers=headers, timeout=600) as http:
            while True:
                with lock:
                    sha = next(todo, None)
                if sha is None:
                    break
                data = bytes(conn.execute("SELECT data FROM blobs WHERE sha256 = ?", (sha,)).fetchone()[0])
                http.post("/v1/diag/sink", content=data).raise_for_status()
        conn.close()

    photo_bytes = sum(r[0] for r in store.conn.execute("SELECT size FROM blobs"))
    c0, h0 = cpu_seconds(), cpu_seconds(hub.proc.pid)
    t0 = time.perf_counter()
    senders = [threading.Thread(target=send_photos) for _ in range(BLOB_STREAMS)]
    for t in senders:
        t.start()
    send_rows()
    for t in senders:
        t.join()
    elapsed = time.perf_counter() - t0
    if cpu is not None:
        cpu[:] = [cpu_seconds() - c0, cpu_seconds(hub.proc.pid) - h0]
    return elapsed, total + photo_bytes


def hub_load(hub: Hub, devices: int, per_device: int, items: int) -> dict[str, float]:
    """``devices`` clients at once, each pushing ``per_device`` inspections of ``items`` answers."""
    tokens = [hub.user(f"load{n}", "inspector") for n in range(devices)]
    sid = str(uuid.uuid4())
    ts = now()
    bodies: list[list[bytes]] = []
    hlc = f"{int(time.time() * 1000):015d}.000000000"
    setup = httpx.Client(base_url=hub.url, timeout=60)
    reg_token = hub.user("registry", "supervisor")
    reg_dev = str(uuid.uuid4())
    setup.post("/v1/hello", json={"device_id": reg_dev}, headers={"Authorization": f"Bearer {reg_token}"})
    setup.post("/v1/push", headers={"Authorization": f"Bearer {reg_token}"}, json={"device_id": reg_dev, "changes": [
        {"t": "subjects", "id": sid, "hlc": hlc, "body": {"id": sid, "kind": "elevator", "name": "负载测试梯"}}]})
    device_ids = []
    for n in range(devices):
        dev = str(uuid.uuid4())
        device_ids.append(dev)
        setup.post("/v1/hello", json={"device_id": dev}, headers={"Authorization": f"Bearer {tokens[n]}"})
        mine = []
        for _ in range(per_device):
            iid = str(uuid.uuid4())
            sync_cols = {"created_at": ts, "updated_at": ts, "device_id": dev, "rev": 1}
            answers = [{"id": str(uuid.uuid4()), "inspection_id": iid, "item_id": f"{k // 10 + 1}.{k % 10 + 1}",
                        "result": "pass", "value": None, "deduction": None, "clauses": None, "note": "",
                        **sync_cols, "created_at": at(k), "updated_at": at(k)} for k in range(items)]
            changes = [{"t": "inspections", "id": iid, "hlc": hlc, "body": {
                "id": iid, "subject_id": sid, "kind": "elevator", "template_id": "elevator-t7001-2009",
                "template_version": 1, "inspectors": "[\"张伟\"]", "started_at": ts, "status": "completed",
                "verdict": "合格", **sync_cols}},
                {"t": "answer_sets", "id": iid, "hlc": hlc, "body": pack(BY_NAME["answer_sets"], iid, answers)}]
            mine.append(json.dumps({"device_id": dev, "changes": changes}, ensure_ascii=False).encode())
        bodies.append(mine)
    setup.close()
    accepted = [0] * devices
    errors: list[str] = []
    latencies: list[float] = []
    barrier = threading.Barrier(devices)

    def device(n: int) -> None:
        # http.client with the requests built beforehand: the simulated devices share the hub's two cores, so
        # the load generator is kept as light as a client can be (what a device spends building a push is its
        # own CPU, not the hub's).
        import http.client

        conn = http.client.HTTPConnection("127.0.0.1", hub.port, timeout=300)
        headers = {"Authorization": f"Bearer {tokens[n]}", "Content-Type": "application/json"}
        barrier.wait()
        for body in bodies[n]:
            t = time.perf_counter()
            conn.request("POST", "/v1/push", body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            latencies.append(time.perf_counter() - t)
            if resp.status != 200:
                errors.append(f"{resp.status} {data[:100]!r}")
                continue
            if all(r["status"] == "ok" for r in json.loads(data)["results"]):
                accepted[n] += 1
        conn.close()

    threads = [threading.Thread(target=device, args=(n,)) for n in range(devices)]
    for t in threads:
        t.start()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    stats = httpx.get(f"{hub.url}/v1/stats", headers={"Authorization": f"Bearer {reg_token}"}, timeout=60).json()
    stored_inspections = stats["rows"].get("inspections", 0)
    stored_sets = stats["rows"].get("answer_sets", 0)
    latencies.sort()
    return {"devices": devices, "inspections": devices * per_device, "accepted": sum(accepted),
            "stored": stored_inspections, "sets": stored_sets, "errors": len(errors), "seconds": elapsed,
            "per_second": sum(accepted) / elapsed, "p50_ms": latencies[len(latencies) // 2] * 1000,
            "p95_ms": latencies[int(len(latencies) * 0.95)] * 1000}


def first_sync_round(work: Path, template: Path, n: int, link_mbps: float, noop_runs: int) -> dict[str, float]:
    """One measurement on a fresh hub and a fresh copy of the device: the raw upload, then the sync."""
    hub = Hub(work / f"hub-{n}")
    device = work / f"device-{n}.db"
    try:
        shutil.copyfile(template, device)
        os.sync()
        store = open_store(device)
        token = hub.user("ann", "inspector")
        link = Link(hub.port, link_mbps) if link_mbps else None
        url = link.url if link else hub.url
        base_cpu: list[float] = []
        base, nbytes = raw_baseline(hub, token, store, url, base_cpu)
        c0, h0 = cpu_seconds(), cpu_seconds(hub.proc.pid)
        t = time.perf_counter()
        res = sync(store, url, token)
        first = time.perf_counter() - t
        sync_cpu = [cpu_seconds() - c0, cpu_seconds(hub.proc.pid) - h0]
        stats = httpx.get(f"{hub.url}/v1/stats", timeout=60,
                          headers={"Authorization": f"Bearer {hub.user('boss', 'supervisor')}"}).json()
        noop = []
        for _ in range(noop_runs):
            t = time.perf_counter()
            sync(store, hub.url, token)
            noop.append((time.perf_counter() - t) * 1000)
        store.close()
        if link:
            link.close()
        return {"base": base, "bytes": nbytes, "first": first, "pushed": res.pushed, "photos": res.blobs_up,
                "base_cpu": base_cpu, "sync_cpu": sync_cpu,
                "stored": sum(stats["rows"].values()) - stats["rows"].get("audit_log", 0), "blobs": stats["blobs"],
                "noop_ms": statistics.median(noop) if noop else 0.0}
    finally:
        hub.stop()
        shutil.rmtree(work / f"hub-{n}", ignore_errors=True)
        device.unlink(missing_ok=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--inspections", type=int, default=10_000)
    ap.add_argument("--answers", type=int, default=60)
    ap.add_argument("--photos", type=int, default=1000)
    ap.add_argument("--photo-mb", type=float, default=2.0)
    ap.add_argument("--devices", type=int, default=100)
    ap.add_argument("--per-device", type=int, default=20)
    ap.add_argument("--items", type=int, default=120)
    ap.add_argument("--quick", action="store_true", help="a tenth of the sizes")
    ap.add_argument("--link-mbps", type=float, default=0,
                    help="measure the first sync and its baseline through a link of this many Mbit/s (0: loopback)")
    ap.add_argument("--repeat", type=int, default=3,
                    help="first-sync rounds (each: fresh hub, fresh copy of the device, baseline then sync); "
                         "the machine is shared, so the median ratio is the figure")
    ap.add_argument("--skip-first", action="store_true", help="only the hub load part")
    ap.add_argument("--skip-load", action="store_true", help="only the first-sync part")
    args = ap.parse_args()
    if args.quick:
        args.inspections, args.photos, args.per_device = args.inspections // 10, args.photos // 10, max(1, args.per_device // 4)
    work = Path(tempfile.mkdtemp(prefix="qcity-bench-sync-"))
    print(f"working in {work} on {os.cpu_count()} CPU(s)")
    try:
        if not args.skip_first:
            t = time.perf_counter()
            template = work / "device-template.db"
            store = build_device(template, args.inspections, args.answers, args.photos, int(args.photo_mb * 1024 * 1024))
            rows = SyncState(store).pending()["rows"]
            store.close()
            print(f"device: {args.inspections} inspections x {args.answers} answers, {args.photos} photos of "
                  f"{args.photo_mb} MB = {rows} changes to push (built in {time.perf_counter() - t:.1f} s)")
            where = f"through a {args.link_mbps:g} Mbit/s link" if args.link_mbps else "on loopback (no network limit)"
            ratios = []
            for n in range(args.repeat):
                r = first_sync_round(work, template, n, args.link_mbps, 7 if n == 0 else 0)
                ratios.append(r["first"] / r["base"])
                print(f"round {n + 1}: raw upload {where} {r['bytes'] / 1e6:.0f} MB in {r['base']:.2f} s "
                      f"({r['bytes'] / 1e6 / r['base']:.0f} MB/s); first sync {r['first']:.2f} s = "
                      f"{r['first'] / r['base']:.2f}x; pushed {r['pushed']}, photos {r['photos']}; hub holds "
                      f"{r['stored']} rows, {r['blobs']} blobs", flush=True)
                (bc, bh), (sc, sh) = r["base_cpu"], r["sync_cpu"]
                print(f"  CPU seconds: raw upload {bc + bh:.1f} (client {bc:.1f}, hub {bh:.1f}); sync {sc + sh:.1f} "
                      f"(device {sc:.1f}, hub {sh:.1f}) = {(sc + sh) / (bc + bh):.2f}x the work", flush=True)
                if n == 0:
                    print(f"sync with nothing to do: median {r['noop_ms']:.0f} ms (target <= 200 ms)", flush=True)
            print(f"first sync / raw upload: median {statistics.median(ratios):.2f}x of {len(ratios)} rounds "
                  f"(range {min(ratios):.2f}-{max(ratios):.2f}; target <= 2x)")
            template.unlink(missing_ok=True)
        if args.skip_load:
            return
        hub = Hub(work / "hub-load")
        try:
            load = hub_load(hub, args.devices, args.per_device, args.items)
        finally:
            hub.stop()
        print(f"hub load: {load['devices']} devices pushing {load['inspections']} inspections of {args.items} items: "
              f"{load['accepted']} accepted, {load['stored']} stored ({load['sets']} answer sets), {load['errors']} "
              f"errors in {load['seconds']:.2f} s = {load['per_second']:.0f} inspections/s (target >= 400); "
              f"push latency p50 {load['p50_ms']:.0f} ms, p95 {load['p95_ms']:.0f} ms")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
