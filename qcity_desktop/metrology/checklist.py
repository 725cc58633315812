"""Turning a scale test into answers of the scale inspection's checklist.

The inspection's verdict and findings come from its checklist template (rules are data), so the
guided test does not write findings of its own: it answers the checklist items it decides — S2.2
"称量测试各点误差…" fails when a weighing point failed — and puts the metrology findings' text in
the item's note, which is what the rectification notice prints. Which result answers which item is
a data file (checklist_map.json), so a new template version needs no code change.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from qcity_desktop.errors import NotFoundError
from qcity_desktop.metrology.data import load_table
from qcity_desktop.metrology.session import ScaleTestSession
from qcity_desktop.metrology.units import plain


def checklist_answers(session: ScaleTestSession, template_id: str = "scale-market-in-service") -> dict[str, dict[str, Any]]:
    """{item_id: {"result": "pass"/"fail", "note": ...}} or {"value": ...} for the items decided so far.

    Items whose steps are not all done (or all skipped) are left out, so the inspector answers them.
    """
    mapping = load_table("checklist_map")["templates"].get(template_id)
    if mapping is None:
        raise NotFoundError(f"没有检查表 {template_id} 的计量对应表 / no metrology mapping for template {template_id}")
    results = session.results()
    findings = session.findings()
    answers: dict[str, dict[str, Any]] = {}
    for item_id, rule in mapping.items():
        kinds = set(rule.get("kinds", []))
        steps = [r for r in results if r.step.kind in kinds]
        done = bool(steps) and all(r.complete for r in steps) and any(r.passed is not None for r in steps)
        if "value" in rule:
            value = _value(session, rule["value"], steps)
            if value is not None and done:
                answers[item_id] = {"value": value}
            continue
        if not done:
            continue
        hits = [f for f in findings if f.code in set(rule.get("codes", []))]
        failed_steps = rule.get("judge_steps", True) and any(r.passed is False for r in steps)
        if failed_steps:
            hits += [f for f in findings if f.code in {f"{k}_failed" for k in kinds}]
        if hits or failed_steps:
            answers[item_id] = {"result": "fail", "note": "；".join(f.zh for f in hits)}
        else:
            answers[item_id] = {"result": "pass", "note": ""}
    return answers


def _value(session: ScaleTestSession, name: str, steps: list[Any]) -> str | None:
    if name == "max_abs_error":
        errors = [abs(rr.error.final_error) for r in steps for rr in r.readings if rr.error is not None]
        return plain(max(errors)) if errors else None
    if name == "fit_percent":
        fit = session.load_error_fit("as_found")
        return None if fit is None else plain(fit.percent.quantize(Decimal("0.01")))
    raise NotFoundError(f"checklist_map.json: 未知取值 {name!r} / unknown value {name!r}")
