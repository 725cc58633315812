"""The hub's database: SQLite in the data folder by default, PostgreSQL for a province.

One tiny wrapper (``q``/``x``/``many`` with ``?`` placeholders) lets every query be written once.
Writes are serialised — one writer at a time, like SQLite itself — by a process lock plus, on
PostgreSQL, a transaction-scoped advisory lock. That is what makes the change sequence safe: a
sequence number is handed out only inside the single write transaction, so a reader can never
see change N+1 committed while change N is still in flight (the "late commit" gap that a plain
BIGSERIAL has on PostgreSQL).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from qcity_desktop.errors import EnvironmentProblem
from qcity_desktop.hub.errors import HubDbUnavailable, disk_full

SCHEMA_VERSION = 1
_ADVISORY_KEY = 0x51C17  # "QCITY": the hub's write lock on PostgreSQL
CHECKPOINT_SECONDS = 0.5
WRITER_CHECKPOINT_BYTES = 80 * 1024 * 1024   # the writer checkpoints only if the checkpoint thread cannot keep up

_DDL = """
CREATE TABLE IF NOT EXISTS hub_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY, role TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL, expires_at TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS devices (
    device_id TEXT PRIMARY KEY, user_name TEXT NOT NULL, device_code TEXT NOT NULL UNIQUE,
    public_key TEXT NOT NULL DEFAULT '', first_seen TEXT NOT NULL, last_seen TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS rows (
    seq {SEQ_PK}, tbl TEXT NOT NULL, id TEXT NOT NULL, version INTEGER NOT NULL,
    body TEXT, hlc TEXT NOT NULL, origin TEXT NOT NULL, vis TEXT NOT NULL,
    scope TEXT, status TEXT, nkey TEXT, UNIQUE (tbl, id));
CREATE UNIQUE INDEX IF NOT EXISTS rows_nkey ON rows(tbl, nkey) WHERE nkey IS NOT NULL;
CREATE TABLE IF NOT EXISTS history (
    tbl TEXT NOT NULL, id TEXT NOT NULL, version INTEGER NOT NULL, body TEXT, hlc TEXT NOT NULL,
    origin TEXT NOT NULL, PRIMARY KEY (tbl, id, version));
CREATE TABLE IF NOT EXISTS numbers (
    number TEXT PRIMARY KEY, inspection_id TEXT NOT NULL, device_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS blobs (
    sha256 TEXT PRIMARY KEY, size BIGINT NOT NULL, mime TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS conflicts (
    id TEXT PRIMARY KEY, at TEXT NOT NULL, device_id TEXT NOT NULL, user_name TEXT NOT NULL,
    tbl TEXT NOT NULL, row_id TEXT NOT NULL, kind TEXT NOT NULL, fields TEXT NOT NULL, detail TEXT NOT NULL,
    vis TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS conflicts_at ON conflicts(at);
"""


class Conn:
    """A connection with ``?`` placeholders on both backends."""

    def __init__(self, raw: Any, pg: bool, gen: int = 0) -> None:
        self.raw = raw
        self.pg = pg
        self.gen = gen      # HubDb._gen when made: an older one predates a database restart

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.pg else sql

    def q(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        cur = self.raw.execute(self._sql(sql), tuple(params))
        return list(cur.fetchall())

    def one(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        rows = self.q(sql, params)
        return rows[0] if rows else None

    def x(self, sql: str, params: Sequence[Any] = ()) -> int:
        cur = self.raw.execute(self._sql(sql), tuple(params))
        return cur.rowcount

    def many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        if self.pg:
            with self.raw.cursor() as cur:
                cur.executemany(self._sql(sql), rows)
        else:
            self.raw.executemany(sql, rows)


class HubDb:
    """Connections per thread for reads; one serialised write transaction at a time."""

    def __init__(self, data_dir: Path, database_url: str | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.url = database_url
        self.pg = bool(database_url)
        self._local = threading.local()
        self._write_lock = threading.Lock()
        self._all: list[Any] = []
        self._all_lock = threading.Lock()
        # ``qcity hub serve`` on PostgreSQL: called before each use of the database (True on a new
        # connection) and raises HubDbUnavailable while this hub does not hold it (owner.py).
        self.guard: Callable[[bool], int] | None = None
        self._retaken = 0   # the guard's count of serve-lock re-takes last seen
        self._gen = 0       # bumped when the PostgreSQL server went away: every thread reconnects
        if not self.pg:
            self.path = self.data_dir / "hub.db"
        # The change sequence is the table's own key (SQLite's rowid): rows are appended in
        # sequence order and the feed reads them back in that order without another index.
        ddl = _DDL.replace("{SEQ_PK}", "BIGINT PRIMARY KEY" if self.pg else "INTEGER PRIMARY KEY")
        with self.write() as c:
            for stmt in ddl.split(";"):
                if stmt.strip():
                    c.x(stmt)
            c.x("INSERT INTO hub_meta(key, value) VALUES ('seq', '0') ON CONFLICT (key) DO NOTHING")
            c.x("INSERT INTO hub_meta(key, value) VALUES ('schema', ?) ON CONFLICT (key) DO NOTHING", (str(SCHEMA_VERSION),))
            row = c.one("SELECT value FROM hub_meta WHERE key = 'schema'")
            if row and int(row[0]) > SCHEMA_VERSION:
                raise EnvironmentProblem(f"the hub database was written by a newer QCity hub (schema {row[0]}); update the hub")
        self._stop = threading.Event()
        self._checkpoints: threading.Thread | None = None
        if not self.pg:
            self._checkpoints = threading.Thread(target=self._checkpoint_loop, name="qcity-hub-checkpoint", daemon=True)
            self._checkpoints.start()

    def _checkpoint_loop(self) -> None:
        """Copy the WAL into the database file off the writer's path.

        With random-UUID keys one group commit dirties pages all over both indexes, so SQLite's
        automatic checkpoint (run by the committing thread) made the single writer copy megabytes
        per commit while every device waited. A PASSIVE checkpoint never blocks the writer or
        readers, and durability does not depend on it (the WAL is flushed at each COMMIT).
        """
        while not self._stop.wait(CHECKPOINT_SECONDS):
            try:
                self._conn().raw.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            except (sqlite3.Error, EnvironmentProblem):  # busy or closing: the next round tries again
                continue

    # -- connections ------------------------------------------------------------------------
    def _connect(self) -> Any:
        if self.pg:
            try:
                import psycopg
            except ImportError as err:  # pragma: no cover - psycopg is a dependency
                raise EnvironmentProblem("PostgreSQL support needs psycopg 3 (pip install 'psycopg[binary]')") from err
            try:
                raw = psycopg.connect(self.url, autocommit=True)
            except psycopg.OperationalError as err:
                first = str(err).strip().splitlines()[0] if str(err).strip() else "connection failed"
                raise HubDbUnavailable(f"cannot connect to PostgreSQL ({first})") from None
        else:
            try:
                self.data_dir.mkdir(parents=True, exist_ok=True)
                raw = sqlite3.connect(str(self.path), timeout=30, isolation_level=None, check_same_thread=False)
                raw.execute("PRAGMA page_size = 16384")   # before the first table; packed sets are ~15 KB rows
                raw.execute("PRAGMA journal_mode = WAL")
                # FULL: an acknowledged push survives a power cut, not only a killed process.
                raw.execute("PRAGMA synchronous = FULL")
                raw.execute("PRAGMA busy_timeout = 30000")
                # Keys are random UUIDs: index inserts touch pages all over the file, so keep many in memory.
                raw.execute("PRAGMA cache_size = -65536")
                raw.execute("PRAGMA mmap_size = 268435456")
                # Checkpoints run on their own thread (below); the writer only steps in if that one
                # falls far behind, so a push no longer pays for copying the WAL into the file.
                page = raw.execute("PRAGMA page_size").fetchone()[0] or 4096
                raw.execute(f"PRAGMA wal_autocheckpoint = {WRITER_CHECKPOINT_BYTES // page}")
            except (sqlite3.Error, OSError) as err:
                raise EnvironmentProblem(f"cannot open the hub database in {self.data_dir}: {err}") from None
        with self._all_lock:
            self._all.append(raw)
        return raw

    def _conn(self) -> Conn:
        conn = getattr(self._local, "conn", None)
        if conn is not None and self.pg and (conn.raw.closed or conn.raw.broken or conn.gen != self._gen):
            self._drop(conn)       # the server restarted since: connect again
            conn = None
        fresh = conn is None
        if fresh:
            conn = Conn(self._connect(), self.pg, self._gen)
            self._local.conn = conn
        retaken = self._retaken if self.guard is None else self.guard(fresh)
        if retaken != self._retaken:
            # The serve lock was taken again: the server restarted, and this thread's connection
            # (like every other thread's, made before) is dead even if it does not know yet.
            self._retaken = retaken
            self._gen += 1
            self._drop(conn)
            conn = Conn(self._connect(), self.pg, self._gen)
            self._local.conn = conn
        return conn

    def _drop(self, conn: Conn) -> None:
        with self._all_lock:
            if conn.raw in self._all:
                self._all.remove(conn.raw)
        try:
            conn.raw.close()
        except Exception:  # noqa: BLE001 - a lost connection: closing it is only tidying up
            pass
        if getattr(self._local, "conn", None) is conn:
            self._local.conn = None

    def _lost(self, c: Conn, err: BaseException) -> None:
        """Raise HubDbUnavailable if ``err`` came with the loss of the PostgreSQL connection (dropped here)."""
        if self.pg and (c.raw.closed or c.raw.broken):
            self._gen += 1     # the other threads' connections went with the server: none is used again
            self._drop(c)
            if disk_full(err):  # the server stopped itself for want of room (its WAL): reported as a full disk
                return
            first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
            raise HubDbUnavailable(f"the hub's database is not reachable ({first}); nothing of this request was "
                                   "stored — try again shortly") from None

    @contextmanager
    def read(self) -> Iterator[Conn]:
        """A consistent snapshot for one request (a read transaction on both backends)."""
        c = self._conn()
        if self.pg:
            try:
                with c.raw.transaction():
                    c.raw.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    yield c
            except Exception as err:
                self._lost(c, err)
                raise
        else:
            c.raw.execute("BEGIN")
            try:
                yield c
            finally:
                c.raw.execute("COMMIT")

    @contextmanager
    def write(self) -> Iterator[Conn]:
        """The one write transaction; commits on success, rolls back on any exception."""
        with self._write_lock:
            c = self._conn()
            if self.pg:
                try:
                    with c.raw.transaction():
                        c.raw.execute("SELECT pg_advisory_xact_lock(%s)", (_ADVISORY_KEY,))
                        yield c
                except Exception as err:
                    self._lost(c, err)
                    raise
            else:
                c.raw.execute("BEGIN IMMEDIATE")
                try:
                    yield c
                    c.raw.execute("COMMIT")
                except BaseException:
                    # SQLite may have rolled back already (a full disk does that) or the COMMIT itself
                    # failed: either way no transaction may stay open, or every later write would fail.
                    if c.raw.in_transaction:
                        try:
                            c.raw.execute("ROLLBACK")
                        except sqlite3.Error:
                            pass   # the first error is the one to report
                    raise

    def close(self) -> None:
        self._stop.set()
        if self._checkpoints is not None and self._checkpoints is not threading.current_thread():
            self._checkpoints.join(10)
        with self._all_lock:
            for raw in self._all:
                try:
                    raw.close()
                except Exception:  # noqa: BLE001 - closing at shutdown, nothing to report
                    pass
            self._all.clear()
        self._local = threading.local()
