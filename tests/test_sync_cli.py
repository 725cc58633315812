"""The sync, hub and bundle commands as a user runs them: real processes, real files, real HTTP."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from test_sync_support import (
    ROOT,
    HubProcess,
    device_rows,
    env,
    free_port,
    run_sync_cli,
    same_rows,
    self_signed_cert,
    tampered_copy,
)

from qcity_desktop.demo import seed_demo
from qcity_desktop.store import open_store
from qcity_desktop.store.sync_state import SyncState


def qcity(*args: str, db: Path | None = None, extra_env: dict | None = None) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "qcity_desktop", *(["--db", str(db)] if db else []), *args]
    return subprocess.run(cmd, env={**env(), **(extra_env or {})}, cwd=ROOT, capture_output=True, text=True, timeout=300)


@pytest.fixture
def hub(tmp_path: Path):
    proc = HubProcess(tmp_path / "hub").start()
    yield proc
    proc.stop()


def test_add_user_prints_the_token_once_and_the_hub_keeps_only_a_hash(tmp_path: Path) -> None:
    data = tmp_path / "hub"
    out = qcity("hub", "add-user", "王芳", "--role", "inspector", "--data", str(data))
    assert out.returncode == 0, out.stderr
    token = out.stdout.strip().splitlines()[-1]
    assert token.startswith("qct_") and len(token) > 40
    stored = b"".join(p.read_bytes() for p in data.glob("hub.db*"))
    assert token.encode() not in stored                        # only its hash is on disk
    listed = json.loads(qcity("hub", "users", "--data", str(data), "--json").stdout)
    assert listed[0]["name"] == "王芳" and "token" not in json.dumps(listed)
    again = qcity("hub", "add-user", "王芳", "--role", "inspector", "--data", str(data))
    assert again.returncode != 0 and len(again.stderr.strip().splitlines()) == 1 and "--replace" in again.stderr


def test_sync_prints_counts_remembers_the_hub_and_keeps_the_token_private(hub: HubProcess, tmp_path: Path) -> None:
    token = hub.add_user("ann", "inspector")
    db = tmp_path / "a.db"
    store = open_store(db)
    seed_demo(store)
    waiting = SyncState(store).pending()["rows"]
    store.close()
    first = run_sync_cli(db, hub.url, token, "--json")
    assert first.returncode == 0, first.stderr
    info = json.loads(first.stdout)
    assert info["pushed"] == waiting > 100 and info["conflict_count"] == 0
    second = qcity("sync", db=db)                               # hub and token remembered
    assert second.returncode == 0, second.stderr
    assert "pushed 0" in second.stdout and "已推送 0 条" in second.stdout
    token_file = Path(os.environ["XDG_CONFIG_HOME"]) / "QCityInspector" / "hub-tokens.json"
    assert token_file.exists() and stat.S_IMODE(token_file.stat().st_mode) == 0o600
    assert token not in db.read_bytes().decode("latin-1")        # never in the database
    status = json.loads(qcity("sync", "--status", "--json", db=db).stdout)
    assert status["pending"]["rows"] <= 1 and status["last_success"]


def test_offline_bundle_reaches_the_hub_once_and_a_tampered_one_is_refused(hub: HubProcess, tmp_path: Path) -> None:
    ann = hub.add_user("ann", "inspector")
    sue = hub.add_user("sue", "supervisor")
    db = tmp_path / "site.db"
    store = open_store(db)
    seed_demo(store)
    store.close()
    bundle = tmp_path / "usb" / "qcity-bundle.zip"
    bundle.parent.mkdir()
    out = qcity("bundle", "export", str(bundle), "--token", ann, "--json", db=db)
    assert out.returncode == 0, out.stderr
    exported = json.loads(out.stdout)
    assert exported["changes"] > 1000 and exported["blobs"] > 0

    # At the office: a supervisor sends it to the hub.
    sent = qcity("bundle", "import", str(bundle), "--hub", hub.url, "--token", sue, "--json")
    assert sent.returncode == 0, sent.stderr
    result = json.loads(sent.stdout)
    assert result["user"] == "ann" and result["results"].get("refused", 0) == 0
    store = open_store(db)
    assert same_rows(device_rows(store), hub.rows()) == []
    twice = json.loads(qcity("bundle", "import", str(bundle), "--hub", hub.url, "--token", sue, "--json").stdout)
    assert set(twice["results"]) == {"duplicate"}              # the same file twice stores nothing new

    tampered = tampered_copy(bundle, tmp_path / "tampered.zip", "changes.jsonl", "温泉", "温水")
    bad = qcity("bundle", "import", str(tampered), "--hub", hub.url, "--token", sue)
    assert bad.returncode != 0 and "altered" in bad.stderr and len(bad.stderr.strip().splitlines()) == 1

    # Back online later, the device finds everything already there.
    res = json.loads(run_sync_cli(db, hub.url, ann, "--json").stdout)
    assert res["refused"] == 0 and res["conflict_count"] == 0
    assert same_rows(device_rows(open_store(db)), hub.rows()) == []


def test_bundle_import_straight_into_the_hub_folder_and_a_foreign_signature(tmp_path: Path) -> None:
    data = tmp_path / "hub"
    token = json.loads(qcity("hub", "add-user", "ann", "--role", "inspector", "--data", str(data), "--json").stdout)["token"]
    db = tmp_path / "site.db"
    seed_demo(open_store(db))
    bundle = tmp_path / "b.zip"
    assert qcity("bundle", "export", str(bundle), "--token", token, db=db).returncode == 0
    ok = qcity("bundle", "import", str(bundle), "--data", str(data))
    assert ok.returncode == 0 and "imported" in ok.stdout, ok.stderr
    foreign = tmp_path / "foreign.zip"
    assert qcity("bundle", "export", str(foreign), "--token", "qct_someone-else", db=db).returncode == 0
    refused = qcity("bundle", "import", str(foreign), "--data", str(data))
    assert refused.returncode != 0 and "does not match any account" in refused.stderr


def test_hub_serves_tls_and_a_device_trusting_its_certificate_syncs(tmp_path: Path, monkeypatch) -> None:
    cert, key = self_signed_cert(tmp_path)
    monkeypatch.setenv("QCITY_HUB_CA", str(cert))
    proc = HubProcess(tmp_path / "hub")
    proc.extra = ["--certfile", str(cert), "--keyfile", str(key)]
    proc.start()
    try:
        assert proc.url.startswith("https://")
        token = proc.add_user("ann", "inspector")
        db = tmp_path / "a.db"
        seed_demo(open_store(db))
        ok = run_sync_cli(db, proc.url, token, "--json")
        assert ok.returncode == 0, ok.stderr
        untrusted = qcity("sync", "--hub", proc.url, "--token", token, db=db, extra_env={"QCITY_HUB_CA": ""})
        assert untrusted.returncode != 0 and "certificate" in untrusted.stderr.lower()
    finally:
        proc.stop()


def test_a_bureau_certificate_given_once_with_ca_is_remembered_and_an_untrusted_hub_is_named_as_such(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An intranet hub with a self-signed certificate: before, the device said "not reachable … your
    changes stay" after its retries, as if offline. Now it names the certificate at once (exit 4), and
    ``--ca FILE`` makes the device trust it from then on (kept in its database, shown by fingerprint)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    cert, key = self_signed_cert(tmp_path)
    proc = HubProcess(tmp_path / "hub")
    proc.extra = ["--certfile", str(cert), "--keyfile", str(key)]
    plain = {"QCITY_HUB_CA": ""}          # no administrator's override: only what the device was given
    monkeypatch.setenv("QCITY_HUB_CA", str(cert))   # for this test's own readiness probe only
    proc.start()
    try:
        token = proc.add_user("ann", "inspector")
        db = tmp_path / "a.db"
        seed_demo(open_store(db))
        untrusted = qcity("sync", "--hub", proc.url, "--token", token, db=db, extra_env=plain)
        assert untrusted.returncode == 4 and len(untrusted.stderr.strip().splitlines()) == 1, untrusted.stderr
        assert "certificate is not trusted" in untrusted.stderr and "--ca FILE" in untrusted.stderr
        assert SyncState(open_store(db)).pending()["changes"] > 0

        notes = tmp_path / "notes.txt"
        notes.write_text("not a certificate", encoding="utf-8")
        bad = qcity("sync", "--hub", proc.url, "--token", token, "--ca", str(notes), db=db, extra_env=plain)
        assert bad.returncode == 2 and str(notes) in bad.stderr and "no certificate" in bad.stderr
        gone = qcity("sync", "--hub", proc.url, "--token", token, "--ca", str(tmp_path / "nope.pem"), db=db,
                     extra_env=plain)
        assert gone.returncode == 2 and "nope.pem" in gone.stderr

        ok = qcity("sync", "--hub", proc.url, "--token", token, "--ca", str(cert), "--json", db=db, extra_env=plain)
        assert ok.returncode == 0, ok.stderr
        assert json.loads(ok.stdout)["pushed"] > 0
        other = tmp_path / "site.db"                    # a site laptop's bundle, sent in from the office PC
        seed_demo(open_store(other))
        bundle = tmp_path / "site.zip"
        assert qcity("bundle", "export", str(bundle), "--token", token, db=other, extra_env=plain).returncode == 0
        refused = qcity("bundle", "import", str(bundle), "--hub", proc.url, "--token", token, extra_env=plain)
        assert refused.returncode == 4 and "certificate is not trusted" in refused.stderr, refused.stderr
        sent = qcity("bundle", "import", str(bundle), "--hub", proc.url, "--token", token, "--ca", str(cert),
                     "--json", extra_env=plain)
        assert sent.returncode == 0, sent.stderr
        cert.unlink()                                   # the USB stick it came on is gone: still trusted
        again = qcity("sync", db=db, extra_env=plain)
        assert again.returncode == 0, again.stderr
        fetched = qcity("bundle", "fetch", str(tmp_path / "mine.zip"), "--json", db=db, extra_env=plain)
        assert fetched.returncode == 0, fetched.stderr                 # the hub's bundle, over the same trust
        assert json.loads(fetched.stdout)["bytes"] == (tmp_path / "mine.zip").stat().st_size > 0
        status = json.loads(qcity("sync", "--status", "--json", db=db, extra_env=plain).stdout)
        pem_cert = x509.load_pem_x509_certificate(SyncState(open_store(db)).get("sync.hub_ca_pem").encode())
        assert status["hub_certificate_sha256"] == pem_cert.fingerprint(hashes.SHA256()).hex(":").upper()
    finally:
        proc.stop()


def test_a_token_running_out_within_two_weeks_is_announced_after_each_sync(hub, tmp_path: Path) -> None:
    """An expired token stops every sync and only the bureau can issue a new one: the device says so
    ahead, while the inspector can still ask, not on the day at the market."""
    from datetime import timedelta

    from qcity_desktop.sync.credentials import token_days_left

    db = tmp_path / "a.db"
    seed_demo(open_store(db))
    short = hub.add_user("ann", "inspector", days=5.5)
    out = run_sync_cli(db, hub.url, short)
    assert out.returncode == 0, out.stderr
    expires = SyncState(open_store(db)).get("sync.token_expires_at")
    assert expires and f"令牌将于 {expires[:10]} 过期（还有 5 天）" in out.stdout and "ask the bureau" in out.stdout
    report = json.loads(run_sync_cli(db, hub.url, short, "--json").stdout)
    assert report["token_days_left"] == 5 and report["token_expires_at"] == expires
    status = qcity("sync", "--status", db=db)
    assert f"token valid until: {expires[:10]}" in status.stdout

    long = hub.add_user("bob", "inspector", days=365)
    quiet = run_sync_cli(tmp_path / "b.db", hub.url, long)
    assert quiet.returncode == 0 and "过期" not in quiet.stdout and "expires" not in quiet.stdout

    now = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
    assert token_days_left("2026-12-13T11:00:00Z", now) == 13
    assert token_days_left((now + timedelta(days=15)).isoformat(), now) is None
    assert token_days_left("2026-11-01T00:00:00+00:00", now) == 0          # already past: say so, loudly
    assert token_days_left("not a date", now) is None and token_days_left("", now) is None


def test_hub_serve_reports_a_busy_port_and_a_half_tls_setup_in_one_line(tmp_path: Path) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        out = qcity("hub", "serve", "--data", str(tmp_path / "hub"), "--port", str(port))
    assert out.returncode == 3 and len(out.stderr.strip().splitlines()) == 1 and str(port) in out.stderr
    half = qcity("hub", "serve", "--data", str(tmp_path / "hub"), "--port", str(free_port()), "--certfile", "x.pem")
    assert half.returncode == 2 and "--keyfile" in half.stderr
