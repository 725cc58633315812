"""监护使用: with a few failed elevator items the conclusion rests on the using unit's commitment.

The report says "使用单位已经承诺……对电梯实行监护使用（见编号为…的《电梯检验意见通知书》）", so the
commitment must be stated by the inspector (never assumed), a refusal makes the conclusion 不合格, and
the notice number the remark cites is the one issued at signing.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pdfminer.high_level import extract_text

from qcity_desktop.errors import InputError, SupervisedUseNeeded
from qcity_desktop.store import open_store
from qcity_desktop.store.numbering import numbers_for

ROOT = Path(__file__).resolve().parent.parent
LIFT_2023 = {"name": "赤壁市人民商场货梯", "elevator_type": "passenger", "door_type": "side", "drive": "traction",
             "suspension": "rope", "rated_speed": "1.0", "manufacture_date": "2008-11-10",
             "supervised_date": "2009-05-18", "base_date": "2009-05-18", "regime": "2023"}
NUMBERS = {"A1.2.7.2(1)": "4", "A1.2.7.2(2)": "20", "A1.2.7.8(1)": "9", "A1.3.2(1)": "0.45", "A1.3.3": "105"}


def lift_2023(store, general_failures: int) -> tuple[str, list[str]]:
    """A 2023 inspection with every applicable item answered, ``general_failures`` general items failing."""
    from datetime import date

    from qcity_desktop.checklists.applicability import evaluate_items

    sid, _ = store.subjects.add("elevator", LIFT_2023)
    iid = store.inspections.create(sid, "elevator-t7001-2023", inspectors=["张伟"],
                                   started_at="2026-11-20T09:00:00.000Z")
    template = store.inspections.template_of(store.inspections.row(iid))
    states = evaluate_items(template, LIFT_2023, date(2026, 11, 20), {})
    skipped = {i for i, a in states.applicability.items() if not a.applies}
    general = [i.id for i in template.items.values()
               if i.parent is None and i.type == "result" and not i.attrs.get("key") and not i.attrs.get("info")
               and i.id not in skipped and not template.children(i.id)][:general_failures]
    for item in template.leaves():
        if item.id in skipped or item.attrs.get("info") or not item.required:
            continue
        if item.type == "number":
            store.inspections.answer(iid, item.id, value=NUMBERS.get(item.id, "1"))
        else:
            store.inspections.answer(iid, item.id, result="fail" if item.id in general else "pass")
    assert len(general) == general_failures
    return iid, general


def lift_2009(store, c_failures: tuple[str, ...]) -> str:
    sid, _ = store.subjects.add("elevator", {"name": "温泉花园3栋1号梯", "user_unit": "温泉物业"})
    iid = store.inspections.create(sid, "elevator-t7001-2009", inspectors=["张伟"])
    for item in store.inspections.template_of(store.inspections.row(iid)).leaves():
        if item.type == "result":
            store.inspections.answer(iid, item.id, result="fail" if (item.parent or item.id) in c_failures else "pass")
    return iid


def test_2023_commitment_must_be_stated_and_decides_the_conclusion(tmp_path: Path) -> None:
    store = open_store(tmp_path / "a.db")
    iid, failed = lift_2023(store, 2)
    with pytest.raises(SupervisedUseNeeded) as err:
        store.inspections.complete(iid)
    assert sorted(err.value.items) == sorted(failed) and "--supervised-use" in str(err.value)
    assert store.inspections.row(iid)["status"] == "draft", "nothing is completed on an assumption"

    refused = store.inspections.complete(iid, supervised_use=False)
    assert refused.verdict == "不合格"
    assert refused.remarks == ("一般项目检验结果为不符合，使用单位未承诺对电梯实行监护使用",)
    assert refused.details["supervised_use_committed"] is False

    store.inspections.answer(iid, failed[0], result="fail", note="再次确认")   # back to a draft
    committed = store.inspections.complete(iid, supervised_use=True)
    assert committed.verdict == "合格" and committed.details["supervised_use_committed"] is True
    assert "使用单位已经承诺采取安全措施" in committed.remarks[0] and "________" in committed.remarks[0]


def test_signing_writes_the_notice_number_into_the_remark_and_the_printed_report(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    store = open_store(db)
    iid, _ = lift_2023(store, 1)
    store.inspections.complete(iid, supervised_use=True)
    info = store.inspections.sign(iid, "张伟")
    notice = numbers_for(store.conn, iid)["notice"]["number"]
    remark = store.inspections.document(iid)["evaluation"]["remarks"][0]
    assert f"见编号为{notice}的《电梯检验意见通知书》" in remark and "____" not in remark
    # the number is part of what was signed: the stored hash is the hash of the record as it reads now
    from qcity_desktop.canonical import canonical_hash

    assert canonical_hash(store.inspections.canonical_content(iid)) == info["content_hash"]
    store.close()

    out = tmp_path / "report.pdf"
    run = subprocess.run([sys.executable, "-m", "qcity_desktop", "--db", str(db), "report", iid, "--kind", "report",
                          "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    text = re.sub(r"\s+", "", extract_text(str(out)))
    assert f"见编号为{notice}的《电梯检验意见通知书》" in text and "____" not in text


def test_2009_refusal_fails_and_commitment_passes(tmp_path: Path) -> None:
    store = open_store(tmp_path / "a.db")
    iid = lift_2009(store, ("2.5", "3.11"))
    with pytest.raises(SupervisedUseNeeded):
        store.inspections.complete(iid)
    refused = store.inspections.complete(iid, supervised_use=False)
    assert refused.verdict == "不合格" and "未承诺" in refused.remarks[0] and "2.5、3.11" in refused.remarks[0]
    store.inspections.answer(iid, "2.5", result="fail", note="复核")
    assert store.inspections.complete(iid, supervised_use=True).verdict == "合格"
    # nothing to ask when every item conforms, or when the failures already decide the conclusion
    clean = lift_2009(store, ())
    assert store.inspections.complete(clean).verdict == "合格"
    many = lift_2009(store, ("2.5", "3.11", "3.12", "3.13", "3.14", "3.15"))
    assert store.inspections.complete(many).verdict == "不合格"


def _cli(db: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "qcity_desktop", "--db", str(db), *argv], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_cli_asks_for_the_option_and_records_the_answer(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    store = open_store(db)
    iid = lift_2009(store, ("2.5",))
    store.close()
    run = _cli(db, "inspections", "complete", iid)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1 and "--supervised-use yes|no" in run.stderr
    run = _cli(db, "inspections", "complete", iid, "--supervised-use", "no", "--json")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["verdict"] == "不合格"
    assert open_store(db).inspections.row(iid)["verdict"] == "不合格"


def test_import_with_complete_needs_the_field(tmp_path: Path) -> None:
    store = open_store(tmp_path / "a.db")
    record = {"template": "elevator-t7001-2009", "subject": {"kind": "elevator", "name": "导入梯"},
              "answers": {}}
    iid = lift_2009(store, ("2.5",))
    record["answers"] = {k: {"result": v.result} for k, v in store.inspections.answers(iid).items()}
    with pytest.raises(InputError, match=r"inspection\[0\]: .*\"supervised_use\": true or false"):
        store.inspections.import_one(record, "inspection[0]", complete=True)
    with pytest.raises(InputError, match="must be true or false"):
        store.inspections.import_one({**record, "supervised_use": "yes"}, "inspection[0]", complete=True)
    before = store.conn.execute("SELECT count(*) FROM inspections").fetchone()[0]
    new = store.inspections.import_one({**record, "supervised_use": True}, "inspection[0]", complete=True)
    assert store.inspections.row(new)["verdict"] == "合格"
    assert store.conn.execute("SELECT count(*) FROM inspections").fetchone()[0] == before + 1
