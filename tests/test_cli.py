"""The `qcity` command-line contract, end to end through real processes."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from tests.helpers import cli_json, run_cli


def _import_doc(fail: dict[str, str] | None = None) -> dict:
    from qcity_desktop.checklists.templates import get_template

    t = get_template("elevator-t7001-2009")
    answers = {i.id: {"result": "pass"} for i in t.leaves() if i.type == "result"}
    for item_id, result in (fail or {}).items():
        answers[item_id] = {"result": result, "note": "现场发现"}
    answers["8.1-m1"] = {"value": "0.46"}
    return {"template": "elevator-t7001-2009", "inspector": "张伟",
            "subject": {"kind": "elevator", "name": "嘉鱼县政务服务中心1号梯", "address": "嘉鱼县鱼岳镇沙阳大道1号",
                        "registration_code": "31104212018100000218"},
            "answers": answers}


def test_templates_list_and_show_expose_rule_attributes(tmp_path: Path) -> None:
    db = tmp_path / "q.db"
    listed = {t["id"]: t for t in cli_json("templates", "list", db=db)}
    assert {"elevator-t7001-2009", "scale-market-in-service"} <= set(listed)
    show = cli_json("templates", "show", "elevator-t7001-2009", db=db)
    items = {i["id"]: i for i in show["items"]}
    assert items["2.7"]["class"] == "B" and items["2.5"]["class"] == "C"
    assert items["2.7(3)"]["parent"] == "2.7"
    assert items["8.1-m1"]["type"] == "number" and items["8.1-m1"]["min"] == "0.40"


def test_subjects_add_list_search(tmp_path: Path) -> None:
    db = tmp_path / "q.db"
    sid = run_cli("subjects", "add", "--kind", "scale", "--set", "name=温泉农贸市场A-01号摊位计价秤",
                  "--set", "serial_no=XN2024001", "--set", "accuracy_class=III", "--set", "max=15000",
                  "--set", "e=5", "--set", "merchant=王记鲜肉", db=db, check=True).stdout.strip()
    assert len(sid) == 36
    found = cli_json("subjects", "list", "--search", "王记鲜", db=db)
    assert [s["id"] for s in found] == [sid]
    assert found[0]["data"]["max"] == "15000"
    assert cli_json("subjects", "list", "--kind", "elevator", db=db) == []


def test_import_complete_sign_show_list_verify_export(tmp_path: Path) -> None:
    db = tmp_path / "q.db"
    doc = {**_import_doc(fail={"2.5": "fail", "3.11": "not_tested"}), "supervised_use": True}
    iid = cli_json("inspections", "import", "-", "--complete", db=db, stdin=json.dumps(doc, ensure_ascii=False))["id"]
    shown = cli_json("inspections", "show", iid, db=db)
    assert shown["status"] == "completed" and shown["verdict"] == "合格"
    assert sorted(f["item_id"] for f in shown["findings"]) == ["2.5", "3.11"]
    items = {i["id"]: i for s in shown["sections"] for i in s["items"]}
    assert items["2.5"]["result"] == "fail" and items["8.1-m1"]["value"] == "0.46"

    # answering again re-opens it as a draft; one B failure turns the verdict
    cli_json("inspections", "answer", iid, "6.9(1)", "--result", "fail", "--note", "门锁啮合长度不足", db=db)
    assert cli_json("inspections", "show", iid, db=db)["status"] == "draft"
    assert cli_json("inspections", "complete", iid, db=db)["verdict"] == "不合格"
    cli_json("inspections", "answer", iid, "6.9(1)", "--result", "pass", db=db)
    assert cli_json("inspections", "complete", iid, "--supervised-use", "yes", db=db)["verdict"] == "合格"

    signed = cli_json("inspections", "sign", iid, "--inspector", "张伟", db=db)
    assert signed["status"] == "signed" and signed["certificate_no"] and len(signed["content_hash"]) == 64
    listed = cli_json("inspections", "list", "--status", "signed", db=db)
    assert [r["id"] for r in listed] == [iid] and listed[0]["subject_name"] == "嘉鱼县政务服务中心1号梯"

    refused = run_cli("inspections", "answer", iid, "2.5", "--result", "pass", db=db)
    assert refused.returncode != 0 and "signed" in refused.stderr and refused.stderr.count("\n") == 1
    assert cli_json("audit", "verify", db=db)["ok"] is True

    out = tmp_path / "x.csv"
    run_cli("export", "--format", "csv", "--out", str(out), db=db, check=True)
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert {r["item_id"] for r in rows} >= {"2.5", "8.1-m1"} and rows[0]["verdict"] == "合格"
    jl = tmp_path / "x.jsonl"
    run_cli("export", "--format", "jsonl", "--out", str(jl), db=db, check=True)
    lines = jl.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["certificate_no"] == signed["certificate_no"]


def test_demo_database_has_every_kind_and_state(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    cli_json("init", "--demo", db=db)
    rows = cli_json("inspections", "list", "--limit", "1000", db=db)
    assert {r["kind"] for r in rows} == {"elevator", "scale", "site"}
    assert {r["status"] for r in rows} == {"draft", "completed", "signed"}
    assert any("咸安区" in s["district"] for s in cli_json("subjects", "list", db=db))
    assert cli_json("audit", "verify", db=db)["ok"] is True


def test_python_dash_m_and_help(tmp_path: Path) -> None:
    proc = run_cli("--help")
    assert proc.returncode == 0
    for command in ("init", "templates", "subjects", "inspections", "audit", "export"):
        assert command in proc.stdout
