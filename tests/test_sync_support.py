"""Helpers for the hub and sync tests: a real hub process, a throwaway PostgreSQL cluster, comparisons.

Not a test module itself (it has no tests); the hub/sync test files import it.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import shutil
import signal
import socket
import sqlite3
import ssl
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from qcity_desktop.sync.protocol import BY_NAME, unpack

ROOT = Path(__file__).resolve().parent.parent
PG_BIN = Path(os.environ.get("QCITY_PG_BIN", "/usr/lib/postgresql/15/bin"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


# -- PostgreSQL: one cluster per test session, a fresh database per test ----------------------------
class PgCluster:
    def __init__(self, waldir: Path | None = None) -> None:
        """``waldir``: the write-ahead log there (in 1 MB segments), e.g. on a small disk of its own."""
        self.dir = Path(tempfile.mkdtemp(prefix="qcity-pg-"))
        self.port = free_port()
        self.data = self.dir / "data"
        self._as_user: tuple[int, int] | None = None
        if os.geteuid() == 0:  # initdb refuses to run as root: use the postgres (or nobody) account
            import pwd

            for name in ("postgres", "nobody"):
                try:
                    pw = pwd.getpwnam(name)
                except KeyError:
                    continue
                self._as_user = (pw.pw_uid, pw.pw_gid)
                break
            os.chown(self.dir, *self._as_user)
        wal = [f"--waldir={waldir}", "--wal-segsize=1"] if waldir else []
        if waldir and self._as_user:
            os.chown(waldir.parent, *self._as_user)
        self._run([str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "qcity", "--auth=trust", "-E", "UTF8",
                   "--no-sync", "--locale=C", *wal])
        self.start_server()
        self.admin_url = f"postgresql://qcity@127.0.0.1:{self.port}/postgres"
        atexit.register(self.stop)

    def _run(self, cmd: list[str]) -> None:
        def demote() -> None:
            if self._as_user:
                os.setgid(self._as_user[1])
                os.setuid(self._as_user[0])

        proc = subprocess.run(cmd, capture_output=True, text=True, preexec_fn=demote, cwd=self.dir, timeout=120)
        if proc.returncode != 0:
            raise RuntimeError(f"{cmd[0]} failed: {proc.stdout}\n{proc.stderr}")

    def start_server(self) -> None:
        opts = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        self._run([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-o", opts, "-l", str(self.dir / "log"), "-w", "start"])

    def stop_server(self) -> None:
        """A fast shutdown (every connection cut), as when the database server is restarted under the hub."""
        self._run([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"])

    def new_database(self) -> str:
        import psycopg

        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return f"postgresql://qcity@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        if self.data.exists():
            try:
                self._run([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"])
            except (RuntimeError, subprocess.TimeoutExpired):
                pass
        shutil.rmtree(self.dir, ignore_errors=True)


_PG: PgCluster | None = None


def pg_cluster() -> PgCluster:
    global _PG
    if not (PG_BIN / "initdb").exists():
        pytest.skip(f"PostgreSQL server binaries not found in {PG_BIN} (install the Debian 'postgresql' package)")
    if _PG is None:
        _PG = PgCluster()
    return _PG


# -- the hub as a real process ------------------------------------------------------------------------
class HubProcess:
    def __init__(self, data: Path, database_url: str | None = None) -> None:
        self.data = Path(data)
        self.database_url = database_url
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        self.log = self.data.parent / f"{self.data.name}-hub.log"
        self.extra: list[str] = []

    @property
    def url(self) -> str:
        scheme = "https" if "--certfile" in self.extra else "http"
        return f"{scheme}://127.0.0.1:{self.port}"

    def start(self, wait: bool = True) -> HubProcess:
        cmd = [sys.executable, "-m", "qcity_desktop", "hub", "serve", "--data", str(self.data), "--port", str(self.port)]
        if self.database_url:
            cmd += ["--database-url", self.database_url]
        cmd += self.extra
        self.data.mkdir(parents=True, exist_ok=True)
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(cmd, env=env(), cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"hub exited: {self.log.read_text(errors='replace')[-2000:]}")
            try:
                ca = os.environ.get("QCITY_HUB_CA")
                httpx.get(f"{self.url}/v1/health", timeout=1, verify=ssl.create_default_context(cafile=ca) if ca else True)
                return
            except httpx.HTTPError:
                time.sleep(0.05)
        raise RuntimeError("hub did not start")

    def kill9(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill9()

    def add_user(self, name: str, role: str, days: float = 365) -> str:
        from qcity_desktop.hub.accounts import add_user
        from qcity_desktop.hub.db import HubDb

        db = HubDb(self.data, self.database_url)
        try:
            return add_user(db, name, role, days=days)
        finally:
            db.close()

    def rows(self, packed: bool = False) -> dict[tuple[str, str], dict[str, Any]]:
        """Every live row on the hub (not the audit log), by (table, id); packed sets opened into the
        device's rows unless ``packed`` (then one entry per wire row, as a device pulls them)."""
        from qcity_desktop.hub.db import HubDb

        db = HubDb(self.data, self.database_url)
        try:
            with db.read() as c:
                found = c.q("SELECT tbl, id, body FROM rows WHERE body IS NOT NULL AND tbl <> 'audit_log'")
                dupes = c.q("SELECT count(*) FROM rows GROUP BY tbl, id HAVING count(*) > 1")
        finally:
            db.close()
        assert not dupes
        out: dict[tuple[str, str], dict[str, Any]] = {}
        for t, i, b in found:
            body = json.loads(b)
            spec = BY_NAME[t]
            if spec.packs and not packed:   # compare a packed set member by member, as the device holds them
                for row in unpack(spec, body):
                    out[(spec.table, row["id"])] = {**row, "inspection_id": i}
            else:
                out[(t, i)] = body
        return out

    def blob_hashes(self) -> set[str]:
        """Hashes of the blob files, recomputed from their bytes (a name that lies would show)."""
        out = set()
        root = self.data / "blobs"
        for path in root.glob("??/??/*"):
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            assert digest == path.name, f"blob file {path} does not hash to its name"
            out.add(digest)
        return out


