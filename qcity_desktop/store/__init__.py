"""The local SQLite store: one file, opened through ``open_store``.

The connection lives in the thread that opened it (sqlite3 refuses cross-thread use); every
operation runs in one transaction so a failure half-way leaves nothing half-written. SQLite
errors that come from the environment (locked file, full disk, wrong file) are turned into
``EnvironmentProblem`` with a message the user can act on.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from qcity_desktop.errors import EnvironmentProblem, StateError
from qcity_desktop.store.migrations import apply_migrations, check_version

APP_NAME = "QCityInspector"


def default_db_path() -> Path:
    """``$QCITY_DB`` if set, else qcity.db in the platform's user data folder."""
    env = os.environ.get("QCITY_DB")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "qcity.db"


def new_id() -> str:
    return str(uuid.uuid4())


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def decode_json_column(rows: list[dict[str, Any]], column: str, empty: str = "{}") -> None:
    """Decode one JSON column of many rows with a single json.loads call.

    Parsing 200 small objects one by one costs ~6× more than parsing them as one array,
    and search-as-you-type does this on every keystroke."""
    if not rows:
        return
    import json

    values = json.loads("[" + ",".join(r[column] or empty for r in rows) + "]")
    for row, value in zip(rows, values, strict=True):
        row[column] = value


def translate_sqlite_error(err: sqlite3.Error, where: str) -> Exception:
    """Map an SQLite error to the error the user should see, or return it unchanged (a bug)."""
    text = str(err)
    if "immutable" in text or "append-only" in text or "never deleted" in text:
        return StateError(text)
    if isinstance(err, sqlite3.OperationalError):
        if "locked" in text or "busy" in text:
            return EnvironmentProblem(f"database {where} is locked by another program; close it and try again",
                                      "locked")
        if "disk is full" in text or "database or disk is full" in text:
            return EnvironmentProblem(f"disk full while writing {where}; nothing was saved from this step — free some space and retry",
                                      "disk_full")
        if "readonly" in text or "read-only" in text:
            return EnvironmentProblem(f"database {where} is read-only; check the file's permissions",
                                      "read_only")
        if "unable to open" in text:
            return EnvironmentProblem(f"cannot open database {where}; check that the folder exists and is writable")
    if isinstance(err, sqlite3.DatabaseError) and ("malformed" in text or "not a database" in text):
        return EnvironmentProblem(f"database {where} is damaged or not a database: {text}")
    return err


