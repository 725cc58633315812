"""``qcity hub backup``: a consistent copy of a serving hub, which ``serve --data`` restores.

Real processes: the hub keeps serving (and another inspector keeps syncing) while the backup runs;
the backup is then served by a new hub, and a never-synced laptop pulls from it exactly what the
first inspector had — rows and photos, every photo hashing to its name. Once onto the same file
system (hard links) and once onto another one (copies).
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import threading
from pathlib import Path

from test_sync_support import (
    ROOT,
    HubProcess,
    demo_with_photos,
    device_blob_hashes,
    device_rows,
    env,
    mounted_small_disk,
    same_rows,
)

from qcity_desktop.store import open_store
from qcity_desktop.sync.engine import sync


def _qcity(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qcity_desktop", *args], env=env(), cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def _photo_files(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (folder / "blobs").rglob("*")
            if p.is_file() and "partial" not in p.parts}


def _restored_has_everything(backup: Path, token: str, laptop_a, tmp: Path) -> None:  # noqa: ANN001
    restored = HubProcess(backup).start()
    try:
        fresh = open_store(tmp / f"fresh-{backup.name}.db")
        sync(fresh, restored.url, token)
        mine = {k: v for k, v in device_rows(laptop_a).items() if k[0] != "audit_log"}
        theirs = {k: v for k, v in device_rows(fresh).items() if k in mine}
        assert same_rows(mine, theirs) == [] and len(theirs) == len(mine)
        assert device_blob_hashes(fresh) == device_blob_hashes(laptop_a)
    finally:
        restored.stop()


def test_a_serving_hub_is_backed_up_consistently_and_the_backup_serves_again(tmp_path: Path) -> None:
    hub = HubProcess(tmp_path / "hub").start()
    try:
        ann, bob = hub.add_user("ann", "inspector"), hub.add_user("bob", "inspector")
        laptop_a = demo_with_photos(tmp_path / "a.db", 6, 512 * 1024)
        sync(laptop_a, hub.url, ann)

        stop = threading.Event()
        errors: list[BaseException] = []

        def keep_syncing() -> None:            # bob goes on working while the backup runs
            b = open_store(tmp_path / "b.db")
            try:
                n = 0
                while not stop.is_set():
                    b.subjects.add("elevator", {"name": f"备份期间新增电梯{n}", "address": "咸安区"})
                    sync(b, hub.url, bob)
                    n += 1
            except BaseException as err:  # noqa: BLE001 - reported by the test
                errors.append(err)
            finally:
                b.close()

        worker = threading.Thread(target=keep_syncing)
        worker.start()
        try:
            same_fs = _qcity("hub", "backup", str(tmp_path / "backup"), "--data", str(hub.data), "--verify", "--json")
            other = tmp_path / "other"
            other.mkdir()
            with mounted_small_disk(other) as disk:
                other_fs = _qcity("hub", "backup", str(disk / "backup"), "--data", str(hub.data), "--json")
                assert other_fs.returncode == 0, other_fs.stderr
                copied = json.loads(other_fs.stdout)
                assert copied["copied"] == copied["photos"] > 0 and copied["linked"] == 0
                assert all(h == name for name, h in _photo_files(disk / "backup").items())
                _restored_has_everything(disk / "backup", ann, laptop_a, tmp_path)
        finally:
            stop.set()
            worker.join(60)
        assert not errors, errors
        assert same_fs.returncode == 0, same_fs.stderr
        done = json.loads(same_fs.stdout)
        assert done["linked"] == done["photos"] >= 6 and done["copied"] == 0
        assert hub.rows()                        # the hub went on serving
    finally:
        hub.stop()
    backup = tmp_path / "backup"
    assert all(h == name for name, h in _photo_files(backup).items())
    assert not (backup / "hub.db.part").exists() and not (backup / "blobs" / "partial").exists()
    _restored_has_everything(backup, ann, laptop_a, tmp_path)


def test_backup_refuses_bad_targets_in_one_line_and_writes_nothing(tmp_path: Path) -> None:
    hub = tmp_path / "hub"
    HubProcess(hub).start().stop()
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "keep.txt").write_text("mine")
    cases = [
        (("hub", "backup", str(busy), "--data", str(hub)), "not an empty folder"),
        (("hub", "backup", str(tmp_path / "x"), "--data", str(tmp_path / "nothing")), "no SQLite hub"),
        (("hub", "backup", str(tmp_path / "y"), "--data", str(hub), "--database-url", "postgresql://h/db"), "pg_dump"),
    ]
    for args, words in cases:
        got = _qcity(*args)
        assert got.returncode == 2 and len(got.stderr.strip().splitlines()) == 1 and words in got.stderr, got.stderr
    assert [p.name for p in busy.iterdir()] == ["keep.txt"]
    assert not (tmp_path / "x").exists() and not (tmp_path / "y").exists()
