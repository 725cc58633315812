"""Schema migrations: numbered SQL files in db/, applied in order, recorded in PRAGMA user_version.

A database written by a newer version is refused before anything touches it (not even the
journal mode), so an old build on a shared laptop can never damage a newer file.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from qcity_desktop.errors import EnvironmentProblem

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent.parent / "db"
_NAME = re.compile(r"^(\d{4})_[\w-]+\.sql$")


def migration_files(directory: Path = MIGRATIONS_DIR) -> list[tuple[int, Path]]:
    found = []
    for path in directory.glob("*.sql"):
        m = _NAME.match(path.name)
        if m:
            found.append((int(m.group(1)), path))
    found.sort()
    return found


def latest_version(directory: Path = MIGRATIONS_DIR) -> int:
    files = migration_files(directory)
    return files[-1][0] if files else 0


def check_version(conn: sqlite3.Connection, where: str, directory: Path = MIGRATIONS_DIR) -> int:
    """Return the file's schema version, refusing files this build cannot safely open."""
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as err:
        if "not a database" in str(err) or "encrypted" in str(err):
            raise EnvironmentProblem(f"{where} is not a SQLite database (is it the right file?)") from None
        raise
    known = latest_version(directory)
    if version > known:
        raise EnvironmentProblem(
            f"{where} was written by a newer QCity Inspector (schema {version}, this version knows up to "
            f"{known}); update the app — the file was left untouched"
        )
    if version == 0 and tables:
        raise EnvironmentProblem(f"{where} is a SQLite database but not a QCity Inspector database; left untouched")
    return version


def split_statements(sql: str) -> list[str]:
    """The SQL statements of a script (trigger bodies with inner semicolons kept whole)."""
    statements, buf = [], ""
    for line in sql.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            statements.append(buf.strip())
            buf = ""
    rest = "\n".join(ln for ln in buf.splitlines() if not ln.strip().startswith("--")).strip()
    if rest:
        raise EnvironmentProblem(f"migration has an unterminated statement: {rest[:60]}")
    return statements


def apply_migrations(conn: sqlite3.Connection, current: int, directory: Path = MIGRATIONS_DIR) -> int:
    """Apply every migration newer than ``current``, each in its own transaction.

    The version is read again under the write lock, so two programs opening a new file at the
    same moment (the app and the CLI) never both run the same migration.
    """
    for number, path in migration_files(directory):
        if number <= current:
            continue
        statements = split_statements(path.read_text(encoding="utf-8"))
        try:
            conn.execute("BEGIN IMMEDIATE")
            current = conn.execute("PRAGMA user_version").fetchone()[0]
            if current >= number:
                conn.execute("ROLLBACK")
                continue
            for statement in statements:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number}")
            conn.execute("COMMIT")
        except sqlite3.Error as err:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if "locked" in str(err) or "busy" in str(err):
                raise
            raise EnvironmentProblem(f"migration {path.name} failed: {err}") from None
        current = number
    return current
