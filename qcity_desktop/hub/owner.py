"""One serving hub per data folder and per database: a second ``qcity hub serve`` is refused in one line.

Two hubs on one data folder would each believe they alone write its photo files (and each clear
the other's unfinished ones at start); two hubs on one PostgreSQL database with different data
folders would split the photos between them, so a device syncing with one could not fetch what
was uploaded to the other. Both look like lost attachments to an inspector, so neither may start.

The folder is held with an advisory file lock (``DATA/hub.lock``, released by the kernel however
the process ends, ``kill -9`` included) and the database with a PostgreSQL session advisory lock
on a connection kept for the hub's lifetime. Other commands that open the data folder
(``qcity hub add-user``, ``bundle-export``, ``bundle import --data``) stay allowed beside a
running hub: the databases serialise their writes, and photo files are written under names of
their own before they are renamed into place.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import Any

from qcity_desktop.errors import EnvironmentProblem

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
    """How often the serving hub checks it still holds its PostgreSQL database (QCITY_HUB_LOCK_RECHECK, tests)."""
    try:
        return max(0.1, float(os.environ.get("QCITY_HUB_LOCK_RECHECK", "10")))
    except ValueError:
        return 10.0


class ServeLock:
    """Held by ``qcity hub serve`` from before the hub opens its data until the process ends."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self._fd: int | None = None
        self._pg: Any = None
        self._url = ""
        self._stop: threading.Event | None = None

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
        self._pg = conn
        self._url = database_url
        self._stop = threading.Event()
        threading.Thread(target=self._keep_database, name="qcity-hub-serve-lock", daemon=True).start()

    def _keep_database(self) -> None:
        """Take the database lock again after the server restarted (the lock lived on the lost connection)."""
        import psycopg

        assert self._stop is not None
        warned = False
        while not self._stop.wait(_recheck_seconds()):
            if self._alive(self._pg):
                continue
            try:
                fresh = _try_lock(self._url)
            except psycopg.Error:
                continue                     # still down: the hub answers 503 meanwhile (db.py)
            if fresh is not None:
                self._pg, warned = fresh, False
                _log.warning("the PostgreSQL database came back; this hub holds it again")
            elif not warned:
                warned = True
                _log.error("another hub took this PostgreSQL database while it was restarting: two hubs now serve "
                           "it, and photos go to two folders — stop one of them")

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
        if self._pg is not None:
            self._pg.close()
            self._pg = None
        if self._fd is not None:
            os.close(self._fd)   # the lock goes with the descriptor; the file stays (it names no one now)
            self._fd = None
