"""Running the hub as the bureau does: one serving hub per data folder and per PostgreSQL database
(qcity_desktop/hub/owner.py), and accounts stopped while it serves.

Real processes: a second ``qcity hub serve`` is refused in one line while the first keeps serving;
a hub killed with -9 frees its folder at once; commands run beside a serving hub never clear the
photo files it is writing, while a hub that starts clears those a dead process left; a disabled
account's token is refused by the running hub within seconds, and works again once enabled; a laptop
handed over is released and enrolls to its new inspector.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from test_sync_support import ROOT, HubProcess, env, free_port, pg_cluster


def _second_serve(data: Path, database_url: str | None = None) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "qcity_desktop", "hub", "serve", "--data", str(data), "--port", str(free_port())]
    if database_url:
        cmd += ["--database-url", database_url]
    return subprocess.run(cmd, env=env(), cwd=ROOT, capture_output=True, text=True, timeout=60)


def _healthy(hub: HubProcess) -> bool:
    return httpx.get(f"{hub.url}/v1/health", timeout=5).json()["ok"]


def test_a_second_hub_on_the_same_data_folder_is_refused_and_the_first_keeps_serving(tmp_path: Path) -> None:
    first = HubProcess(tmp_path / "hub").start()
    try:
        second = _second_serve(tmp_path / "hub")
        assert second.returncode == 3, second.stdout + second.stderr
        line = second.stderr.strip()
        assert len(line.splitlines()) == 1 and "already serving" in line and str(first.proc.pid) in line
        assert "Traceback" not in second.stderr
        assert _healthy(first)
    finally:
        first.stop()


def test_a_hub_killed_with_minus_9_frees_its_folder_for_the_next_one(tmp_path: Path) -> None:
    first = HubProcess(tmp_path / "hub").start()
    token = first.add_user("ann", "inspector")
    first.kill9()
    again = HubProcess(tmp_path / "hub").start()     # no stale lock to remove by hand
    try:
        reply = httpx.post(f"{again.url}/v1/hello", json={"device_id": "d1", "device_code": "A1"},
                           headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert reply.status_code == 200
    finally:
        again.stop()


@pytest.mark.postgres
def test_a_second_hub_on_the_same_postgresql_database_is_refused(tmp_path: Path) -> None:
    url = pg_cluster().new_database()
    first = HubProcess(tmp_path / "hub-a", url).start()
    try:
        second = _second_serve(tmp_path / "hub-b", url)   # its own folder: the photos would be split
        assert second.returncode == 3, second.stdout + second.stderr
        assert len(second.stderr.strip().splitlines()) == 1 and "PostgreSQL database" in second.stderr
        assert _healthy(first)
    finally:
        first.stop()
    again = HubProcess(tmp_path / "hub-b", url).start()     # free once the first has stopped
    again.stop()


def test_only_the_serving_hub_clears_unfinished_photo_files_and_only_a_dead_writers(tmp_path: Path) -> None:
    hub = HubProcess(tmp_path / "hub").start()
    partial = tmp_path / "hub" / "blobs" / "partial"
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(gone.stdout)
    sha = "ab" * 32
    live = partial / f"{sha}.{hub.proc.pid}-1.direct"         # the running hub's own, mid-write
    dead = partial / f"{sha}.{dead_pid}-1.direct"             # left by a process that died mid-write
    old = partial / f"{sha}.direct"                           # the old naming: always a leftover
    for f in (live, dead, old):
        f.write_bytes(b"x" * 4096)
    try:
        hub.add_user("ann", "inspector")
        beside = subprocess.run([sys.executable, "-m", "qcity_desktop", "hub", "bundle-export",
                                 str(tmp_path / "for-ann.zip"), "--user", "ann", "--data", str(hub.data)],
                                env=env(), cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert beside.returncode == 0, beside.stderr
        assert live.exists() and dead.exists() and old.exists()   # a command beside the hub clears nothing
    finally:
        hub.stop()
    writing = partial / f"{sha}.{os.getpid()}-3.direct"    # a command still writing beside the hub
    writing.write_bytes(b"x")
    stale = partial / f"{sha}.{os.getpid()}-2.direct"      # a live process, but a day-old file
    stale.write_bytes(b"x")
    day_ago = time.time() - 2 * 86_400
    os.utime(stale, (day_ago, day_ago))
    again = HubProcess(tmp_path / "hub").start()
    try:
        assert not dead.exists() and not old.exists() and not stale.exists()
        assert not live.exists()        # its writer (the first hub) has stopped: a leftover now
        assert writing.exists()         # its writer still runs
    finally:
        again.stop()


def test_a_disabled_account_is_refused_by_the_running_hub_and_enabled_again(tmp_path: Path) -> None:
    """An inspector who left, or a lost laptop: the bureau stops the token without stopping the hub."""
    from qcity_desktop.hub.accounts import Authenticator

    hub = HubProcess(tmp_path / "hub").start()
    try:
        token = hub.add_user("ann", "inspector")
        auth = {"Authorization": f"Bearer {token}"}

        def status() -> int:
            return httpx.post(f"{hub.url}/v1/hello", json={"device_id": "d1", "device_code": "A1"}, headers=auth,
                              timeout=10).status_code

        def settles_to(code: int) -> bool:
            deadline = time.monotonic() + Authenticator.TTL + 5
            while time.monotonic() < deadline:
                if status() == code:
                    return True
                time.sleep(0.2)
            return False

        assert status() == 200
        off = subprocess.run([sys.executable, "-m", "qcity_desktop", "hub", "disable-user", "ann", "--data",
                              str(hub.data)], env=env(), cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert off.returncode == 0 and "disabled" in off.stdout, off.stderr
        assert settles_to(401)
        reply = httpx.post(f"{hub.url}/v1/push", json={"device_id": "d1", "changes": []}, headers=auth, timeout=10)
        assert reply.status_code == 401 and "disabled" in reply.json()["detail"]
        on = subprocess.run([sys.executable, "-m", "qcity_desktop", "hub", "enable-user", "ann", "--data",
                             str(hub.data)], env=env(), cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert on.returncode == 0, on.stderr
        assert settles_to(200)                                   # the same token works again
        nobody = subprocess.run([sys.executable, "-m", "qcity_desktop", "hub", "disable-user", "nobody", "--data",
                                 str(hub.data)], env=env(), cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert nobody.returncode == 2 and len(nobody.stderr.strip().splitlines()) == 1 and "no user" in nobody.stderr
    finally:
        hub.stop()


def test_a_laptop_handed_over_is_released_and_enrolls_to_its_new_inspector(tmp_path: Path) -> None:
    import json

    from qcity_desktop.demo import seed_demo
    from qcity_desktop.store import open_store
    from qcity_desktop.sync.client import HubRefused
    from qcity_desktop.sync.engine import sync

    hub = HubProcess(tmp_path / "hub").start()

    def qcity(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "qcity_desktop", "hub", *args, "--data", str(hub.data)],
                              env=env(), cwd=ROOT, capture_output=True, text=True, timeout=60)

    try:
        ann, bob = hub.add_user("ann", "inspector"), hub.add_user("bob", "inspector")
        laptop = open_store(tmp_path / "laptop.db")
        seed_demo(laptop)
        sync(laptop, hub.url, ann)
        with pytest.raises(HubRefused) as taken:
            sync(laptop, hub.url, bob)
        assert taken.value.code == "device_taken"

        listed = json.loads(qcity("devices", "--json").stdout)
        assert [(d["device_id"], d["user"]) for d in listed] == [(laptop.device_id, "ann")] and listed[0]["last_seen"]
        released = qcity("release-device", laptop.device_id)
        assert released.returncode == 0 and "ann" in released.stdout, released.stderr

        sid, _ = laptop.subjects.add("elevator", {"name": "交接后登记的电梯", "address": "咸安区"})
        result = sync(laptop, hub.url, bob)          # the running hub takes the new owner at once
        assert result.pushed >= 1 and ("subjects", sid) in hub.rows()
        assert [d["user"] for d in json.loads(qcity("devices", "--json").stdout)] == ["bob"]

        unknown = qcity("release-device", "no-such-device")
        assert unknown.returncode == 2 and len(unknown.stderr.strip().splitlines()) == 1 and "no device" in unknown.stderr
    finally:
        hub.stop()
