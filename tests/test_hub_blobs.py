"""Photos on the hub: stored byte for byte whichever way they are written, visible only when whole and right."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from qcity_desktop.hub.blobs import BlobError, BlobStore
from qcity_desktop.hub.db import HubDb


@pytest.fixture(params=["disk", "tmpfs"])
def store(request: pytest.FixtureRequest, tmp_path: Path):
    """On the disk (written past the page cache with O_DIRECT) and on tmpfs (which refuses O_DIRECT)."""
    root = tmp_path
    if request.param == "tmpfs":
        if not Path("/dev/shm").is_dir():
            pytest.skip("no tmpfs at /dev/shm")
        root = Path(os.path.join("/dev/shm", f"qcity-blobs-{os.getpid()}-{tmp_path.name}"))
    db = HubDb(root)
    yield BlobStore(root, db)
    db.close()
    if request.param == "tmpfs":
        import shutil

        shutil.rmtree(root, ignore_errors=True)


def _pieces(data: bytes, size: int) -> list[bytes]:
    return [data[i:i + size] for i in range(0, len(data), size)]


@pytest.mark.parametrize("length", [1, 4095, 4096, 2 * 1024 * 1024 + 1234])
def test_a_whole_photo_is_stored_byte_for_byte_at_its_exact_size(store: BlobStore, length: int) -> None:
    data = os.urandom(length)
    sha = hashlib.sha256(data).hexdigest()
    reply = store.write(sha, 0, len(data), _pieces(data, 65536), "image/jpeg")
    assert reply["complete"] and store.path(sha).read_bytes() == data       # no padding left behind
    assert store.mime(sha) == "image/jpeg"
    again = os.urandom(length)                                              # the next photo reuses the buffer
    sha2 = hashlib.sha256(again).hexdigest()
    store.write(sha2, 0, len(again), again, "image/png")
    assert store.path(sha2).read_bytes() == again and store.path(sha).read_bytes() == data


def test_a_photo_sent_in_chunks_is_whole_only_after_the_last_one(store: BlobStore) -> None:
    data = os.urandom(300_001)
    sha = hashlib.sha256(data).hexdigest()
    assert store.write(sha, 0, len(data), data[:100_000], "image/jpeg")["offset"] == 100_000
    assert not store.has(sha) and store.missing([sha]) == [{"sha256": sha, "offset": 100_000}]
    with pytest.raises(BlobError) as gap:
        store.write(sha, 200_000, len(data), data[200_000:], "image/jpeg")
    assert gap.value.status == 409 and gap.value.offset == 100_000
    store.write(sha, 100_000, len(data), [data[100_000:150_000], data[150_000:200_000]], "image/jpeg")
    assert store.write(sha, 200_000, len(data), data[200_000:], "image/jpeg")["complete"]
    assert store.path(sha).read_bytes() == data


def test_bytes_that_do_not_match_their_name_are_refused_and_never_visible(store: BlobStore) -> None:
    data = os.urandom(5000)
    wrong = hashlib.sha256(b"something else").hexdigest()
    with pytest.raises(BlobError) as err:
        store.write(wrong, 0, len(data), _pieces(data, 1000), "image/jpeg")
    assert err.value.status == 422 and not store.has(wrong)


def test_a_crash_in_the_middle_of_a_whole_photo_write_leaves_nothing_to_resume_from(store: BlobStore, tmp_path: Path
                                                                                     ) -> None:
    """A hub killed after the padded write but before the truncation: the next upload starts clean, and the
    next hub to serve the folder clears what the dead one left."""
    import subprocess
    import sys

    data = os.urandom(1559)
    sha = hashlib.sha256(data).hexdigest()
    dead = int(subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True).stdout)
    leftover = store.partial_dir / f"{sha}.{dead}-7.direct"
    leftover.write_bytes(data + bytes(4096 - len(data)))       # what the kill left
    (store.partial_dir / sha).write_bytes(os.urandom(4096))    # and a stray partial longer than the photo
    assert store.missing([sha]) == [{"sha256": sha, "offset": 4096}]
    reply = store.write(sha, 0, len(data), data, "image/jpeg")
    assert reply["complete"] and store.path(sha).read_bytes() == data
    assert list(store.partial_dir.iterdir()) == [leftover]     # the stray partial is gone; the dead one's file …
    reopened = BlobStore(store.root.parent, store.db, owner=True)
    assert reopened.has(sha) and not list(reopened.partial_dir.glob("*.direct"))   # … goes when a hub serves again


def test_an_upload_that_waited_for_the_same_photo_leaves_the_finished_one_alone(store: BlobStore) -> None:
    import threading
    import time

    data = os.urandom(300_000)
    sha = hashlib.sha256(data).hexdigest()
    done: list[dict] = []
    with store._lock(sha):             # another upload of the same photo is busy storing it …
        late = threading.Thread(target=lambda: done.append(store.write(sha, 0, len(data), data, "image/jpeg")))
        late.start()
        time.sleep(0.2)                # … while this one has passed the first check and waits
        store.path(sha).parent.mkdir(parents=True, exist_ok=True)
        store.path(sha).write_bytes(data)                 # the first upload finished: file and row stored

        def broken(*_args: object) -> None:
            raise RuntimeError("the row could not be stored")
        store.finisher = broken        # were the late one to store it again, its row would fail …
    late.join(10)
    assert done and done[0]["complete"]
    assert store.path(sha).read_bytes() == data           # … and must not take the finished photo away

    other = os.urandom(5000)
    other_sha = hashlib.sha256(other).hexdigest()
    with pytest.raises(RuntimeError):
        store.write(other_sha, 0, len(other), other, "image/jpeg")
    assert not store.has(other_sha)    # its own file is taken back: the device uploads it again
