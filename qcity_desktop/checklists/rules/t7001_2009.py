"""TSG T7001-2009 periodic inspection conclusion (第二十一条(三); SAMR reply quoted in
../shared/reference/checklists.md §1.5): not tested counts as failed; any B item failing →
不合格; all B passing and at most ``max_c_failures`` C items failing → 合格 with 监护使用
recorded and each failed C item a finding (不合格 when the using unit does not commit to 监护使用, the
``supervised_use`` override); more → 不合格."""

from __future__ import annotations

from collections.abc import Mapping

from qcity_desktop.checklists.model import Answer, Evaluation, FailedItem, RuleContext, Template
from qcity_desktop.checklists.rules import rule
from qcity_desktop.checklists.rules.common import FAILING, PENDING_SUPERVISED_USE, effective_result, top_items

PASS = "合格"
FAIL = "不合格"


@rule("t7001_2009")
def t7001_2009(template: Template, answers: Mapping[str, Answer], context: RuleContext) -> Evaluation:
    max_c = int(template.params.get("max_c_failures", 5))
    failed_b: list[FailedItem] = []
    failed_c: list[FailedItem] = []
    unanswered = 0
    for item in top_items(template):
        if item.type != "result":  # measured values inform the inspector; the result items decide
            continue
        result = effective_result(template, item, answers)
        if result is None:
            unanswered += 1
            continue
        if result in FAILING:
            cls = str(item.attrs.get("class", "C"))
            reason = "未检测" if result == "not_tested" else "不符合"
            bad_subs = [c.label() for c in template.children(item.id)
                        if effective_result(template, c, answers) in FAILING]
            if bad_subs:
                reason += "：" + "、".join(bad_subs)
            f = FailedItem(item.id, item.label(), f"{cls}类", item.clause or f"TSG T7001-2009 {item.id}", reason)
            (failed_b if cls in ("A", "B") else failed_c).append(f)
    failed = tuple(failed_b + failed_c)
    if unanswered:
        return Evaluation(None, failed=failed, complete=False,
                          details={"unanswered": unanswered, "failed_b": len(failed_b), "failed_c": len(failed_c)})
    details = {"failed_b": len(failed_b), "failed_c": len(failed_c), "max_c_failures": max_c}
    if failed_b:
        return Evaluation(FAIL, failed=failed, remarks=(f"{len(failed_b)}项B类项目不合格",), details=details)
    if len(failed_c) > max_c:
        return Evaluation(FAIL, failed=failed, remarks=(f"{len(failed_c)}项C类项目需整改，超过{max_c}项",), details=details)
    remarks: tuple[str, ...] = ()
    if failed_c:
        nums = "、".join(f.item_id for f in failed_c)
        details["supervised_use"] = True
        committed = (context.overrides or {}).get("supervised_use")
        if committed is not None:
            details["supervised_use_committed"] = bool(committed)
        if committed is False:   # 合格 here rests on the using unit's written commitment; without it, 不合格
            return Evaluation(FAIL, failed=failed, remarks=(
                f"本报告第{nums}项的检验结果为不符合，使用单位未承诺采取安全措施对电梯实行监护使用",), details=details)
        remarks = (f"本报告第{nums}项的检验结果为不符合，使用单位已经承诺采取安全措施，对电梯实行监护使用"
                   f"（见《电梯检验意见通知书》）",)
        if committed is None:   # a preview: the using unit has not been asked yet
            remarks = (PENDING_SUPERVISED_USE.format(items=nums),)
    return Evaluation(PASS, failed=failed, remarks=remarks, details=details)
