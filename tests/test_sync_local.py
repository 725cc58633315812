"""The device side without a hub: change tracking, the clock, the merge rule, applying, the token store."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import keyring
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from keyring.backend import KeyringBackend
from keyring.backends import null
from test_sync_support import database_before

from qcity_desktop.demo import seed_demo
from qcity_desktop.store import open_store
from qcity_desktop.store.sync_state import SyncState
from qcity_desktop.sync import credentials
from qcity_desktop.sync.engine import build_changes
from qcity_desktop.sync.merge import three_way
from qcity_desktop.sync.protocol import META_COLUMNS, encode_json


def _outbox(store) -> list[tuple[str, str, str]]:
    return [tuple(r) for r in store.conn.execute("SELECT tbl, row_id, op FROM sync_outbox ORDER BY seq")]


def test_every_write_leaves_one_pending_change_per_row_in_write_order(tmp_path: Path) -> None:
    store = open_store(tmp_path / "a.db")
    sid, _ = store.subjects.add("scale", {"name": "温泉农贸市场A-01号摊位计价秤"})
    store.subjects.update(sid, {"address": "温泉路1号"})
    store.subjects.update(sid, {"address": "温泉路2号"})
    rows = [r for r in _outbox(store) if r[0] == "subjects"]
    assert rows == [("subjects", sid, "upsert")]                      # three writes, one change to send
    last = store.conn.execute("SELECT max(seq) FROM sync_outbox").fetchone()[0]
    assert store.conn.execute("SELECT seq FROM sync_outbox WHERE row_id = ?", (sid,)).fetchone()[0] >= last - 1
    with store.transaction():
        store.conn.execute("DELETE FROM subjects WHERE id = ?", (sid,))
    assert ("subjects", sid, "delete") in _outbox(store)
    # Writes made while applying the hub's changes are not echoed back.
    state = SyncState(store)
    with store.transaction():
        state._applying(True)
        store.conn.execute("INSERT INTO subjects(id, kind, name, created_at, updated_at, device_id) "
                           "VALUES ('from-hub', 'scale', 'x', 'a', 'a', 'hub')")
        state._applying(False)
    assert not [r for r in _outbox(store) if r[1] == "from-hub"]
    assert store.conn.execute("SELECT applying FROM sync_flags").fetchone()[0] == 0


def test_rows_written_before_the_sync_migration_are_pending_too(tmp_path: Path) -> None:
    db, conn = database_before(tmp_path, "0004")
    conn.execute("INSERT INTO subjects(id, kind, name, created_at, updated_at, device_id) "
                 "VALUES ('s-old', 'elevator', '老电梯', 't', 't', 'd')")
    conn.close()
    store = open_store(db)                                            # upgrades through 0004 and later
    assert ("subjects", "s-old", "upsert") in _outbox(store)


def test_the_clock_never_goes_back_and_follows_the_hub(tmp_path: Path) -> None:
    store = open_store(tmp_path / "a.db")
    stamps = []
    for n in range(50):                                               # many writes in the same millisecond
        store.subjects.add("scale", {"name": f"秤{n}"})
    stamps = [r[0] for r in store.conn.execute("SELECT hlc FROM sync_outbox ORDER BY seq")]
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)
    state = SyncState(store)
    future = f"{int(stamps[-1].split('.')[0]) + 3_600_000:015d}.000000005"
    state.observe_hlc(future)                                         # the hub has seen a later write
    sid, _ = store.subjects.add("scale", {"name": "之后的秤"})
    after = store.conn.execute("SELECT hlc FROM sync_outbox WHERE row_id = ?", (sid,)).fetchone()[0]
    assert after > future
    state.set_clock_offset(7_200_000)                                 # this laptop's clock is 2 h slow
    sid2, _ = store.subjects.add("scale", {"name": "校时后的秤"})
    later = store.conn.execute("SELECT hlc FROM sync_outbox WHERE row_id = ?", (sid2,)).fetchone()[0]
    assert int(later.split(".")[0]) >= int(stamps[-1].split(".")[0]) + 7_100_000


values = st.one_of(st.none(), st.integers(-5, 5), st.text(max_size=3))
rows = st.dictionaries(st.sampled_from(["name", "address", "owner", "rev", "updated_at"]), values, min_size=1)
stamps = st.tuples(st.text("0123456789", min_size=3, max_size=3), st.sampled_from(["dev-a", "dev-b"]))


@given(base=rows, local=rows, remote=rows, ls=stamps, rs=stamps)
@settings(max_examples=300, deadline=None)
def test_merge_is_order_independent_keeps_one_sided_edits_and_is_safe_to_repeat(base, local, remote, ls, rs) -> None:
    if ls == rs:
        rs = (rs[0], "dev-b" if rs[1] == "dev-a" else "dev-a")
    m = three_way(base, local, remote, ls, rs)
    swapped = three_way(base, remote, local, rs, ls)
    content = {k: v for k, v in (m.body or {}).items() if k not in META_COLUMNS}
    assert content == {k: v for k, v in (swapped.body or {}).items() if k not in META_COLUMNS}
    for k in set(local) | set(remote):
        if k in META_COLUMNS:
            continue
        if k in local and k in remote and local[k] == remote[k]:
            assert content[k] == local[k]
        elif k in base and k in local and k in remote and local[k] == base[k]:
            assert content[k] == remote[k] and k not in m.conflicts       # only the hub changed it
        elif k in base and k in local and k in remote and remote[k] == base[k]:
            assert content[k] == local[k] and k not in m.conflicts        # only this device changed it
    again = three_way(base, local, m.body, ls, max(ls, rs))              # a retried push of the same edit
    assert {k: v for k, v in (again.body or {}).items() if k not in META_COLUMNS} == content


def test_a_subject_s_data_json_merges_key_by_key() -> None:
    base = {"name": "梯", "data": json.dumps({"name": "梯", "address": "旧", "user_unit": "旧物业"}, ensure_ascii=False)}
    local = {"name": "梯", "data": json.dumps({"name": "梯", "address": "新", "user_unit": "旧物业"}, ensure_ascii=False)}
    remote = {"name": "梯", "data": json.dumps({"name": "梯", "address": "旧", "user_unit": "新物业"}, ensure_ascii=False)}
    m = three_way(base, local, remote, ("2", "a"), ("1", "b"))
    assert json.loads(m.body["data"]) == {"name": "梯", "address": "新", "user_unit": "新物业"}
    assert m.conflicts == []


def test_pulled_signed_inspection_is_applied_as_completed_children_then_signed(tmp_path: Path) -> None:
    """What the hub would send, fed straight into a second device's inbox (in the worst order)."""
    a, b = open_store(tmp_path / "a.db"), open_store(tmp_path / "b.db")
    seed_demo(a)
    sa = SyncState(a)
    entries = sa.outbox(0, sa.last_outbox_seq(), 100_000)
    changes, _, blobs = build_changes(sa, entries, a.device_id)
    changes = [json.loads(encode_json(c)) if c else None for c in changes]      # as they travel
    for sha in blobs:
        SyncState(b).put_blob(a.blobs.get(sha), "image/jpeg")
    page = [{"t": c["t"], "id": c["id"], "v": 1, "hlc": c["hlc"], "body": c["body"], "seq": n}
            for n, c in enumerate(reversed([c for c in changes if c and c["t"] != "audit_log"]), 1)]
    sb = SyncState(b)
    sb.stash(page, len(page))
    report = sb.apply_inbox()
    assert report.waiting == 0 and report.conflicts == []
    signed = [r[0] for r in b.conn.execute("SELECT id FROM inspections WHERE status = 'signed'")]
    assert len(signed) == a.conn.execute("SELECT count(*) FROM inspections WHERE status = 'signed'").fetchone()[0]
    for iid in signed:
        assert b.inspections.content_hash(iid) == b.inspections.row(iid)["content_hash"]
    assert [r for r in _outbox(b) if r[0] != "audit_log"] == []        # applied, not queued to go back up
    assert b.audit.verify().ok