def database_before(tmp_path: Path, migration: str) -> tuple[Path, sqlite3.Connection]:
    """A device database as a release before ``migration`` (e.g. "0006") left it, open for writing old rows."""
    from qcity_desktop.store.migrations import MIGRATIONS_DIR, apply_migrations

    old = tmp_path / f"migrations-before-{migration}"
    old.mkdir()
    for path in MIGRATIONS_DIR.glob("*.sql"):
        if path.name < migration:
            shutil.copy(path, old / path.name)
    db = tmp_path / f"before-{migration}.db"
    conn = sqlite3.connect(db, isolation_level=None)
    apply_migrations(conn, 0, old)
    return db, conn


def demo_with_photos(path: Path, photos: int, size: int, seed: int = 7) -> Any:
    """A device with the demo data and ``photos`` more photos of ``size`` random bytes on one draft."""
    import random

    from qcity_desktop.demo import seed_demo
    from qcity_desktop.store import open_store

    store = open_store(path)
    seed_demo(store)
    iid = store.query("SELECT id FROM inspections WHERE status = 'draft' LIMIT 1")[0]["id"]
    rnd = random.Random(seed)
    for n in range(photos):
        store.attachments.add(iid, rnd.randbytes(size), "image/jpeg", filename=f"现场{n}.jpg")
    return store


def device_rows(store: Any) -> dict[tuple[str, str], dict[str, Any]]:
    """The rows a device holds in every table that flows hub → devices, keyed like the hub."""
    from qcity_desktop.store.sync_state import SyncState
    from qcity_desktop.sync.protocol import TABLES

    state = SyncState(store)
    out = {}
    for spec in TABLES:
        if not spec.pull:
            continue
        cols = state.columns(spec.table)
        for r in store.conn.execute(f"SELECT * FROM {spec.table}"):
            row = dict(zip(cols, r, strict=True))
            out[(spec.table, str(row[spec.key]))] = row
    return out


def device_blob_hashes(store: Any) -> set[str]:
    out = set()
    for sha, data in store.conn.execute("SELECT sha256, data FROM blobs"):
        assert hashlib.sha256(bytes(data)).hexdigest() == sha
        out.add(sha)
    return out


def same_rows(a: dict[tuple[str, str], dict[str, Any]], b: dict[tuple[str, str], dict[str, Any]]) -> list[str]:
    """Differences between two row sets, as readable lines (empty when equal)."""
    problems = [f"only in first: {k}" for k in sorted(set(a) - set(b))][:10]
    problems += [f"only in second: {k}" for k in sorted(set(b) - set(a))][:10]
    for k in sorted(set(a) & set(b)):
        if a[k] != b[k]:
            diff = {c: (a[k].get(c), b[k].get(c)) for c in set(a[k]) | set(b[k]) if a[k].get(c) != b[k].get(c)}
            problems.append(f"differs: {k}: {diff}")
            if len(problems) > 20:
                break
    return problems


def run_sync_cli(db: Path, hub: str, token: str, *extra: str, timeout: float = 300) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "qcity_desktop", "--db", str(db), "sync", "--hub", hub, "--token", token, *extra]
    return subprocess.run(cmd, env=env(), cwd=ROOT, capture_output=True, text=True, timeout=timeout)


