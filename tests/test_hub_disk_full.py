"""A hub whose disk fills up: one clear line on the device, nothing half-stored, nothing lost.

The hub runs on a real, small file system (ext4 on a loop device, or tmpfs where loop devices
are not available) filled almost to the brim; freeing the space and syncing again must end with
the same rows and photos on both sides, each stored once.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from test_sync_support import (
    MB,
    HubProcess,
    PgCluster,
    demo_with_photos,
    device_blob_hashes,
    device_rows,
    fill_disk,
    mounted_small_disk,
    pg_cluster,
    run_sync_cli,
    same_rows,
)

from qcity_desktop.demo import seed_demo
from qcity_desktop.store import open_store
from qcity_desktop.store.sync_state import SyncState
from qcity_desktop.sync.client import HubFull, HubUnreachable
from qcity_desktop.sync.engine import sync


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    with mounted_small_disk(tmp_path) as mnt:
        yield mnt


def _assert_same(device, hub: HubProcess) -> None:
    assert same_rows(device_rows(device), hub.rows()) == []
    assert device_blob_hashes(device) == hub.blob_hashes()
    assert SyncState(device).pending()["rows"] == 0


def test_photos_that_do_not_fit_stop_the_sync_with_one_line_and_the_next_sync_completes(
        small_disk: Path, tmp_path: Path) -> None:
    hub = HubProcess(small_disk / "hub").start()
    try:
        token = hub.add_user("ann", "inspector")
        device = demo_with_photos(tmp_path / "device.db", 10, 3 * MB, seed=7)
        filler = fill_disk(small_disk, 12 * MB)        # room for three or so of the ten photos

        with pytest.raises(HubFull) as caught:
            sync(device, hub.url, token)
        message = str(caught.value)
        assert "disk is full" in message and "stay on this device" in message and "\n" not in message
        assert httpx.get(f"{hub.url}/v1/health", timeout=5).json()["ok"]      # the hub is still serving
        stored = hub.blob_hashes()                 # (checks every stored file against its name)
        assert stored < device_blob_hashes(device)
        assert not list((small_disk / "hub" / "blobs" / "partial").glob("*.direct"))
        assert SyncState(device).pending()["rows"] > 0                          # the rest waits on the device

        cli = run_sync_cli(tmp_path / "device.db", hub.url, token)
        assert cli.returncode == 3, cli.stderr
        assert len(cli.stderr.strip().splitlines()) == 1 and "disk is full" in cli.stderr

        filler.unlink()
        sync(device, hub.url, token)
        _assert_same(device, hub)
    finally:
        hub.stop()


def test_a_push_the_database_has_no_room_for_is_refused_whole_and_stored_once_there_is(
        small_disk: Path, tmp_path: Path) -> None:
    hub = HubProcess(small_disk / "hub").start()
    try:
        token = hub.add_user("ann", "inspector")
        device = open_store(tmp_path / "device.db")
        sync(device, hub.url, token)               # enrolled while there is room
        seed_demo(device)
        for n in range(3):                         # a few hundred answers more than the demo has
            sid, _ = device.subjects.add("elevator", {"name": f"温泉花园{n}栋1号梯", "regime": "2009"})
            new = device.inspections.create(sid, "elevator-t7001-2009", inspectors=["张伟"])
            template = device.inspections.template_of(device.inspections.row(new))
            for item in (i for i in template.leaves() if i.type == "result"):
                device.inspections.answer(new, item.id, result="pass", note="门锁、轿厢与层门检查正常" * 8)
        before = hub.rows()
        filler = fill_disk(small_disk, 256 * 1024)

        with pytest.raises(HubFull, match="disk is full"):
            sync(device, hub.url, token)
        assert httpx.get(f"{hub.url}/v1/health", timeout=5).json()["ok"]
        assert SyncState(device).pending()["rows"] > 0

        filler.unlink()
        sync(device, hub.url, token)               # the writer was not left inside a broken transaction
        _assert_same(device, hub)
        assert set(before) <= set(hub.rows())
    finally:
        hub.stop()


def test_a_device_whose_disk_fills_while_pulling_says_so_and_finishes_the_pull_later(
        small_disk: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hub = HubProcess(tmp_path / "hub").start()
    try:
        sue, ann = hub.add_user("sue", "supervisor"), hub.add_user("ann", "inspector")
        office = open_store(tmp_path / "office.db")
        seed_demo(office)
        sync(office, hub.url, sue)                 # the registry and templates wait on the hub
        laptop_db = small_disk / "laptop.db"       # the laptop's disk is the small one
        laptop = open_store(laptop_db)
        laptop.close()
        monkeypatch.setenv("QCITY_SYNC_PULL_PAGE", "50")      # many small pages: the disk fills after some
        sync(open_store(laptop_db), hub.url, ann)                # enrolled, up to date …
        before = SyncState(open_store(laptop_db)).cursor()
        seed_more = open_store(tmp_path / "office.db")
        for n in range(40):                                      # … then the registry grows at the office
            seed_more.subjects.add("elevator", {"name": f"新登记电梯{n}号", "address": "温泉路" * 40})
        sync(seed_more, hub.url, sue)
        filler = fill_disk(small_disk, 320 * 1024)

        cli = run_sync_cli(laptop_db, hub.url, ann)
        assert cli.returncode == 3, cli.stdout + cli.stderr
        assert len(cli.stderr.strip().splitlines()) == 1 and "disk full" in cli.stderr and "free some space" in cli.stderr
        assert "Traceback" not in cli.stderr
        # Pages stored before the disk filled stay stored (here the cursor moved on by a few pages); none is half-kept.
        assert SyncState(open_store(laptop_db)).cursor() >= before

        filler.unlink()
        assert run_sync_cli(laptop_db, hub.url, ann).returncode == 0
        laptop = open_store(laptop_db)             # everything arrived once, nothing stuck half-applied
        ids = "SELECT id, name FROM subjects ORDER BY id"
        assert laptop.query(ids) == office.query(ids)
        assert SyncState(laptop).pending()["inbox"] == 0 and SyncState(laptop).cursor() > 0
    finally:
        hub.stop()


@pytest.fixture
def small_disk_for_postgres() -> Iterator[Path]:
    """A small disk where the PostgreSQL server's account can reach it (pytest's own folders are root's only)."""
    place = Path(tempfile.mkdtemp(prefix="qcity-pgdisk-"))
    place.chmod(0o755)
    try:
        with mounted_small_disk(place) as mnt:
            yield mnt
    finally:
        shutil.rmtree(place, ignore_errors=True)


