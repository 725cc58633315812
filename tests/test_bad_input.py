"""Bad input: a one-line message saying what and where, a non-zero exit, nothing stored lost."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qcity_desktop.errors import EnvironmentProblem
from qcity_desktop.store import open_store
from tests.helpers import cli_json, run_cli


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    path = tmp_path / "q.db"
    cli_json("init", "--demo", db=path)
    return path


def _counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("subjects", "inspections", "answers", "audit_log")}
    finally:
        conn.close()


def _draft(path: Path) -> str:
    subject = cli_json("subjects", "list", "--kind", "elevator", db=path)[0]["id"]
    return cli_json("inspections", "new", "--subject", subject, "--template", "elevator-t7001-2009", db=path)["id"]


def _fails_cleanly(proc: subprocess.CompletedProcess, *words: str) -> None:
    assert proc.returncode != 0
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    for w in words:
        assert w in lines[0], lines[0]


def test_malformed_json_names_line_and_column(db: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"template": "elevator-t7001-2009", "answers": {', encoding="utf-8")
    before = _counts(db)
    _fails_cleanly(run_cli("inspections", "import", str(bad), db=db), "bad.json", "line 1")
    assert _counts(db) == before


@pytest.mark.parametrize(("change", "words"), [
    ({"template": "elevator-t7001-1999"}, ["unknown template", "elevator-t7001-1999"]),
    ({"answers": {"9.99": {"result": "pass"}}}, ["no item", "9.99"]),
    ({"answers": {"2.5": {"result": "maybe"}}}, ["2.5", "maybe"]),
    ({"answers": {"8.1-m1": {"value": "45"}}}, ["8.1-m1", "out of range"]),
    ({"answers": {"8.1-m1": {"value": "abc"}}}, ["8.1-m1", "not a number"]),
    ({"subject_id": "no-such-subject", "subject": None}, ["no subject", "no-such-subject"]),
])
def test_bad_import_is_refused_whole(db: Path, change: dict, words: list[str]) -> None:
    doc = {"template": "elevator-t7001-2009", "inspector": "张伟",
           "subject": {"kind": "elevator", "name": "新梯"}, "answers": {"2.5": {"result": "pass"}}}
    doc.update(change)
    if doc.get("subject") is None:
        doc.pop("subject")
    before = _counts(db)
    _fails_cleanly(run_cli("inspections", "import", "-", db=db, stdin=json.dumps(doc)), *words)
    assert _counts(db) == before      # not even the inline subject was kept


def test_bad_answers_from_the_command_line(db: Path) -> None:
    iid = _draft(db)
    before = _counts(db)
    _fails_cleanly(run_cli("inspections", "answer", iid, "nope", "--result", "pass", db=db), "nope")
    _fails_cleanly(run_cli("inspections", "answer", "no-such-id", "2.5", "--result", "pass", db=db), "no inspection")
    _fails_cleanly(run_cli("inspections", "answer", iid, "8.1-m1", "--value", "-3", db=db), "out of range")
    _fails_cleanly(run_cli("subjects", "add", "--kind", "scale", "--set", "name=秤", "--set", "max=很多", db=db), "max")
    _fails_cleanly(run_cli("subjects", "add", "--kind", "scale", "--set", "colour=red", db=db), "colour")
    assert _counts(db) == before


def test_not_a_database_file(tmp_path: Path) -> None:
    junk = tmp_path / "photo.jpg"
    junk.write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 4000)
    before = junk.read_bytes()
    _fails_cleanly(run_cli("subjects", "list", db=junk), "not a SQLite database")
    assert junk.read_bytes() == before


def test_database_locked_by_another_process(db: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sqlite3, sys, time; c = sqlite3.connect(sys.argv[1], isolation_level=None); "
         "c.execute('BEGIN EXCLUSIVE'); print('locked', flush=True); time.sleep(30)", str(db)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        start = time.monotonic()
        proc = run_cli("subjects", "add", "--kind", "site", "--set", "name=新工地", db=db)
        _fails_cleanly(proc, "locked")
        assert time.monotonic() - start < 60
    finally:
        holder.kill()
        holder.wait()
    assert cli_json("audit", "verify", db=db)["ok"] is True


def test_disk_full_loses_nothing(db: Path) -> None:
    """SQLITE_FULL, made real by capping the file's page count, mid-import of a large inspection."""
    store = open_store(db)
    before = _counts(db)
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages + 1}")
    subject = store.subjects.list(kind="elevator")[0]["id"]
    doc = {"template": "elevator-t7001-2009", "subject_id": subject,
           "answers": {i: {"result": "pass", "note": "很长的备注" * 400}
                       for i in ("2.5", "2.6", "3.11", "4.9", "4.10", "5.2", "6.4", "8.6")}}
    with pytest.raises(EnvironmentProblem, match="disk full"):
        with store.transaction():
            store.inspections.import_one(doc)
    store.close()
    assert _counts(db) == before
    assert cli_json("audit", "verify", db=db)["ok"] is True


def test_certificate_number_is_never_reused_after_failed_signing(db: Path) -> None:
    done = cli_json("inspections", "list", "--status", "completed", db=db)[0]["id"]
    bad = run_cli("inspections", "sign", done, "--inspector", "", db=db)
    _fails_cleanly(bad, "inspector")
    signed = cli_json("inspections", "sign", done, "--inspector", "李娜", db=db)
    numbers = [r["certificate_no"] for r in cli_json("inspections", "list", "--status", "signed", "--limit", "500", db=db)]
    assert numbers.count(signed["certificate_no"]) == 1
