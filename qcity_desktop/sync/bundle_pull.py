"""Offline bundles the other way: what the hub has for an inspector, as a signed file for a site with no network.

Device → hub bundles (``bundle.py``) carry a site's work to the office; this carries the office's
side back: the registry, the templates and the inspector's own inspections (from other devices,
or edited by a supervisor) — exactly the pages a pull would fetch, with the photos they need.

The file has the same layout as a device bundle (``manifest.json`` with ``kind: "hub-changes"``,
``changes.jsonl`` with one feed change per line, ``blobs/<sha256>``, ``signature.json``) and is
signed with the same key: the SHA-256 of the inspector's token, which is what the hub stores. The
device checks it with the token it was given, so a bundle made for another inspector, by another
hub, or changed on the way is refused. Importing is a pull: idempotent, the device's own pending
changes untouched, conflicts decided by the same rules; and it never leaves a gap in what the
device has seen (a bundle that starts after the device's last change from the hub is refused).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qcity_desktop.errors import InputError
from qcity_desktop.sync.bundle import (
    FORMAT,
    VERSION,
    BundleError,
    key_from_token,
    key_id,
    read_blob,
    read_bundle,
    read_changes,
    stream_bundle,
    write_bundle,
)
from qcity_desktop.sync.protocol import BY_NAME

if TYPE_CHECKING:
    from qcity_desktop.hub.service import Hub
    from qcity_desktop.store import Store

KIND = "hub-changes"
STASH_PAGE = 1000


def _collect(hub: Hub, user_name: str, since: int, device_id: str | None
             ) -> tuple[dict[str, Any], bytes, bytes, int, dict[str, Any]]:
    """What a bundle for ``user_name`` holds: manifest, signing key, changes as JSON lines, their count, a summary."""
    from qcity_desktop.hub.service import MAX_PAGE

    found = hub.auth.account(user_name)
    if found is None:
        raise InputError(f"no active account {user_name!r} on this hub (see `qcity hub users`)")
    user, stored = found
    key = stored.encode("ascii")
    changes: list[dict[str, Any]] = []
    cursor = max(0, since)
    while True:
        page = json.loads(hub.changes_json(user, device_id or "", cursor, MAX_PAGE, own=device_id is None))
        changes += page["changes"]
        cursor = int(page["next"])
        if not page["more"]:
            break
    needed = sorted({str(ch["body"][col]) for ch in changes if ch.get("body") and ch["t"] in BY_NAME
                     for col in BY_NAME[ch["t"]].blob_columns if ch["body"].get(col)})
    blobs_meta = [{"sha256": sha, "size": hub.blobs.path(sha).stat().st_size, "mime": hub.blobs.mime(sha)}
                  for sha in needed if hub.blobs.has(sha)]
    body = b"".join(json.dumps(ch, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"
                    for ch in changes)
    manifest = {
        "format": FORMAT, "version": VERSION, "kind": KIND, "hub_id": hub.hub_id, "user": user.name,
        "device_id": device_id or "", "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "since": max(0, since), "next": cursor, "blobs": blobs_meta,
    }
    summary = {"user": user.name, "changes": len(changes), "blobs": len(blobs_meta), "since": max(0, since),
               "next": cursor}
    return manifest, key, body, len(changes), summary


def export_for_device(hub: Hub, user_name: str, path: Path, since: int = 0, device_id: str | None = None
                      ) -> dict[str, Any]:
    """Write what ``user_name`` would pull from ``hub`` after change ``since`` (and its photos) to ``path``.

    With ``device_id`` the device's own changes are left out (as its pull would); without it the
    bundle holds everything the inspector may see, for a device that has never synced.
    """
    manifest, key, body, count, summary = _collect(hub, user_name, since, device_id)

    def add_blob(zf: zipfile.ZipFile, sha: str) -> None:
        zf.write(hub.blobs.path(sha), f"blobs/{sha}", compress_type=zipfile.ZIP_STORED)

    write_bundle(Path(path), manifest, key, body, count, add_blob)
    return {"file": str(path), **summary}


def stream_for_device(hub: Hub, user_name: str, since: int = 0, device_id: str | None = None) -> Iterator[bytes]:
    """``export_for_device`` as the pieces of the file, for sending as it is made (``GET /v1/bundles/mine``).

    The changes are read now, so a refusal comes before the first byte; the photos are read as they are sent.
    """
    manifest, key, body, count, _summary = _collect(hub, user_name, since, device_id)
    return stream_bundle(manifest, key, body, count, hub.blobs.path)


def import_into_device(store: Store, source: Path, token: str) -> dict[str, Any]:
    """Check a hub bundle against ``token`` and apply it to ``store`` as a pull would."""
    from qcity_desktop.store.sync_state import META_HUB_ID, SyncState

    zf, manifest, signature, manifest_bytes = read_bundle(Path(source))
    with zf:
        if manifest.get("kind") != KIND:
            raise BundleError("this bundle holds a device's changes for the hub: import it there "
                              "(`qcity bundle import FILE --hub URL` or `--data DIR`)", "kind")
        key = key_from_token(token)
        mac = hmac.new(key, manifest_bytes, hashlib.sha256).hexdigest()
        if signature.get("key_id") != key_id(key) or not hmac.compare_digest(mac, str(signature.get("mac", ""))):
            raise BundleError("the bundle was not made for this token (another inspector's, or the file was changed)",
                              "token")
        state = SyncState(store)
        known_hub = state.get(META_HUB_ID)
        if known_hub and known_hub != manifest.get("hub_id"):
            raise BundleError("the bundle was made by another hub than the one this device syncs with", "hub")
        if manifest.get("device_id") and manifest["device_id"] != store.device_id:
            raise BundleError(f"the bundle was made for device {str(manifest['device_id'])[:8]}…, not this one",
                              "device")
        since, upto, cursor = int(manifest.get("since", 0)), int(manifest.get("next", 0)), state.cursor()
        if since > cursor:
            raise BundleError(f"the bundle starts after change {since}, but this device has the hub's changes only "
                              f"up to {cursor}: make it again with --since {cursor}", "gap", cursor=cursor)
        body = read_changes(zf, manifest)
        try:
            changes = [json.loads(line) for line in body.decode("utf-8").splitlines() if line.strip()]
        except ValueError as err:
            raise BundleError(f"bad change in the bundle: {err}") from None
        new_blobs = 0
        for b in manifest.get("blobs", []):
            sha = str(b.get("sha256", ""))
            if store.blobs.has(sha):
                continue
            state.put_blob(read_blob(zf, sha), str(b.get("mime", "")))
            new_blobs += 1
    run = state.start_run(str(source), via="bundle")
    if not known_hub and manifest.get("hub_id"):
        with store.transaction():
            store.meta_set(META_HUB_ID, str(manifest["hub_id"]))
    # The cursor moves only with the last page: a bundle cut short by a crash is simply imported again.
    for at in range(0, len(changes), STASH_PAGE):
        last = at + STASH_PAGE >= len(changes)
        state.stash(changes[at:at + STASH_PAGE], max(upto, cursor) if last else cursor)
    if not changes:
        state.stash([], max(upto, cursor))
    newest = max((str(ch.get("hlc", "")) for ch in changes), default="")
    if newest:
        state.observe_hlc(newest)
    report = state.apply_inbox()
    state.record_conflicts(report.conflicts)
    state.finish_run(run, 0, len(changes), new_blobs, len(report.conflicts))
    return {"file": str(source), "user": manifest.get("user", ""), "changes": len(changes), "blobs_new": new_blobs,
            "applied": report.applied, "waiting": report.waiting, "conflicts": report.conflicts,
            "cursor": state.cursor()}
