"""The store and the 2023 rule together: applicability decides what must be answered, and
measured values are judged by this lift's own limits."""

from __future__ import annotations

from pathlib import Path

import pytest

from qcity_desktop.errors import StateError
from qcity_desktop.store import open_store
from qcity_desktop.store.migrations import migration_files


def _lift(store, **extra) -> str:
    base = {"name": "赤壁市人民商场货梯", "elevator_type": "passenger", "door_type": "side", "drive": "traction",
            "suspension": "rope", "rated_speed": "1.0", "manufacture_date": "2008-11-10",
            "supervised_date": "2009-05-18", "base_date": "2009-05-18", "regime": "2023"}
    sid, _ = store.subjects.add("elevator", {**base, **extra})
    return sid


def test_migration_numbers_have_no_gaps() -> None:
    numbers = [n for n, _ in migration_files()]
    assert numbers == list(range(1, len(numbers) + 1))


def test_items_that_do_not_apply_need_no_answer(tmp_path: Path) -> None:
    store = open_store(tmp_path / "a.db")
    iid = store.inspections.create(_lift(store), "elevator-t7001-2023", inspectors=["张伟"],
                                   started_at="2026-11-20T09:00:00.000Z")
    template = store.inspections.template_of(store.inspections.row(iid))
    from qcity_desktop.checklists.applicability import evaluate_items

    subject = {**store.subjects.get(store.inspections.row(iid)["subject_id"])["data"]}
    from datetime import date

    states = evaluate_items(template, subject, date(2026, 11, 20), {})
    skipped = {i for i, a in states.applicability.items() if not a.applies}
    assert "A1.2.3.4" in skipped            # door bypass: supervised before 2017-10-01
    assert "A1.2.3.16" in skipped           # firefighter recall: not a firefighter lift
    for item in template.leaves():
        if item.id in skipped or item.attrs.get("info") or not item.required:
            continue
        if item.type == "number":
            value = {"A1.2.7.2(1)": "4", "A1.2.7.2(2)": "20", "A1.2.7.8(1)": "9", "A1.3.2(1)": "0.45",
                     "A1.3.3": "105"}.get(item.id, "1")
            store.inspections.answer(iid, item.id, value=value)
        else:
            store.inspections.answer(iid, item.id, result="pass")
    result = store.inspections.complete(iid)
    assert result.verdict == "合格"
    assert store.inspections.answers(iid).get("A1.2.3.4") is None


def test_door_gap_is_judged_by_this_lifts_limit(tmp_path: Path) -> None:
    store = open_store(tmp_path / "a.db")
    goods = store.inspections.create(_lift(store, elevator_type="goods"), "elevator-t7001-2023")
    passenger = store.inspections.create(_lift(store, name="客梯"), "elevator-t7001-2023")
    # 8 mm: over the 6 mm passenger limit, within the 10 mm goods limit
    assert store.inspections.answer(goods, "A1.2.7.2(1)", value="8")["result"] == "pass"
    assert store.inspections.answer(passenger, "A1.2.7.2(1)", value="8")["result"] == "fail"


def test_missing_applicable_item_still_blocks_completion(tmp_path: Path) -> None:
    store = open_store(tmp_path / "a.db")
    iid = store.inspections.create(_lift(store), "elevator-t7001-2023")
    store.inspections.answer(iid, "A1.2.7.8(1)", value="9")
    with pytest.raises(StateError, match="required item"):
        store.inspections.complete(iid)
