"""The guided scale test as the wizard drives it: plan, readings, findings, verdict, storage."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest

from qcity_desktop.cli.output import to_json
from qcity_desktop.errors import InputError, StateError
from qcity_desktop.metrology import ReferenceInstrument, ScaleTestPlan, ScaleTestSession, Step
from qcity_desktop.metrology.classes import validate_scale
from qcity_desktop.metrology.procedures import weighing_points

DAY = date(2026, 3, 2)


def weights(expires: date = date(2026, 12, 31), cls: str = "M1") -> ReferenceInstrument:
    return ReferenceInstrument(kind="weight_set", name="市局 M1 砝码组 20 kg", accuracy_class=cls,
                               certificate_no="JLZS-2025-0371", expires=expires, issued_by="咸宁市计量检定测试所")


def honest(step: Step, load: D, key_presses: int) -> D:
    return load


def run(session: ScaleTestSession, model: Callable[[Step, D, int], D] = honest, keys: int = 3) -> None:
    """Play the plan through: a reading for every step, the way an inspector fills the wizard."""
    while (step := session.next_step()) is not None:
        assert step.load is not None
        if step.kind == "price":
            session.record_price(step.id, step.load, D(18), D("27.00"))
        elif step.kind == "discrimination":
            session.record(step.id, step.load + session.plan.scale.d, before=step.load)
        elif step.kind == "after_keys":
            for i in range(1, keys + 1):
                session.record(step.id, model(step, step.load, i), note=f"M{i}", source="serial",
                               evidence={"raw": "0253202020353030302e30306b670d", "decoder": "aclas"})
        else:
            reps = step.min_readings
            for _ in range(reps):
                shown = model(step, step.load, 0)
                session.record(step.id, shown, added=D("2.5") if step.change_point else None, display=shown)


def test_plan_for_a_15kg_market_scale_follows_the_procedure() -> None:
    plan = ScaleTestPlan.for_scale("III", D(15000), D(5))
    kinds = [s.kind for s in plan.steps]
    # as-found readings come before anything that touches the keypad
    assert kinds.index("zero") > max(i for i, k in enumerate(kinds) if k in ("as_found", "power_cycle", "after_keys"))
    weighing = [(s.load, s.direction) for s in plan.steps if s.kind == "weighing"]
    up = [D(100), D(2500), D(7500), D(10000), D(15000)]          # Min, 500 e, ½ Max, 2000 e, Max
    assert weighing == [(w, "up") for w in up] + [(w, "down") for w in reversed(up[:-1])]
    ecc = [s for s in plan.steps if s.kind == "eccentricity"]
    assert {s.load for s in ecc} == {D(5000)} and len(ecc) == 5 and ecc[0].position == "centre"
    w2500 = next(s for s in plan.steps if s.kind == "weighing" and s.load == D(2500))
    # in service by default: MPE ±5 g at 500 e; the weights may be off by ⅓ of it
    assert (w2500.load_e, w2500.limit, w2500.weights_limit) == (D(500), D(5), D("1.6666"))
    assert "2.5 kg（500 e）" in w2500.instruction_zh
    zero = plan.step("zero")
    assert (zero.load, zero.limit) == (D(50), D("1.25"))                   # 10 e, ±0.25 e
    disc = plan.step("discrimination-min")
    assert disc.extra["added_g"] == "7"                                      # 1.4 d


@pytest.mark.parametrize(("cls", "max_", "e"), [("III", "6000", "2"), ("II", "200", "0.01"), ("IIII", "50000", "50"),
                                                ("III", "3000", "1"), ("I", "220", "0.001")])
def test_every_plan_has_at_least_five_weighing_points_within_min_and_max(cls: str, max_: str, e: str) -> None:
    scale = validate_scale(cls, D(max_), D(e))
    points = weighing_points(scale)
    assert len(points) >= 5 and points[0] == scale.min and points[-1] == scale.max
    assert all(scale.min <= p <= scale.max for p in points)


def test_an_honest_scale_passes_and_its_rows_go_into_the_store(tmp_path: Path) -> None:
    from qcity_desktop.store import open_store

    session = ScaleTestSession(ScaleTestPlan.for_scale("III", D(15000), D(5)), references=[weights()], day=DAY)
    run(session)
    verdict = session.verdict()
    assert (verdict.result, verdict.suspected_cheat, verdict.findings) == ("pass", False, [])

    store = open_store(tmp_path / "q.db")
    sid, _ = store.subjects.add("scale", {"name": "温泉农贸市场A-01计价秤", "accuracy_class": "III", "max": "15000", "e": "5"})
    iid = store.inspections.create(sid, "scale-market-in-service", inspectors=["张伟"])
    rows = session.measurements()
    for row in rows:
        store.measurements.add(iid, **row)
    back = store.measurements.for_inspection(iid)
    assert len(back) == len(rows) == len(session.readings)
    w = next(r for r in back if r["kind"] == "weighing" and r["load"] == "2500")
    assert (w["indication"], w["error"], w["mpe"], w["unit"], w["passed"]) == ("2500", "0", "5", "g", True)
    assert w["data"]["error"]["p_g"] == "2500" and w["data"]["references"][0]["certificate_no"] == "JLZS-2025-0371"
    keys = [r for r in back if r["kind"] == "after_keys"]
    assert [r["data"]["reading"]["note"] for r in keys] == ["M1", "M2", "M3"]
    assert keys[0]["data"]["reading"]["evidence"]["decoder"] == "aclas"


def cheat_chip(step: Step, load: D, key_presses: int) -> D:
    """+5 % above 1 kg while in cheat mode: on as found, off after the restart, back on with key M2."""
    on = step.kind == "as_found" or (step.kind == "after_keys" and key_presses >= 2)
    factor = D("1.05") if on and load > 1000 else D(1)
    return (load * factor / 5).quantize(D(1)) * 5


def test_a_cheat_chip_is_caught_as_found_after_restart_and_after_a_key() -> None:
    session = ScaleTestSession(ScaleTestPlan.for_scale("III", D(15000), D(5)), references=[weights()], day=DAY)
    run(session, cheat_chip)
    verdict = session.verdict()
    assert verdict.result == "fail" and verdict.suspected_cheat
    codes = {f.code for f in verdict.findings}
    assert {"proportional_error", "changed_after_power_cycle", "jump_without_load_change", "as_found_failed"} <= codes
    assert "weighing_failed" not in codes               # the cheat was off during the verification tests
    prop = next(f for f in verdict.findings if f.code == "proportional_error")
    assert abs(D(prop.data["fit"]["percent"]) - 5) <= D("0.05")
    jump = next(f for f in verdict.findings if f.code == "jump_without_load_change")
    assert "M1 → M2" in jump.zh and "5 kg" in jump.zh
    # one finding per kind of problem, as the findings table stores them
    assert len({f.item_id for f in verdict.findings}) == len(verdict.findings)


def test_customer_display_differing_from_the_serial_value_is_a_finding() -> None:
    session = ScaleTestSession(ScaleTestPlan.for_scale("III", D(15000), D(5), sections=("weighing",)),
                               references=[weights()], day=DAY)
    session.record("weighing-1", D(100), added=D("2.5"), display=D(100))
    session.record("weighing-2", D(2500), added=D("2.5"), display=D(2600))
    codes = [f.code for f in session.findings()]
    assert codes == ["display_mismatch"]
    assert session.verdict().result == "fail"


def test_an_expired_reference_refuses_the_verdict_but_keeps_every_reading() -> None:
    old = weights(expires=date(2026, 3, 1))
    session = ScaleTestSession(ScaleTestPlan.for_scale("III", D(15000), D(5)), references=[old], day=DAY)
    run(session)
    with pytest.raises(StateError) as err:
        session.verdict()
    message = str(err.value)
    assert "JLZS-2025-0371" in message and "2026-03-01" in message and "过期" in message and "\n" not in message
    summary = session.summary()
    assert summary["verdict"] is None and summary["verdict_blocked"] == message
    assert len(summary["steps"]) == len(session.plan.steps)
    saved = json.loads(to_json(session.to_dict()))
    assert len(saved["readings"]) == len(session.readings)
    # the same readings with a renewed certificate give a verdict
    saved["references"][0]["expires"] = "2027-03-01"
    assert ScaleTestSession.from_dict(saved).verdict().result == "pass"


def test_no_weights_recorded_or_weights_too_coarse_refuse_the_verdict() -> None:
    plan = ScaleTestPlan.for_scale("II", D(200), D("0.01"), sections=("weighing",))
    session = ScaleTestSession(plan, day=DAY)
    for step in plan.steps:
        session.record(step.id, step.load or D(0))
    with pytest.raises(StateError, match="未登记所用标准砝码"):
        session.verdict()
    session.references = [weights(cls="M2")]        # 32 mg at 200 g > ⅓ of the ±20 mg MPE
    with pytest.raises(StateError, match="砝码准确度不足"):
        session.verdict()
    session.references = [weights(cls="E2")]
    assert session.verdict().result == "pass"


def test_wrong_readings_are_discarded_not_deleted_and_bad_input_is_not_stored() -> None:
    session = ScaleTestSession(ScaleTestPlan.for_scale("III", D(15000), D(5)), references=[weights()], day=DAY)
    with pytest.raises(InputError, match="ΔL"):
        session.record("zero", D(50), added=D(6))
    assert session.readings == []
    session.record("zero", D(55), added=D("0.5"))                 # E0 = +7 g: fails ±1.25 g
    assert session.step_result("zero").passed is False
    with pytest.raises(StateError, match="作废"):
        session.record("zero", D(50), added=D("2.5"))
    session.discard_last("zero", "砝码放偏")
    session.record("zero", D(50), added=D("2.5"))
    assert session.step_result("zero").passed is True
    rows = [r for r in session.measurements() if r["kind"] == "zero"]
    assert [(r["passed"], r["data"]["reading"]["discarded"]) for r in rows] == [(None, "砝码放偏"), (True, None)]


def test_zero_error_corrects_later_points() -> None:
    session = ScaleTestSession(ScaleTestPlan.for_scale("III", D(15000), D(5), stage="initial",
                                                       sections=("zero", "weighing")), references=[weights()], day=DAY)
    session.record("zero", D(50), added=D("3.5"))                 # E0 = −1 g
    r = session.record("weighing-2", D(2505), added=D("0.5"))    # E = +7 g, Ec = +8 g > 2.5 g
    assert (r.error.error, r.error.corrected, r.limit, r.passed) == (D(7), D(8), D("2.5"), False)


def test_repeatability_spread_is_judged_against_the_mpe() -> None:
    plan = ScaleTestPlan.for_scale("III", D(15000), D(5), stage="initial", sections=("repeatability",))
    session = ScaleTestSession(plan, references=[weights()], day=DAY)
    for shown in (D(7495), D(7505), D(7500)):                    # each within ±5 g, spread 10 g > 5 g
        r = session.record("repeatability", shown)
        assert r.passed
    res = session.step_result("repeatability")
    assert (res.spread, res.passed) == (D(10), False)
    assert [f.code for f in session.findings()] == ["repeatability_failed"]


def test_discrimination_fails_when_1_4d_does_not_move_the_indication() -> None:
    plan = ScaleTestPlan.for_scale("III", D(15000), D(5), sections=("discrimination",))
    session = ScaleTestSession(plan, references=[weights()], day=DAY)
    with pytest.raises(InputError, match="1.4 d"):
        session.record("discrimination-min", D(105))
    assert session.record("discrimination-min", D(100), before=D(100)).passed is False
    assert session.record("discrimination-max", D(15005), before=D(15000)).passed is True


def test_skipped_steps_and_progress() -> None:
    plan = ScaleTestPlan.for_scale("III", D(15000), D(5), sections=("discrimination", "price"))
    session = ScaleTestSession(plan, references=[weights()], day=DAY)
    assert session.next_step() == plan.step("discrimination-min")
    assert session.verdict().result == "incomplete"
    session.skip("discrimination-min", "无 0.1 d 小砝码")
    session.skip("discrimination-max", "无 0.1 d 小砝码")
    assert session.next_step() == plan.step("price")
    session.record_price("price", D(1500), D("0.18"), D("0.27"))
    verdict = session.verdict()
    assert verdict.result == "fail" and [f.code for f in verdict.findings] == ["unit_price_x001"]


def test_session_survives_a_round_trip_through_json() -> None:
    session = ScaleTestSession(ScaleTestPlan.for_scale("III", D(15000), D(5)), references=[weights()], day=DAY)
    run(session, cheat_chip)
    session.discard_last("after_keys", "误按")
    restored = ScaleTestSession.from_dict(json.loads(to_json(session.to_dict())))
    assert to_json(restored.summary()) == to_json(session.summary())
    assert to_json(restored.measurements()) == to_json(session.measurements())


def test_results_answer_the_scale_checklist_and_drive_its_verdict(tmp_path: Path) -> None:
    from qcity_desktop.metrology.checklist import checklist_answers
    from qcity_desktop.store import open_store

    store = open_store(tmp_path / "q.db")
    sid, _ = store.subjects.add("scale", {"name": "温泉农贸市场B-07计价秤", "accuracy_class": "III", "max": "15000", "e": "5"})
    for model, expect in ((honest, "pass"), (cheat_chip, "fail")):
        session = ScaleTestSession(ScaleTestPlan.for_scale("III", D(15000), D(5)), references=[weights()], day=DAY)
        run(session, model)
        answers = checklist_answers(session)
        assert {"S2.1", "S2.2", "S2.3", "S2.4", "S2.5", "S2.6", "S3.1", "S3.2", "S3.3", "S4.1", "S4.2", "S4.3"} <= set(answers)
        iid = store.inspections.create(sid, "scale-market-in-service", inspectors=["张伟"])
        for item_id, answer in answers.items():
            store.inspections.answer(iid, item_id, **answer)
        if expect == "pass":
            assert all(a.get("result", "pass") == "pass" for a in answers.values())
            assert (answers["S2.2-m1"]["value"], answers["S4.3-m1"]["value"]) == ("0", "0")
        else:
            failed = {k for k, a in answers.items() if a.get("result") == "fail"}
            assert failed == {"S4.1", "S4.2", "S4.3"}
            assert "作弊芯片" in answers["S4.3"]["note"] and answers["S4.3-m1"]["value"] == "5"
        stored = store.inspections.answers(iid)
        assert stored["S4.3"].result == answers["S4.3"]["result"]


def test_a_saved_session_keeps_its_steps_when_the_thresholds_change(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from qcity_desktop.metrology import data

    session = ScaleTestSession(ScaleTestPlan.for_scale("III", D(15000), D(5), sections=("anticheat",)),
                               references=[weights()], day=DAY)
    run(session)
    saved = json.loads(to_json(session.to_dict()))
    table = json.loads((data.PACKAGED_DIR / "thresholds.json").read_text(encoding="utf-8"))
    table["anticheat"]["as_found_loads"] = ["min", "1/2", "max"]
    (tmp_path / "thresholds.json").write_text(json.dumps(table), encoding="utf-8")
    monkeypatch.setenv("QCITY_METROLOGY_DIR", str(tmp_path))
    data.clear_cache()
    try:
        assert len([s for s in ScaleTestPlan.for_scale("III", D(15000), D(5)).steps if s.kind == "as_found"]) == 3
        restored = ScaleTestSession.from_dict(saved)
        assert len(restored.measurements()) == len(session.readings)
        assert restored.verdict().result == "pass"
    finally:
        monkeypatch.delenv("QCITY_METROLOGY_DIR")
        data.clear_cache()