class Store:
    """An open QCity database with its repositories (subjects, inspections, ...)."""

    def __init__(self, conn: sqlite3.Connection, path: str) -> None:
        self.conn = conn
        self.path = path
        self._db: Any = None
        self._depth = 0
        self._owner = threading.get_ident()
        row = conn.execute("SELECT value FROM meta WHERE key = 'device_id'").fetchone()
        if row is None:
            with self.transaction():
                conn.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('device_id', ?)", (new_id(),))
            row = conn.execute("SELECT value FROM meta WHERE key = 'device_id'").fetchone()
        self.device_id: str = row[0]
        from qcity_desktop.store.audit import AuditLog
        from qcity_desktop.store.files import Attachments, Blobs, Measurements, Signatures
        from qcity_desktop.store.findings import Findings
        from qcity_desktop.store.inspections import Inspections
        from qcity_desktop.store.subjects import Subjects

        self.audit = AuditLog(self)
        self.blobs = Blobs(self)
        self.attachments = Attachments(self)
        self.signatures = Signatures(self)
        self.measurements = Measurements(self)
        self.findings = Findings(self)
        self.subjects = Subjects(self)
        self.inspections = Inspections(self)
        from qcity_desktop.store.references import References
        from qcity_desktop.store.reviews import Reviews

        self.references = References(self)
        self.reviews = Reviews(self)

    @property
    def db(self) -> Any:
        """The sqlite_utils view of the connection, imported on first use (it costs ~60 ms at start-up)."""
        if self._db is None:
            import sqlite_utils

            self._db = sqlite_utils.Database(self.conn)
        return self._db

    # -- transactions -------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One transaction per operation; nested calls join the outer one (as savepoints)."""
        conn = self.conn
        name = f"sp{self._depth}"
        try:
            if self._depth == 0:
                conn.execute("BEGIN IMMEDIATE")
            else:
                conn.execute(f"SAVEPOINT {name}")
        except sqlite3.Error as err:
            raise translate_sqlite_error(err, self.path) from None
        self._depth += 1
        try:
            yield conn
        except BaseException as exc:
            self._depth -= 1
            try:
                if self._depth == 0:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                else:
                    conn.execute(f"ROLLBACK TO {name}")
                    conn.execute(f"RELEASE {name}")
            except sqlite3.Error:
                pass
            if isinstance(exc, sqlite3.Error):
                translated = translate_sqlite_error(exc, self.path)
                if translated is not exc:
                    raise translated from None
            raise
        else:
            self._depth -= 1
            try:
                if self._depth == 0:
                    conn.execute("COMMIT")
                else:
                    conn.execute(f"RELEASE {name}")
            except sqlite3.Error as err:
                if self._depth == 0 and conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise translate_sqlite_error(err, self.path) from None

    # -- small helpers shared by the repositories ----------------------------------------
    def now(self) -> str:
        return utc_now()

    def query(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        try:
            cur = self.conn.execute(sql, params)
        except sqlite3.Error as err:
            raise translate_sqlite_error(err, self.path) from None
        cols = [c[0] for c in cur.description]
        return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]

    def query_one(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> dict[str, Any] | None:
        rows = self.query(sql, params)
        return rows[0] if rows else None

    def insert(self, table: str, row: dict[str, Any]) -> None:
        cols = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        self.conn.execute(f"INSERT INTO {table} ({cols}) VALUES ({marks})", tuple(row.values()))

    def sync_fields(self) -> dict[str, Any]:
        """The columns every synced row carries, for a new row."""
        now = self.now()
        return {"created_at": now, "updated_at": now, "device_id": self.device_id, "rev": 1}

    def update(self, table: str, row_id: str, changes: dict[str, Any], key: str = "id") -> None:
        """Update a synced row, bumping its revision and stamping time and device."""
        changes = {**changes, "updated_at": self.now(), "device_id": self.device_id}
        sets = ", ".join(f"{c} = ?" for c in changes)
        self.conn.execute(
            f"UPDATE {table} SET {sets}, rev = rev + 1 WHERE {key} = ?", (*changes.values(), row_id)
        )

    def meta_get(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def meta_set(self, key: str, value: str) -> None:
        self.conn.execute(
            "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def close(self) -> None:
        self.conn.close()


def open_store(path: str | os.PathLike[str] | None = None, *, create: bool = True, timeout: float = 5.0) -> Store:
    """Open (and create or upgrade) the database at ``path`` (default: ``default_db_path()``)."""
    target = Path(path) if path is not None else default_db_path()
    where = str(target)
    if str(target) != ":memory:":
        if target.exists() and target.is_dir():
            raise EnvironmentProblem(f"{where} is a folder, not a database file")
        if not target.exists():
            if not create:
                raise EnvironmentProblem(f"no database at {where}; run `qcity init` first")
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
            except OSError as err:
                raise EnvironmentProblem(f"cannot create folder {target.parent}: {err.strerror}") from None
    try:
        conn = sqlite3.connect(where, timeout=timeout, isolation_level=None)
    except sqlite3.Error as err:
        raise translate_sqlite_error(err, where) from None
    try:
        version = check_version(conn, where)
        conn.execute("PRAGMA foreign_keys = ON")
        if where != ":memory:":
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode.lower() != "wal":
                raise EnvironmentProblem(f"cannot switch {where} to WAL mode (got {mode})")
        conn.execute("PRAGMA synchronous = NORMAL")
        apply_migrations(conn, version)
        return Store(conn, where)
    except sqlite3.Error as err:
        conn.close()
        raise translate_sqlite_error(err, where) from None
    except BaseException:
        conn.close()
        raise
