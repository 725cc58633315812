"""Market scale in-service check: the scale passes only when every checked item conforms.

Metrology items (weighing points, price computation, anti-cheat) are answered by the scale test
wizard from measured errors against the MPE; any failure stops the scale from trade use.
"""

from __future__ import annotations

from collections.abc import Mapping

from qcity_desktop.checklists.model import Answer, Evaluation, FailedItem, RuleContext, Template
from qcity_desktop.checklists.rules import rule
from qcity_desktop.checklists.rules.common import FAILING, effective_result, top_items


@rule("scale_in_service")
def scale_in_service(template: Template, answers: Mapping[str, Answer], context: RuleContext) -> Evaluation:
    failed = []
    unanswered = 0
    for item in top_items(template):
        if item.type not in ("result", "number"):
            continue
        result = effective_result(template, item, answers)
        if result is None:
            if item.required:
                unanswered += 1
            continue
        if result in FAILING:
            a = answers.get(item.id)
            reason = "未检测" if result == "not_tested" else "不符合"
            if a and a.value:
                reason += f"（{a.value}{item.unit}）"
            failed.append(FailedItem(item.id, item.label(), str(item.attrs.get("severity", "")),
                                     item.clause, reason))
    if unanswered:
        return Evaluation(None, failed=tuple(failed), complete=False, details={"unanswered": unanswered})
    if failed:
        return Evaluation("不合格", failed=tuple(failed),
                          remarks=("责令停止使用，限期整改后重新检定",), details={"failed": len(failed)})
    return Evaluation("合格", details={"failed": 0})
