"""``qcity hub status``: the administrator's one look at a real hub, serving and stopped."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from test_sync_support import ROOT, HubProcess, demo_with_photos, env, pg_cluster

from qcity_desktop.sync.engine import sync


def _status(data: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qcity_desktop", "hub", "status", "--data", str(data), *extra],
                          env=env(), cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_status_names_the_serving_process_what_it_holds_and_what_needs_attention(tmp_path: Path) -> None:
    hub = HubProcess(tmp_path / "hub").start()
    try:
        token = hub.add_user("ann", "inspector")
        hub.add_user("bob", "inspector", days=10)                 # runs out within the month
        hub.add_user("carl", "inspector")
        subprocess.run([sys.executable, "-m", "qcity_desktop", "hub", "disable-user", "carl", "--data",
                        str(hub.data)], env=env(), cwd=ROOT, check=True, capture_output=True)
        device = demo_with_photos(tmp_path / "ann.db", photos=3, size=50_000)
        sync(device, hub.url, token)
        with sqlite3.connect(hub.data / "hub.db") as conn:         # a second laptop, last seen six weeks ago
            old = (datetime.now(UTC) - timedelta(days=42)).isoformat()
            conn.execute("INSERT INTO devices(device_id, user_name, device_code, first_seen, last_seen) "
                         "VALUES ('old-laptop', 'ann', 'ZZ99', ?, ?)", (old, old))

        out = _status(hub.data, "--json")
        assert out.returncode == 0, out.stderr
        st = json.loads(out.stdout)
        assert st["serving_pid"] == hub.proc.pid
        rows = hub.rows(packed=True)                              # (without the audit log, which it also counts)
        assert sum(n for t, n in st["rows"].items() if t != "audit_log") == len(rows) > 0
        assert st["rows"]["subjects"] == device.subjects.count() and st["rows"]["audit_log"] > 0
        assert st["photos"] == len(hub.blob_hashes()) and st["photo_bytes"] >= 3 * 50_000
        assert st["users"] == 3 and st["users_disabled"] == ["carl"]
        assert [u["name"] for u in st["tokens_expiring"]] == ["bob"]
        assert st["devices"] == 2 and [d["device_id"] for d in st["devices_silent"]] == ["old-laptop"]
        assert st["disk_free_bytes"] > 0 and st["seq"] > 0

        text = _status(hub.data)
        assert text.returncode == 0 and f"正在服务 serving: 是，进程 {hub.proc.pid}" in text.stdout
        assert "令牌即将过期 token expiring: bob" in text.stdout and "old-laptop" in text.stdout
    finally:
        hub.stop()
    stopped = json.loads(_status(hub.data, "--json").stdout)
    assert stopped["serving_pid"] is None and stopped["photos"] == st["photos"]      # it only reads


def test_status_of_a_folder_with_no_hub_says_so_and_creates_nothing(tmp_path: Path) -> None:
    out = _status(tmp_path / "typo")
    assert out.returncode == 2 and len(out.stderr.strip().splitlines()) == 1 and "no hub there" in out.stderr
    assert not (tmp_path / "typo").exists()


@pytest.mark.postgres
def test_status_of_a_postgresql_hub_reads_the_database_and_hides_a_password(tmp_path: Path) -> None:
    from qcity_desktop.hub.status import _safe_url

    url = pg_cluster().new_database()
    hub = HubProcess(tmp_path / "pghub", url).start()
    try:
        device = demo_with_photos(tmp_path / "ann.db", photos=1, size=10_000)
        sync(device, hub.url, hub.add_user("ann", "inspector"))
        st = json.loads(_status(hub.data, "--database-url", url, "--json").stdout)
        assert st["serving_pid"] == hub.proc.pid and st["database"] == url and st["database_bytes"] is None
        assert st["rows"]["subjects"] == device.subjects.count() and st["devices"] == 1
    finally:
        hub.stop()
    assert _safe_url("postgresql://hub:s3cret@db.bureau.lan:5432/qcity") == "postgresql://hub:***@db.bureau.lan:5432/qcity"