@pytest.mark.postgres
def test_a_postgresql_hub_whose_tables_fill_their_disk_answers_507_and_stores_the_push_once_there_is_room(
        small_disk_for_postgres: Path, tmp_path: Path) -> None:
    """The hub's tables live in a tablespace on the small disk (the cluster's write-ahead log stays on the
    big one, as on a server whose data volume fills): PostgreSQL answers ``disk_full`` (53100) and keeps
    running, the hub turns that into 507 and one line, and nothing of the push is half-stored."""
    import psycopg

    cluster = pg_cluster()
    small_disk = small_disk_for_postgres
    space = small_disk / "pgspace"
    space.mkdir()
    if cluster._as_user:
        os.chown(space, *cluster._as_user)
    name = "full_" + uuid.uuid4().hex[:10]
    with psycopg.connect(cluster.admin_url, autocommit=True) as conn:
        conn.execute(f"CREATE TABLESPACE {name} LOCATION '{space}'")
        conn.execute(f"CREATE DATABASE {name} TABLESPACE {name}")
    hub = HubProcess(tmp_path / "hub", cluster.admin_url.rsplit("/", 1)[0] + f"/{name}").start()
    try:
        token = hub.add_user("ann", "inspector")
        device = open_store(tmp_path / "device.db")
        sync(device, hub.url, token)               # enrolled while there is room
        seed_demo(device)
        before = hub.rows()
        filler = fill_disk(small_disk, 64 * 1024)

        with pytest.raises(HubFull, match="disk is full") as caught:
            sync(device, hub.url, token)
        assert "\n" not in str(caught.value)
        assert httpx.get(f"{hub.url}/v1/health", timeout=5).json()["ok"]      # PostgreSQL and the hub kept running
        assert hub.rows() == before                                           # nothing of the push was kept
        assert SyncState(device).pending()["rows"] > 0

        cli = run_sync_cli(tmp_path / "device.db", hub.url, token)
        assert cli.returncode == 3 and len(cli.stderr.strip().splitlines()) == 1, cli.stderr

        filler.unlink()
        sync(device, hub.url, token)
        _assert_same(device, hub)
    finally:
        hub.stop()
        with psycopg.connect(cluster.admin_url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            conn.execute(f"DROP TABLESPACE IF EXISTS {name}")


@pytest.mark.postgres
def test_a_postgresql_server_whose_write_ahead_log_fills_its_disk_stops_and_the_sync_completes_once_it_is_back(
        small_disk_for_postgres: Path, tmp_path: Path) -> None:
    """The other full disk: PostgreSQL's write-ahead log. The server cannot go on and stops itself (PANIC,
    then its recovery fails too). The hub says 503 and one line, the device keeps everything it has not
    been told is stored, and once the bureau frees space and starts the server the same hub process
    completes the sync with every row and photo once."""
    cluster = PgCluster(waldir=small_disk_for_postgres / "wal")
    try:
        hub = HubProcess(tmp_path / "hub", cluster.new_database()).start()
        try:
            token = hub.add_user("ann", "inspector")
            device = demo_with_photos(tmp_path / "device.db", photos=4, size=200_000)
            sync(device, hub.url, token)                 # the demo data and photos stored while there is room
            before = hub.rows()
            iid = device.query("SELECT id FROM inspections WHERE status = 'draft' LIMIT 1")[0]["id"]
            with device.transaction():                   # then a day's work: more WAL than is left
                for n in range(1500):
                    device.subjects.add("scale", {"name": f"农贸市场摊位秤 {n}", "address": f"温泉路 {n} 号"})
            for n in range(3):
                device.attachments.add(iid, os.urandom(150_000), "image/jpeg", filename=f"补拍{n}.jpg")
            filler = fill_disk(small_disk_for_postgres, 64 * 1024)

            with pytest.raises((HubFull, HubUnreachable)) as caught:   # the push at the PANIC is told "disk full"
                sync(device, hub.url, token)
            assert "\n" not in str(caught.value) and "your changes stay on this device" in str(caught.value) \
                or "upload resumes" in str(caught.value), caught.value
            log = (cluster.dir / "log").read_text(errors="replace")
            assert "No space left on device" in log and "database system is shut down" in log   # stopped itself
            health = httpx.get(f"{hub.url}/v1/health", timeout=30)
            detail = health.json()["detail"]   # the monitor's probe: not "ok" while no sync can be stored
            assert health.status_code == 503 and "PostgreSQL" in detail and "\n" not in detail, detail
            assert SyncState(device).pending()["rows"] > 0

            filler.unlink()
            cluster.start_server()
            assert httpx.get(f"{hub.url}/v1/health", timeout=30).json()["ok"]
            sync(device, hub.url, token)               # the same hub process
            assert SyncState(device).pending()["rows"] == 0
            after = hub.rows()
            assert all(after.get(k) == v for k, v in before.items() if k[0] != "devices")  # nothing stored was lost
            _assert_same(device, hub)
            assert "Traceback" not in hub.log.read_text(errors="replace")
        finally:
            hub.stop()
    finally:
        cluster.stop()