def test_a_pulled_row_never_overwrites_a_local_change_still_to_be_pushed(tmp_path: Path) -> None:
    store = open_store(tmp_path / "a.db")
    sid, _ = store.subjects.add("scale", {"name": "本地改过的名字"})
    state = SyncState(store)
    body = dict(state.rows("subjects", [sid])[sid], name="服务器上的旧名字")
    state.stash([{"t": "subjects", "id": sid, "v": 3, "hlc": "000000000000001.000000000", "body": body, "seq": 9}], 9)
    report = state.apply_inbox()
    assert store.subjects.get(sid)["name"] == "本地改过的名字" and report.waiting == 1
    waiting = store.conn.execute("SELECT waiting FROM sync_inbox").fetchone()[0]
    assert "still to be pushed" in waiting


class _MemoryKeyring(KeyringBackend):
    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.items.pop((service, username), None)


def test_token_goes_to_the_keyring_when_there_is_one_else_a_private_file(monkeypatch: pytest.MonkeyPatch,
                                                                        tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))   # not the file other tests wrote tokens to
    previous = keyring.get_keyring()
    ring = _MemoryKeyring()
    keyring.set_keyring(ring)
    try:
        assert credentials.save_token("https://hub.example/", "qct_abc") == "keyring"
        assert credentials.load_token("https://hub.example") == "qct_abc"
        assert not credentials.token_file().exists()
        keyring.set_keyring(null.Keyring())                                   # a machine without a keyring
        where = credentials.save_token("https://hub.example", "qct_file")
        path = Path(where)
        assert path == credentials.token_file() and stat.S_IMODE(path.stat().st_mode) == 0o600
        assert credentials.load_token("https://hub.example/") == "qct_file"
        credentials.forget_token("https://hub.example")
        assert credentials.load_token("https://hub.example") is None
    finally:
        keyring.set_keyring(previous)


def test_a_failed_run_keeps_its_reason_as_a_word_a_screen_can_translate() -> None:
    from qcity_desktop.errors import EnvironmentProblem
    from qcity_desktop.sync.client import HubFull, HubRefused, HubUnreachable
    from qcity_desktop.sync.engine import Cancelled, failure_reason

    assert failure_reason(HubUnreachable("x")) == "offline"
    assert failure_reason(HubUnreachable("x", 503)) == "hub_unavailable"
    assert failure_reason(HubUnreachable("x", 503, "hub_db_taken")) == "hub_db_taken"
    assert failure_reason(HubRefused("x", "certificate")) == "certificate"
    assert failure_reason(HubFull("x")) == "hub_full"
    assert failure_reason(Cancelled("x")) == "cancelled"
    assert failure_reason(EnvironmentProblem("x", "disk_full")) == "device_disk_full"
    assert failure_reason(ValueError("x")) == "error"
