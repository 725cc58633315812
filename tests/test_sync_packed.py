"""An inspection's answers travel as one packed set (sync protocol 2): what the inspector must not lose.

Packing is what lets one hub take 100 devices at once; these tests pin down that it changes
nothing an inspector could notice — a cleared answer stays cleared everywhere, two people who
answer different items of one draft both keep their answers, one item answered on two devices
ends with one answer — and that the hub's fast push route keeps the published error contract.
"""

from __future__ import annotations

import json
import socket
import uuid
from pathlib import Path

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_sync_support import HubProcess, database_before, device_rows, same_rows

from qcity_desktop.store import open_store
from qcity_desktop.store.sync_state import SyncState
from qcity_desktop.sync.engine import build_changes, sync
from qcity_desktop.sync.merge import three_way
from qcity_desktop.sync.protocol import (
    BY_NAME,
    as_items,
    canonical_body,
    encode_json,
    from_items,
    pack,
    unpack,
)


def _answer(item: str, result: str, rid: str | None = None, note: str = "") -> dict:
    return {"id": rid or f"id-{item}", "inspection_id": "i1", "item_id": item, "result": result, "note": note,
            "rev": 1, "updated_at": "t"}


def _set(*answers: dict) -> dict:
    return {"id": "i1", "items": {a["item_id"]: a for a in answers}}


def test_a_cleared_answer_stays_cleared_and_edits_of_other_items_merge() -> None:
    base = _set(_answer("1.1", "pass"), _answer("1.2", "pass"))
    local = _set(_answer("1.2", "pass"))                                   # this device cleared 1.1
    remote = _set(_answer("1.1", "pass"), _answer("1.2", "pass"), _answer("1.3", "fail"))  # hub: 1.3 answered
    m = three_way(base, local, remote, ("2", "a"), ("1", "b"))
    assert sorted(m.body["items"]) == ["1.2", "1.3"] and m.conflicts == []


def test_one_item_changed_on_both_sides_merges_field_by_field_and_reports_only_real_clashes() -> None:
    base = _set(_answer("1.1", "pass", note=""))
    local = _set(_answer("1.1", "fail", rid="laptop", note=""))
    remote = _set(_answer("1.1", "pass", rid="tablet", note="门锁已修"))
    m = three_way(base, local, remote, ("2", "a"), ("1", "b"))
    item = m.body["items"]["1.1"]
    assert (item["result"], item["note"]) == ("fail", "门锁已修")           # each side's own edit kept
    assert m.conflicts == [] and item["id"] == "laptop"                   # the row id follows the later writer
    without_base = three_way(None, local, remote, ("1", "a"), ("2", "b"))
    assert without_base.body["items"]["1.1"]["result"] == "pass" and without_base.body["items"]["1.1"]["id"] == "tablet"
    assert without_base.conflicts == ["items.1.1.note", "items.1.1.result"]


answer_sets = st.dictionaries(st.sampled_from(["1.1", "1.2", "2.1"]),
                              st.sampled_from(["pass", "fail", "na"]), max_size=3)


@given(base=answer_sets, local=answer_sets, remote=answer_sets, local_later=st.booleans())
@settings(max_examples=300, deadline=None)
def test_set_merge_agrees_from_both_sides_and_keeps_every_one_sided_change(base, local, remote, local_later) -> None:
    def as_set(d: dict) -> dict:
        return _set(*[_answer(k, v) for k, v in d.items()])

    ls, rs = (("2", "a"), ("1", "b")) if local_later else (("1", "a"), ("2", "b"))
    m = three_way(as_set(base), as_set(local), as_set(remote), ls, rs)
    swapped = three_way(as_set(base), as_set(remote), as_set(local), rs, ls)
    got = {k: v["result"] for k, v in m.body["items"].items()}
    assert got == {k: v["result"] for k, v in swapped.body["items"].items()}
    for k in set(base) | set(local) | set(remote):
        lv, rv, bv = local.get(k), remote.get(k), base.get(k)
        if lv == bv:
            assert got.get(k) == rv           # only the hub side touched it (or nobody did)
        elif rv == bv:
            assert got.get(k) == lv           # only this device touched it: kept, a removal included


rows = st.dictionaries(st.text(min_size=1, max_size=5),
                       st.one_of(st.none(), st.integers(-2**63, 2**63 - 1), st.text(max_size=8),
                                 st.floats(allow_nan=False, allow_infinity=False)), max_size=6)


@given(rows)
@settings(max_examples=300, deadline=None)
def test_canonical_text_is_the_same_for_the_same_row_and_reads_back_to_it(row) -> None:
    reordered = dict(reversed(list(row.items())))
    text = canonical_body(row)
    assert text == canonical_body(reordered) and json.loads(text) == row
    assert canonical_body({"id": "s", "items": {"b": row, "a": reordered}}) == \
        canonical_body({"id": "s", "items": {"a": row, "b": reordered}})


