"""The local store: migrations, evidence rules, search and the audit chain."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from qcity_desktop.errors import EnvironmentProblem, StateError
from qcity_desktop.store import open_store
from qcity_desktop.store.migrations import latest_version

SYNCED = ("subjects", "templates", "inspections", "answers", "measurements", "attachments", "signatures", "findings")


def _elevator(store, name="温泉花园小区3栋1号梯", **extra):
    sid, _ = store.subjects.add("elevator", {"name": name, "address": "咸安区温泉路88号", "district": "咸安区",
                                             "registration_code": "31104212012011000123", "user_unit": "温泉物业", **extra})
    return sid


def _passing_2009(store, sid, c_failures=(), b_failures=()):
    iid = store.inspections.create(sid, "elevator-t7001-2009", inspectors=["张伟"])
    t = store.inspections.template_of(store.inspections.row(iid))
    for item in t.leaves():
        if item.type == "result":
            top = item.parent or item.id
            bad = top in c_failures or top in b_failures
            store.inspections.answer(iid, item.id, result="fail" if bad else "pass")
    return iid


def test_new_database_is_migrated_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    store = open_store(tmp_path / "a.db")
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == latest_version()
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    for table in SYNCED:
        cols = {r[1] for r in store.conn.execute(f"PRAGMA table_info({table})")}
        assert {"id", "created_at", "updated_at", "device_id", "rev"} <= cols, table


def test_reopening_keeps_device_id_and_data(tmp_path: Path) -> None:
    store = open_store(tmp_path / "a.db")
    sid = _elevator(store)
    device = store.device_id
    store.close()
    again = open_store(tmp_path / "a.db")
    assert again.device_id == device
    assert again.subjects.get(sid)["name"] == "温泉花园小区3栋1号梯"


def test_newer_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    store = open_store(path)
    store.conn.execute(f"PRAGMA user_version = {latest_version() + 1}")
    store.conn.execute("PRAGMA journal_mode = DELETE")
    store.close()
    before = path.read_bytes()
    with pytest.raises(EnvironmentProblem, match="newer QCity Inspector"):
        open_store(path)
    assert path.read_bytes() == before
    assert not Path(str(path) + "-wal").exists()


def test_not_a_database_and_foreign_database_are_refused(tmp_path: Path) -> None:
    junk = tmp_path / "notes.db"
    junk.write_text("这不是数据库" * 100, encoding="utf-8")
    with pytest.raises(EnvironmentProblem, match="not a SQLite database"):
        open_store(junk)
    other = tmp_path / "other.db"
    c = sqlite3.connect(other)
    c.execute("CREATE TABLE x(a)")
    c.commit()
    c.close()
    with pytest.raises(EnvironmentProblem, match="not a QCity Inspector database"):
        open_store(other)


def test_migrations_upgrade_an_old_file_step_by_step(tmp_path: Path) -> None:
    """A file at schema 1 (first release) opens and is upgraded with its data intact."""
    path = tmp_path / "v1.db"
    conn = sqlite3.connect(path)
    sql = (Path(__file__).resolve().parent.parent / "db" / "0001_init.sql").read_text(encoding="utf-8")
    conn.executescript(sql + "\nPRAGMA user_version = 1;")
    conn.execute("INSERT INTO meta VALUES ('device_id', 'dev-1')")
    conn.execute("INSERT INTO subjects(id, kind, name, created_at, updated_at, device_id) "
                 "VALUES ('s1', 'scale', '旧秤', 'x', 'x', 'dev-1')")
    conn.commit()
    conn.close()
    store = open_store(path)
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == latest_version()
    assert store.subjects.get("s1")["name"] == "旧秤"
    assert store.device_id == "dev-1"


def test_full_text_search_finds_chinese_substrings_and_codes(tmp_path: Path) -> None:
    store = open_store(tmp_path / "a.db")
    a = _elevator(store)
    b = _elevator(store, name="赤壁市人民商场货梯", address="赤壁市人民路15号", district="赤壁市",
                  registration_code="31204212009050000031", user_unit="人民商场")
    assert [s["id"] for s in store.subjects.list(search="温泉路")] == [a]
    assert [s["id"] for s in store.subjects.list(search="赤壁")] == [b]          # 2 chars: LIKE fallback
    assert [s["id"] for s in store.subjects.list(search="2009050000")] == [b]     # code substring
    assert [s["id"] for s in store.subjects.list(search="人民 商场")] == [b]
    store.subjects.update(b, {"address": "赤壁市蒲圻街道"})
    assert store.subjects.list(search="人民路") == []                             # triggers keep FTS current
    assert [s["id"] for s in store.subjects.list(search="蒲圻街道")] == [b]


def test_signed_inspection_cannot_change_by_any_path(tmp_path: Path) -> None:
    store = open_store(tmp_path / "a.db")
    iid = _passing_2009(store, _elevator(store))
    store.inspections.complete(iid)
    info = store.inspections.sign(iid, "张伟")
    assert info["certificate_no"] and info["report_no"]
    with pytest.raises(StateError):
        store.inspections.answer(iid, "2.5", result="fail")
    with pytest.raises(StateError):
        store.attachments.add(iid, b"\x89PNG fake", "image/png")
    with pytest.raises(StateError):
        store.inspections.complete(iid)
    for sql in ("UPDATE inspections SET verdict = '不合格' WHERE id = ?",
                "DELETE FROM inspections WHERE id = ?",
                "UPDATE answers SET result = 'fail' WHERE inspection_id = ?",
                "DELETE FROM answers WHERE inspection_id = ?"):
        with pytest.raises(sqlite3.IntegrityError, match="immutable"):
            store.conn.execute(sql, (iid,))
    assert store.inspections.row(iid)["verdict"] == "合格"
    assert store.audit.verify().ok


def test_audit_verify_names_the_first_broken_link(tmp_path: Path) -> None:
    store = open_store(tmp_path / "a.db")
    iid = _passing_2009(store, _elevator(store))
    store.inspections.complete(iid)
    store.inspections.sign(iid, "张伟")
    assert store.audit.verify().ok
    # Someone bypasses the app: drops the trigger and edits a signed answer.
    store.conn.execute("DROP TRIGGER answers_signed_no_update")
    store.conn.execute("UPDATE answers SET result = 'fail' WHERE inspection_id = ? AND item_id = '2.5'", (iid,))
    result = store.audit.verify()
    assert not result.ok
    sign_seq = store.conn.execute("SELECT seq FROM audit_log WHERE action = 'sign'").fetchone()[0]
    assert result.broken_at == sign_seq
    assert "changed after signing" in result.reason


def test_audit_log_is_append_only(tmp_path: Path) -> None:
    store = open_store(tmp_path / "a.db")
    _elevator(store)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.conn.execute("DELETE FROM audit_log")
    store.conn.execute("DROP TRIGGER audit_log_no_update")
    store.conn.execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = 1")
    bad = store.audit.verify()
    assert not bad.ok and bad.broken_at == 1


def test_photos_are_stored_once_by_content_hash(tmp_path: Path) -> None:
    store = open_store(tmp_path / "a.db")
    iid = store.inspections.create(_elevator(store), "elevator-t7001-2009")
    photo = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40
    store.attachments.add(iid, photo, "image/jpeg", item_id="2.5", filename="a.jpg")
    store.attachments.add(iid, photo, "image/jpeg", item_id="3.11", filename="b.jpg")
    assert store.conn.execute("SELECT count(*) FROM blobs").fetchone()[0] == 1
    assert len(store.attachments.for_inspection(iid)) == 2


def test_failed_c_items_become_findings_with_deadlines(tmp_path: Path) -> None:
    store = open_store(tmp_path / "a.db")
    iid = _passing_2009(store, _elevator(store), c_failures=("2.5", "3.11"))
    result = store.inspections.complete(iid, supervised_use=True)
    assert result.verdict == "合格"
    findings = store.findings.for_inspection(iid)
    assert sorted(f["item_id"] for f in findings) == ["2.5", "3.11"]
    assert all(f["deadline"] and f["status"] == "open" for f in findings)
    assert "监护使用" in store.inspections.document(iid)["evaluation"]["remarks"][0]
    assert store.inspections.row(iid)["remark"] == ""        # the inspector's own remark stays theirs
    # the inspector agrees a deadline with the site; fixing one answer and completing again
    # drops that item's finding and keeps the agreed deadline of the other
    other = next(f for f in findings if f["item_id"] == "3.11")
    store.findings.set_deadline(other["id"], "2027-01-15")
    store.inspections.answer(iid, "2.5", result="pass")
    store.inspections.complete(iid, supervised_use=True)
    assert [(f["item_id"], f["deadline"]) for f in store.findings.for_inspection(iid)] == [("3.11", "2027-01-15")]


def test_completing_with_unanswered_required_items_is_refused(tmp_path: Path) -> None:
    store = open_store(tmp_path / "a.db")
    iid = store.inspections.create(_elevator(store), "elevator-t7001-2009")
    store.inspections.answer(iid, "2.5", result="pass")
    with pytest.raises(StateError, match="required item"):
        store.inspections.complete(iid)
    assert store.inspections.row(iid)["status"] == "draft"


def test_site_check_completes_with_only_the_sub_tables_the_site_has(tmp_path: Path) -> None:
    """A site without cranes or hoists scores only the JGJ 59 tables it started; a started table must be whole."""
    store = open_store(tmp_path / "a.db")
    sid, _ = store.subjects.add("site", {"name": "咸宁高新区光谷南科技城二期", "contractor": "中建三局"})
    iid = store.inspections.create(sid, "site-jgj59-2011", inspectors=["王磊"])
    t = store.inspections.template_of(store.inspections.row(iid))
    for item in t.section_items("B.1"):
        store.inspections.answer(iid, item.id, result="pass", deduction="0")
    store.inspections.answer(iid, "B.2-1", result="pass", deduction="0")    # B.2 started, not finished
    with pytest.raises(StateError, match="B.2-2"):
        store.inspections.complete(iid)
    for item in t.section_items("B.2")[1:]:
        store.inspections.answer(iid, item.id, result="pass", deduction="0")
    store.inspections.answer(iid, "B.2-3", result="fail", deduction="4")
    result = store.inspections.complete(iid)
    # B.1 = 100 (weight 10), B.2 = 96 (weight 15): (10 + 14.4) / 25 × 100 = 97.6
    assert result.score == Decimal("97.60") and result.grade == "优良"
    assert [f["item_id"] for f in store.findings.for_inspection(iid)] == ["B.2-3"]


def test_signed_evaluation_is_the_one_made_at_completion(tmp_path: Path) -> None:
    """Editing the subject's record after signing must not re-judge the signed report."""
    store = open_store(tmp_path / "a.db")
    sid = _elevator(store)
    iid = _passing_2009(store, sid, c_failures=("2.5",))
    store.inspections.set_remark(iid, "使用单位承诺一周内更换机房照明")
    store.inspections.complete(iid, supervised_use=True)
    store.inspections.sign(iid, "张伟")
    before = store.inspections.document(iid)
    store.subjects.update(sid, {"regime": "2023", "manufacture_date": "1999-01-01"})
    after = store.inspections.document(iid)
    assert after["evaluation"] == before["evaluation"]
    assert after["remark"] == "使用单位承诺一周内更换机房照明"
    assert "监护使用" in after["evaluation"]["remarks"][0]
    assert store.audit.verify().ok


def test_two_programs_opening_a_new_file_at_once_both_succeed(tmp_path: Path) -> None:
    """The app and the CLI started together on a fresh file must not both run migration 0001."""
    import subprocess
    import sys

    path = tmp_path / "race.db"
    code = ("import sys; from qcity_desktop.store import open_store; "
            "s = open_store(sys.argv[1]); print(s.conn.execute('PRAGMA user_version').fetchone()[0])")
    root = Path(__file__).resolve().parent.parent
    procs = [subprocess.Popen([sys.executable, "-c", code, str(path)], cwd=root, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(4)]
    outs = [p.communicate(timeout=60) for p in procs]
    assert all(p.returncode == 0 for p in procs), [o[1] for o in outs]
    assert {o[0].strip() for o in outs} == {str(latest_version())}
