"""Offline bundles: the same changes a push would send, as one signed file for a USB stick.

A bundle is a ZIP with ``manifest.json`` (who, when, counts, the SHA-256 of every member),
``changes.jsonl`` (one push change per line, exactly the wire format), ``blobs/<sha256>`` (the
photos and signature images the changes need) and ``signature.json``: an HMAC-SHA256 of the
manifest keyed with the SHA-256 of the user's token. The hub stores exactly that hash, so it
can check a bundle without ever having stored the token, and the device needs nothing but the
token it already has. Any changed byte — a member, the manifest, the signature — is refused.

Importing is a push: idempotent (the same bundle twice stores nothing new), subject to the same
rules (signed inspections, roles, numbers), and the device's outbox is left alone, so the next
online sync simply finds everything already on the hub.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import zipfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qcity_desktop.errors import InputError, QCityError

if TYPE_CHECKING:
    from qcity_desktop.hub.accounts import User
    from qcity_desktop.hub.service import Hub
    from qcity_desktop.store import Store

FORMAT = "qcity-bundle"
VERSION = 1
BATCH = 1000


class BundleError(InputError):
    """The file is not a valid bundle, or its signature does not check out.

    ``code`` names the reason for a screen that words it in its own language (``info`` holds the
    figures it needs): invalid, altered, token, hub, device, gap, kind.
    """

    def __init__(self, message: str, code: str = "invalid", **info: object) -> None:
        super().__init__(message)
        self.code = code
        self.info = info


def key_from_token(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8")).hexdigest().encode("ascii")


def key_id(key: bytes) -> str:
    """A public name for the key, so the hub knows whose stored hash to check against."""
    return hashlib.sha256(b"qcity-bundle-key-id:" + key).hexdigest()[:16]


def export_bundle(store: Store, path: Path, token: str) -> dict[str, Any]:
    """Write every pending change of this device (and the blobs it needs) to ``path``, signed."""
    from qcity_desktop.store.sync_state import META_HUB_ID, SyncState
    from qcity_desktop.sync.engine import build_changes
    from qcity_desktop.sync.protocol import encode_json

    state = SyncState(store)
    lines: list[bytes] = []
    after, upto = 0, state.last_outbox_seq()
    needed: set[str] = set(state.queued_blobs())
    while True:
        entries = state.outbox(after, upto, BATCH)
        if not entries:
            break
        changes, _sent, blobs = build_changes(state, entries, store.device_id)
        needed |= blobs
        lines += [encode_json(c) for c in changes if c]
        after = entries[-1].seq
    body = b"\n".join(lines) + (b"\n" if lines else b"")
    blobs_meta = []
    for sha in sorted(needed):
        row = store.conn.execute("SELECT size, mime FROM blobs WHERE sha256 = ?", (sha,)).fetchone()
        if row is not None:
            blobs_meta.append({"sha256": sha, "size": int(row[0]), "mime": row[1]})
    manifest = {
        "format": FORMAT, "version": VERSION, "kind": "device-changes", "device_id": store.device_id,
        "hub_id": state.get(META_HUB_ID) or "", "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "blobs": blobs_meta,
    }

    def add_blob(zf: zipfile.ZipFile, sha: str) -> None:
        zf.writestr(f"blobs/{sha}", store.blobs.get(sha), compress_type=zipfile.ZIP_STORED)

    write_bundle(Path(path), manifest, key_from_token(token), body, len(lines), add_blob)
    run = state.start_run(str(path), via="bundle")
    state.finish_run(run, len(lines), 0, len(blobs_meta), 0)
    return {"file": str(path), "changes": len(lines), "blobs": len(blobs_meta), "device_id": store.device_id}


def sign_manifest(manifest: dict[str, Any], key: bytes, body: bytes, count: int) -> tuple[dict[str, Any], bytes, bytes]:
    """``manifest`` completed with the changes' count and hash; its bytes and the signature's."""
    manifest = {**manifest, "changes": {"file": "changes.jsonl", "count": count,
                                        "sha256": hashlib.sha256(body).hexdigest()}}
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
    signature = {"alg": "HMAC-SHA256", "key_id": key_id(key),
                 "mac": hmac.new(key, manifest_bytes, hashlib.sha256).hexdigest()}
    return manifest, manifest_bytes, json.dumps(signature).encode("utf-8")


def _head(zf: zipfile.ZipFile, manifest_bytes: bytes, signature: bytes, body: bytes) -> None:
    zf.writestr("manifest.json", manifest_bytes, compress_type=zipfile.ZIP_DEFLATED)
    zf.writestr("signature.json", signature, compress_type=zipfile.ZIP_DEFLATED)
    zf.writestr("changes.jsonl", body, compress_type=zipfile.ZIP_DEFLATED)


def write_bundle(path: Path, manifest: dict[str, Any], key: bytes, body: bytes, count: int,
                 add_blob: Callable[[zipfile.ZipFile, str], None]) -> None:
    """Sign ``manifest`` (completed with the changes' count and hash) and write the ZIP, whole or not at all."""
    manifest, manifest_bytes, signature = sign_manifest(manifest, key, body, count)
    tmp = path.with_name(path.name + ".part")
    try:
        with zipfile.ZipFile(tmp, "w") as zf:
            _head(zf, manifest_bytes, signature, body)
            for b in manifest.get("blobs", []):   # photos are already compressed: added as they are
                add_blob(zf, b["sha256"])
        tmp.replace(path)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        raise QCityError(f"cannot write the bundle {path}: {err.strerror or err}") from None


class _Drain(io.RawIOBase):
    """A write-only, unseekable file for ``zipfile``: what it wrote is taken out piece by piece."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[bytes] = []
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.parts.append(bytes(data))
        self.size += len(self.parts[-1])
        return len(self.parts[-1])

    def take(self) -> bytes:
        out = b"".join(self.parts)
        self.parts.clear()
        self.size = 0
        return out


STREAM_PIECE = 1 << 20


def stream_bundle(manifest: dict[str, Any], key: bytes, body: bytes, count: int,
                  blob_file: Callable[[str], Path]) -> Iterator[bytes]:
    """The same ZIP as ``write_bundle``, made while it is sent: nothing of it is stored on the way.

    A bundle of a few thousand photos is gigabytes; built whole first it took that much of the hub's
    disk and kept the inspector waiting for the first byte. Photos are copied a megabyte at a time.
    """
    manifest, manifest_bytes, signature = sign_manifest(manifest, key, body, count)
    drain = _Drain()
    with zipfile.ZipFile(drain, "w") as zf:
        _head(zf, manifest_bytes, signature, body)
        yield drain.take()
        for b in manifest.get("blobs", []):
            info = zipfile.ZipInfo(f"blobs/{b['sha256']}", date_time=datetime.now().timetuple()[:6])
            info.compress_type = zipfile.ZIP_STORED
            info.file_size = int(b["size"])
            with open(blob_file(b["sha256"]), "rb") as src, zf.open(info, "w") as dst:
                while piece := src.read(STREAM_PIECE):
                    dst.write(piece)
                    if drain.size >= STREAM_PIECE:
                        yield drain.take()
            yield drain.take()
    yield drain.take()   # the central directory


def read_changes(zf: zipfile.ZipFile, manifest: dict[str, Any]) -> bytes:
    """The changes member, checked against the signed manifest."""
    try:
        body = zf.read(manifest["changes"]["file"])
    except (KeyError, TypeError) as err:
        raise BundleError(f"the bundle lacks its changes ({err})") from None
    if hashlib.sha256(body).hexdigest() != manifest["changes"].get("sha256"):
        raise BundleError("changes.jsonl does not match the signed manifest (the file was altered)", "altered")
    return body


def read_blob(zf: zipfile.ZipFile, sha: str) -> bytes:
    """One photo of the bundle, checked against its hash."""
    try:
        data = zf.read(f"blobs/{sha}")
    except KeyError:
        raise BundleError(f"the bundle lacks photo {sha[:12]}") from None
    if hashlib.sha256(data).hexdigest() != sha:
        raise BundleError(f"photo {sha[:12]} in the bundle was altered", "altered")
    return data


def read_bundle(source: bytes | Path) -> tuple[zipfile.ZipFile, dict[str, Any], dict[str, Any], bytes]:
    """Open a bundle and parse its manifest and signature (not yet verified)."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)
        manifest_bytes = zf.read("manifest.json")
        manifest = json.loads(manifest_bytes)
        signature = json.loads(zf.read("signature.json"))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as err:
        raise BundleError(f"not a QCity bundle ({err})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BundleError("not a QCity bundle (no qcity-bundle manifest)")
    if manifest.get("version") != VERSION:
        raise BundleError(f"bundle format version {manifest.get('version')} is not supported (this hub reads {VERSION})")
    if not isinstance(signature, dict) or signature.get("alg") != "HMAC-SHA256":
        raise BundleError("the bundle's signature is missing or of an unknown kind")
    return zf, manifest, signature, manifest_bytes


def _signer(hub: Hub, signature: dict[str, Any], manifest_bytes: bytes) -> User:
    from qcity_desktop.hub.accounts import User, now_iso

    with hub.db.read() as c:
        users = c.q("SELECT name, role, token_hash, expires_at FROM users WHERE disabled = 0")
    for name, role, stored, expires in users:
        key = stored.encode("ascii")
        if key_id(key) != signature.get("key_id"):
            continue
        mac = hmac.new(key, manifest_bytes, hashlib.sha256).hexdigest()
        if hmac.compare_digest(mac, str(signature.get("mac", ""))):
            if expires <= now_iso():
                raise BundleError(f"the bundle was signed with {name}'s token, which has expired")
            return User(name, role, expires)
        break
    raise BundleError("the bundle's signature does not match any account on this hub (changed file, or another hub)")


def import_into_hub(hub: Hub, source: bytes | Path, importer: User | None = None) -> dict[str, Any]:
    """Verify a device bundle and push its blobs and changes into ``hub``."""
    from qcity_desktop.hub.validate import PushError, parse_batch

    zf, manifest, signature, manifest_bytes = read_bundle(source)
    with zf:
        signer = _signer(hub, signature, manifest_bytes)
        if importer is not None and importer.name != signer.name and not importer.supervisor:
            raise BundleError(f"this bundle is {signer.name}'s; only they or a supervisor may import it")
        if manifest.get("hub_id") and manifest["hub_id"] != hub.hub_id:
            raise BundleError("the bundle was written for another hub")
        device = str(manifest.get("device_id") or "")
        body = read_changes(zf, manifest)
        hub.devices.register(signer, device, "")
        blobs = 0
        for b in manifest.get("blobs", []):
            sha = str(b.get("sha256", ""))
            data = read_blob(zf, sha)
            if not hub.blobs.has(sha):
                hub.blobs.write(sha, 0, len(data), data, str(b.get("mime", "")))
                blobs += 1
        lines = [ln for ln in body.decode("utf-8").splitlines() if ln.strip()]
        counts: dict[str, int] = {}
        conflicts: list[dict[str, Any]] = []
        for i in range(0, len(lines), BATCH):
            try:
                _, changes = parse_batch({"device_id": device, "changes": [json.loads(ln) for ln in lines[i:i + BATCH]]})
            except (PushError, ValueError) as err:
                raise BundleError(f"bad change in the bundle: {err}") from None
            result = hub.push(signer, device, changes)
            for ch, res in zip(changes, result["results"], strict=True):
                counts[res["status"]] = counts.get(res["status"], 0) + 1
                if res["status"] in ("refused", "merged", "rekeyed") or res.get("fields"):
                    conflicts.append({"table": ch.tbl, "row_id": ch.id, "status": res["status"],
                                      "detail": res.get("reason") or ", ".join(res.get("fields", []))})
    return {"device_id": device, "user": signer.name, "changes": len(lines), "blobs_new": blobs,
            "results": counts, "conflicts": conflicts}
