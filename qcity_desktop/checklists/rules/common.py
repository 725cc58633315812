"""Helpers shared by the rules: effective results of items with sub-items."""

from __future__ import annotations

from collections.abc import Mapping

from qcity_desktop.checklists.model import Answer, Item, Template

FAILING = ("fail", "not_tested")
# What an elevator rule says before the inspector has recorded whether the using unit commits to
# supervised use (completing asks for it, Inspections.complete): what the conclusion depends on.
PENDING_SUPERVISED_USE = "第{items}项的检验结果为不符合：使用单位书面承诺监护使用则合格，否则不合格（完成检验时确认）"


def effective_result(template: Template, item: Item, answers: Mapping[str, Answer]) -> str | None:
    """An item's result; a parent's is derived from its sub-items (a failed sub-item fails it,
    all sub-items n/a make it n/a, any unanswered sub-item leaves it unanswered)."""
    children = template.children(item.id)
    if not children:
        a = answers.get(item.id)
        return a.result if a else None
    results = [effective_result(template, c, answers) for c in children]
    for bad in ("fail", "not_tested"):
        if bad in results:
            return bad
    if any(r is None for r in results):
        return None
    if all(r == "na" for r in results):
        return "na"
    if "rectified" in results:
        return "rectified"
    return "pass"


def top_items(template: Template) -> list[Item]:
    """Items that carry the rule's attributes (class, key): those without a parent."""
    return [i for i in template.items.values() if i.parent is None]
