"""Demo scale tests: a guided JJG 539 session run against an imagined scale, honest or rigged.

It drives the real metrology engine (plan, session, verdict, checklist mapping), so the demo's
scale test records and findings are exactly what an inspector would get from the wizard.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from qcity_desktop.metrology.checklist import checklist_answers
from qcity_desktop.metrology.procedures import ScaleTestPlan
from qcity_desktop.metrology.session import ScaleTestSession
from qcity_desktop.metrology.traceability import ReferenceInstrument


def demo_weights(today: date) -> ReferenceInstrument:
    """The bureau's M1 standard weight set, certificate valid for another half year."""
    return ReferenceInstrument(kind="weight_set", name="M1级标准砝码组（1 mg～10 kg）", accuracy_class="M1",
                               certificate_no="XNJL-BZ-2026-0031", expires=today + timedelta(days=180),
                               issued_by="咸宁市计量测试检定所", serial_no="FM-2019-07",
                               id="00000000-0000-4000-8000-00000000d001")


def run_session(data: dict[str, Any], rnd: random.Random, cheat_percent: Decimal = Decimal(0),
                today: date | None = None) -> ScaleTestSession:
    """Simulate the inspector's readings on a scale; ``cheat_percent`` adds a load-proportional error."""
    e = Decimal(data["e"])
    plan = ScaleTestPlan.for_scale(data["accuracy_class"], Decimal(data["max"]), e,
                                   Decimal(data["min"]) if data.get("min") else None, d=Decimal(data.get("d") or data["e"]))
    session = ScaleTestSession(plan, references=[demo_weights(today or date.today())])

    def shown(load: Decimal) -> Decimal:
        true = load + cheat_percent / 100 * load if load > 1000 else load
        noise = Decimal(rnd.choice([-1, 0, 0, 0, 1])) * e / 2
        return ((true + noise) / e).to_integral_value() * e

    for _ in range(200):
        step = session.next_step()
        if step is None:
            break
        load = step.load or Decimal(0)
        if step.kind == "price":
            weight = shown(Decimal(1250))
            unit = Decimal("16.80")
            session.record_price(step.id, weight, unit, (weight / 1000 * unit).quantize(Decimal("0.01")))
        elif step.kind == "discrimination":
            session.record(step.id, shown(load) + e, before=shown(load))
        else:
            session.record(step.id, shown(load), added=e / 2 if step.change_point else None, source="manual")
    return session


def record_demo_test(store: Any, inspection_id: str, data: dict[str, Any], rnd: random.Random, cheat: bool,
                     today: date) -> None:
    """Store the session's measurements and let it answer the metrology items of the checklist."""
    session = run_session(data, rnd, Decimal(5) if cheat else Decimal(0), today)
    for row in session.measurements():
        store.measurements.add(inspection_id, **row)
    for item_id, answer in checklist_answers(session).items():
        store.inspections.answer(inspection_id, item_id, result=answer.get("result"), value=answer.get("value"),
                                 note=answer.get("note"))
