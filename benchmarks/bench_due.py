"""Due-list benchmark: `due_items` over a district-sized registry, as a ratio to reading it raw.

The Today page computes the due list on every start, so it must stay close to the cost of simply
reading the subjects, inspections and findings it needs. Baseline (same run): the three SELECTs
on a plain sqlite3 connection with the JSON data parsed, no date arithmetic.

Usage: python benchmarks/bench_due.py [N_SUBJECTS] (default 10,000: 7,000 lifts, 3,000 scales)
"""

from __future__ import annotations

import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qcity_desktop.store import open_store  # noqa: E402
from qcity_desktop.store.due import due_items  # noqa: E402

STAMP = "2026-01-01T00:00:00.000Z"


def build(path: Path, n: int) -> dict[str, int]:
    """Lifts with base dates and 0-3 periodic inspections, scales with expiries, some open findings."""
    store = open_store(path)
    rng = random.Random(7)
    sync = {"created_at": STAMP, "updated_at": STAMP, "device_id": store.device_id, "rev": 1}
    counts = {"subjects": 0, "inspections": 0, "findings": 0}
    with store.transaction():
        for k in range(n):
            sid = str(uuid.uuid4())
            if k % 10 < 7:
                base = date(2000, 1, 1) + timedelta(days=rng.randrange(0, 26 * 365))
                data = {"name": f"电梯{k}", "supervised_date": base.isoformat(), "regime": "2023"}
                store.insert("subjects", {"id": sid, "kind": "elevator", "name": data["name"],
                                          "data": json.dumps(data, ensure_ascii=False), **sync})
                for j in range(rng.randrange(0, 4)):
                    iid = str(uuid.uuid4())
                    started = date(2026, 1, 1) - timedelta(days=365 * j + rng.randrange(0, 300))
                    store.insert("inspections", {"id": iid, "subject_id": sid, "kind": "elevator",
                                                 "template_id": "elevator-t7001-2023", "template_version": 1,
                                                 "started_at": f"{started.isoformat()}T02:00:00.000Z",
                                                 "status": "completed", **sync})
                    counts["inspections"] += 1
                    if rng.random() < 0.1:
                        store.insert("findings", {"id": str(uuid.uuid4()), "inspection_id": iid, "item_id": "A1.2.7.8",
                                                  "description": "门锁啮合长度不足", "deadline": "2026-02-15",
                                                  "status": "open", **sync})
                        counts["findings"] += 1
            else:
                expiry = date(2025, 6, 1) + timedelta(days=rng.randrange(0, 500))
                data = {"name": f"电子秤{k}", "serial_no": f"S{k}", "cert_expiry": expiry.isoformat()}
                store.insert("subjects", {"id": sid, "kind": "scale", "name": data["name"],
                                          "data": json.dumps(data, ensure_ascii=False), **sync})
            counts["subjects"] += 1
    store.close()
    return counts


def timeit(fn, repeat: int = 7) -> float:
    """Median milliseconds after one warm-up."""
    fn()
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    return statistics.median(samples)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "due.db"
        counts = build(path, n)
        raw = sqlite3.connect(path)

        def baseline() -> None:
            for (text,) in raw.execute("SELECT data FROM subjects WHERE deleted = 0"):
                json.loads(text)
            raw.execute("SELECT subject_id, started_at FROM inspections WHERE status IN ('completed', 'signed')").fetchall()
            raw.execute("SELECT f.*, i.subject_id FROM findings f JOIN inspections i ON i.id = f.inspection_id "
                        "WHERE f.status = 'open'").fetchall()

        store = open_store(path)
        today = date(2026, 4, 20)
        items = due_items(store, today, 30)
        base_ms = timeit(baseline)
        due_ms = timeit(lambda: due_items(store, today, 30))
        store.close()
        raw.close()
    print(f"registry: {counts['subjects']:,} subjects, {counts['inspections']:,} inspections, "
          f"{counts['findings']:,} open findings; due within 30 days: {len(items):,}")
    print(f"baseline (raw SELECTs + JSON): {base_ms:.1f} ms")
    print(f"due_items:                     {due_ms:.1f} ms  = {due_ms / base_ms:.1f} × baseline")


if __name__ == "__main__":
    main()
