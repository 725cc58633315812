"""Photos and signature images on the hub: one file per SHA-256 under DATA/blobs.

Content addressing makes every upload idempotent (the same photo from ten devices is one file)
and resumable: a partly received blob lives in ``blobs/partial/<sha>`` and the next PUT continues
at its size. A blob becomes visible only after its bytes hash to its name, were flushed to disk
and renamed into place, so a hub killed mid-upload never serves half a photo.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from pathlib import Path

from qcity_desktop.hub.accounts import now_iso
from qcity_desktop.hub.db import HubDb

MAX_CHUNK = 16 * 1024 * 1024
MAX_BLOB = 2 * 1024 * 1024 * 1024
_MIME = re.compile(r"^[\w.+-]{1,60}/[\w.+-]{1,80}$")


class BlobError(Exception):
    """A bad upload (wrong offset, hash mismatch); ``status`` is the HTTP code, ``offset`` where to resume."""

    def __init__(self, message: str, status: int, offset: int = 0) -> None:
        super().__init__(message)
        self.status = status
        self.offset = offset


def clean_mime(value: str | None) -> str:
    value = (value or "").split(";", 1)[0].strip().lower()
    return value if _MIME.match(value) else "application/octet-stream"


class BlobStore:
    def __init__(self, root: Path, db: HubDb) -> None:
        self.root = Path(root) / "blobs"
        self.partial_dir = self.root / "partial"
        self.partial_dir.mkdir(parents=True, exist_ok=True)
        self.db = db
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()

    def path(self, sha: str) -> Path:
        return self.root / sha[:2] / sha[2:4] / sha

    def has(self, sha: str) -> bool:
        return self.path(sha).is_file()

    def offset(self, sha: str) -> int:
        try:
            return self.partial_dir.joinpath(sha).stat().st_size
        except FileNotFoundError:
            return 0

    def missing(self, hashes: list[str]) -> list[dict[str, int | str]]:
        return [{"sha256": h, "offset": self.offset(h)} for h in dict.fromkeys(hashes) if not self.has(h)]

    def mime(self, sha: str) -> str:
        with self.db.read() as c:
            row = c.one("SELECT mime FROM blobs WHERE sha256 = ?", (sha,))
        return row[0] if row else "application/octet-stream"

    def _lock(self, sha: str) -> threading.Lock:
        with self._locks_guard:
            lock = self._locks.get(sha)
            if lock is None:
                if len(self._locks) > 1000:
                    self._locks = {k: v for k, v in self._locks.items() if v.locked()}
                lock = self._locks[sha] = threading.Lock()
            return lock

    def write(self, sha: str, offset: int, total: int, data: bytes, mime: str) -> dict[str, int | bool | str]:
        """Write one chunk at ``offset`` of a blob of ``total`` bytes; finish it when it is complete."""
        if total < 0 or total > MAX_BLOB:
            raise BlobError(f"blob size {total} is out of range (max {MAX_BLOB})", 413)
        if self.has(sha):
            return {"sha256": sha, "complete": True, "offset": total}
        if offset + len(data) > total:
            raise BlobError(f"chunk ends at {offset + len(data)}, after the declared size {total}", 400)
        with self._lock(sha):
            part = self.partial_dir / sha
            have = self.offset(sha)
            if offset > have:
                raise BlobError(f"upload of {sha[:12]} must continue at byte {have}, not {offset}", 409, have)
            digest = None
            if offset == 0 and len(data) == total:
                digest = hashlib.sha256(data).hexdigest()
                if digest != sha:
                    raise BlobError(f"the bytes hash to {digest[:12]}…, not {sha[:12]}…", 422)
            fd = os.open(part, os.O_WRONLY | os.O_CREAT, 0o600)
            try:
                if data:
                    os.pwrite(fd, data, offset)
                end = max(have, offset + len(data))
                if end < total:
                    return {"sha256": sha, "complete": False, "offset": end}
                os.ftruncate(fd, total)
                os.fsync(fd)
            finally:
                os.close(fd)
            if digest is None:
                digest = _file_hash(part)
                if digest != sha:
                    part.unlink(missing_ok=True)
                    raise BlobError(f"the uploaded bytes hash to {digest[:12]}…, not {sha[:12]}…; upload again", 422)
            final = self.path(sha)
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(part, final)
            _fsync_dir(final.parent)
        with self.db.write() as c:
            c.x("INSERT INTO blobs(sha256, size, mime, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING",
                (sha, total, clean_mime(mime), now_iso()))
        return {"sha256": sha, "complete": True, "offset": total}


def _file_hash(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
