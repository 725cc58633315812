"""A scale test record shows what was measured, including readings the inspector discarded."""

from __future__ import annotations

import io
import random
from datetime import date
from decimal import Decimal
from pathlib import Path

from pdfminer.high_level import extract_text

from qcity_desktop.demo_scale import demo_weights
from qcity_desktop.metrology.procedures import ScaleTestPlan
from qcity_desktop.metrology.session import ScaleTestSession
from qcity_desktop.reports import render_for_store
from qcity_desktop.store import open_store


def test_discarded_reading_is_printed_as_discarded(tmp_path: Path) -> None:
    store = open_store(tmp_path / "a.db")
    sid, _ = store.subjects.add("scale", {"name": "温泉农贸市场A-01号摊位计价秤", "serial_no": "XN2024001",
                                          "accuracy_class": "III", "max": "15000", "min": "100", "e": "5", "d": "5"})
    iid = store.inspections.create(sid, "scale-market-in-service", inspectors=["刘洋"])
    plan = ScaleTestPlan.for_scale("III", Decimal(15000), Decimal(5), Decimal(100))
    session = ScaleTestSession(plan, references=[demo_weights(date.today())])
    first = plan.steps[0]
    session.record(first.id, first.load + 40)             # weights not settled: wrong reading
    session.discard_last(first.id, "砝码未放稳")
    session.record(first.id, first.load)
    for row in session.measurements():
        store.measurements.add(iid, **row)
    random.seed(0)
    text = extract_text(io.BytesIO(render_for_store(store, iid, "scale-record")))
    assert "作废" in text
    assert text.count("合格") >= 1