def test_a_packed_set_reads_back_to_the_same_rows_and_packs_to_the_same_text_in_any_order() -> None:
    spec = BY_NAME["answer_sets"]
    rows = [_answer("2.1", "fail", note="门锁"), _answer("1.1", "pass"), _answer("10.3", "na")]
    body = pack(spec, "i1", rows)
    assert body["cols"] == sorted(body["cols"]) and [r["item_id"] for r in unpack(spec, body)] == ["1.1", "10.3", "2.1"]
    assert sorted(unpack(spec, body), key=lambda r: r["item_id"]) == sorted(rows, key=lambda r: r["item_id"])
    assert canonical_body(pack(spec, "i1", list(reversed(rows)))) == canonical_body(body)
    assert from_items(spec, as_items(spec, body)) == body
    # The inspection (and the device, when one wrote them all) travel once per set.
    assert body["same"] == {"inspection_id": "i1"} and body["cols"] == ["id", "item_id", "note", "result", "rev",
                                                                       "updated_at"]
    two_devices = [{**r, "device_id": f"d{n % 2}"} for n, r in enumerate(rows)]
    mixed = pack(spec, "i1", two_devices)
    assert "device_id" in mixed["cols"] and unpack(spec, mixed) == sorted(two_devices, key=lambda r: r["item_id"])


def test_answers_queue_their_inspection_s_set_and_a_push_carries_the_whole_set(tmp_path: Path) -> None:
    store = open_store(tmp_path / "a.db")
    sid, _ = store.subjects.add("elevator", {"name": "温泉花园3栋1号梯"})
    iid = store.inspections.create(sid, "elevator-t7001-2009", inspectors=["张伟"])
    items = [i.id for i in store.inspections.template_of(store.inspections.row(iid)).leaves() if i.type == "result"]
    for item in items[:3]:
        store.inspections.answer(iid, item, result="pass")
    store.inspections.clear_answer(iid, items[0])
    state = SyncState(store)
    queued = [r for r in store.conn.execute("SELECT tbl, row_id FROM sync_outbox")
              if r[0] in ("answers", "answer_sets")]
    assert queued == [("answer_sets", iid)]                    # three answers and a clear: one change
    changes, _, _ = build_changes(state, state.outbox(0, state.last_outbox_seq(), 100), store.device_id)
    packed = [c for c in changes if c and c["t"] == "answer_sets"]
    assert len(packed) == 1
    members = unpack(BY_NAME["answer_sets"], json.loads(encode_json(packed[0]["body"])))   # as the hub reads it
    assert sorted(m["item_id"] for m in members) == sorted(items[1:3])
    assert all(m["inspection_id"] == iid and m["result"] == "pass" for m in members)


def test_sets_made_by_sqlite_for_a_push_read_back_exactly_like_the_python_ones(tmp_path: Path) -> None:
    """The push splices SQLite's JSON text in unparsed: awkward text must survive it value for value."""
    store = open_store(tmp_path / "a.db")
    sid, _ = store.subjects.add("elevator", {"name": "温泉花园3栋1号梯"})
    iid = store.inspections.create(sid, "elevator-t7001-2009", inspectors=["张伟"])
    items = [i.id for i in store.inspections.template_of(store.inspections.row(iid)).leaves() if i.type == "result"]
    notes = ['引号"和\\反斜杠', "换行\n制表\t", "\u0001控制符", "emoji 🚪 and 𠀀", "", "  "]
    for item, note in zip(items, notes, strict=False):
        store.inspections.answer(iid, item, result="fail", note=note)
    empty = store.inspections.create(sid, "elevator-t7001-2009", inspectors=["张伟"])
    shared = store.inspections.create(sid, "elevator-t7001-2009", inspectors=["张伟"])   # answered on two devices
    for item in items[:3]:
        store.inspections.answer(shared, item, result="pass")
    with store.transaction():
        store.conn.execute("UPDATE answers SET device_id = 'tablet' WHERE inspection_id = ? AND item_id = ?",
                           (shared, items[1]))
    state = SyncState(store)
    spec = BY_NAME["answer_sets"]
    wire = state.packed_wire(spec, [iid, empty, shared, "gone"])
    plain = state.packed(spec, [iid, empty, shared, "gone"])
    assert set(wire) == set(plain) == {iid, empty, shared}
    assert "device_id" in wire[shared]["cols"] and "device_id" in wire[iid]["same"]
    for key in plain:
        assert json.loads(encode_json(wire[key])) == json.loads(json.dumps(plain[key]))
        assert len(wire[key]["rows"]) == len(plain[key]["rows"])
    assert {r["note"] for r in unpack(spec, json.loads(encode_json(wire[iid])))} == set(notes[:len(items)])


