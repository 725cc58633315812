"""Statistics benchmark: `statistics()` over a city-sized year, as a ratio to one counting query.

The 统计 page recomputes on every period or kind change, so it must stay close to the cost of the
simplest query that could answer "how many passed": one GROUP BY over the same signed inspections.
Baseline (same run, same connection): ``SELECT verdict, count(*) ... GROUP BY verdict``.

Usage: python benchmarks/bench_stats.py [N_INSPECTIONS] (default 100,000 signed, over 5,000 subjects)
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_due import timeit  # noqa: E402
from qcity_desktop.store import open_store  # noqa: E402
from qcity_desktop.store.stats import statistics  # noqa: E402

STAMP = "2026-01-01T00:00:00.000Z"
DISTRICTS = ("咸安区", "嘉鱼县", "赤壁市", "通城县", "崇阳县", "通山县")


def build(path: Path, n: int) -> None:
    """Signed inspections spread over 2026, 8 % failing, a tenth of those re-inspected."""
    store = open_store(path)
    rng = random.Random(11)
    sync = {"created_at": STAMP, "updated_at": STAMP, "device_id": store.device_id, "rev": 1}
    kinds = ("elevator", "scale", "site")
    subjects = [(str(uuid.uuid4()), kinds[k % 3]) for k in range(max(1, n // 20))]
    with store.transaction():
        for k, (sid, kind) in enumerate(subjects):
            store.insert("subjects", {"id": sid, "kind": kind, "name": f"对象{k}", "district": DISTRICTS[k % 6],
                                      "data": "{}", **sync})
        for _ in range(n):
            sid, kind = rng.choice(subjects)
            day = date(2026, 1, 1) + timedelta(days=rng.randrange(0, 330))
            failed = rng.random() < 0.08
            iid = str(uuid.uuid4())
            store.insert("inspections", {"id": iid, "subject_id": sid, "kind": kind, "template_id": "t",
                                         "template_version": 1, "started_at": f"{day}T02:00:00.000Z",
                                         "status": "signed", "verdict": "不合格" if failed else "合格", **sync})
            if failed and rng.random() < 0.1:
                store.insert("inspections", {"id": str(uuid.uuid4()), "subject_id": sid, "kind": kind,
                                             "template_id": "t", "template_version": 1, "reinspection_of": iid,
                                             "started_at": f"{day + timedelta(days=7)}T02:00:00.000Z",
                                             "status": "signed", "verdict": "合格", **sync})
    store.close()


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "stats.db"
        t = time.perf_counter()
        build(path, n)
        print(f"built {n} signed inspections in {time.perf_counter() - t:.1f} s")
        store = open_store(path)
        conn = store.conn
        frm, to = date(2026, 1, 1), date(2026, 12, 31)

        def baseline() -> None:
            conn.execute("SELECT verdict, count(*) FROM inspections WHERE status = 'signed' AND started_at >= ? "
                         "AND started_at < ? GROUP BY verdict", (frm.isoformat(), "2027-01-01")).fetchall()

        base = timeit(baseline)
        full = timeit(lambda: statistics(conn, frm, to, today=date(2026, 11, 29)))
        one_kind = timeit(lambda: statistics(conn, frm, to, kind="scale", today=date(2026, 11, 29)))
        st = statistics(conn, frm, to, today=date(2026, 11, 29))
        print(f"year, all kinds: {full:.0f} ms against the counting query's {base:.0f} ms = {full / base:.1f}x "
              f"({st.overall.inspected} first inspections, rate {st.overall.rate} %, "
              f"{len(st.repeat_offenders)} repeat offenders)")
        print(f"year, one kind: {one_kind:.0f} ms = {one_kind / base:.1f}x the counting query")
        store.close()


if __name__ == "__main__":
    main()
