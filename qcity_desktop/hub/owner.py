"""One serving hub per data folder and per database: a second ``qcity hub serve`` is refused in one line.

Two hubs on one data folder would each believe they alone write its photo files (and each clear
the other's unfinished ones at start); two hubs on one PostgreSQL database with different data
folders would split the photos between them, so a device syncing with one could not fetch what
was uploaded to the other. Both look like lost attachments to an inspector, so neither may start.

The folder is held with an advisory file lock (``DATA/hub.lock``, released by the kernel however
the process ends, ``kill -9`` included) and the database with a PostgreSQL session advisory lock
on a connection kept for the hub's lifetime. A PostgreSQL restart cuts that connection: the hub
takes the lock again before it next uses the database (``ServeLock.guard``), and if another hub
took it first, this one answers 503 and stores nothing until that one stops. Other commands that open the data folder
(``qcity hub add-user``, ``bundle-export``, ``bundle import --data``) stay allowed beside a
running hub: the databases serialise their writes, and photo files are written under names of
their own before they are renamed into place.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path
from typing import Any

from qcity_desktop.errors import EnvironmentProblem
from qcity_desktop.hub.errors import HubDbUnavailable

try:
    import fcntl
except ImportError:   # pragma: no cover - the hub is served from Linux; elsewhere the folder is not locked
    fcntl = None  # type: ignore[assignment]

LOCK_FILE = "hub.lock"
_log = logging.getLogger("qcity.hub")


_SERVE_KEY = 0x51C18   # the serving hub's session lock (the write lock is 0x51C17, per transaction)


def _try_lock(url: str) -> Any:
    """A connection holding the serving hub's lock on the database, or None if another hub holds it."""
    import psycopg

    conn = psycopg.connect(url, autocommit=True, connect_timeout=10)
    if conn.execute("SELECT pg_try_advisory_lock(%s)", (_SERVE_KEY,)).fetchone()[0]:
        return conn
    conn.close()
    return None


def _recheck_seconds() -> float:
    """How often an idle serving hub checks it still holds its PostgreSQL database (QCITY_HUB_LOCK_RECHECK)."""
    try:
        return max(0.1, float(os.environ.get("QCITY_HUB_LOCK_RECHECK", "2")))
    except ValueError:
        return 2.0


_RETRY_SECONDS = 0.5   # while the lock is lost, requests try to take it again at most this often


class ServeLock:
    """Held by ``qcity hub serve`` from before the hub opens its data until the process ends."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self._fd: int | None = None
        self._pg: Any = None
        self._url = ""
        self._stop: threading.Event | None = None
        self._held = False
        self._guard_lock = threading.Lock()
        self._tried = 0.0
        self._refusal: HubDbUnavailable | None = None
        self._warned = False
        self.retaken = 0

    def hold_folder(self) -> None:
        """Take the data folder, or say which process has it."""
        if fcntl is None:
            return
        self.data_dir.mkdir(parents=True, exist_ok=True)
        path = self.data_dir / LOCK_FILE
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
            os.close(fd)
            raise EnvironmentProblem(f"another hub (process {holder}) is already serving {self.data_dir}; stop it "
                                     "first, or give this one its own --data folder") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        self._fd = fd

    def hold_database(self, database_url: str | None) -> None:
        """On PostgreSQL, take the database too (its photos live in one data folder only)."""
        if not database_url:
            return
        import psycopg

        try:
            conn = _try_lock(database_url)
        except psycopg.Error as err:
            raise EnvironmentProblem(f"cannot connect to PostgreSQL: {str(err).strip().splitlines()[0]}") from None
        if conn is None:
            raise EnvironmentProblem("another hub is already serving this PostgreSQL database (its photos are in "
                                     "that hub's --data folder); run one hub per database")
        self._pg, self._url, self._held = conn, database_url, True
        self._stop = threading.Event()
        threading.Thread(target=self._keep_database, name="qcity-hub-serve-lock", daemon=True).start()

    def guard(self, fresh: bool = False) -> int:
        """Before the hub uses its PostgreSQL database: it must still hold it, or the request gets a 503.

        The lock lives on a connection, so a server restart takes it away. The hub's own
        connections come back first (``fresh``: checked then), so a hub that lost the lock takes it
        again before it writes, and one whose database another hub took meanwhile writes nothing
        (its photos would land in the wrong folder) until that hub stops. Returns how many times
        the lock was taken again: when that grows, the server restarted, and every connection made
        before is dead too.
        """
        if self._url == "" or (self._held and not fresh):
            return self.retaken
        with self._guard_lock:
            if not (self._held and self._alive(self._pg)):
                self._held = False
                self._retake(force=fresh)     # a connection was just made: the server is back, try now
            return self.retaken

    def _retake(self, force: bool) -> None:
        """Take the database lock again (called with ``_guard_lock``); HubDbUnavailable if it cannot be had.

        Unless ``force``, a refusal less than ``_RETRY_SECONDS`` old is repeated without asking the
        server again, so a busy hub that lost its lock does not open a connection per request.
        """
        import psycopg

        now = time.monotonic()
        if not force and self._refusal is not None and now - self._tried < _RETRY_SECONDS:
            raise HubDbUnavailable(str(self._refusal), self._refusal.kind)   # a new one: threads share none
        self._tried = now
        try:
            fresh = _try_lock(self._url)
        except psycopg.Error as err:
            first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
            self._refusal = HubDbUnavailable(f"the hub's database is not reachable ({first}); nothing of this "
                                             "request was stored — try again shortly")
            raise self._refusal from None
        if fresh is None:
            if not self._warned:
                self._warned = True
                _log.error("another hub took this PostgreSQL database while it was restarting; this hub stores "
                           "nothing until that hub stops (photos would go to two folders) — stop one of them")
            self._refusal = HubDbUnavailable("another hub took over this hub's database while it restarted; nothing "
                                             "of this request was stored — the bureau must stop one of the two hubs",
                                             "hub_db_taken")
            raise self._refusal
        old, self._pg, self._held, self._refusal, self._warned = self._pg, fresh, True, None, False
        self.retaken += 1
        if old is not None:
            old.close()
        _log.warning("the PostgreSQL database came back; this hub holds it again")

    def _keep_database(self) -> None:
        """Notice a restart while no request comes (an idle connection learns of it only when used)."""
        assert self._stop is not None
        # While the lock is lost, try four times a second: the sooner this hub has it back after the
        # server's return, the smaller the moment in which a second hub could take it first.
        while not self._stop.wait(_recheck_seconds() if self._held else min(_recheck_seconds(), 0.25)):
            with self._guard_lock:
                if self._held and self._alive(self._pg):
                    continue
                self._held = False
                try:
                    self._retake(force=True)
                except HubDbUnavailable:
                    continue             # still down, or another hub has it: requests get 503 meanwhile

    @staticmethod
    def _alive(conn: Any) -> bool:
        """Whether the lock's connection still works (an idle connection learns of a restart only when used)."""
        import psycopg

        if conn is None or conn.closed or conn.broken:
            return False
        try:
            conn.execute("SELECT 1")
        except psycopg.Error:
            return False
        return True

    def release(self) -> None:
        if self._stop is not None:
            self._stop.set()
        with self._guard_lock:
            if self._pg is not None:
                self._pg.close()
                self._pg = None
        if self._fd is not None:
            os.close(self._fd)   # the lock goes with the descriptor; the file stays (it names no one now)
            self._fd = None