def test_answers_pending_before_the_upgrade_are_sent_as_sets(tmp_path: Path) -> None:
    db, conn = database_before(tmp_path, "0006")
    conn.execute("INSERT INTO meta VALUES ('device_id', 'dev-1')")
    conn.execute("INSERT INTO subjects(id, kind, name, created_at, updated_at, device_id) VALUES ('s', 'elevator', "
                 "'梯', 't', 't', 'dev-1')")
    for iid in ("i-a", "i-b"):
        conn.execute("INSERT INTO inspections(id, subject_id, kind, template_id, template_version, inspectors, "
                     "started_at, status, created_at, updated_at, device_id) VALUES (?, 's', 'elevator', "
                     "'elevator-t7001-2009', 1, '[]', 't', 'draft', 't', 't', 'dev-1')", (iid,))
    conn.execute("INSERT INTO answers(id, inspection_id, item_id, result, created_at, updated_at, device_id) "
                 "VALUES ('a1', 'i-a', '1.1', 'pass', 't', 't', 'dev-1')")
    assert ("answers", "a1") in {tuple(r) for r in conn.execute("SELECT tbl, row_id FROM sync_outbox")}
    conn.close()
    store = open_store(db)                                     # upgrades through 0006
    queued = {tuple(r) for r in store.conn.execute("SELECT tbl, row_id FROM sync_outbox")}
    assert ("answer_sets", "i-a") in queued and ("answer_sets", "i-b") not in queued
    assert not [q for q in queued if q[0] == "answers"]


@pytest.fixture
def hub(tmp_path: Path):
    proc = HubProcess(tmp_path / "hub")
    proc.start()
    yield proc
    proc.stop()


def test_clears_and_answers_from_two_devices_end_the_same_everywhere(hub: HubProcess, tmp_path: Path) -> None:
    ann = hub.add_user("ann", "inspector")
    a1, a2 = open_store(tmp_path / "a1.db"), open_store(tmp_path / "a2.db")
    sid, _ = a1.subjects.add("elevator", {"name": "温泉花园3栋1号梯"})
    iid = a1.inspections.create(sid, "elevator-t7001-2009", inspectors=["张伟"])
    items = [i.id for i in a1.inspections.template_of(a1.inspections.row(iid)).leaves() if i.type == "result"]
    for item in items[:4]:
        a1.inspections.answer(iid, item, result="pass")
    sync(a1, hub.url, ann)
    sync(a2, hub.url, ann)
    assert {r["item_id"] for r in a2.query("SELECT item_id FROM answers WHERE inspection_id = ?", (iid,))} == \
        set(items[:4])
    a1.inspections.clear_answer(iid, items[0])                 # the laptop clears one answer …
    a2.inspections.answer(iid, items[5], result="fail")        # … the tablet answers another item
    a2.inspections.answer(iid, items[1], result="na")          # … and changes one the laptop left alone
    r1 = sync(a1, hub.url, ann)
    r2 = sync(a2, hub.url, ann)
    sync(a1, hub.url, ann)
    assert not r1.conflicts and not r2.conflicts               # different items: nothing to report
    for store in (a1, a2):
        got = {r["item_id"]: r["result"] for r in store.query("SELECT item_id, result FROM answers "
                                                                  "WHERE inspection_id = ?", (iid,))}
        assert got == {items[1]: "na", items[2]: "pass", items[3]: "pass", items[5]: "fail"}
    assert same_rows(device_rows(a1), device_rows(a2)) == []
    assert same_rows({k: v for k, v in device_rows(a1).items() if k[0] == "answers"},
                     {k: v for k, v in hub.rows().items() if k[0] == "answers"}) == []
    for item in (items[1], items[2], items[3], items[5]):     # every answer cleared: an empty set travels too
        a2.inspections.clear_answer(iid, item)
    assert sync(a2, hub.url, ann).refused == 0
    sync(a1, hub.url, ann)
    assert a1.query("SELECT id FROM answers WHERE inspection_id = ?", (iid,)) == []


