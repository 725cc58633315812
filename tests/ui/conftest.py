"""Fixtures for the desktop shell's tests: a seeded demo database, a bigger one, and DB workers."""

from __future__ import annotations

import json
import random
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from qcity_desktop.store import open_store


@pytest.fixture(scope="session")
def demo_db_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo data once per run; tests get copies so they can write."""
    from qcity_desktop.demo import seed_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    store = open_store(path)
    seed_demo(store)
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    return path


@pytest.fixture
def demo_db(demo_db_master: Path, tmp_path: Path) -> Path:
    target = tmp_path / "qcity.db"
    shutil.copy(demo_db_master, target)
    return target


@pytest.fixture(scope="session")
def big_db_master(demo_db_master: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo data plus 3,000 extra inspections, enough for many pages of a lazy list."""
    path = tmp_path_factory.mktemp("big") / "big.db"
    shutil.copy(demo_db_master, path)
    store = open_store(path)
    subjects = store.query("SELECT DISTINCT i.subject_id, i.kind, i.template_id, i.template_version FROM inspections i")
    rnd = random.Random(7)
    rows = []
    for n in range(3000):
        s = rnd.choice(subjects)
        day = f"2019-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}T08:{n % 60:02d}:00.000Z"
        status = rnd.choice(["signed", "signed", "completed", "draft"])
        verdict = None if status == "draft" else rnd.choice(["合格", "不合格"])
        rows.append((str(uuid.uuid4()), s["subject_id"], s["kind"], s["template_id"], s["template_version"],
                     json.dumps([rnd.choice(["张伟", "李娜"])], ensure_ascii=False), day, status, verdict, day, day,
                     store.device_id))
    with store.transaction():
        store.conn.executemany(
            "INSERT INTO inspections (id, subject_id, kind, template_id, template_version, inspectors, started_at, "
            "status, verdict, created_at, updated_at, device_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    return path


@pytest.fixture
def big_db(big_db_master: Path, tmp_path: Path) -> Path:
    target = tmp_path / "big.db"
    shutil.copy(big_db_master, target)
    return target


@pytest.fixture(autouse=True)
def _dialogs_never_block() -> Iterator[None]:
    from ui import errors

    errors.set_test_mode(True)
    yield
    for box in list(errors._open_boxes):  # a message left open must not be found by the next test
        box.close()
    errors.set_test_mode(False)


@pytest.fixture
def make_worker(qtbot):  # noqa: ANN001, ANN201 - pytest fixture
    from ui.workers import DbWorker

    made = []

    def make(path: Path, name: str = "db") -> DbWorker:
        w = DbWorker(str(path), name)
        made.append(w)
        return w

    yield make
    for w in made:
        w.close()
