"""The hub's side on a USB stick: a site with no network gets the registry, the templates and the
inspector's own inspections (with their photos) from a signed file, exactly as a pull would bring them.
Real processes and files: the hub runs, the commands are the ones an operator and an inspector type."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from test_sync_support import (
    BACKENDS,
    ROOT,
    HubProcess,
    device_blob_hashes,
    device_rows,
    env,
    hub_on,
    same_rows,
    tampered_copy,
)

from qcity_desktop.demo import seed_demo
from qcity_desktop.store import open_store
from qcity_desktop.store.sync_state import SyncState
from qcity_desktop.sync.engine import sync


def qcity(*args: str, db: Path | None = None) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "qcity_desktop", *(["--db", str(db)] if db else []), *args]
    return subprocess.run(cmd, env=env(), cwd=ROOT, capture_output=True, text=True, timeout=300)


@pytest.fixture(params=BACKENDS)
def hub(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[HubProcess]:
    yield from hub_on(request.param, tmp_path)


def _hub_args(hub: HubProcess) -> list[str]:
    """Where the operator's command finds the hub's data: its folder, and its PostgreSQL database if any."""
    return ["--data", str(hub.data), *(["--database-url", hub.database_url] if hub.database_url else [])]


def _one_line_refusal(out: subprocess.CompletedProcess, words: str) -> None:
    assert out.returncode == 2, out.stdout + out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and words in out.stderr, out.stderr
    assert "Traceback" not in out.stderr


def test_a_site_without_network_gets_what_a_pull_would_bring_from_a_signed_file(hub: HubProcess, tmp_path: Path
                                                                                ) -> None:
    sue, ann = hub.add_user("sue", "supervisor"), hub.add_user("ann", "inspector")
    office = open_store(tmp_path / "office.db")
    seed_demo(office)                              # the registry, templates and the supervisor's own inspections
    sync(office, hub.url, sue)
    laptop = open_store(tmp_path / "laptop.db")    # ann's other device: one inspection with a photo
    sync(laptop, hub.url, ann)
    sid = laptop.query("SELECT id FROM subjects WHERE kind = 'elevator' LIMIT 1")[0]["id"]
    iid = laptop.inspections.create(sid, "elevator-t7001-2009", inspectors=["安娜"])
    laptop.attachments.add(iid, b"\xff\xd8 \xe7\x8e\xb0\xe5\x9c\xba photo", "image/jpeg", filename="门锁.jpg")
    sync(laptop, hub.url, ann)

    usb = tmp_path / "usb"
    usb.mkdir()
    bundle = usb / "for-ann.zip"
    made = qcity("hub", "bundle-export", str(bundle), "--user", "ann", *_hub_args(hub), "--json")
    assert made.returncode == 0, made.stderr
    made_info = json.loads(made.stdout)
    assert made_info["changes"] > office.subjects.count() and made_info["blobs"] >= 1 and made_info["since"] == 0

    site = tmp_path / "site.db"                    # a new laptop at the site: it has never seen the hub
    got = qcity("bundle", "import", str(bundle), "--token", ann, "--json", db=site)
    assert got.returncode == 0, got.stderr
    info = json.loads(got.stdout)
    assert info["changes"] == made_info["changes"] and info["cursor"] == made_info["next"] and not info["conflicts"]

    device = open_store(site)
    assert device.query("SELECT id FROM inspections WHERE id = ?", (iid,))               # her own inspection …
    assert device_blob_hashes(laptop) <= device_blob_hashes(device)                     # … with its photo
    sue_only = office.query("SELECT id FROM inspections")
    assert not [r for r in sue_only if device.query("SELECT 1 FROM inspections WHERE id = ?", (r["id"],))]
    assert device.subjects.count() == office.subjects.count()                            # the whole registry
    assert same_rows(device_rows(device), device_rows(laptop)) == []                     # what a pull brought

    again = qcity("bundle", "import", str(bundle), "--token", ann, "--json", db=site)    # a second time: nothing new
    assert again.returncode == 0 and json.loads(again.stdout)["blobs_new"] == 0
    assert same_rows(device_rows(open_store(site)), device_rows(laptop)) == []

    status = qcity("sync", "--status", "--json", db=site)
    assert json.loads(status.stdout)["cursor"] == made_info["next"]
    online = sync(open_store(site), hub.url, ann)  # back online: nothing is fetched twice
    assert online.pulled == 0 and online.conflicts == []


def test_a_hub_bundle_opens_only_with_its_inspector_s_token_unchanged_and_without_a_gap(hub: HubProcess,
                                                                                       tmp_path: Path) -> None:
    sue, ann = hub.add_user("sue", "supervisor"), hub.add_user("ann", "inspector")
    office = open_store(tmp_path / "office.db")
    seed_demo(office)
    sync(office, hub.url, sue)
    bundle = tmp_path / "for-ann.zip"
    assert qcity("hub", "bundle-export", str(bundle), "--user", "ann", *_hub_args(hub)).returncode == 0
    site = tmp_path / "site.db"

    _one_line_refusal(qcity("bundle", "import", str(bundle), "--token", sue, db=site), "not made for this token")

    tampered = tampered_copy(bundle, tmp_path / "tampered.zip", "changes.jsonl", "电梯", "扶梯")
    _one_line_refusal(qcity("bundle", "import", str(tampered), "--token", ann, db=site), "altered")

    later = tmp_path / "later.zip"                 # starts after change 5; this device has seen none
    assert qcity("hub", "bundle-export", str(later), "--user", "ann", "--since", "5",
                 *_hub_args(hub)).returncode == 0
    _one_line_refusal(qcity("bundle", "import", str(later), "--token", ann, db=site), "--since 0")

    device_bundle = tmp_path / "device.zip"        # a device's own bundle is for the hub, and says so
    assert qcity("bundle", "export", str(device_bundle), "--token", sue, db=tmp_path / "office.db").returncode == 0
    _one_line_refusal(qcity("bundle", "import", str(device_bundle), "--token", sue, db=site), "--hub URL")

    nobody = qcity("hub", "bundle-export", str(tmp_path / "x.zip"), "--user", "nobody", *_hub_args(hub))
    _one_line_refusal(nobody, "no active account")
    assert not (tmp_path / "x.zip").exists()
    assert SyncState(open_store(site)).cursor() == 0                                     # nothing was taken in


def test_an_inspector_fetches_their_own_hub_bundle_over_http_and_it_opens_on_the_site_laptop(
        hub: HubProcess, tmp_path: Path) -> None:
    sue, ann = hub.add_user("sue", "supervisor"), hub.add_user("ann", "inspector")
    office = open_store(tmp_path / "office.db")
    seed_demo(office)
    sync(office, hub.url, sue)

    bundle = tmp_path / "usb" / "mine.zip"
    bundle.parent.mkdir()
    got = qcity("bundle", "fetch", str(bundle), "--hub", hub.url, "--token", ann, "--json", db=tmp_path / "desk.db")
    assert got.returncode == 0, got.stderr
    assert json.loads(got.stdout)["bytes"] == bundle.stat().st_size > 0
    assert not list(bundle.parent.glob("*.part"))
    site = tmp_path / "site.db"
    applied = qcity("bundle", "import", str(bundle), "--token", ann, "--json", db=site)
    assert applied.returncode == 0, applied.stderr
    assert open_store(site).subjects.count() == office.subjects.count()
    assert not list((hub.data / "tmp").glob("hub-bundle-*"))                   # the hub kept no copy

    # ann's own work with its photos, from her other laptop: sent as the file is made, nothing stored on the way
    laptop = open_store(tmp_path / "laptop.db")
    seed_demo(laptop)
    sync(laptop, hub.url, ann)
    assert device_blob_hashes(laptop)
    with httpx.stream("GET", f"{hub.url}/v1/bundles/mine", headers={"Authorization": f"Bearer {ann}"},
                      timeout=60) as resp:
        assert resp.status_code == 200 and "content-length" not in resp.headers
        pieces = resp.iter_bytes()
        first = next(pieces)
        assert first.startswith(b"PK") and not list(hub.data.rglob("*.zip"))   # no file on the hub's disk
        (tmp_path / "streamed.zip").write_bytes(first + b"".join(pieces))
    fresh = tmp_path / "fresh.db"
    applied = qcity("bundle", "import", str(tmp_path / "streamed.zip"), "--token", ann, "--json", db=fresh)
    assert applied.returncode == 0, applied.stderr
    assert device_blob_hashes(open_store(fresh)) == device_blob_hashes(laptop)    # every photo, intact

    refused = qcity("bundle", "fetch", str(tmp_path / "x.zip"), "--hub", hub.url, "--token", "qct_nobody",
                    db=tmp_path / "desk.db")
    assert refused.returncode == 4 and len(refused.stderr.strip().splitlines()) == 1 and "token" in refused.stderr
    assert not (tmp_path / "x.zip").exists()
    bad = qcity("bundle", "fetch", str(tmp_path / "x.zip"), "--hub", hub.url, "--token", ann, "--since", "-1",
                db=tmp_path / "desk.db")
    _one_line_refusal(bad, "--since -1")


def test_a_streamed_bundle_is_the_same_valid_signed_zip_as_a_written_one(tmp_path: Path) -> None:
    """Photos bigger than one sent piece, copied a megabyte at a time: the streamed file opens, verifies and
    holds every byte, exactly as the file ``write_bundle`` makes."""
    import hashlib
    import hmac
    import random
    import zipfile

    from qcity_desktop.sync.bundle import (
        STREAM_PIECE,
        read_blob,
        read_bundle,
        read_changes,
        stream_bundle,
        write_bundle,
    )

    rnd = random.Random(3)
    photos = {}
    for n in range(3):
        data = rnd.randbytes(STREAM_PIECE * 2 + 12_345 * n)
        sha = hashlib.sha256(data).hexdigest()
        (tmp_path / sha).write_bytes(data)
        photos[sha] = data
    body = b'{"t":"subjects","id":"s1"}\n'
    manifest = {"format": "qcity-bundle", "version": 1, "kind": "hub-changes",
                "blobs": [{"sha256": sha, "size": len(d), "mime": "image/jpeg"} for sha, d in photos.items()]}
    key = b"k" * 64
    pieces = list(stream_bundle(manifest, key, body, 1, lambda sha: tmp_path / sha))
    assert len([p for p in pieces if p]) > len(photos) * 2          # sent in pieces, not built whole
    write_bundle(tmp_path / "written.zip", manifest, key, body, 1,
                 lambda zf, sha: zf.write(tmp_path / sha, f"blobs/{sha}", compress_type=zipfile.ZIP_STORED))
    for source in (b"".join(pieces), tmp_path / "written.zip"):
        zf, opened, signature, manifest_bytes = read_bundle(source)
        with zf:
            assert zf.testzip() is None
            assert hmac.new(key, manifest_bytes, hashlib.sha256).hexdigest() == signature["mac"]
            assert read_changes(zf, opened) == body
            assert {sha: read_blob(zf, sha) for sha in photos} == photos