def test_the_fast_push_route_keeps_the_published_error_contract(hub: HubProcess) -> None:
    ann = hub.add_user("ann", "inspector")
    dev = str(uuid.uuid4())
    auth = {"Authorization": f"Bearer {ann}"}
    with httpx.Client(base_url=hub.url, timeout=30) as http:
        http.post("/v1/hello", json={"device_id": dev}, headers=auth).raise_for_status()
        no_token = http.post("/v1/push", json={"device_id": dev, "changes": []})
        assert no_token.status_code == 401 and no_token.headers["www-authenticate"] == "Bearer"
        assert "token" in no_token.json()["detail"]
        hlc = "000001700000000.000000000"
        smuggled = {"id": "i1", "cols": ["id", "inspection_id", "item_id"], "rows": [["a", "OTHER", "1.1"]]}
        bad = http.post("/v1/push", headers=auth, json={"device_id": dev, "changes": [
            {"t": "answer_sets", "id": "i1", "hlc": hlc, "body": smuggled}]})
        assert bad.status_code == 422 and "inspection_id differs" in bad.json()["detail"]
        sneaky = {"id": "i1", "same": {"inspection_id": "OTHER"}, "cols": ["id", "item_id"], "rows": [["a", "1.1"]]}
        via_same = http.post("/v1/push", headers=auth, json={"device_id": dev, "changes": [
            {"t": "answer_sets", "id": "i1", "hlc": hlc, "body": sneaky}]})
        assert via_same.status_code == 422 and "inspection_id differs" in via_same.json()["detail"]
        twice = {"id": "i1", "cols": ["id", "item_id"], "rows": [["a", "1.1"], ["b", "1.1"]]}
        repeated = http.post("/v1/push", headers=auth, json={"device_id": dev, "changes": [
            {"t": "answer_sets", "id": "i1", "hlc": hlc, "body": twice}]})
        assert repeated.status_code == 422 and "item_id missing or repeated" in repeated.json()["detail"]
        nested = http.post("/v1/push", headers=auth, json={"device_id": dev, "changes": [
            {"t": "subjects", "id": "s1", "hlc": hlc, "body": {"id": "s1", "name": {"x": 1}}}]})
        assert nested.status_code == 422 and "text, numbers or null" in nested.json()["detail"]
        broken = http.post("/v1/push", headers={**auth, "Content-Type": "application/json"}, content=b"{\"device")
        assert broken.status_code == 422 and broken.json()["detail"].startswith("bad push")
        with socket.create_connection(("127.0.0.1", hub.port), timeout=30) as raw:   # announces 1 TB, sends none
            raw.sendall(f"POST /v1/push HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {ann}\r\n"
                        f"Content-Length: {10**12}\r\n\r\n".encode())
            assert raw.recv(4096).split(b"\r\n", 1)[0].endswith(b"413 Request Entity Too Large")
        stranger = http.post("/v1/push", headers=auth, json={"device_id": "never-said-hello", "changes": []})
        assert stranger.status_code == 409 and "hello" in stranger.json()["detail"]
        ok = http.post("/v1/push", headers=auth, json={"device_id": dev, "changes": []})
        assert ok.status_code == 200 and ok.json()["results"] == []


def test_the_fast_photo_route_keeps_the_published_error_contract(hub: HubProcess) -> None:
    import hashlib

    ann = hub.add_user("ann", "inspector")
    auth = {"Authorization": f"Bearer {ann}", "Content-Type": "application/octet-stream"}
    data = b"\xff\xd8 a photo " * 500
    sha = hashlib.sha256(data).hexdigest()
    with httpx.Client(base_url=hub.url, timeout=30) as http:
        assert http.put(f"/v1/blobs/{sha}", params={"size": len(data)}, content=data).status_code == 401
        not_a_hash = http.put("/v1/blobs/abc", params={"size": 3}, content=b"abc", headers=auth)
        assert not_a_hash.status_code == 422                       # FastAPI's own validation answer
        no_size = http.put(f"/v1/blobs/{sha}", content=data, headers=auth)
        assert no_size.status_code == 422 and "size" in json.dumps(no_size.json()["detail"])
        wrong = http.put(f"/v1/blobs/{sha}", params={"size": 5}, content=b"12345", headers=auth)
        assert wrong.status_code == 422 and "hash to" in wrong.json()["detail"]
        gap = http.put(f"/v1/blobs/{sha}", params={"size": len(data), "offset": 100}, content=data[100:],
                       headers=auth)
        assert gap.status_code == 409 and gap.headers["upload-offset"] == "0"
        first = http.put(f"/v1/blobs/{sha}", params={"size": len(data)}, content=data[:1000], headers=auth)
        assert first.json() == {"sha256": sha, "complete": False, "offset": 1000}
        rest = http.put(f"/v1/blobs/{sha}", params={"size": len(data), "offset": 1000}, content=data[1000:],
                        headers=auth)
        assert rest.json() == {"sha256": sha, "complete": True, "offset": len(data)}
        assert http.get(f"/v1/blobs/{sha}", headers=auth).content == data
