"""Report/certificate numbers: the pattern, never reused, unique across offline devices."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from qcity_desktop.errors import InputError
from qcity_desktop.store import numbering

SCHEMA = Path(__file__).resolve().parent.parent / "db" / "0001_init.sql"
NOW = "2026-03-01T00:00:00Z"


def _db() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.executescript(SCHEMA.read_text(encoding="utf-8"))
    conn.execute(
        "INSERT INTO subjects(id, kind, name, created_at, updated_at, device_id) VALUES ('s1', 'elevator', '电梯', ?, ?, 'd')",
        (NOW, NOW),
    )
    return conn


def _inspection(conn: sqlite3.Connection, iid: str) -> str:
    conn.execute(
        "INSERT INTO inspections(id, subject_id, kind, template_id, template_version, started_at, created_at, updated_at, device_id) "
        "VALUES (?, 's1', 'elevator', 't', 1, ?, ?, ?, 'd')",
        (iid, NOW, NOW, NOW),
    )
    return iid


def test_numbers_follow_the_pattern_and_count_up() -> None:
    conn = _db()
    conn.execute("INSERT INTO meta(key, value) VALUES ('numbering.device_code', 'A7K3')")
    first = numbering.assign_numbers(conn, _inspection(conn, "i1"), "elevator", "2026-03-01T02:00:00Z", "dev-1")
    second = numbering.assign_numbers(conn, _inspection(conn, "i2"), "elevator", "2026-03-02T02:00:00Z", "dev-1")
    assert first == {"report_no": "XNDTB2026-A7K3-00001", "certificate_no": "XNDTZ2026-A7K3-00001"}
    assert second["report_no"] == "XNDTB2026-A7K3-00002"
    # Signing again (e.g. after a crash mid-way) gives back the same numbers, not new ones.
    assert numbering.assign_numbers(conn, "i1", "elevator", "2026-03-05T00:00:00Z", "dev-1") == first


def test_year_is_the_china_local_year() -> None:
    conn = _db()
    # 16:30 UTC on 31 December is already New Year in China.
    nums = numbering.assign_numbers(conn, _inspection(conn, "i1"), "elevator", "2025-12-31T16:30:00Z", "dev-1")
    assert "2026-" in nums["report_no"]


def test_two_offline_devices_never_collide() -> None:
    a, b = _db(), _db()
    seen = set()
    for conn, device in ((a, "device-a"), (b, "device-b")):
        for i in range(50):
            nums = numbering.assign_numbers(conn, _inspection(conn, f"{device}-{i}"), "scale", NOW, device)
            seen.update(nums.values())
    assert len(seen) == 200


def test_a_reset_counter_never_reissues_a_number() -> None:
    conn = _db()
    first = numbering.issue_number(conn, _inspection(conn, "i1"), "report", "elevator", NOW, "dev")
    conn.execute("UPDATE number_sequences SET next_value = 1")  # e.g. an old backup of the counter
    second = numbering.issue_number(conn, _inspection(conn, "i2"), "report", "elevator", NOW, "dev")
    assert second != first
    numbering.set_number_status(conn, first, "void")
    third = numbering.issue_number(conn, _inspection(conn, "i3"), "report", "elevator", NOW, "dev")
    assert third not in (first, second)
    with pytest.raises(sqlite3.DatabaseError):
        conn.execute("DELETE FROM issued_numbers")


def test_notice_number_only_when_there_are_findings() -> None:
    conn = _db()
    _inspection(conn, "i1")
    conn.execute(
        "INSERT INTO findings(id, inspection_id, item_id, description, created_at, updated_at, device_id) "
        "VALUES ('f1', 'i1', '2.7', '制动器异常', ?, ?, 'd')",
        (NOW, NOW),
    )
    nums = numbering.assign_numbers(conn, "i1", "elevator", NOW, "dev")
    assert nums["notice_no"].startswith("XNDTT2026-")
    assert "notice_no" not in numbering.assign_numbers(conn, _inspection(conn, "i2"), "elevator", NOW, "dev")
    assert numbering.numbers_for(conn, "i1")["notice"]["number"] == nums["notice_no"]


def test_configurable_pattern_and_bad_patterns() -> None:
    conn = _db()
    conn.execute("INSERT INTO meta(key, value) VALUES ('numbering.pattern', '{bureau}-{yy}{mm}-{device}{seq:03}')")
    conn.execute("INSERT INTO meta(key, value) VALUES ('numbering.device_code', 'Q1')")
    assert numbering.issue_number(conn, _inspection(conn, "i1"), "report", "site", NOW, "d") == "XN-2603-Q1001"
    conn.execute("UPDATE meta SET value = '{bureau}{yyyy}' WHERE key = 'numbering.pattern'")
    with pytest.raises(InputError, match="no {seq}"):
        numbering.issue_number(conn, _inspection(conn, "i2"), "report", "site", NOW, "d")
    conn.execute("UPDATE meta SET value = '{bureau}{city}{seq}' WHERE key = 'numbering.pattern'")
    with pytest.raises(InputError, match="city"):
        numbering.issue_number(conn, "i2", "report", "site", NOW, "d")
