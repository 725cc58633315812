"""Devices syncing with a real hub process over HTTP on 127.0.0.1 — on SQLite and on PostgreSQL.

What a bureau cares about: everything an inspector recorded arrives exactly once, whatever
breaks in between; two people editing the same registry entry both keep their work; signed
evidence never changes; each inspector sees only what they should.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from test_sync_support import (
    BACKENDS,
    HubProcess,
    device_blob_hashes,
    device_rows,
    hub_on,
    same_rows,
)

from qcity_desktop.demo import seed_demo
from qcity_desktop.store import open_store
from qcity_desktop.store.sync_state import SyncState
from qcity_desktop.sync.client import HubRefused
from qcity_desktop.sync.engine import sync


@pytest.fixture(params=BACKENDS)
def hub(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[HubProcess]:
    yield from hub_on(request.param, tmp_path)


def _own_rows(store) -> dict:
    return device_rows(store)


def test_a_device_s_work_arrives_once_and_a_supervisor_gets_all_of_it(hub: HubProcess, tmp_path: Path) -> None:
    ann = hub.add_user("ann", "inspector")
    sue = hub.add_user("sue", "supervisor")
    a = open_store(tmp_path / "a.db")
    seed_demo(a)
    waiting = SyncState(a).pending()["rows"]
    first = sync(a, hub.url, ann)
    assert first.pushed == waiting > 100 and first.blobs_up > 0 and first.refused == 0
    again = sync(a, hub.url, ann)
    assert (again.pushed, again.pulled, again.blobs_up) == (0, 0, 0)   # nothing to do is nothing done
    assert same_rows(_own_rows(a), hub.rows()) == []
    assert device_blob_hashes(a) == hub.blob_hashes()

    s = open_store(tmp_path / "s.db")
    got = sync(s, hub.url, sue)
    assert got.pulled == len(hub.rows(packed=True)) and got.waiting == 0
    assert same_rows(device_rows(s), device_rows(a)) == []
    assert device_blob_hashes(s) == device_blob_hashes(a)
    # Signed evidence arrives intact: each signed inspection's content still hashes to its signature.
    signed = [r[0] for r in s.conn.execute("SELECT id FROM inspections WHERE status = 'signed'")]
    assert signed
    for iid in signed:
        assert s.inspections.content_hash(iid) == s.inspections.row(iid)["content_hash"]


def test_two_devices_editing_the_same_registry_keep_both_edits(hub: HubProcess, tmp_path: Path) -> None:
    ann, bob = hub.add_user("ann", "inspector"), hub.add_user("bob", "inspector")
    a, b = open_store(tmp_path / "a.db"), open_store(tmp_path / "b.db")
    sid, _ = a.subjects.add("elevator", {"name": "温泉花园3栋1号梯", "address": "温泉路88号", "user_unit": "温泉物业"})
    sync(a, hub.url, ann)
    sync(b, hub.url, bob)
    assert b.subjects.get(sid)["name"] == "温泉花园3栋1号梯"

    # Different fields: both edits survive, no conflict to report.
    a.subjects.update(sid, {"address": "温泉路88号3栋"})
    b.subjects.update(sid, {"user_unit": "咸宁温泉物业公司"})
    sync(a, hub.url, ann)
    rb = sync(b, hub.url, bob)
    sync(a, hub.url, ann)
    for store in (a, b):
        subject = store.subjects.get(sid)
        assert subject["address"] == "温泉路88号3栋"
        assert subject["data"]["user_unit"] == "咸宁温泉物业公司"
    assert rb.conflicts == [] or all(c["kind"] != "refused" for c in rb.conflicts)

    # The same field: the later writer (hybrid logical clock) wins and the loser is told.
    b.subjects.update(sid, {"name": "温泉花园3栋1号梯（旧）"})
    time.sleep(0.005)   # a later millisecond (within one, the device id breaks the tie)
    a.subjects.update(sid, {"name": "温泉花园小区3栋1单元1号梯"})
    sync(b, hub.url, bob)
    ra = sync(a, hub.url, ann)
    sync(b, hub.url, bob)
    assert a.subjects.get(sid)["name"] == b.subjects.get(sid)["name"] == "温泉花园小区3栋1单元1号梯"
    reported = [c for c in ra.conflicts if c["row_id"] == sid]
    assert reported and "name" in reported[0]["fields"]
    assert SyncState(a).conflicts()[0]["row_id"] == sid           # kept for the Sync page
    assert same_rows(device_rows(a), device_rows(b)) == []


def test_inspectors_see_their_own_inspections_supervisors_see_all_templates_flow_down(
        hub: HubProcess, tmp_path: Path) -> None:
    ann, bob, sue = hub.add_user("ann", "inspector"), hub.add_user("bob", "inspector"), hub.add_user("sue", "supervisor")
    a, b, s = (open_store(tmp_path / f"{n}.db") for n in "abs")
    seed_demo(a)
    sync(a, hub.url, ann)
    sync(b, hub.url, bob)
    assert b.subjects.count() == a.subjects.count()                  # the registry is everyone's
    assert b.conn.execute("SELECT count(*) FROM inspections").fetchone()[0] == 0   # ann's work is not

    template = {"id": "scale-spot-check@1", "template_id": "scale-spot-check", "version": 1,
                "body": json.dumps({"id": "scale-spot-check", "version": 1}), **s.sync_fields()}
    with s.transaction():
        s.insert("templates", template)
    sync(s, hub.url, sue)
    sync(b, hub.url, bob)
    assert b.conn.execute("SELECT body FROM templates WHERE id = 'scale-spot-check@1'").fetchone() is not None
    assert s.conn.execute("SELECT count(*) FROM inspections").fetchone()[0] == a.conn.execute(
        "SELECT count(*) FROM inspections").fetchone()[0]

    with b.transaction():   # an inspector may not publish templates
        b.insert("templates", {**template, "id": "rogue@1", "template_id": "rogue", "body": "{}",
                               **b.sync_fields()})
    res = sync(b, hub.url, bob)
    assert res.refused == 1 and "supervisors" in res.conflicts[0]["detail"]
    assert ("templates", "rogue@1") not in hub.rows()


def test_a_different_version_of_a_signed_inspection_is_refused_and_reported(hub: HubProcess, tmp_path: Path) -> None:
    ann = hub.add_user("ann", "inspector")
    a1, a2 = open_store(tmp_path / "a1.db"), open_store(tmp_path / "a2.db")   # ann's laptop and tablet
    seed_demo(a1)
    sync(a1, hub.url, ann)
    sync(a2, hub.url, ann)
    iid = a2.conn.execute("SELECT id FROM inspections WHERE status = 'completed' ORDER BY id").fetchone()[0]
    # Both sign the same completed inspection while offline, with different remarks.
    a1.inspections.set_remark(iid, "铅封完好")
    a1.inspections.complete(iid)
    a1.inspections.sign(iid, "刘洋")
    a2.inspections.set_remark(iid, "铅封缺失，已责令整改")
    a2.inspections.complete(iid)
    a2.inspections.sign(iid, "刘洋")
    signed = {1: a1.inspections.row(iid), 2: a2.inspections.row(iid)}
    assert signed[1]["content_hash"] != signed[2]["content_hash"]
    sync(a1, hub.url, ann)
    res = sync(a2, hub.url, ann)
    refused = [c for c in res.conflicts if c["kind"] == "refused"]
    assert refused and any("signed" in c["detail"] for c in refused)
    assert SyncState(a2).conflicts()                            # kept for the Sync page
    on_hub = hub.rows()[("inspections", iid)]
    assert on_hub["content_hash"] == signed[1]["content_hash"]
    assert a2.inspections.row(iid)["content_hash"] == signed[2]["content_hash"]   # a2's own evidence untouched
    assert a2.audit.verify().ok

    # The raw API refuses it too, with a reason, whoever sends it.
    body = {**on_hub, "remark": "改过的"}
    resp = httpx.post(f"{hub.url}/v1/push", headers={"Authorization": f"Bearer {ann}"}, json={
        "device_id": a1.device_id, "changes": [{"t": "inspections", "id": iid, "hlc": "009999999999999.000000000",
                                                "body": body}]})
    assert resp.status_code == 200
    assert resp.json()["results"][0]["status"] == "refused"
    assert hub.rows()[("inspections", iid)]["remark"] == on_hub["remark"]


def test_report_numbers_stay_unique_across_devices(hub: HubProcess, tmp_path: Path) -> None:
    ann, bob = hub.add_user("ann", "inspector"), hub.add_user("bob", "inspector")
    a, b = open_store(tmp_path / "a.db"), open_store(tmp_path / "b.db")
    for store in (a, b):   # both laptops were set up by hand with the same numbering code
        with store.transaction():
            store.meta_set("numbering.device_code", "AAAA")
    sync(a, hub.url, ann)
    sync(b, hub.url, bob)
    codes = {a.meta_get("numbering.device_code"), b.meta_get("numbering.device_code")}
    assert len(codes) == 2                                     # the hub gave the second one a free code
    seed_demo(a)
    seed_demo(b)
    sync(a, hub.url, ann)
    res = sync(b, hub.url, bob)
    assert res.refused == 0
    numbers = [r["report_no"] for r in hub.rows().values() if r.get("report_no")]
    assert numbers and len(numbers) == len(set(numbers))


def test_wrong_or_expired_token_is_refused(hub: HubProcess, tmp_path: Path) -> None:
    def yesterday() -> str:
        return (datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%d")

    days = {yesterday()}
    expired = hub.add_user("old", "inspector", days=-1)
    days.add(yesterday())
    a = open_store(tmp_path / "a.db")
    seed_demo(a)
    before = SyncState(a).pending()
    with pytest.raises(HubRefused, match="unknown token") as wrong:
        sync(a, hub.url, "qct_not-a-real-token")
    assert wrong.value.code == "token"
    with pytest.raises(HubRefused, match="expired") as late:
        sync(a, hub.url, expired)
    assert late.value.code == "token_expired" and late.value.info["date"] in days   # what the desktop words
    assert SyncState(a).pending() == before                    # nothing lost, nothing marked as sent
    resp = httpx.get(f"{hub.url}/v1/changes", params={"device": "x"})
    assert resp.status_code == 401


def test_two_devices_answering_the_same_item_end_with_one_answer(hub: HubProcess, tmp_path: Path) -> None:
    """Same inspector, laptop and tablet, both answer item X of one draft offline: one answer survives (the
    later one), both devices agree, and the hub holds a single row for that item."""
    ann = hub.add_user("ann", "inspector")
    a1, a2 = open_store(tmp_path / "a1.db"), open_store(tmp_path / "a2.db")
    sid, _ = a1.subjects.add("elevator", {"name": "温泉花园3栋1号梯", "regime": "2009"})
    iid = a1.inspections.create(sid, "elevator-t7001-2009", inspectors=["张伟"])
    sync(a1, hub.url, ann)
    sync(a2, hub.url, ann)
    template = a1.inspections.template_of(a1.inspections.row(iid))
    item = next(i for i in template.leaves() if i.type == "result")
    a1.inspections.answer(iid, item.id, result="pass", note="笔记本")
    time.sleep(0.005)
    a2.inspections.answer(iid, item.id, result="fail", note="平板：门锁损坏")     # the later answer
    sync(a1, hub.url, ann)
    res = sync(a2, hub.url, ann)
    # Reported as a conflict on that item's fields, decided for the later writer (the tablet).
    clash = [c for c in res.conflicts if c["table"] == "answer_sets" and c["row_id"] == iid]
    assert clash and clash[0]["kind"] == "lww", res.conflicts
    assert set(clash[0]["fields"]) == {f"items.{item.id}.result", f"items.{item.id}.note"}
    sync(a1, hub.url, ann)
    for store in (a1, a2):
        rows = store.query("SELECT id, result, note FROM answers WHERE inspection_id = ? AND item_id = ?", (iid, item.id))
        assert len(rows) == 1 and rows[0]["result"] == "fail" and rows[0]["note"] == "平板：门锁损坏"
    on_hub = [b for (t, _), b in hub.rows().items() if t == "answers" and b["item_id"] == item.id]
    assert len(on_hub) == 1 and on_hub[0]["result"] == "fail"
    assert same_rows(device_rows(a1), device_rows(a2)) == []


def test_a_photo_removed_from_a_draft_disappears_everywhere(hub: HubProcess, tmp_path: Path) -> None:
    ann, sue = hub.add_user("ann", "inspector"), hub.add_user("sue", "supervisor")
    a, s = open_store(tmp_path / "a.db"), open_store(tmp_path / "s.db")
    sid, _ = a.subjects.add("elevator", {"name": "温泉花园3栋1号梯"})
    iid = a.inspections.create(sid, "elevator-t7001-2009", inspectors=["张伟"])
    keep = a.attachments.add(iid, b"\xff\xd8 photo one", "image/jpeg", filename="1.jpg")
    drop = a.attachments.add(iid, b"\xff\xd8 photo two", "image/jpeg", filename="2.jpg")
    sync(a, hub.url, ann)
    sync(s, hub.url, sue)
    assert {r["id"] for r in s.attachments.for_inspection(iid)} == {keep, drop}
    a.attachments.remove(drop)
    sync(a, hub.url, ann)
    sync(s, hub.url, sue)
    assert {r["id"] for r in s.attachments.for_inspection(iid)} == {keep}
    assert ("attachments", drop) not in hub.rows()
    assert same_rows(device_rows(a), device_rows(s)) == []


def test_the_cli_shows_a_progress_line_on_a_terminal_and_nothing_in_a_pipe(hub: HubProcess, tmp_path: Path) -> None:
    import os
    import pty
    import re
    import subprocess
    import sys
    import threading

    from test_sync_support import ROOT, env, run_sync_cli

    token = hub.add_user("ann", "inspector")
    for name in ("tty.db", "pipe.db"):
        seed_demo(open_store(tmp_path / name))
    master, slave = pty.openpty()
    seen: list[bytes] = []

    def read() -> None:
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:        # the terminal's other end is gone
                return
            if not chunk:
                return
            seen.append(chunk)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    proc = subprocess.Popen([sys.executable, "-m", "qcity_desktop", "--db", str(tmp_path / "tty.db"), "sync",
                             "--hub", hub.url, "--token", token], stdout=subprocess.PIPE, stderr=slave, env=env(),
                            cwd=ROOT)
    os.close(slave)
    out = proc.communicate(timeout=180)[0].decode()
    reader.join(10)
    os.close(master)
    text = b"".join(seen).decode("utf-8", "replace")
    assert proc.returncode == 0 and "已推送" in out
    assert "上传更改和照片 sending changes and photos" in text
    assert re.search(r"[\d.]+/[\d.]+ MB \(\d+%\)", text)
    last = text.rsplit("\r", 2)
    assert text.endswith("\r") and last[-2].strip() == "" and len(last[-2]) >= 20   # blanked before the result
    assert "\x1b" not in text                        # no escape codes (a Windows console prints them as they are)

    piped = run_sync_cli(tmp_path / "pipe.db", hub.url, token)
    assert piped.returncode == 0 and piped.stderr == ""   # logs and scripts get no terminal codes


def test_the_progress_counts_photo_bytes_too_and_only_moves_forward(hub: HubProcess, tmp_path: Path) -> None:
    """A first sync with photos: one total (changes and photo bytes, in KiB) from the start, never going back,
    ending full — the bar no longer stalls while the photos go up."""
    from test_sync_support import demo_with_photos

    token = hub.add_user("ann", "inspector")
    a = demo_with_photos(tmp_path / "a.db", 4, 1024 * 1024, seed=11)
    pending = SyncState(a).pending()
    photo_bytes = a.query("SELECT sum(size) AS s FROM blobs")[0]["s"]
    seen: list[tuple[str, int, int]] = []
    sync(a, hub.url, token, progress=lambda phase, done, total: seen.append((phase, done, total)))
    upload = [(d, t) for p, d, t in seen if p == "upload"]
    assert upload and {t for _, t in upload} == {(pending["rows"] * 4096 + photo_bytes) // 1024}
    done = [d for d, _ in upload]
    assert done == sorted(done) and done[-1] == upload[-1][1]
    assert len(set(done)) > 2                         # it moved in steps, not only at the start and the end
    assert not [p for p, _, _ in seen if p == "push"]  # one phase while photos go up: no flicker between two
