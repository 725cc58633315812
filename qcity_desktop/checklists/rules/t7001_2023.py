"""TSG T7001-2023 periodic inspection conclusion (key items 关键项目 / general items 一般项目).

Source: a provincial report checker and public report templates (shared/reference/tolerances-t7001.md
§3.3), not the official text, so the threshold and the labels are template params marked [T]:

- any key item × → 不合格 (a key item △ 整改后符合 does not trigger this);
- all key items conform and no general item × → 合格 (general △ allowed);
- all key items conform and the general items × (kept in use under 监护使用) plus the general items △
  number at most ``max_general_nonconforming`` (3) → 合格, labelled ``labels.conditional_pass``
  (e.g. 整改后合格), with the × items listed in the remark in the standard wording;
- more than that → 不合格.

Items that do not apply to this lift (qcity_desktop/checklists/applicability.py) count as 无此项,
whatever was ticked. ``verdict`` is always 合格 / 不合格 (so pass rates count alike); the printed
conclusion label is ``grade`` and ``details["conclusion"]``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from qcity_desktop.checklists.applicability import ItemApplicability, check_value, evaluate_items
from qcity_desktop.checklists.model import Answer, Evaluation, FailedItem, Item, RuleContext, Template
from qcity_desktop.checklists.rules import rule
from qcity_desktop.checklists.rules.common import PENDING_SUPERVISED_USE

FAILING = ("fail", "not_tested")
DEFAULT_LABELS = {"pass": "合格", "conditional_pass": "整改后合格", "fail": "不合格"}


def _number(item: Item, numbering: str) -> str:
    if numbering == "seq" and item.attrs.get("seq") is not None:
        return str(item.attrs["seq"])
    return item.id


def _reason(template: Template, item: Item, answers: Mapping[str, Answer], results: Mapping[str, str | None],
            subject: Mapping[str, Any]) -> str:
    """Why an item is ×: the measured values out of tolerance and the sub-items that failed."""
    parts: list[str] = []
    for leaf in [item, *_descendants(template, item.id)]:
        if results.get(leaf.id) not in FAILING or template.children(leaf.id):
            continue
        answer = answers.get(leaf.id)
        if leaf.type == "number" and answer is not None and answer.value not in (None, ""):
            check = check_value(leaf, answer.value, subject)
            if check.result == "fail":
                parts.append(check.message)
                continue
        if leaf is not item:
            parts.append(f"{leaf.label()}：不符合")
    return "；".join(parts) or "不符合"


def _descendants(template: Template, item_id: str) -> list[Item]:
    out: list[Item] = []
    for child in template.children(item_id):
        out.append(child)
        out.extend(_descendants(template, child.id))
    return out


@rule("t7001_2023")
def t7001_2023(template: Template, answers: Mapping[str, Answer], context: RuleContext) -> Evaluation:
    params = template.params
    labels = {**DEFAULT_LABELS, **(params.get("labels") or {})}
    max_general = int(params.get("max_general_nonconforming", 3))
    count_rectified = bool(params.get("count_rectified_general", True))
    numbering = str(params.get("remark_numbering", "annex"))
    overrides = context.overrides or {}
    states = evaluate_items(template, context.subject, context.inspection_date, answers, overrides)
    results = states.results
    app: dict[str, ItemApplicability] = states.applicability
    subject = context.subject or {}

    tops = [i for i in template.items.values() if i.parent is None and not i.attrs.get("info")]
    key_failed: list[Item] = []
    key_rectified: list[Item] = []
    general_failed: list[Item] = []
    general_rectified: list[Item] = []
    unanswered: list[str] = []
    for item in tops:
        result = results.get(item.id)
        if result is None:
            if app[item.id].applies and (item.required or template.children(item.id)):
                unanswered.append(item.id)
            continue
        key = bool(item.attrs.get("key"))
        if result in FAILING:
            (key_failed if key else general_failed).append(item)
        elif result == "rectified":
            (key_rectified if key else general_rectified).append(item)

    def failed_entry(item: Item) -> FailedItem:
        severity = "关键项目" if item.attrs.get("key") else "一般项目"
        return FailedItem(item.id, item.label(), severity, item.clause or f"TSG T7001-2023 {item.id}",
                          _reason(template, item, answers, results, subject))

    failed = tuple(failed_entry(i) for i in key_failed + general_failed)
    counted = len(general_failed) + (len(general_rectified) if count_rectified else 0)
    details: dict[str, Any] = {
        "key_failed": [i.id for i in key_failed],
        "key_rectified": [i.id for i in key_rectified],
        "general_failed": [i.id for i in general_failed],
        "general_rectified": [i.id for i in general_rectified],
        "general_counted": counted,
        "max_general_nonconforming": max_general,
        "not_applicable": {iid: a.reason for iid, a in app.items() if not a.applies},
        "overridden": {iid: a.reason for iid, a in app.items() if a.overridden},
        "results": dict(results),
    }
    # a tick on an item that does not apply is ignored (counted as 无此项), but say so
    ignored = [iid for iid, a in answers.items()
               if iid in app and not app[iid].applies and a.result not in (None, "na")]
    if ignored:
        details["ignored_answers"] = ignored

    supervised_use_refused = overrides.get("supervised_use") is False
    if key_failed:
        verdict, label = labels["fail"], labels["fail"]
        remarks = [f"关键项目第{'、'.join(_number(i, numbering) for i in key_failed)}项检验结果为不符合"]
    elif not general_failed:
        verdict, label, remarks = labels["pass"], labels["pass"], []
    elif counted <= max_general and not supervised_use_refused:
        verdict, label = labels["pass"], labels["conditional_pass"]
        sep = str(params.get("remark_item_separator", "、"))
        items = sep.join(_number(i, numbering) for i in general_failed)
        details["supervised_use"] = True
        if "supervised_use" not in overrides:   # a preview: the using unit has not been asked yet
            remarks = [PENDING_SUPERVISED_USE.format(items=items)]
        else:
            wording = str(params.get("remark_supervised_use") or
                          "本记录第{items}项的检验结果为不符合，使用单位已经承诺采取安全措施，对电梯实行监护使用"
                          "（见编号为{notice_no}的《电梯检验意见通知书》）")
            slot = str(params.get("notice_no_placeholder", "________"))
            notice_no = str(overrides.get("notice_no") or slot)
            remarks = [wording.format(items=items, notice_no=notice_no)]
            if notice_no == slot:   # the notice gets its number at signing, which writes it here (Inspections.sign)
                details["notice_no_slot"] = slot
    elif supervised_use_refused and counted <= max_general:
        verdict, label = labels["fail"], labels["fail"]
        remarks = ["一般项目检验结果为不符合，使用单位未承诺对电梯实行监护使用"]
        details["supervised_use"] = True
    else:
        verdict, label = labels["fail"], labels["fail"]
        what = "不符合及整改后符合" if count_rectified and general_rectified else "不符合"
        remarks = [f"一般项目{what}共{counted}项，超过{max_general}项"]
    if "supervised_use" in details and "supervised_use" in overrides:
        details["supervised_use_committed"] = bool(overrides["supervised_use"])

    if unanswered:
        details["unanswered"] = unanswered
        details["provisional_verdict"] = labels["fail"] if key_failed else None
        return Evaluation(None, failed=failed, complete=False, details=details)
    details["conclusion"] = label
    return Evaluation(verdict, grade=label, failed=failed, remarks=tuple(remarks), details=details)
