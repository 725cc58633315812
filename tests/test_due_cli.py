"""`qcity due` end to end: a real database with lifts, scales, inspections and findings, the real CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from qcity_desktop.checklists.applicability import evaluate_items
from qcity_desktop.checklists.templates import get_template
from qcity_desktop.store import open_store
from qcity_desktop.store.due import due_items

ROOT = Path(__file__).resolve().parent.parent
TODAY = "2026-04-20"
VALUES = {"A1.2.7.8(1)": "9", "A1.3.2(1)": "0.45", "A1.3.2(2)": "0.46", "A1.2.7.2(1)": "3",
          "A1.2.7.2(2)": "20", "A1.3.3": "105"}


def inspect(store, subject_id: str, on: str, values: dict[str, str] | None = None) -> str:
    """A complete T7001-2023 periodic inspection on ``on``: applicable items √ (or the values given), others 无此项."""
    tpl = get_template("elevator-t7001-2023")
    subject = store.subjects.get(subject_id)
    iid = store.inspections.create(subject_id, tpl.id, inspectors=["王检验"], started_at=f"{on}T09:00:00.000Z")
    given = {**VALUES, **(values or {})}
    states = evaluate_items(tpl, {**subject["data"], "kind": "elevator"}, date.fromisoformat(on))
    for leaf in tpl.leaves():
        if not states.applicability[leaf.id].applies:
            store.inspections.answer(iid, leaf.id, result="na")
        elif leaf.type == "number":
            store.inspections.answer(iid, leaf.id, value=given[leaf.id])
        else:
            store.inspections.answer(iid, leaf.id, result="pass")
    store.inspections.complete(iid, today=date.fromisoformat(on))
    return iid


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    path = tmp_path / "due.db"
    store = open_store(path)
    lift = {"elevator_type": "passenger", "door_type": "centre", "rated_speed": "1.5", "regime": "2023"}
    # A: installed 2024-05-10, year-1 inspection done; its year-2 self-test falls on 2026-05-10
    a, _ = store.subjects.add("elevator", {"name": "A 幸福小区1号梯", "address": "咸安区温泉路1号",
                                           "supervised_date": "2024-05-10", "manufacture_date": "2024-01-05", **lift})
    inspect(store, a, "2025-05-02")
    # B: supervised 2010-03-01, past 15 years so inspected every year; nothing recorded: year 16 is overdue
    store.subjects.add("elevator", {"name": "B 老城商场货梯", "supervised_date": "2010-03-01",
                                    "manufacture_date": "2009-06-01", **lift, "elevator_type": "goods"})
    # C: base 2019-05-30, year-7 inspection done two months early, door lock engagement 6 mm fails
    c, _ = store.subjects.add("elevator", {"name": "C 市民中心3号梯", "supervised_date": "2019-05-30",
                                           "manufacture_date": "2019-01-01", **lift})
    inspect(store, c, "2026-03-31", {"A1.2.7.8(1)": "6"})
    store.subjects.add("scale", {"name": "菜市场12号摊电子秤", "serial_no": "S-0012", "cert_expiry": "2026-05-15"})
    store.subjects.add("scale", {"name": "菜市场13号摊电子秤", "serial_no": "S-0013", "cert_expiry": "2026-12-01"})
    store.close()
    return path


def qcity(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "qcity_desktop", *args], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120)


def test_due_list_json(db: Path):
    out = qcity("--db", str(db), "due", "--today", TODAY, "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    got = [(i["subject_name"], i["what"], i["due_date"], i["days_left"]) for i in data["items"]]
    assert got == [
        ("B 老城商场货梯", "periodic_inspection", "2026-03-01", -50),
        ("C 市民中心3号梯", "reinspection", "2026-04-30", 10),
        ("A 幸福小区1号梯", "self_test", "2026-05-10", 20),
        ("菜市场12号摊电子秤", "verification_expiry", "2026-05-15", 25),
    ]
    assert data["items"][0]["status"] == "overdue"
    assert data["items"][1]["detail"].startswith("整改期限 2026-04-30：A1.2.7.8")
    assert "6 mm 小于 7 mm" in data["items"][1]["detail"]


def test_early_inspection_keeps_the_next_date_in_the_store(db: Path):
    store = open_store(db)
    try:
        row = store.query_one("SELECT i.next_due, i.verdict FROM inspections i JOIN subjects s ON s.id = i.subject_id "
                              "WHERE s.name LIKE 'C %'")
        assert row == {"next_due": "2028-05-30", "verdict": "不合格"}  # year 9, not 2026-03-31 + 2 years
        # far enough ahead, the next periodic inspections of all three lifts appear on their schedule
        far = due_items(store, date.fromisoformat(TODAY), 800)
        periodic = {i.subject_name[0]: i.due_date.isoformat() for i in far if i.what == "periodic_inspection"}
        assert periodic == {"A": "2028-05-10", "B": "2026-03-01", "C": "2028-05-30"}
    finally:
        store.close()


def test_due_text_output_and_filters(db: Path):
    out = qcity("--db", str(db), "due", "--today", TODAY)
    assert out.returncode == 0, out.stderr
    assert "逾期50天" in out.stdout and "自行检测" in out.stdout and "检定证书到期" in out.stdout
    assert "共4项，其中逾期1项" in out.stdout
    only_overdue = json.loads(qcity("--db", str(db), "due", "--today", TODAY, "--within", "0", "--json").stdout)
    assert [i["subject_name"] for i in only_overdue["items"]] == ["B 老城商场货梯"]
    scales = json.loads(qcity("--db", str(db), "due", "--today", TODAY, "--kind", "scale", "--json").stdout)
    assert [i["what"] for i in scales["items"]] == ["verification_expiry"]


def test_closed_finding_is_no_longer_due(db: Path):
    store = open_store(db)
    try:
        finding = store.query_one("SELECT id, inspection_id FROM findings WHERE status = 'open'")
        store.findings.close(finding["id"], finding["inspection_id"])
        whats = [i.what for i in due_items(store, date.fromisoformat(TODAY), 30)]
        assert "reinspection" not in whats and len(whats) == 3
    finally:
        store.close()


def test_bad_input_gives_one_line(db: Path, tmp_path: Path):
    for args, text in ((["--within", "-1"], "--within must be 0 or more days"),
                       (["--today", "2026-13-01"], "is not a date")):
        out = qcity("--db", str(db), "due", *args)
        assert out.returncode == 2 and text in out.stderr and "Traceback" not in out.stderr
        assert len(out.stderr.strip().splitlines()) == 1
    missing = qcity("--db", str(tmp_path / "none.db"), "due")
    assert missing.returncode == 3 and "no database" in missing.stderr
