"""A signed re-inspection settles the findings it re-checked: rectified ones closed, failing ones carried on."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

from test_stats import scale

from qcity_desktop.store import open_store
from qcity_desktop.store.due import due_items

ROOT = Path(__file__).resolve().parent.parent


def _answer_all(store, iid: str, fail: tuple[str, ...] = (), skip: tuple[str, ...] = ()) -> None:
    for item in store.inspections.template_of(store.inspections.row(iid)).leaves():
        if item.type == "result" and item.id not in skip:
            result = "fail" if item.id in fail else "na" if item.id == "S1.3" else "pass"
            store.inspections.answer(iid, item.id, result=result)


def test_signing_a_reinspection_closes_what_it_found_rectified(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    store = open_store(db)
    sid = scale(store, "A 王记鲜肉", "咸安区")
    first = store.inspections.create(sid, "scale-market-in-service", inspectors=["王芳"],
                                     started_at="2026-11-02T02:00:00.000Z")
    _answer_all(store, first, fail=("S1.1", "S1.2"))
    store.inspections.complete(first, today=date(2026, 11, 2))
    store.inspections.sign(first, "王芳")
    assert {f["item_id"] for f in store.findings.for_inspection(first)} == {"S1.1", "S1.2"}
    def due(s) -> list[str]:  # noqa: ANN001
        return sorted(str(d.finding_id) for d in due_items(s, date(2026, 11, 29), 30) if d.what == "reinspection")

    assert len(due(store)) == 2, "each open finding puts a re-inspection on the due list"

    again = store.inspections.create(sid, "scale-market-in-service", inspectors=["王芳"], reinspection_of=first,
                                     started_at="2026-11-20T02:00:00.000Z")
    _answer_all(store, again, fail=("S1.2",))         # the nameplate was fixed, the seal was not
    store.inspections.complete(again, today=date(2026, 11, 20))
    assert all(f["status"] == "open" for f in store.findings.for_inspection(first)), "completing closes nothing"
    info = store.inspections.sign(again, "王芳")
    assert (info["closed_findings"], info["carried_findings"]) == (["S1.1"], ["S1.2"])
    state = {f["item_id"]: (f["status"], f["closed_by"]) for f in store.findings.for_inspection(first)}
    assert state == {"S1.1": ("closed", again), "S1.2": ("closed", again)}
    [carried] = store.findings.for_inspection(again)
    assert (carried["item_id"], carried["status"]) == ("S1.2", "open")
    assert due(store) == [carried["id"]], "one re-inspection asked for, on the finding that carries it on"
    # the signed original is untouched: closing is follow-up, not part of what was signed
    assert store.inspections.content_hash(first) == store.inspections.row(first)["content_hash"]
    store.close()

    # the CLI says so too
    third = open_store(db)
    last = third.inspections.create(sid, "scale-market-in-service", inspectors=["王芳"], reinspection_of=again)
    _answer_all(third, last)
    third.inspections.complete(last)
    third.close()
    run = subprocess.run([sys.executable, "-m", "qcity_desktop", "--db", str(db), "inspections", "sign", last,
                          "--inspector", "王芳", "--json"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["closed_findings"] == ["S1.2"]
    assert open_store(db).findings.for_inspection(again)[0]["status"] == "closed"
    assert due(open_store(db)) == []


def test_a_reinspection_of_another_subject_settles_nothing(tmp_path: Path) -> None:
    store = open_store(tmp_path / "o.db")
    a, b = scale(store, "A 王记鲜肉", "咸安区"), scale(store, "B 李家水产", "咸安区")
    first = store.inspections.create(a, "scale-market-in-service", inspectors=["王芳"])
    _answer_all(store, first, fail=("S1.1",))
    store.inspections.complete(first)
    store.inspections.sign(first, "王芳")
    wrong = store.inspections.create(b, "scale-market-in-service", inspectors=["王芳"], reinspection_of=first)
    _answer_all(store, wrong)
    store.inspections.complete(wrong)
    assert store.inspections.sign(wrong, "王芳")["closed_findings"] == []
    assert store.findings.for_inspection(first)[0]["status"] == "open"
