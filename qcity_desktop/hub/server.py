"""Running the hub: uvicorn on a socket we bind ourselves, so a busy port is one clear line.

TLS is uvicorn's own (``--certfile``/``--keyfile``); behind nginx or Caddy run it plain on
127.0.0.1 and let the proxy terminate TLS (docs/sync.md, "Running the hub").
"""

from __future__ import annotations

import gc
import socket
import ssl
from pathlib import Path

from qcity_desktop.errors import EnvironmentProblem, InputError
from qcity_desktop.hub.owner import ServeLock


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted connections inherit this: without it every reply waits ~40 ms for a delayed ACK
    # (uvicorn sets it only on sockets it binds itself).
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
    except OSError as err:
        sock.close()
        raise EnvironmentProblem(f"cannot listen on {host}:{port}: {err.strerror or err} (another hub running?)") from None
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def check_tls(certfile: str | None, keyfile: str | None) -> None:
    if bool(certfile) != bool(keyfile):
        raise InputError("TLS needs both --certfile and --keyfile")
    if not certfile:
        return
    for label, path in (("--certfile", certfile), ("--keyfile", keyfile)):
        if not Path(str(path)).is_file():
            raise InputError(f"{label} {path}: no such file")
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        ctx.load_cert_chain(str(certfile), str(keyfile))
    except (ssl.SSLError, OSError) as err:
        raise InputError(f"cannot use the TLS certificate {certfile} with key {keyfile}: {err}") from None


def serve(data_dir: str, host: str = "127.0.0.1", port: int = 8765, database_url: str | None = None,
          certfile: str | None = None, keyfile: str | None = None, log_level: str = "warning") -> int:
    """Serve until stopped; a second hub on the same data folder or PostgreSQL database is refused (owner.py)."""
    check_tls(certfile, keyfile)
    lock = ServeLock(Path(data_dir))
    lock.hold_folder()
    try:
        return _serve(lock, data_dir, host, port, database_url, certfile, keyfile, log_level)
    finally:
        lock.release()


def _serve(lock: ServeLock, data_dir: str, host: str, port: int, database_url: str | None, certfile: str | None,
           keyfile: str | None, log_level: str) -> int:
    import uvicorn

    from qcity_desktop.hub.app import MAX_PUSH_BYTES, create_app
    from qcity_desktop.hub.fastpath import PushFastPath
    from qcity_desktop.hub.service import Hub

    hub = Hub(Path(data_dir), database_url, owner=True)
    try:
        lock.hold_database(database_url)
        if database_url:
            hub.db.guard = lock.guard
        sock = _bind(host, port)
    except BaseException:
        hub.close()
        raise
    actual_port = sock.getsockname()[1]
    app = PushFastPath(create_app(hub), hub, MAX_PUSH_BYTES)
    config = uvicorn.Config(app, log_level=log_level, ssl_certfile=certfile, ssl_keyfile=keyfile,
                            timeout_keep_alive=30, access_log=False, timeout_graceful_shutdown=10, limit_concurrency=4000, backlog=2048)
    server = uvicorn.Server(config)
    # Everything built so far lives as long as the process: out of the cycle collector's sight. And
    # a push of 100 answer sets makes ~10,000 containers, so the youngest generation is collected
    # every 50,000 allocations rather than 700 (full collections had been walking the whole hub).
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
    scheme = "https" if certfile else "http"
    backend = "PostgreSQL" if database_url else f"SQLite ({Path(data_dir) / 'hub.db'})"
    print(f"qcity hub listening on {scheme}://{host}:{actual_port}  data: {data_dir}  database: {backend}", flush=True)
    try:
        server.run(sockets=[sock])
    finally:
        hub.close()
        sock.close()
    return 0
