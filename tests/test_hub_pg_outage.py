"""The PostgreSQL server restarting under a running hub: 503 meanwhile, then the hub carries on by itself.

Before, the hub kept its lost connections and answered every request with 500 until someone
restarted the hub too — uploads stuck for no visible reason, the failure ODK users know best.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from test_sync_support import (
    ROOT,
    HubProcess,
    device_rows,
    env,
    free_port,
    pg_cluster,
    run_sync_cli,
    same_rows,
)

from qcity_desktop.demo import seed_demo
from qcity_desktop.store import open_store
from qcity_desktop.store.sync_state import SyncState
from qcity_desktop.sync.client import HubUnreachable
from qcity_desktop.sync.engine import sync

pytestmark = pytest.mark.postgres


def _synced_device_with_one_more_change(tmp_path: Path, hub: HubProcess, token: str) -> tuple[Any, int]:
    """A device that synced the demo data with ``hub``, then recorded one more elevator (still pending)."""
    device = open_store(tmp_path / "device.db")
    seed_demo(device)
    sync(device, hub.url, token)
    device.subjects.add("elevator", {"name": "温泉路新装电梯", "address": "咸安区温泉路 8 号"})
    return device, SyncState(device).pending()["rows"]


def test_a_database_restart_under_the_hub_is_a_503_then_the_next_sync_completes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QCITY_HUB_LOCK_RECHECK", "0.2")     # the hub re-takes its database lock quickly
    cluster = pg_cluster()
    url = cluster.new_database()
    hub = HubProcess(tmp_path / "hub", url).start()
    try:
        token = hub.add_user("ann", "inspector")
        device, pending = _synced_device_with_one_more_change(tmp_path, hub, token)

        cluster.stop_server()
        try:
            auth = {"Authorization": f"Bearer {token}"}
            reply = httpx.post(f"{hub.url}/v1/push", json={"device_id": device.device_id, "changes": []},
                               headers=auth, timeout=30)
            assert reply.status_code == 503, reply.text
            detail = reply.json()["detail"]
            assert "database is not reachable" in detail and "\n" not in detail
            with pytest.raises(HubUnreachable) as caught:  # the device: "not now", its change kept
                sync(device, hub.url, token)
            assert caught.value.status == 503 and caught.value.code == "hub_db_unavailable"
            cli = run_sync_cli(tmp_path / "device.db", hub.url, token)   # the admin's view: one line, exit 3
            assert cli.returncode == 3 and len(cli.stderr.strip().splitlines()) == 1, cli.stderr
            assert "cannot take a sync now (HTTP 503: " in cli.stderr and "Connection refused" in cli.stderr, cli.stderr
            assert SyncState(device).pending()["rows"] == pending
        finally:
            cluster.start_server()

        result = sync(device, hub.url, token)            # the same hub process, not restarted
        assert result.pushed == pending
        assert same_rows(device_rows(device), hub.rows()) == []
        assert "Traceback" not in hub.log.read_text(errors="replace")

        # The database lock lived on a connection the restart cut: the hub has taken it again, so a second
        # hub (another folder, the same database) is still refused.
        time.sleep(1)
        second = subprocess.run([sys.executable, "-m", "qcity_desktop", "hub", "serve", "--data",
                                 str(tmp_path / "other"), "--port", str(free_port()), "--database-url", url],
                                env=env(), cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert second.returncode == 3 and "already serving this PostgreSQL database" in second.stderr, second.stderr
    finally:
        hub.stop()


def test_a_hub_that_lost_its_database_to_another_hub_during_a_restart_stores_nothing_until_that_one_stops(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The moment between the server's return and the first hub's next request: a second hub can start.

    Then two hubs would serve one database with photos in two folders. The first hub must notice
    before it stores anything (503, the device keeps its change) and carry on once the other stops.
    """
    monkeypatch.setenv("QCITY_HUB_LOCK_RECHECK", "600")     # the idle check must not help: requests alone
    cluster = pg_cluster()
    url = cluster.new_database()
    first = HubProcess(tmp_path / "hub", url).start()
    second = HubProcess(tmp_path / "other", url)
    try:
        token = first.add_user("ann", "inspector")
        device, pending = _synced_device_with_one_more_change(tmp_path, first, token)
        before = first.rows()

        cluster.stop_server()
        cluster.start_server()
        second.start()                                    # takes the database: the first hub has not used it yet

        auth = {"Authorization": f"Bearer {token}"}
        details = []
        for _ in range(4):   # the first may fail on a connection the restart cut; then the lock is checked
            reply = httpx.post(f"{first.url}/v1/push", json={"device_id": device.device_id, "changes": []},
                               headers=auth, timeout=30)
            assert reply.status_code == 503, reply.text
            details.append(reply.json()["detail"])
        assert "another hub took over" in details[-1] and "\n" not in details[-1], details
        with pytest.raises(HubUnreachable) as caught:
            sync(device, first.url, token)
        assert caught.value.status == 503 and caught.value.code == "hub_db_taken"
        assert SyncState(device).pending()["rows"] == pending
        assert first.rows() == before                     # nothing of the device's change stored by either
        assert "another hub took this PostgreSQL database" in first.log.read_text(errors="replace")

        second.stop()
        result = sync(device, first.url, token)           # the first hub takes its database back by itself
        assert result.pushed == pending
        assert same_rows(device_rows(device), first.rows()) == []
        third = subprocess.run([sys.executable, "-m", "qcity_desktop", "hub", "serve", "--data",
                                str(tmp_path / "third"), "--port", str(free_port()), "--database-url", url],
                               env=env(), cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert third.returncode == 3 and "already serving this PostgreSQL database" in third.stderr, third.stderr
        assert "Traceback" not in first.log.read_text(errors="replace")
    finally:
        second.stop()
        first.stop()
