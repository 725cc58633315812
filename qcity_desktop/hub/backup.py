"""A consistent copy of a SQLite hub's data folder, taken while the hub keeps serving.

Copying the folder with ``cp`` while devices sync can catch the database between a write and its
WAL, and photo files half-written; stopping the hub for a backup stops every inspector's sync. So:
the database is copied with SQLite's online backup (a snapshot of one moment, even as pushes
commit), then exactly the photos that snapshot lists are copied — photo files never change once in
place, so a photo stored later is simply not part of this backup. Where the destination is on the
same file system, photos are hard links (no extra space, instant); elsewhere, copies checked
against their names. The result is a data folder: ``qcity hub serve --data DEST`` restores it.

A PostgreSQL hub is backed up with PostgreSQL's own tools (``pg_dump``), plus this folder's photos.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path
from typing import Any

from qcity_desktop.errors import EnvironmentProblem, InputError
from qcity_desktop.hub.blobs import blob_path, file_sha256, fsync_dir


def backup_hub(data_dir: Path, dest: Path, verify: bool = False) -> dict[str, Any]:
    """Copy the hub in ``data_dir`` to the new folder ``dest``; what was copied and how."""
    data_dir, dest = Path(data_dir), Path(dest)
    source_db = data_dir / "hub.db"
    if not source_db.is_file():
        raise InputError(f"{data_dir} holds no SQLite hub (no hub.db); for a PostgreSQL hub use pg_dump, "
                         "and copy the folder's blobs/")
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise InputError(f"{dest} already exists and is not an empty folder; give a new folder for the backup")
    dest.mkdir(parents=True, exist_ok=True)
    part = dest / "hub.db.part"
    try:
        src = sqlite3.connect(source_db, timeout=30)   # reads only; the serving hub keeps writing meanwhile
        dst = sqlite3.connect(part)
        try:
            # In one step: a step-wise backup starts over whenever the serving hub commits, and a busy hub
            # commits every few milliseconds. One step reads one snapshot and does not hold the hub's writer up.
            src.backup(dst, pages=-1)
            blobs = dst.execute("SELECT sha256, size FROM blobs ORDER BY sha256").fetchall()
            rows = dst.execute("SELECT count(*) FROM rows").fetchone()[0]
        finally:
            src.close()
            dst.close()
        part.replace(dest / "hub.db")
        copied = _copy_photos(data_dir, dest, blobs, verify)
    except sqlite3.Error as err:
        part.unlink(missing_ok=True)
        raise EnvironmentProblem(f"cannot back up {source_db}: {err}") from None
    except OSError as err:
        raise EnvironmentProblem(f"cannot write the backup in {dest}: {err.strerror or err}"
                                 + (" (disk full)" if err.errno == 28 else "")) from None
    fsync_dir(dest)
    return {"dest": str(dest), "rows": int(rows), "photos": len(blobs), "bytes": sum(int(b[1]) for b in blobs),
            **copied}


def _copy_photos(data_dir: Path, dest: Path, blobs: list[tuple[str, int]], verify: bool) -> dict[str, int]:
    linked = copied = 0
    made: set[Path] = set()
    for sha, size in blobs:
        src, dst = blob_path(data_dir / "blobs", sha), blob_path(dest / "blobs", sha)
        if dst.parent not in made:
            dst.parent.mkdir(parents=True, exist_ok=True)
            made.add(dst.parent)
        if not src.is_file():
            raise EnvironmentProblem(f"photo {sha[:12]}… is listed in the hub's database but its file is missing "
                                     f"({src}); the hub's folder is damaged")
        try:
            os.link(src, dst)
            linked += 1
        except OSError:                              # another file system (or no hard links): a real copy
            tmp = dst.with_name(dst.name + ".part")
            shutil.copyfile(src, tmp)
            if file_sha256(tmp) != sha or tmp.stat().st_size != size:
                tmp.unlink(missing_ok=True)
                raise EnvironmentProblem(f"photo {sha[:12]}… did not copy intact to {dst}; check the disk") from None
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
            tmp.replace(dst)
            copied += 1
        if verify and file_sha256(dst) != sha:
            raise EnvironmentProblem(f"photo {sha[:12]}… in the hub does not match its name ({src}); the hub's "
                                     "folder is damaged")
    for folder in made:
        fsync_dir(folder)
    return {"linked": linked, "copied": copied}
