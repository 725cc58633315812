"""A guided scale test in progress: readings in, errors / MPE / pass-fail and findings out.

``ScaleTestSession`` is what the wizard drives. It holds only plain data (the plan, the references,
the readings) so that it can be saved after every reading (``to_dict``) and rebuilt after a crash
or a vanished port (``from_dict``) with nothing lost; every result is recomputed from the readings,
never stored separately, so a corrected table or threshold changes the evaluation consistently.
A reading that turns out wrong is discarded with a reason, not deleted: it stays in the evidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from qcity_desktop.errors import InputError, StateError
from qcity_desktop.metrology import anticheat
from qcity_desktop.metrology.changepoint import ChangePointResult, error_before_rounding
from qcity_desktop.metrology.data import frac, thresholds
from qcity_desktop.metrology.findings import Finding, merge
from qcity_desktop.metrology.mpe import mpe
from qcity_desktop.metrology.price import PriceCheck, check_price
from qcity_desktop.metrology.procedures import ScaleTestPlan, Step
from qcity_desktop.metrology.traceability import ReferenceInstrument, check_references
from qcity_desktop.metrology.units import format_mass, in_e, plain

_ERROR_KINDS = ("as_found", "power_cycle", "after_keys", "weighing", "eccentricity", "repeatability", "tare")
_ZERO_KINDS = ("zero", "tare_zero")
_FAIL_TEXT = {
    "as_found": ("原状读数超差", "as-found reading outside the MPE"),
    "power_cycle": ("重启后读数超差", "reading after power cycle outside the MPE"),
    "after_keys": ("按键后读数超差", "reading after key presses outside the MPE"),
    "weighing": ("称量测试超差", "weighing test outside the MPE"),
    "eccentricity": ("偏载测试超差", "eccentricity test outside the MPE"),
    "repeatability": ("重复性不合格", "repeatability outside |MPE|"),
    "tare": ("去皮称量超差", "net weighing after tare outside the MPE"),
    "zero": ("置零准确度超差", "zero-setting accuracy outside the limit"),
    "tare_zero": ("去皮后零点超差", "net zero after tare outside the limit"),
    "discrimination": ("鉴别力不合格", "discrimination test failed"),
}
_RULE = "JJG 539-2016 / OIML R76-1; 使用中检查"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _opt(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


@dataclass(frozen=True)
class Reading:
    """What the inspector (or the serial port) supplied for one step. Masses in grams."""

    step_id: str
    indication: Decimal
    load: Decimal
    added: Decimal | None = None
    display: Decimal | None = None
    before: Decimal | None = None
    note: str = ""
    source: str = "manual"
    at: str = field(default_factory=_now)
    evidence: dict[str, Any] = field(default_factory=dict)
    price: dict[str, str] | None = None
    discarded: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "step_id": self.step_id, "indication_g": plain(self.indication), "load_g": plain(self.load),
            "added_g": None if self.added is None else plain(self.added),
            "display_g": None if self.display is None else plain(self.display),
            "before_g": None if self.before is None else plain(self.before),
            "note": self.note, "source": self.source, "at": self.at, "evidence": self.evidence,
            "price": self.price, "discarded": self.discarded,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Reading:
        return cls(
            step_id=d["step_id"], indication=Decimal(d["indication_g"]), load=Decimal(d["load_g"]),
            added=_opt(d.get("added_g")), display=_opt(d.get("display_g")), before=_opt(d.get("before_g")),
            note=d.get("note", ""), source=d.get("source", "manual"), at=d.get("at") or _now(),
            evidence=dict(d.get("evidence") or {}), price=d.get("price"), discarded=d.get("discarded"),
        )


@dataclass(frozen=True)
class ReadingResult:
    """One reading evaluated: E (and Ec), the MPE at its load, pass/fail."""

    reading: Reading
    step: Step
    error: ChangePointResult | None
    limit: Decimal | None
    passed: bool | None
    price: PriceCheck | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"reading": self.reading.to_dict(), "passed": self.passed,
                                "limit_g": None if self.limit is None else plain(self.limit)}
        if self.error is not None:
            data["error"] = self.error.to_dict()
        if self.price is not None:
            data["price"] = self.price.to_dict()
        return data


@dataclass(frozen=True)
class StepResult:
    step: Step
    readings: list[ReadingResult]
    passed: bool | None  # None: not enough readings yet (or skipped)
    skipped: str | None = None
    spread: Decimal | None = None

    @property
    def complete(self) -> bool:
        return self.skipped is not None or self.passed is not None

    def to_dict(self) -> dict[str, Any]:
        return {"step": self.step.to_dict(), "passed": self.passed, "skipped": self.skipped,
                "spread_g": None if self.spread is None else plain(self.spread),
                "readings": [r.to_dict() for r in self.readings]}


@dataclass(frozen=True)
class Verdict:
    result: str  # pass / fail / incomplete
    suspected_cheat: bool
    findings: list[Finding]
    failed_steps: list[str]
    missing_steps: list[str]

    @property
    def zh(self) -> str:
        return {"pass": "合格", "fail": "不合格", "incomplete": "未完成"}[self.result]

    def to_dict(self) -> dict[str, Any]:
        return {"result": self.result, "zh": self.zh, "suspected_cheat": self.suspected_cheat,
                "failed_steps": self.failed_steps, "missing_steps": self.missing_steps,
                "findings": [f.to_dict() for f in self.findings]}


class ScaleTestSession:
    """Collects readings for a ``ScaleTestPlan`` and evaluates them."""

    def __init__(self, plan: ScaleTestPlan, *, references: Sequence[ReferenceInstrument] = (),
                 day: date | None = None) -> None:
        self.plan = plan
        self.references = list(references)
        self.day = day or date.today()
        self.readings: list[Reading] = []
        self.skipped: dict[str, str] = {}

    # -- input ---------------------------------------------------------------------------------
    def record(self, step_id: str, indication: Decimal, *, load: Decimal | None = None, added: Decimal | None = None,
               display: Decimal | None = None, before: Decimal | None = None, note: str = "",
               source: str = "manual", evidence: dict[str, Any] | None = None) -> ReadingResult:
        """Add one reading to a step and return it evaluated.

        ``load`` is what was actually placed (defaults to the planned load); ``added`` is ΔL of the
        change-point method; ``display`` the customer-display value confirmed by the inspector;
        ``before`` the indication before the 1.4 d weight in the discrimination test; ``evidence``
        the raw frame / decoder / port data kept with the measurement.
        """
        step = self.plan.step(step_id)
        if step.kind == "price":
            raise InputError("计价步骤请用 record_price / use record_price for the price step")
        active = self._active(step_id)
        if step.max_readings is not None and len(active) >= step.max_readings:
            raise StateError(
                f"步骤「{step.zh}」已有读数；如需重测请先作废原读数 / step {step_id} already has its reading: "
                "discard it first to measure again"
            )
        if step.kind == "discrimination" and before is None:
            raise InputError("鉴别力测试需要加 1.4 d 前的示值 / discrimination needs the indication before adding 1.4 d")
        placed = step.load if load is None else load
        if placed is None or placed < 0:
            raise InputError(f"步骤「{step.zh}」缺少有效载荷 / step {step_id} needs a non-negative load")
        reading = Reading(step_id=step_id, indication=indication, load=placed, added=added, display=display,
                          before=before, note=note, source=source, evidence=dict(evidence or {}))
        result = self._evaluate(reading, step)  # validates ΔL etc. before anything is stored
        self.readings.append(reading)
        self.skipped.pop(step_id, None)
        return result

    def record_price(self, step_id: str, weight: Decimal, unit_price: Decimal, shown: Decimal | None, *,
                     per: str = "kg", note: str = "", evidence: dict[str, Any] | None = None) -> ReadingResult:
        """Add a price observation: displayed weight (g), unit price (CNY per ``per``), amount shown."""
        step = self.plan.step(step_id)
        if step.kind != "price":
            raise InputError(f"步骤 {step_id} 不是计价步骤 / step {step_id} is not a price step")
        reading = Reading(step_id=step_id, indication=weight, load=step.load or weight, note=note,
                          evidence=dict(evidence or {}),
                          price={"unit_price": plain(unit_price), "per": per,
                                 "shown": None if shown is None else format(shown, "f")})
        result = self._evaluate(reading, step)
        self.readings.append(reading)
        self.skipped.pop(step_id, None)
        return result

    def discard_last(self, step_id: str, reason: str) -> None:
        """Void the step's latest active reading; it stays in the evidence with the reason."""
        if not reason.strip():
            raise InputError("作废读数需说明原因 / give a reason to discard a reading")
        for i in range(len(self.readings) - 1, -1, -1):
            if self.readings[i].step_id == step_id and self.readings[i].discarded is None:
                self.readings[i] = replace(self.readings[i], discarded=reason.strip())
                return
        raise StateError(f"步骤 {step_id} 没有可作废的读数 / step {step_id} has no reading to discard")

    def skip(self, step_id: str, reason: str) -> None:
        """Mark a step as not performed (e.g. no weights for Max); it then decides nothing."""
        self.plan.step(step_id)
        if not reason.strip():
            raise InputError("跳过步骤需说明原因 / give a reason to skip a step")
        if self._active(step_id):
            raise StateError(f"步骤 {step_id} 已有读数，不能跳过 / step {step_id} has readings: cannot skip")
        self.skipped[step_id] = reason.strip()

    # -- evaluation ----------------------------------------------------------------------------
    def _active(self, step_id: str) -> list[Reading]:
        return [r for r in self.readings if r.step_id == step_id and r.discarded is None]

    def _zero_error(self, kind: str) -> Decimal | None:
        source = "tare_zero" if kind == "tare" else "zero" if kind in ("weighing", "eccentricity", "repeatability") else None
        if source is None:
            return None
        for step in self.plan.steps:
            if step.kind == source:
                active = self._active(step.id)
                if active:
                    r = active[-1]
                    return error_before_rounding(r.load, r.indication, r.added, self.plan.scale.d).error
        return None

    def _evaluate(self, reading: Reading, step: Step) -> ReadingResult:
        scale = self.plan.scale
        if step.kind == "price":
            p = reading.price or {}
            check = check_price(reading.indication, Decimal(p["unit_price"]), _opt(p.get("shown")), p.get("per", "kg"))
            return ReadingResult(reading=reading, step=step, error=None, limit=None, passed=check.passed, price=check)
        if step.kind == "discrimination":
            before = reading.before if reading.before is not None else reading.indication
            passed = reading.indication - before >= scale.d
            return ReadingResult(reading=reading, step=step, error=None, limit=scale.d, passed=passed)
        if step.kind in _ZERO_KINDS:
            cp = error_before_rounding(reading.load, reading.indication, reading.added, scale.d)
            limit = step.limit if step.limit is not None else Decimal(0)
            return ReadingResult(reading=reading, step=step, error=cp, limit=limit, passed=abs(cp.error) <= limit)
        cp = error_before_rounding(reading.load, reading.indication, reading.added, scale.d,
                                   self._zero_error(step.kind))
        limit = mpe(scale.accuracy_class, scale.e, reading.load, self.plan.stage).mpe
        return ReadingResult(reading=reading, step=step, error=cp, limit=limit, passed=abs(cp.final_error) <= limit)

    def step_result(self, step_id: str) -> StepResult:
        step = self.plan.step(step_id)
        results = [self._evaluate(r, step) for r in self._active(step_id)]
        if step_id in self.skipped:
            return StepResult(step=step, readings=results, passed=None, skipped=self.skipped[step_id])
        if len(results) < step.min_readings:
            return StepResult(step=step, readings=results, passed=None)
        passed = all(r.passed for r in results)
        spread = None
        if step.kind == "repeatability":
            ps = [r.error.p for r in results if r.error is not None]
            spread = max(ps) - min(ps)
            limit = mpe(self.plan.scale.accuracy_class, self.plan.scale.e, step.load or Decimal(0), self.plan.stage).mpe
            passed = passed and spread <= limit
        return StepResult(step=step, readings=results, passed=passed, spread=spread)

    def results(self) -> list[StepResult]:
        return [self.step_result(s.id) for s in self.plan.steps]

    def next_step(self) -> Step | None:
        """The first step still waiting for readings — what the wizard shows next."""
        for result in self.results():
            if not result.complete:
                return result.step
        return None

    # -- findings and verdict ------------------------------------------------------------------
    def findings(self) -> list[Finding]:
        found: list[Finding] = []
        results = self.results()
        for res in results:
            if res.passed is False and res.step.kind != "price":  # price checks carry their own findings
                found.append(self._fail_finding(res))
            for rr in res.readings:
                if rr.price is not None:
                    found.extend(rr.price.findings)
                r = rr.reading
                if r.display is not None:
                    f = anticheat.display_finding(f"{res.step.zh} {format_mass(r.load)}", r.indication, r.display)
                    if f:
                        found.append(f)
        found.extend(self._anticheat_findings(results))
        return merge(found)

    def _fail_finding(self, res: StepResult) -> Finding:
        zh, en = _FAIL_TEXT.get(res.step.kind, ("测试不合格", "test failed"))
        bad = [rr for rr in res.readings if rr.passed is False]
        if res.step.kind == "discrimination":
            detail_zh = f"{format_mass(res.step.load or Decimal(0))} 处加 {res.step.extra.get('added_g')} g 后示值未增加一个分度"
            detail_en = f"indication did not rise by d after adding {res.step.extra.get('added_g')} g"
        elif res.spread is not None and not bad:
            detail_zh = f"{format_mass(res.step.load or Decimal(0))} 处极差 {format_mass(res.spread)} 超过 |MPE|"
            detail_en = f"spread {format_mass(res.spread)} at {format_mass(res.step.load or Decimal(0))} exceeds |MPE|"
        else:
            rr = bad[0]
            assert rr.error is not None and rr.limit is not None
            err = rr.error.final_error
            detail_zh = f"{format_mass(rr.reading.load)} 处误差 {format_mass(err, signed=True)}，限 ±{format_mass(rr.limit)}"
            detail_en = f"error {format_mass(err, signed=True)} at {format_mass(rr.reading.load)}, limit ±{format_mass(rr.limit)}"
        return Finding(code=f"{res.step.kind}_failed", severity="fail", zh=f"{zh}：{res.step.zh}，{detail_zh}",
                       en=f"{en}: {res.step.en}, {detail_en}", rule=_RULE, data={"step_id": res.step.id})

    def _points(self, results: list[StepResult], kind: str) -> list[tuple[Decimal, Decimal]]:
        return [(rr.reading.load, rr.error.error) for res in results if res.step.kind == kind
                for rr in res.readings if rr.error is not None]

    def load_error_fit(self, kind: str = "as_found") -> anticheat.LoadErrorFit | None:
        """The error-versus-load fit of one kind of step, or None with too few distinct loads."""
        pts = self._points(self.results(), kind)
        if len({load for load, _ in pts}) < max(int(thresholds()["anticheat"]["min_fit_loads"]), 2):
            return None
        return anticheat.fit_load_error(pts)

    def _anticheat_findings(self, results: list[StepResult]) -> list[Finding]:
        scale, stage = self.plan.scale, self.plan.stage
        found: list[Finding] = []
        min_loads = int(thresholds()["anticheat"]["min_fit_loads"])
        for kind in ("as_found", "power_cycle", "weighing"):
            pts = self._points(results, kind)
            if len({load for load, _ in pts}) < max(min_loads, 2):
                continue
            fit = anticheat.fit_load_error(pts)
            top = max(load for load, _ in pts)
            low = min(load for load, _ in pts)
            f = anticheat.proportional_finding(fit, top, mpe(scale.accuracy_class, scale.e, top, stage).mpe, phase=kind)
            if f is None:
                f = anticheat.offset_finding(fit, mpe(scale.accuracy_class, scale.e, low, stage).mpe, phase=kind)
            if f is not None:
                found.append(f)
        as_found = {load: err for load, err in self._points(results, "as_found")}
        after = {load: err for load, err in self._points(results, "power_cycle")}
        for load in sorted(as_found.keys() & after.keys()):
            f = anticheat.power_cycle_finding(load, as_found[load], after[load], scale.e)
            if f is not None:
                found.append(f)
        # Readings at an unchanged load after the restart and after each key press, in the order taken:
        # any step between two of them at the same load is a jump.
        by_load: dict[Decimal, list[tuple[str, Decimal, Decimal]]] = {}
        for res in results:
            if res.step.kind not in ("power_cycle", "after_keys"):
                continue
            for i, rr in enumerate(res.readings, 1):
                label = rr.reading.note or (f"按键 {i}" if res.step.kind == "after_keys" else "重启后")
                by_load.setdefault(rr.reading.load, []).append((label, rr.reading.load, rr.reading.indication))
        tolerance = anticheat.setting("jump_tolerance_d") * scale.d
        for items in by_load.values():
            found.extend(anticheat.jump_finding(j) for j in anticheat.find_jumps(items, tolerance))
        return found

    def weights_problems(self) -> list[str]:
        """Steps whose standard weights are not good enough (error > ⅓ of the limit at the load)."""
        sets = [r for r in self.references if r.kind == "weight_set"]
        if not sets:
            return []
        ws = sets[0]
        f = frac(thresholds()["procedure"]["weights_fraction"], "thresholds.json procedure.weights_fraction")
        problems = []
        for res in self.results():
            for rr in res.readings:
                if rr.limit is None or rr.step.kind in ("discrimination", "price"):
                    continue
                err = ws.weights_error(rr.reading.load)
                if err * f.denominator > rr.limit * f.numerator:
                    problems.append(
                        f"{rr.step.zh}：{format_mass(rr.reading.load)} 处砝码误差 {format_mass(err)} 超过限值 "
                        f"±{format_mass(rr.limit)} 的 {f}"
                    )
        return problems

    def verdict(self) -> Verdict:
        """The overall result; refused (StateError) while a reference is expired or inadequate."""
        check_references(self.references, self.day)
        problems = self.weights_problems()
        if problems:
            raise StateError(f"标准砝码准确度不足，不能出具结论 / weights not accurate enough for a verdict: {problems[0]}")
        results = self.results()
        findings = self.findings()
        missing = [r.step.id for r in results if not r.complete]
        failed = [r.step.id for r in results if r.passed is False]
        bad = [f for f in findings if f.severity in ("fail", "cheat")]
        result = "fail" if failed or bad else "incomplete" if missing else "pass"
        return Verdict(result=result, suspected_cheat=any(f.severity == "cheat" for f in findings),
                       findings=findings, failed_steps=failed, missing_steps=missing)

    # -- storage -------------------------------------------------------------------------------
    def measurements(self) -> list[dict[str, Any]]:
        """Rows for store.measurements: kind, seq, load, indication, error, mpe, unit, passed, data."""
        rows = []
        e = self.plan.scale.e
        # a snapshot, so renewing a certificate later never changes what this test was traced to
        refs = [{k: r.to_dict()[k] for k in ("id", "kind", "name", "class", "certificate_no", "expires")}
                for r in self.references]
        for step in self.plan.steps:
            mine = [r for r in self.readings if r.step_id == step.id]
            for i, reading in enumerate(mine):
                rr = self._evaluate(reading, step)
                error = None
                if rr.error is not None:
                    error = plain(rr.error.final_error)
                elif rr.price is not None and rr.price.shown is not None:
                    error = format(rr.price.shown - rr.price.expected, "f")
                data = {"step_id": step.id, "step": {"zh": step.zh, "en": step.en}, "stage": self.plan.stage,
                        "scale": self.plan.scale.to_dict(), "references": refs, **rr.to_dict()}
                if rr.error is not None:
                    data["error"] = rr.error.to_dict(e)
                rows.append({
                    "kind": step.kind,
                    "seq": step.seq * 100 + i,
                    "load": plain(reading.load),
                    "indication": plain(reading.indication),
                    "error": error,
                    "mpe": None if rr.limit is None else plain(rr.limit),
                    "unit": "CNY" if step.kind == "price" else "g",
                    "passed": None if reading.discarded else rr.passed,
                    "data": data,
                })
        return rows

    def to_dict(self) -> dict[str, Any]:
        return {
            "plan": self.plan.to_dict(),
            "day": self.day.isoformat(),
            "references": [r.to_dict() for r in self.references],
            "readings": [r.to_dict() for r in self.readings],
            "skipped": dict(self.skipped),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScaleTestSession:
        session = cls(ScaleTestPlan.from_dict(data["plan"]),
                      references=[ReferenceInstrument.from_dict(r) for r in data.get("references", [])],
                      day=date.fromisoformat(data["day"]))
        session.readings = [Reading.from_dict(r) for r in data.get("readings", [])]
        session.skipped = dict(data.get("skipped") or {})
        return session

    def summary(self) -> dict[str, Any]:
        """Everything the wizard's table shows, as plain data (no verdict if it is refused)."""
        try:
            verdict: dict[str, Any] | None = self.verdict().to_dict()
            blocked = None
        except StateError as err:
            verdict, blocked = None, str(err)
        return {"plan": self.plan.to_dict(), "steps": [r.to_dict() for r in self.results()],
                "findings": [f.to_dict() for f in self.findings()], "verdict": verdict, "verdict_blocked": blocked,
                "load_in_e": {s.id: None if s.load is None else plain(in_e(s.load, self.plan.scale.e))
                              for s in self.plan.steps}}
