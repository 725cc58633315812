"""Store benchmark (issue 2 §8): the three everyday queries on a 100,000-inspection database.

Each query is timed through the QCity store and as the same SQL on a plain sqlite3 connection
in the same run; the ratio is what matters on a shared, noisy machine.

Usage: python benchmarks/bench_store.py [DB] (default: builds /tmp/qcity-bench/big.db)
"""

from __future__ import annotations

import sqlite3
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qcity_desktop.store import open_store  # noqa: E402

LIST_SQL = ("SELECT i.id, i.kind, i.subject_id, s.name AS subject_name, i.template_id, i.template_version, i.inspectors, "
            "i.started_at, i.status, i.verdict, i.score, i.grade, i.certificate_no, i.report_no FROM inspections i "
            "JOIN subjects s ON s.id = i.subject_id WHERE i.kind = ? ORDER BY i.started_at DESC LIMIT 100 OFFSET 0")
FTS_SQL = ("SELECT s.* FROM subjects s JOIN subjects_fts f ON f.rowid = s.rowid AND subjects_fts MATCH ? "
           "WHERE s.deleted = 0 ORDER BY s.kind, s.name LIMIT 200")
OPEN_SQL_1 = "SELECT * FROM inspections WHERE id = ?"
OPEN_SQL_2 = "SELECT item_id, result, value, deduction, clauses, note FROM answers WHERE inspection_id = ?"


def paired(ours, base, repeat: int = 300) -> tuple[float, float]:
    """Median milliseconds of ``ours`` and ``base``, run alternately so machine noise hits both alike."""
    ours()
    base()
    a, b = [], []
    for _ in range(repeat):
        t = time.perf_counter()
        ours()
        a.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        base()
        b.append((time.perf_counter() - t) * 1000)
    return statistics.median(a), statistics.median(b)


def main() -> None:
    if len(sys.argv) > 1:
        db = Path(sys.argv[1])
    else:
        from benchmarks.build_db import build

        db = Path("/tmp/qcity-bench/big.db")
        db.parent.mkdir(parents=True, exist_ok=True)
        if not db.exists():
            info = build(db, 100_000, 20_000)
            print(f"built: {info['inspections']:,} inspections, {info['answers']:,} answers, "
                  f"{info['answers_per_second']:,.0f} answers/s, {info['file_bytes'] / 1e9:.2f} GB")
    store = open_store(db)
    raw = sqlite3.connect(db)
    raw.execute("PRAGMA query_only = 1")
    n_insp = raw.execute("SELECT count(*) FROM inspections").fetchone()[0]
    n_ans = raw.execute("SELECT count(*) FROM answers").fetchone()[0]
    iid = raw.execute("SELECT id FROM inspections ORDER BY started_at DESC LIMIT 1 OFFSET 500").fetchone()[0]
    term = "温泉路花园"
    print(f"database: {db} ({db.stat().st_size / 1e9:.2f} GB), {n_insp:,} inspections, {n_ans:,} answers")

    rows = [
        ("(a) newest 100 elevator inspections",
         lambda: store.inspections.list(kind="elevator", limit=100),
         lambda: raw.execute(LIST_SQL, ("elevator",)).fetchall()),
        ("(b) full-text search subjects '温泉路花园'",
         lambda: store.subjects.list(search=term),
         lambda: raw.execute(FTS_SQL, (f'"{term}"',)).fetchall()),
        ("(c) open one inspection with its answers (row + answers)",
         lambda: (store.inspections.row(iid), store.inspections.answers(iid)),
         lambda: (raw.execute(OPEN_SQL_1, (iid,)).fetchone(), raw.execute(OPEN_SQL_2, (iid,)).fetchall())),
        ("(c') full document (subject, template, evaluation, findings)",
         lambda: store.inspections.document(iid),
         lambda: (raw.execute(OPEN_SQL_1, (iid,)).fetchone(), raw.execute(OPEN_SQL_2, (iid,)).fetchall())),
    ]
    print(f"{'query':62} {'qcity ms':>9} {'sqlite3 ms':>11} {'ratio':>6}")
    for label, ours, base in rows:
        a, b = paired(ours, base)
        print(f"{label:62} {a:9.2f} {b:11.2f} {a / b:6.2f}")


if __name__ == "__main__":
    main()
