"""Nothing lost, nothing duplicated: a hub killed mid-push, a client killed mid-pull, a link that drops.

Each test compares the row sets and blob hashes on both sides afterwards — the property users
of other form tools lose (duplicate submissions, missing photos, stuck uploads).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_sync_support import (
    BACKENDS,
    ROOT,
    FlakyProxy,
    HubProcess,
    device_blob_hashes,
    device_rows,
    env,
    hub_on,
    run_sync_cli,
    same_rows,
)

from qcity_desktop.demo import seed_demo
from qcity_desktop.errors import QCityError
from qcity_desktop.store import open_store
from qcity_desktop.store.sync_state import SyncState
from qcity_desktop.sync.engine import sync


@pytest.fixture(params=BACKENDS)
def hub(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[HubProcess]:
    yield from hub_on(request.param, tmp_path)


def _busy_device(path: Path, photos: int = 12) -> object:
    """The demo dataset plus some large photos: enough for a push that takes many batches."""
    store = open_store(path)
    seed_demo(store)
    rnd = random.Random(path.name)
    iids = [r[0] for r in store.conn.execute("SELECT id FROM inspections WHERE status = 'draft'")]
    for n in range(photos):
        store.attachments.add(iids[n % len(iids)], rnd.randbytes(600_000), "image/jpeg", filename=f"big{n}.jpg")
    return store


def _hub_seq(hub: HubProcess, token: str) -> int:
    import httpx

    try:
        return int(httpx.get(f"{hub.url}/v1/stats", headers={"Authorization": f"Bearer {token}"}, timeout=2).json()["seq"])
    except (httpx.HTTPError, KeyError, ValueError):
        return -1


def _assert_same(device, hub: HubProcess) -> None:
    assert same_rows(device_rows(device), hub.rows()) == []
    assert device_blob_hashes(device) == hub.blob_hashes()
    assert SyncState(device).pending()["rows"] == 0


def test_hub_killed_mid_push_then_a_sync_completes_with_nothing_lost(hub: HubProcess, tmp_path: Path) -> None:
    ann, sue = hub.add_user("ann", "inspector"), hub.add_user("sue", "supervisor")
    a = _busy_device(tmp_path / "a.db")
    total = SyncState(a).pending()["rows"]
    a.close()
    cmd = [sys.executable, "-m", "qcity_desktop", "--db", str(tmp_path / "a.db"), "sync", "--hub", hub.url,
           "--token", ann]
    client = subprocess.Popen(cmd, env={**env(), "QCITY_SYNC_PUSH_ROWS": "150"}, cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and _hub_seq(hub, sue) < 300:
        time.sleep(0.01)
    hub.kill9()                                          # mid-push: some batches stored, most not
    out, err = client.communicate(timeout=120)
    assert client.returncode != 0, out
    assert "not reachable" in err and len(err.strip().splitlines()) == 1, err   # one clear line
    a = open_store(tmp_path / "a.db")
    left = SyncState(a).pending()["rows"]
    assert 0 < left < total                              # acknowledged batches left the outbox, the rest waits

    hub.start()
    res = sync(a, hub.url, ann)
    assert res.refused == 0
    _assert_same(a, hub)
    s = open_store(tmp_path / "s.db")
    sync(s, hub.url, sue)
    assert same_rows(device_rows(s), device_rows(a)) == []


def _wait_until(predicate, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not predicate():
        time.sleep(0.01)


def _cursor(path: Path) -> int:
    import sqlite3

    try:
        with sqlite3.connect(path, timeout=0.2) as probe:
            row = probe.execute("SELECT value FROM meta WHERE key = 'sync.cursor'").fetchone()
        return int(row[0]) if row else 0
    except sqlite3.Error:
        return 0


def test_client_killed_mid_push_and_mid_pull_resumes_without_duplicates(hub: HubProcess, tmp_path: Path) -> None:
    ann, sue = hub.add_user("ann", "inspector"), hub.add_user("sue", "supervisor")
    _busy_device(tmp_path / "a.db", photos=6).close()
    pusher = subprocess.Popen(
        [sys.executable, "-m", "qcity_desktop", "--db", str(tmp_path / "a.db"), "sync", "--hub", hub.url, "--token", ann],
        env={**env(), "QCITY_SYNC_PUSH_ROWS": "150"}, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait_until(lambda: _hub_seq(hub, sue) > 300 or pusher.poll() is not None)
    os.kill(pusher.pid, signal.SIGKILL)                  # mid-push: the hub may hold batches never acknowledged
    pusher.wait(10)
    a = open_store(tmp_path / "a.db")
    assert SyncState(a).pending()["rows"] > 0
    res = sync(a, hub.url, ann)
    assert res.refused == 0
    _assert_same(a, hub)                                 # re-sent batches were recognised, not stored twice

    s_path = tmp_path / "s.db"
    open_store(s_path).close()
    puller = subprocess.Popen(
        [sys.executable, "-m", "qcity_desktop", "--db", str(s_path), "sync", "--hub", hub.url, "--token", sue],
        env={**env(), "QCITY_SYNC_PULL_PAGE": "200"}, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait_until(lambda: _cursor(s_path) > 0 or puller.poll() is not None)
    os.kill(puller.pid, signal.SIGKILL)                  # mid-pull
    puller.wait(10)
    s = open_store(s_path)
    assert 0 < SyncState(s).cursor()

    # The supervisor edits while half-synced; the next sync finishes the pull and pushes the edit.
    sid = s.conn.execute("SELECT id FROM subjects LIMIT 1").fetchone()
    if sid:
        s.subjects.update(sid[0], {"district": "咸安区"})
    sync(s, hub.url, sue)
    _assert_no_dupes_and_equal(a, s, hub, ann)


def _assert_no_dupes_and_equal(a, s, hub: HubProcess, ann: str) -> None:
    sync(a, hub.url, ann)
    assert same_rows(device_rows(s), device_rows(a)) == []
    assert device_blob_hashes(s) == device_blob_hashes(a) == hub.blob_hashes()
    assert same_rows(device_rows(a), hub.rows()) == []


def test_a_link_that_drops_connections_at_random_still_syncs_everything(hub: HubProcess, tmp_path: Path) -> None:
    ann, sue = hub.add_user("ann", "inspector"), hub.add_user("sue", "supervisor")
    proxy = FlakyProxy(hub.port)
    os.environ["QCITY_SYNC_PUSH_ROWS"] = "250"
    os.environ["QCITY_SYNC_PULL_PAGE"] = "250"
    try:
        a = _busy_device(tmp_path / "a.db", photos=8)
        s = open_store(tmp_path / "s.db")
        for store, token in ((a, ann), (s, sue)):
            for _attempt in range(40):
                try:
                    sync(store, proxy.url, token)
                    break
                except QCityError:
                    continue
            else:
                pytest.fail("sync never completed through the flaky link")
        assert proxy.dropped > 0                         # the link really did break
        _assert_same(a, hub)
        assert same_rows(device_rows(s), device_rows(a)) == []
        assert device_blob_hashes(s) == device_blob_hashes(a)
    finally:
        os.environ.pop("QCITY_SYNC_PUSH_ROWS", None)
        os.environ.pop("QCITY_SYNC_PULL_PAGE", None)
        proxy.close()


def test_hub_unreachable_is_one_line_and_loses_nothing(tmp_path: Path) -> None:
    a = open_store(tmp_path / "a.db")
    seed_demo(a)
    before = SyncState(a).pending()
    a.close()
    from test_sync_support import free_port

    proc = run_sync_cli(tmp_path / "a.db", f"http://127.0.0.1:{free_port()}", "qct_x")
    assert proc.returncode == 3
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "not reachable" in lines[0] and "stay on this device" in lines[0]
    assert SyncState(open_store(tmp_path / "a.db")).pending() == before
