"""Photos and signature images on the hub: one file per SHA-256 under DATA/blobs.

Content addressing makes every upload idempotent (the same photo from ten devices is one file)
and resumable: a partly received blob lives in ``blobs/partial/<sha>`` and the next PUT continues
at its size. A blob becomes visible only after its bytes hash to its name, were flushed to disk
and renamed into place, so a hub killed mid-upload never serves half a photo.
"""

from __future__ import annotations

import hashlib
import mmap
import os
import re
import threading
import time
from collections.abc import Callable
from pathlib import Path

from qcity_desktop.hub.accounts import now_iso
from qcity_desktop.hub.db import HubDb
from qcity_desktop.hub.errors import disk_full, full_disk_error

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


def blob_path(root: Path, sha: str) -> Path:
    """Where a photo lives under a ``blobs`` folder (two levels of fan-out: at most 65,536 folders)."""
    return root / sha[:2] / sha[2:4] / sha


class BlobStore:
    def __init__(self, root: Path, db: HubDb, owner: bool = False) -> None:
        self.root = Path(root) / "blobs"
        self.partial_dir = self.root / "partial"
        self.partial_dir.mkdir(parents=True, exist_ok=True)
        if owner:   # whole-photo writes a crash cut short (never those of a command running beside the hub)
            for stale in self.partial_dir.glob("*.direct"):
                if not _writer_alive(stale):
                    stale.unlink(missing_ok=True)
        self.db = db
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()
        self.finisher: Callable[[str, int, str], None] | None = None
        self._made: set[Path] = set()

    def path(self, sha: str) -> Path:
        return blob_path(self.root, sha)

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

    def write(self, sha: str, offset: int, total: int, data: bytes | list[bytes], mime: str
              ) -> dict[str, int | bool | str]:
        """Write one chunk at ``offset`` of a blob of ``total`` bytes; finish it when it is complete.

        ``data`` may be the pieces the request arrived in: they are hashed and written as they are,
        never joined into one buffer (a fresh 2 MB buffer per photo cost the server more than the
        disk write).
        """
        parts = [data] if isinstance(data, bytes | bytearray | memoryview) else data
        size = sum(map(len, parts))
        if total < 0 or total > MAX_BLOB:
            raise BlobError(f"blob size {total} is out of range (max {MAX_BLOB})", 413)
        if self.has(sha):
            return {"sha256": sha, "complete": True, "offset": total}
        if offset + size > total:
            raise BlobError(f"chunk ends at {offset + size}, after the declared size {total}", 400)
        try:
            return self._write(sha, offset, total, parts, size, mime)
        except OSError as err:
            if not disk_full(err):
                raise
            # Nothing half-written stays behind as if it were whole: the whole-photo file goes, and so does
            # a partial upload that began with this request (a partial from earlier requests is kept to resume).
            _direct_path(self.partial_dir, sha).unlink(missing_ok=True)
            if offset == 0:
                (self.partial_dir / sha).unlink(missing_ok=True)
            raise full_disk_error(f"photo {sha[:12]}… could not be written") from None

    def _write(self, sha: str, offset: int, total: int, parts: list[bytes], size: int, mime: str
               ) -> dict[str, int | bool | str]:
        with self._lock(sha):
            if self.has(sha):   # finished by a concurrent upload of the same photo while this one waited
                return {"sha256": sha, "complete": True, "offset": total}
            part = self.partial_dir / sha
            direct = _direct_path(self.partial_dir, sha)
            if offset == 0 and size == total and _write_direct(direct, parts, size, sha):
                # Hashed and written whole, flushed under its own name (a kill before the truncation
                # leaves only a padded .direct file, never a partial upload of the wrong size).
                part.unlink(missing_ok=True)
                self._publish(direct, sha)
                return self._record(sha, total, mime)
            have = self.offset(sha)
            if have > total:   # not this blob's bytes (a different declared size): start again
                part.unlink(missing_ok=True)
                have = 0
            if offset > have:
                raise BlobError(f"upload of {sha[:12]} must continue at byte {have}, not {offset}", 409, have)
            digest = None
            if offset == 0 and size == total:
                digest = _hash(parts)
                if digest != sha:
                    raise BlobError(f"the bytes hash to {digest[:12]}…, not {sha[:12]}…", 422)
            fd = os.open(part, os.O_WRONLY | os.O_CREAT, 0o600)
            try:
                if size:
                    _write_all(fd, parts, offset)
                end = max(have, offset + size)
                if end < total:
                    return {"sha256": sha, "complete": False, "offset": end}
                os.ftruncate(fd, total)
                _flush(fd)
            finally:
                os.close(fd)
            if digest is None:
                digest = file_sha256(part)
                if digest != sha:
                    part.unlink(missing_ok=True)
                    raise BlobError(f"the uploaded bytes hash to {digest[:12]}…, not {sha[:12]}…; upload again", 422)
            self._publish(part, sha)
            return self._record(sha, total, mime)

    def _publish(self, done: Path, sha: str) -> None:
        """Move a complete, flushed file into place and make the move durable."""
        final = self.path(sha)
        if final.parent not in self._made:
            final.parent.mkdir(parents=True, exist_ok=True)
            if len(self._made) < 70_000:   # at most 65,536 folders: remembered, not asked again
                self._made.add(final.parent)
        os.replace(done, final)
        fsync_dir(final.parent)

    def _record(self, sha: str, total: int, mime: str) -> dict[str, int | bool | str]:
        """The blob's row (type, size); if it cannot be stored the file is taken back, to be uploaded again.

        Called under the photo's lock right after this very call published the file (an upload that
        finds the photo already there returns before), so only that file is ever taken back.
        """
        try:
            if self.finisher is not None:   # the row joins the next group commit (one flush for many photos)
                self.finisher(sha, total, mime)
            else:
                with self.db.write() as c:
                    c.x("INSERT INTO blobs(sha256, size, mime, created_at) VALUES (?, ?, ?, ?) "
                        "ON CONFLICT (sha256) DO NOTHING", (sha, total, clean_mime(mime), now_iso()))
        except BaseException:
            self.path(sha).unlink(missing_ok=True)
            raise
        return {"sha256": sha, "complete": True, "offset": total}