class FlakyProxy:
    """A TCP proxy in front of the hub that cuts connections at random points (a bad mobile link).

    Each accepted connection gets a byte budget: some are unlimited, the others are reset (RST)
    after a random number of bytes in either direction — in the middle of a request or a reply.
    """

    def __init__(self, upstream_port: int, drop_ratio: float = 0.4, max_bytes: int = 400_000, seed: int = 7) -> None:
        import random
        import threading

        self.upstream_port = upstream_port
        self.drop_ratio = drop_ratio
        self.max_bytes = max_bytes
        self.rnd = random.Random(seed)
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.dropped = 0
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        import threading

        self.sock.settimeout(0.2)
        while not self._stop.is_set():
            try:
                client, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            budget = None if self.rnd.random() >= self.drop_ratio else self.rnd.randint(1, self.max_bytes)
            threading.Thread(target=self._pipe_pair, args=(client, budget), daemon=True).start()

    def _pipe_pair(self, client: socket.socket, budget: int | None) -> None:
        import struct
        import threading

        try:
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
        except OSError:
            client.close()
            return
        state = {"left": budget, "closed": False}
        lock = threading.Lock()

        def reset() -> None:
            with lock:
                if state["closed"]:
                    return
                state["closed"] = True
            for s in (client, upstream):
                try:
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    s.shutdown(socket.SHUT_RDWR)   # wakes the other pump blocked in recv() on it
                except OSError:
                    pass
                s.close()

        def pump(src: socket.socket, dst: socket.socket) -> None:
            try:
                while True:
                    data = src.recv(65536)
                    if not data:
                        break
                    with lock:
                        if state["left"] is not None:
                            if len(data) >= state["left"]:
                                data = data[:state["left"]]
                                state["left"] = 0
                            else:
                                state["left"] -= len(data)
                        cut = state["left"] == 0
                    if data:
                        dst.sendall(data)
                    if cut:
                        self.dropped += 1
                        break
            except OSError:
                pass
            reset()

        t = threading.Thread(target=pump, args=(upstream, client), daemon=True)
        t.start()
        pump(client, upstream)
        t.join(5)

    def close(self) -> None:
        self._stop.set()
        self.sock.close()


MB = 1024 * 1024


def _run_ok(args: list[str]) -> bool:
    return subprocess.run(args, capture_output=True).returncode == 0


@contextmanager
def mounted_small_disk(tmp_path: Path, size_mb: int = 64) -> Iterator[Path]:
    """A small file system of its own (ext4 on a loop device, tmpfs where there is none), no blocks
    reserved for root (the hub runs as root here); skips the test where nothing can be mounted."""
    mnt = tmp_path / "disk"
    mnt.mkdir()
    image = tmp_path / "disk.img"
    with open(image, "wb") as fh:
        fh.truncate(size_mb * MB)
    mounted = bool(shutil.which("mkfs.ext4")) and _run_ok(["mkfs.ext4", "-q", "-F", "-m", "0", str(image)]) \
        and _run_ok(["mount", "-o", "loop", str(image), str(mnt)])
    if not mounted:
        mounted = _run_ok(["mount", "-t", "tmpfs", "-o", f"size={size_mb}m", "tmpfs", str(mnt)])
    if not mounted:
        pytest.skip("mounting a small file system needs root (the CI machine has it)")
    try:
        yield mnt
    finally:
        if not _run_ok(["umount", str(mnt)]):
            _run_ok(["umount", "-l", str(mnt)])


def fill_disk(disk: Path, leave: int) -> Path:
    """Take all the free space but ``leave`` bytes (allocated for real, so nobody else can use it)."""
    filler = disk / "filler"
    size = shutil.disk_usage(disk).free - leave
    with open(filler, "wb") as fh:
        os.posix_fallocate(fh.fileno(), 0, max(size, 1))
    return filler


def tampered_copy(bundle: Path, target: Path, member: str, old: str, new: str) -> Path:
    """A copy of a bundle with one text changed inside one member (the signature left as it was)."""
    import zipfile

    with zipfile.ZipFile(bundle) as src, zipfile.ZipFile(target, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == member:
                changed = data.replace(old.encode(), new.encode(), 1)
                assert changed != data, f"{old!r} is not in {member}"
                data = changed
            dst.writestr(item, data)
    return target


BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def hub_on(backend: str, tmp_path: Path) -> Iterator[HubProcess]:
    """A running hub on SQLite or on a fresh PostgreSQL database, stopped afterwards (a fixture's body)."""
    proc = HubProcess(tmp_path / "hub", pg_cluster().new_database() if backend == "postgres" else None)
    proc.backend = backend
    proc.start()
    yield proc
    proc.stop()


def self_signed_cert(tmp_path: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and its key (as a bureau's intranet hub would have)."""
    import ipaddress
    from datetime import UTC, datetime, timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "qcity-hub.test")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp_path / "hub.crt", tmp_path / "hub.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path
