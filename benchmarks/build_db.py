"""Build a large QCity database for benchmarks: N inspections with 60 answers each.

Usage: python benchmarks/build_db.py OUT.db [--inspections 100000] [--subjects 20000]

Rows go in through the real schema (with its triggers and indexes) in large transactions,
as a hub pull or a bulk import would; the per-answer audit entries of interactive editing
are not written (a bulk load is audited as one entry per inspection).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qcity_desktop.checklists.templates import get_template  # noqa: E402
from qcity_desktop.store import open_store  # noqa: E402

DISTRICTS = ["咸安区", "赤壁市", "嘉鱼县", "通城县", "崇阳县", "通山县"]
STREETS = ["温泉路", "金桂路", "永安大道", "银泉大道", "人民路", "沙阳大道", "隽水大道", "天城大道", "通羊大道"]
PLACES = ["花园小区", "农贸市场", "人民医院", "政务中心", "科技城", "商业广场", "学校", "安置小区"]
KINDS = [("elevator", "elevator-t7001-2009"), ("scale", "scale-market-in-service"), ("site", "elevator-t7001-2009")]


def build(path: Path, inspections: int, subjects: int, answers_per: int = 60, seed: int = 7) -> dict[str, float]:
    rnd = random.Random(seed)
    if path.exists():
        path.unlink()
    store = open_store(path)
    conn = store.conn
    now = "2026-11-28T08:00:00.000Z"
    dev = store.device_id
    t0 = time.perf_counter()
    subject_rows = []
    subject_kind = []
    for n in range(subjects):
        kind = ("elevator", "scale", "site")[n % 3]
        district = rnd.choice(DISTRICTS)
        name = f"{district}{rnd.choice(STREETS)}{rnd.choice(PLACES)}{n}号" + {"elevator": "电梯", "scale": "计价秤", "site": "工地"}[kind]
        code = f"3110421{n:013d}"
        sid = str(uuid.UUID(int=rnd.getrandbits(128)))
        subject_rows.append((sid, kind, name, f"{district}{rnd.choice(STREETS)}{rnd.randint(1, 300)}号", district, code,
                             f"业主单位{n % 997}", json.dumps({"name": name}, ensure_ascii=False), now, now, dev))
        subject_kind.append((sid, kind))
    with store.transaction():
        conn.executemany("INSERT INTO subjects(id, kind, name, address, district, codes, owner, data, created_at, "
                         "updated_at, device_id) VALUES (?,?,?,?,?,?,?,?,?,?,?)", subject_rows)
    t_subjects = time.perf_counter() - t0

    templates = {tid: get_template(tid) for _, tid in KINDS}
    leaf_ids = {tid: [i.id for i in t.leaves() if i.type == "result"] for tid, t in templates.items()}
    start = datetime(2021, 1, 1)
    t1 = time.perf_counter()
    batch_i, batch_a = [], []
    answers_total = 0
    for n in range(inspections):
        sid, kind = subject_kind[rnd.randrange(subjects)]
        tid = dict(KINDS)[kind] if kind != "site" else "elevator-t7001-2009"
        iid = str(uuid.UUID(int=rnd.getrandbits(128)))
        started = (start + timedelta(minutes=n * 25 + rnd.randint(0, 20))).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        status = "signed" if n % 10 < 7 else ("completed" if n % 10 < 9 else "draft")
        batch_i.append((iid, sid, kind, tid, 1, '["张伟"]', started, status, "合格" if status != "draft" else None,
                        now, now, dev))
        items = leaf_ids[tid]
        for k in range(answers_per):
            item = items[k % len(items)] if k < len(items) else f"{items[k % len(items)]}#{k}"
            batch_a.append((str(uuid.UUID(int=rnd.getrandbits(128))), iid, item, "pass" if rnd.random() > 0.03 else "fail",
                            now, now, dev))
        answers_total += answers_per
        if len(batch_i) >= 2000:
            _flush(store, batch_i, batch_a)
    _flush(store, batch_i, batch_a)
    t_insp = time.perf_counter() - t1
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("ANALYZE")
    store.close()
    return {"subjects": subjects, "inspections": inspections, "answers": answers_total,
            "subject_seconds": t_subjects, "inspection_seconds": t_insp,
            "answers_per_second": answers_total / t_insp, "inspections_per_second": inspections / t_insp,
            "file_bytes": path.stat().st_size}


def _flush(store, batch_i: list, batch_a: list) -> None:
    """Insert inspections as drafts with their answers, then set their final status (triggers allow that order)."""
    if not batch_i:
        return
    with store.transaction():
        store.conn.executemany(
            "INSERT INTO inspections(id, subject_id, kind, template_id, template_version, inspectors, started_at, status, "
            "verdict, created_at, updated_at, device_id) VALUES (?,?,?,?,?,?,?,'draft',?,?,?,?)",
            [r[:7] + r[8:] for r in batch_i])
        store.conn.executemany("INSERT INTO answers(id, inspection_id, item_id, result, created_at, updated_at, device_id) "
                               "VALUES (?,?,?,?,?,?,?)", batch_a)
        store.conn.executemany("UPDATE inspections SET status = ? WHERE id = ?",
                               [(r[7], r[0]) for r in batch_i if r[7] != "draft"])
    batch_i.clear()
    batch_a.clear()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("out")
    ap.add_argument("--inspections", type=int, default=100_000)
    ap.add_argument("--subjects", type=int, default=20_000)
    args = ap.parse_args()
    info = build(Path(args.out), args.inspections, args.subjects)
    for k, v in info.items():
        print(f"{k}: {v:,.1f}" if isinstance(v, float) else f"{k}: {v:,}")


if __name__ == "__main__":
    main()