_ALIGN = 4096
_DIRECT = getattr(os, "O_DIRECT", 0)
_local = threading.local()


def _direct_path(folder: Path, sha: str) -> Path:
    """The whole-photo file this thread writes ``sha`` into: a name of its own (process and thread), so
    a command writing photos beside the running hub never writes into, or clears, the hub's file."""
    return folder / f"{sha}.{os.getpid()}-{threading.get_native_id()}.direct"


def _writer_alive(path: Path) -> bool:
    """Whether the process writing the whole-photo file ``path`` still runs (a day-old file is stale whatever
    its name says: the number may belong to another process by now)."""
    try:
        pid = int(path.name.split(".")[1].split("-")[0])
        if time.time() - path.stat().st_mtime > 86_400:
            return False
        os.kill(pid, 0)
    except (IndexError, ValueError, ProcessLookupError, FileNotFoundError):
        return False
    except PermissionError:
        return True
    return pid != os.getpid()


def _hash(parts: list[bytes]) -> str:
    h = hashlib.sha256()
    for piece in parts:
        h.update(piece)
    return h.hexdigest()


def _write_direct(path: Path, parts: list[bytes], size: int, sha: str) -> bool:
    """Check and write a whole blob with O_DIRECT, from a reused aligned buffer; False where that is not possible.

    The pieces are copied into the buffer first and hashed there in one call: each call that lets go
    of the interpreter lock has to win it back, and on a busy hub every one of those waits.
    A blob whose bytes do not hash to ``sha`` is refused before any file is made.

    Through the page cache, every photo needed fresh kernel pages, and on the hub's VM finding them
    cost more system time than anything else in an upload (2 MB: ~7 ms of CPU buffered, ~0.5 ms
    direct; docs/performance.md). The hub never reads a photo back right after storing it, so
    caching it helps nothing. The file is padded to the alignment and truncated to its size.
    """
    if not _DIRECT or size == 0:
        return False
    padded = -(-size // _ALIGN) * _ALIGN
    buf = getattr(_local, "buf", None)
    if buf is None or len(buf) < padded:
        if buf is not None:
            buf.close()
        # Private anonymous memory: page-aligned, faulted in once per thread and reused (a shared
        # mapping would live in shmem and cost a page-cache copy per photo).
        buf = _local.buf = mmap.mmap(-1, -(-padded // (1 << 20)) * (1 << 20),
                                     flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    with memoryview(buf) as view:
        at = 0
        for piece in parts:
            view[at:at + len(piece)] = piece
            at += len(piece)
        view[size:padded] = bytes(padded - size)
        with view[:size] as whole:
            digest = hashlib.sha256(whole).hexdigest()
        if digest != sha:
            raise BlobError(f"the bytes hash to {digest[:12]}…, not {sha[:12]}…", 422)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _DIRECT, 0o600)
        except OSError as err:
            if disk_full(err):
                raise
            return False   # a file system without O_DIRECT (tmpfs): the page cache it is
        try:
            with view[:padded] as chunk:
                written = os.pwrite(fd, chunk, 0)
                os.ftruncate(fd, size)
            if written == padded:
                _flush(fd)
        except OSError as err:
            path.unlink(missing_ok=True)
            if disk_full(err):
                raise
            return False
        finally:
            os.close(fd)
    if written != padded:
        path.unlink(missing_ok=True)
    return written == padded


def _flush(fd: int) -> None:
    """The bytes and the size on disk (fdatasync: the modification time need not wait)."""
    (getattr(os, "fdatasync", None) or os.fsync)(fd)


def _write_all(fd: int, parts: list[bytes], offset: int) -> None:
    if hasattr(os, "pwritev") and len(parts) <= 1024:
        written = os.pwritev(fd, parts, offset)
        if written == sum(map(len, parts)):
            return
    for piece in parts:   # no pwritev here, or a short write: piece by piece
        view = memoryview(piece)
        while view:
            n = os.pwrite(fd, view, offset)
            offset += n
            view = view[n:]


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def fsync_dir(path: Path | str) -> None:
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
