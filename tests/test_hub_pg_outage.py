"""The PostgreSQL server restarting under a running hub: 503 meanwhile, then the hub carries on by itself.

Before, the hub kept its lost connections and answered every request with 500 until someone
restarted the hub too — uploads stuck for no visible reason, the failure ODK users know best.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from test_sync_support import HubProcess, device_rows, pg_cluster, same_rows

from qcity_desktop.demo import seed_demo
from qcity_desktop.store import open_store
from qcity_desktop.store.sync_state import SyncState
from qcity_desktop.sync.client import HubUnreachable
from qcity_desktop.sync.engine import sync

pytestmark = pytest.mark.postgres


def test_a_database_restart_under_the_hub_is_a_503_then_the_next_sync_completes(tmp_path: Path) -> None:
    cluster = pg_cluster()
    hub = HubProcess(tmp_path / "hub", cluster.new_database()).start()
    try:
        token = hub.add_user("ann", "inspector")
        device = open_store(tmp_path / "device.db")
        seed_demo(device)
        sync(device, hub.url, token)
        device.subjects.add("elevator", {"name": "温泉路新装电梯", "address": "咸安区温泉路 8 号"})
        pending = SyncState(device).pending()["rows"]

        cluster.stop_server()
        try:
            auth = {"Authorization": f"Bearer {token}"}
            reply = httpx.post(f"{hub.url}/v1/push", json={"device_id": device.device_id, "changes": []},
                               headers=auth, timeout=30)
            assert reply.status_code == 503, reply.text
            detail = reply.json()["detail"]
            assert "database is not reachable" in detail and "\n" not in detail
            with pytest.raises(HubUnreachable):          # the device: offline, its change kept
                sync(device, hub.url, token)
            assert SyncState(device).pending()["rows"] == pending
        finally:
            cluster.start_server()

        result = sync(device, hub.url, token)            # the same hub process, not restarted
        assert result.pushed == pending
        assert same_rows(device_rows(device), hub.rows()) == []
        assert "Traceback" not in hub.log.read_text(errors="replace")
    finally:
        hub.stop()
