"""审核: a supervisor reviews signed inspections; reviews are append-only and only supervisors' reach the hub."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_stats import inspect, scale
from test_sync_support import BACKENDS, HubProcess, hub_on

from qcity_desktop.errors import InputError, StateError
from qcity_desktop.store import open_store
from qcity_desktop.sync.engine import sync

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(params=BACKENDS)
def hub(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[HubProcess]:
    yield from hub_on(request.param, tmp_path)


def test_reviews_are_for_signed_inspections_and_never_change(tmp_path: Path) -> None:
    store = open_store(tmp_path / "r.db")
    sid = scale(store, "A 王记鲜肉", "咸安区")
    signed = inspect(store, sid, "2026-11-02", fail=False)
    draft = inspect(store, sid, "2026-11-03", fail=False, sign=False)
    assert [r["id"] for r in store.reviews.pending()] == [signed]
    with pytest.raises(StateError, match="only signed"):
        store.reviews.add(draft, "approved", "赵科长")
    with pytest.raises(InputError, match="reason"):
        store.reviews.add(signed, "returned", "赵科长", "  ")
    with pytest.raises(InputError, match="reviewer"):
        store.reviews.add(signed, "approved", "")
    first = store.reviews.add(signed, "returned", "赵科长", "检定证书照片不清晰，请补拍")
    second = store.reviews.add(signed, "approved", "赵科长", "已补充")
    assert store.reviews.latest(signed)["id"] == second["id"] and store.reviews.pending() == []
    assert [r["decision"] for r in store.reviews.for_inspection(signed)] == ["returned", "approved"]
    for sql in ("UPDATE reviews SET comment = '改写'", "DELETE FROM reviews"):
        with pytest.raises(sqlite3.IntegrityError, match="never"):
            store.conn.execute(sql)
    assert store.reviews.for_inspection(signed)[0]["comment"] == first["comment"]
    # the signed record itself is untouched, and the audit log has both reviews
    assert store.inspections.content_hash(signed) == store.inspections.row(signed)["content_hash"]
    assert store.conn.execute("SELECT count(*) FROM audit_log WHERE action = 'review'").fetchone()[0] == 2


def test_a_supervisors_review_reaches_the_inspector_and_an_inspectors_is_refused(hub: HubProcess, tmp_path: Path) -> None:
    ann, sue = hub.add_user("ann", "inspector"), hub.add_user("sue", "supervisor")
    a, s = open_store(tmp_path / "a.db"), open_store(tmp_path / "s.db")
    signed = inspect(a, scale(a, "B 李家水产", "咸安区"), "2026-11-05", fail=True)
    assert sync(a, hub.url, ann).refused == 0
    assert sync(s, hub.url, sue).waiting == 0
    review = s.reviews.add(signed, "returned", "苏主任", "整改期限过长，请与商户重新约定")
    res = sync(s, hub.url, sue)
    assert res.refused == 0 and not res.conflicts, res.conflicts
    got = sync(a, hub.url, ann)
    assert got.waiting == 0 and not got.conflicts, got.conflicts
    assert a.reviews.latest(signed)["comment"] == review["comment"]

    a.reviews.add(signed, "approved", "ann", "自己批准")       # an inspector cannot approve their own work
    res = sync(a, hub.url, ann)
    assert res.refused == 1 and res.conflicts[0]["table"] == "reviews"
    assert [r["decision"] for (tbl, _id), r in hub.rows().items() if tbl == "reviews"] == ["returned"]


def test_cli_review_and_queue(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    store = open_store(db)
    signed = inspect(store, scale(store, "C 张氏蔬菜", "赤壁市"), "2026-11-06", fail=False)
    store.close()

    def cli(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "qcity_desktop", "--db", str(db), "inspections", *argv],
                              cwd=ROOT, capture_output=True, text=True, timeout=120)

    assert [r["id"] for r in json.loads(cli("reviews", "--json").stdout)] == [signed]
    run = cli("review", signed, "--return", "--reviewer", "赵科长")
    assert run.returncode == 2 and "reason" in run.stderr and len(run.stderr.strip().splitlines()) == 1
    run = cli("review", signed, "--approve", "--reviewer", "赵科长", "--json")
    assert run.returncode == 0 and json.loads(run.stdout)["decision"] == "approved"
    assert json.loads(cli("reviews", "--json").stdout) == []
    assert "审核通过" in cli("reviews", signed).stdout
    run = cli("reviews", "no-such-id")
    assert run.returncode == 2 and "no inspection" in run.stderr


def test_an_approval_fills_the_reports_review_box(tmp_path: Path) -> None:
    import re

    from pdfminer.high_level import extract_text

    from qcity_desktop.reports import render_for_store

    store = open_store(tmp_path / "p.db")
    signed = inspect(store, scale(store, "D 刘记干货", "赤壁市"), "2026-11-07", fail=False)

    def text() -> str:
        return re.sub(r"\s+", "", extract_text(__import__("io").BytesIO(render_for_store(store, signed, "report"))))

    assert "钱主任" not in text()
    store.reviews.add(signed, "returned", "钱主任", "请补充秤的编号照片")
    assert "钱主任" not in text(), "a returned inspection has no one in its 审核 box"
    store.reviews.add(signed, "approved", "钱主任", "")
    assert "审核" in text() and "钱主任" in text()
    assert store.inspections.content_hash(signed) == store.inspections.row(signed)["content_hash"]


def test_a_returned_inspection_is_on_the_due_list_until_approved(tmp_path: Path) -> None:
    from datetime import date

    from qcity_desktop.store.due import due_items

    db = tmp_path / "d.db"
    store = open_store(db)
    signed = inspect(store, scale(store, "E 孙记粮油", "嘉鱼县"), "2026-11-08", fail=False)

    def returned() -> list:
        return [d for d in due_items(store, date(2026, 12, 31), 0) if d.what == "returned"]

    assert returned() == []
    store.reviews.add(signed, "returned", "钱主任", "秤的编号照片缺失")
    [item] = returned()
    assert (item.inspection_id, item.what_zh, item.subject_name) == (signed, "审核退回", "E 孙记粮油")
    assert "钱主任" in item.detail and "秤的编号照片缺失" in item.detail and item.days_left < 0
    run = subprocess.run([sys.executable, "-m", "qcity_desktop", "--db", str(db), "due", "--today", "2026-12-31",
                          "--json"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert [i["what"] for i in json.loads(run.stdout)["items"]].count("returned") == 1
    store.reviews.add(signed, "approved", "钱主任", "已补充")
    assert returned() == []
