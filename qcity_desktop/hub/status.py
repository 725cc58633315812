"""``qcity hub status``: one look at a hub for the bureau's administrator (or a monitoring script).

Is it serving (and which process), how much it holds, whose token runs out soon, which laptops have
not synced for weeks, how much disk is left. It only reads: it never takes the serve lock (a
monitor run every minute must not make a starting hub fail), finding the serving process in
/proc/locks instead, and it refuses to create a hub where there is none.
"""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from qcity_desktop.errors import InputError
from qcity_desktop.hub.owner import LOCK_FILE

SILENT_DAYS = 30        # a device not seen for this long is worth asking about
EXPIRING_DAYS = 30      # tokens running out within this are listed (the device itself warns at 14)
LOW_DISK = 0.10         # below this share of free space the status says so


def serving_pid(data_dir: Path) -> int | None:
    """The process holding ``DATA/hub.lock`` (a serving hub), from /proc/locks; None if none (or not Linux)."""
    try:
        inode = (data_dir / LOCK_FILE).stat().st_ino
        lines = Path("/proc/locks").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        parts = line.split()
        # "1: FLOCK  ADVISORY  WRITE 4711 08:01:1234567 0 EOF"
        if len(parts) >= 6 and parts[1] == "FLOCK" and parts[5].rsplit(":", 1)[-1] == str(inode):
            return int(parts[4])
    return None


def _safe_url(url: str) -> str:
    """A database URL without its password, fit for a status line."""
    parts = urlsplit(url)
    if parts.password:
        host = parts.hostname or ""
        netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
        parts = parts._replace(netloc=netloc)
    return urlunsplit(parts)


def holdings(db: Any) -> dict[str, Any]:
    """What a hub holds: live rows per table and photos (count, bytes). For /v1/stats and ``hub status``."""
    with db.read() as c:
        rows = c.q("SELECT tbl, count(*) FROM rows WHERE body IS NOT NULL GROUP BY tbl ORDER BY tbl")
        blobs = c.one("SELECT count(*), coalesce(sum(size), 0) FROM blobs")
    return {"rows": {str(t): int(n) for t, n in rows}, "blobs": int(blobs[0]) if blobs else 0,
            "blob_bytes": int(blobs[1]) if blobs else 0}


def hub_status(data_dir: Path, database_url: str | None = None, now: datetime | None = None) -> dict[str, Any]:
    """Everything ``qcity hub status`` shows, as plain values."""
    from qcity_desktop.hub.accounts import list_devices, list_users
    from qcity_desktop.hub.db import SCHEMA_VERSION, HubDb

    data_dir = Path(data_dir)
    if not database_url and not (data_dir / "hub.db").is_file():
        raise InputError(f"--data {data_dir}: no hub there (no hub.db); give the folder `qcity hub serve` uses")
    now = now or datetime.now(UTC)
    db = HubDb(data_dir, database_url)
    try:
        with db.read() as c:
            meta = dict(c.q("SELECT key, value FROM hub_meta"))
            conflicts = c.one("SELECT count(*) FROM conflicts")
        held, users, devices = holdings(db), list_users(db), list_devices(db)
    finally:
        db.close()
    soon = (now + timedelta(days=EXPIRING_DAYS)).isoformat()
    silent_since = (now - timedelta(days=SILENT_DAYS)).isoformat()
    disk = shutil.disk_usage(data_dir)
    pid = serving_pid(data_dir)
    return {
        "data": str(data_dir.resolve()),
        "database": _safe_url(database_url) if database_url else str((data_dir / "hub.db").resolve()),
        "database_bytes": None if database_url else _sqlite_bytes(data_dir),
        "serving_pid": pid,
        "hub_id": meta.get("hub_id", ""),
        "schema": int(meta.get("schema", SCHEMA_VERSION)),
        "seq": int(meta.get("seq", 0)),
        "rows": held["rows"],
        "photos": held["blobs"],
        "photo_bytes": held["blob_bytes"],
        "conflicts": int(conflicts[0]) if conflicts else 0,
        "users": len(users),
        "users_disabled": sorted(str(u["name"]) for u in users if u["disabled"]),
        "tokens_expiring": sorted(({"name": u["name"], "expires_at": u["expires_at"]} for u in users
                                   if not u["disabled"] and str(u["expires_at"]) <= soon),
                                  key=lambda u: str(u["expires_at"])),
        "devices": len(devices),
        "devices_silent": [d for d in devices if str(d["last_seen"]) < silent_since],
        "disk_free_bytes": disk.free,
        "disk_low": disk.free < disk.total * LOW_DISK,
    }


def _sqlite_bytes(data_dir: Path) -> int:
    return sum(os.path.getsize(p) for p in (data_dir / "hub.db", data_dir / "hub.db-wal") if p.exists())
