"""JGJ 59-2011 construction-site safety scoring (rule ``jgj59_2011``); the method is in docs/jgj59.md.

Arithmetic is done in exact fractions and rounded once, at the end, to ``params.decimals``:
rescaling (D / E × 100), guarantee-subtotal scaling and category means produce thirds and
sevenths, and rounding those mid-way would let the guarantee test (< 40) or a grade boundary
(80 / 70) flip on a rounding artefact instead of on the inspector's deductions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from typing import Any

from qcity_desktop.checklists.model import (
    Answer,
    Evaluation,
    FailedItem,
    Item,
    RuleContext,
    Section,
    Template,
)
from qcity_desktop.checklists.rules import rule
from qcity_desktop.errors import InputError

RULE_NAME = "jgj59_2011"
# Params a caller may override per evaluation (RuleContext.overrides), e.g. from the user's settings.
OVERRIDABLE = (
    "fail_without_deduction", "range_clause_default", "decimals", "guarantee_minimum",
    "guarantee_missing_rescale", "missing_item_rescale", "normalise_missing_categories",
)
SEVERITY_GUARANTEE = "保证项目"
SEVERITY_GENERAL = "一般项目"
SEVERITY_PLAIN = "检查项目"  # B.13 and B.19 have no guarantee/general split


@dataclass(frozen=True)
class _Clause:
    id: str
    text: str
    points: Fraction  # the deduction, or the top of a range "扣a～b分"
    min_points: Fraction  # equal to points unless the clause is a range
    per: str | None  # 处 / 人 / 项 when the clause may be ticked several times


@dataclass
class _ItemScore:
    item: Item
    points: Fraction
    guarantee: bool
    state: str = "unanswered"  # unanswered / missing (缺项) / needs_deduction / checked

    @property
    def checked(self) -> bool:
        return self.state == "checked"

    deduction: Fraction = Fraction(0)  # capped at the item's points (4.0.3-2)
    reasons: list[str] = field(default_factory=list)

    @property
    def score(self) -> Fraction:
        return self.points - self.deduction


@dataclass
class _Subtable:
    section: Section
    items: list[_ItemScore]
    unanswered: list[str]
    touched: bool
    score: Fraction | None = None
    zero_reason: str | None = None
    guarantee: dict[str, Any] = field(default_factory=dict)

    @property
    def used(self) -> bool:
        return any(s.checked for s in self.items)


def _num(value: Fraction) -> str:
    """A deduction or point value for people: 10, 2.5 (never 5/2)."""
    if value.denominator == 1:
        return str(value.numerator)
    with localcontext() as ctx:
        ctx.prec = 40
        return format((Decimal(value.numerator) / Decimal(value.denominator)).normalize(), "f")


def _round(value: Fraction, decimals: int) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 60
        exact = Decimal(value.numerator) / Decimal(value.denominator)
        return exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _params(template: Template, context: RuleContext) -> dict[str, Any]:
    params = dict(template.params)
    for key in OVERRIDABLE:
        if key in context.overrides:
            params[key] = context.overrides[key]
    where = template.path or template.id
    if params.get("fail_without_deduction", "all") not in ("all", "incomplete"):
        raise InputError(f"{where}: fail_without_deduction must be 'all' or 'incomplete'")
    if params.get("range_clause_default", "max") not in ("max", "min"):
        raise InputError(f"{where}: range_clause_default must be 'max' or 'min'")
    decimals = params.get("decimals", 2)
    if not isinstance(decimals, int) or isinstance(decimals, bool) or not 0 <= decimals <= 4:
        raise InputError(f"{where}: decimals must be a whole number from 0 to 4")
    return params


def _fraction(value: Any, where: str) -> Fraction:
    if isinstance(value, bool):
        raise InputError(f"{where}: {value!r} is not a number")
    try:
        return Fraction(str(value))
    except (ValueError, ZeroDivisionError):
        raise InputError(f"{where}: {value!r} is not a number") from None


def _clauses(item: Item, where: str) -> dict[str, _Clause]:
    raw = item.attrs.get("deductions", [])
    if not isinstance(raw, list):
        raise InputError(f"{where}: item {item.id}: deductions must be a list")
    out: dict[str, _Clause] = {}
    for d in raw:
        if not isinstance(d, dict) or not d.get("id") or "points" not in d:
            raise InputError(f"{where}: item {item.id}: each deduction needs an id and points")
        here = f"{where}: item {item.id} deduction {d['id']}"
        top = _fraction(d["points"], here)
        low = _fraction(d.get("min_points", d["points"]), here)
        if not 0 < low <= top:
            raise InputError(f"{here}: points must be positive and min_points ≤ points")
        out[str(d["id"])] = _Clause(str(d["id"]), str(d.get("text", "")), top, low, d.get("per") or None)
    return out


def _clause_reason(c: _Clause, count: int) -> str:
    amount = _num(c.points) if c.min_points == c.points else f"{_num(c.min_points)}～{_num(c.points)}"
    if c.per:
        return f"{c.text}，每{c.per}扣{amount}分×{count}"
    return f"{c.text}，扣{amount}分"


def _score_item(
    item: Item, answer: Answer | None, params: dict[str, Any], where: str, remarks: list[str]
) -> _ItemScore:
    """Score one item; its state says whether it was checked, is 缺项, unanswered or lacks a deduction."""
    if "points" not in item.attrs:
        raise InputError(f"{where}: item {item.id}: attrs.points is missing")
    s = _ItemScore(item=item, points=_fraction(item.attrs["points"], f"{where}: item {item.id}"),
                   guarantee=bool(item.attrs.get("guarantee", False)))
    if answer is None:
        return s
    ticked = {cid: n for cid, n in (answer.clauses or {}).items() if n}
    if answer.result is None and not ticked and answer.deduction is None:
        return s
    if answer.result is not None and answer.result not in item.results:
        raise InputError(f"item {item.id}: result {answer.result!r} is not allowed here "
                         f"(allowed: {', '.join(item.results)})")
    if answer.result == "na":
        if ticked or answer.deduction:
            remarks.append(f"{item.id} 判为缺项，所填扣分未计")
        s.state = "missing"
        return s
    clauses = _clauses(item, where)
    low = top = Fraction(0)
    for cid, count in ticked.items():
        clause = clauses.get(cid)
        if clause is None:
            raise InputError(f"item {item.id}: unknown deduction clause {cid!r} "
                             f"(known: {', '.join(clauses) or 'none'})")
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise InputError(f"item {item.id}: deduction clause {cid}: count must be a whole number ≥ 0")
        if count > 1 and not clause.per:
            raise InputError(f"item {item.id}: deduction clause {cid} can be ticked only once "
                             f"(it is not 每处/每人/每项)")
        low += clause.min_points * count
        top += clause.points * count
        s.reasons.append(_clause_reason(clause, count))
    if answer.deduction is not None:
        raw = _fraction(answer.deduction, f"item {item.id}")
        if raw < 0:
            raise InputError(f"item {item.id}: deduction {_num(raw)} is negative")
        if ticked and not min(low, s.points) <= raw <= top:
            raise InputError(f"item {item.id}: deduction {_num(raw)} does not fit the ticked clauses "
                             f"({_num(min(low, s.points))}～{_num(top)})")
        if not ticked and raw:
            s.reasons.append("未注明扣分条款")
    elif ticked:
        raw = top if params.get("range_clause_default", "max") == "max" else low
    elif answer.result == "fail":
        if params.get("fail_without_deduction", "all") == "incomplete":
            s.state = "needs_deduction"
            return s
        raw = s.points
        s.reasons.append("判为不符合，未注明扣分条款，按应得分全扣")
    else:
        raw = Fraction(0)
    if raw > s.points:
        s.reasons.append(f"扣分合计{_num(raw)}分超过应得分{_num(s.points)}分，按{_num(s.points)}分计（4.0.3-2）")
    s.deduction = min(raw, s.points)
    s.state = "checked"
    return s


def _score_subtable(sub: _Subtable, params: dict[str, Any]) -> None:
    """Score one 分项检查评分表: rescaling for 缺项 (4.0.3-5), then the guarantee rule (4.0.3-3)."""
    checked = [s for s in sub.items if s.checked]
    if not checked:
        return
    full = sum((s.points for s in checked), Fraction(0))
    actual = sum((s.score for s in checked), Fraction(0))
    sub.score = actual / full * 100 if params.get("missing_item_rescale", True) else actual
    if not sub.section.attrs.get("guarantee_split", True):
        return
    g_all = [s for s in sub.items if s.guarantee]
    g_checked = [s for s in checked if s.guarantee]
    if not g_checked:
        return
    g_full = sum((s.points for s in g_all), Fraction(0))
    g_full_checked = sum((s.points for s in g_checked), Fraction(0))
    g_actual = sum((s.score for s in g_checked), Fraction(0))
    rescaled = g_actual * g_full / g_full_checked if params.get("guarantee_missing_rescale", True) else g_actual
    minimum = _fraction(params.get("guarantee_minimum", 40), "guarantee_minimum")
    sub.guarantee = {"subtotal": g_actual, "full_checked": g_full_checked, "rescaled": rescaled}
    zero = next((s for s in g_checked if s.score == 0), None)
    sid = sub.section.id
    if zero is not None:
        sub.zero_reason = f"表{sid} 保证项目“{zero.item.label()}”未得分，本分项表不得分（4.0.3-3）"
    elif rescaled < minimum:
        scaled = f"（缺项折算为{_num(rescaled)}分）" if rescaled != g_actual else ""
        sub.zero_reason = (f"表{sid} 保证项目小计{_num(g_actual)}分{scaled}不足{_num(minimum)}分，"
                           f"本分项表不得分（4.0.3-3）")
    if sub.zero_reason:
        sub.score = Fraction(0)


def _categories(template: Template, params: dict[str, Any]) -> list[tuple[str, Fraction, list[str]]]:
    where = template.path or template.id
    cats = params.get("categories")
    if not isinstance(cats, list) or not cats:
        raise InputError(f"{where}: params.categories is missing")
    sections = {s.id for s in template.sections}
    out, seen = [], set()
    for c in cats:
        name, subs = c.get("name"), c.get("subtables", [])
        for sid in subs:
            if sid not in sections:
                raise InputError(f"{where}: category {name}: sub-table {sid} is not a section of the template")
            seen.add(sid)
        out.append((str(name), _fraction(c.get("weight"), f"{where}: category {name} weight"), list(subs)))
    orphans = sections - seen
    if orphans:
        raise InputError(f"{where}: sections {', '.join(sorted(orphans))} belong to no category")
    return out


def _grade(total: Decimal, params: dict[str, Any]) -> str:
    for g in sorted(params.get("grades", []), key=lambda g: -Fraction(str(g["min"]))):
        if total >= Decimal(str(g["min"])):
            return str(g["grade"])
    return str(params.get("fail_grade", "不合格"))


@rule(RULE_NAME)
def evaluate_jgj59(template: Template, answers: Mapping[str, Answer], context: RuleContext) -> Evaluation:
    """Score a JGJ 59-2011 check: sub-tables, category means, weighted total and grade (ch. 4–5)."""
    params = _params(template, context)
    where = template.path or template.id
    decimals: int = params.get("decimals", 2)
    categories = _categories(template, params)
    remarks: list[str] = []
    incomplete: list[str] = []
    subtables: dict[str, _Subtable] = {}
    for section in template.sections:
        scores, unanswered, touched = [], [], False
        for item_id in section.item_ids:
            item = template.items[item_id]
            s = _score_item(item, answers.get(item_id), params, where, remarks)
            scores.append(s)
            touched = touched or s.state != "unanswered"
            if s.state == "unanswered":
                unanswered.append(item_id)
            elif s.state == "needs_deduction":
                incomplete.append(f"{item_id} 判为不符合，须勾选扣分条款或填写扣分")
        sub = _Subtable(section=section, items=scores, unanswered=unanswered, touched=touched)
        if touched and unanswered:
            incomplete.append(f"表{section.id} 还有{len(unanswered)}项未填写：{', '.join(unanswered)}")
        _score_subtable(sub, params)
        if sub.zero_reason:
            remarks.append(sub.zero_reason)
        subtables[section.id] = sub

    cat_scores: list[tuple[str, Fraction, Fraction | None, list[str]]] = []
    for name, weight, subs in categories:
        used = [subtables[sid] for sid in subs if subtables[sid].used]
        mean = sum((u.score or Fraction(0) for u in used), Fraction(0)) / len(used) if used else None
        cat_scores.append((name, weight, mean, [u.section.id for u in used]))
    checked_weight = sum((w for _, w, m, _ in cat_scores if m is not None), Fraction(0))
    weighted = sum((w * m / 100 for _, w, m, _ in cat_scores if m is not None), Fraction(0))
    if not checked_weight:
        incomplete.append("未检查任何分项检查评分表")
    total: Fraction | None = None
    if checked_weight:
        total = weighted / checked_weight * 100 if params.get("normalise_missing_categories", True) else weighted

    details = _details(subtables, cat_scores, total, checked_weight, decimals)
    if incomplete:
        return Evaluation(verdict=None, complete=False, remarks=tuple(incomplete + remarks), details=details)
    assert total is not None
    score = _round(total, decimals)
    grade = _grade(score, params)
    zeroed = [sid for sid, sub in subtables.items() if sub.used and sub.score == 0]
    if zeroed and params.get("zero_subtable_fails", True):
        grade = str(params.get("fail_grade", "不合格"))
        remarks.append(f"分项检查评分表{'、'.join('表' + z for z in zeroed)}得零分，评定为不合格（5.0.2）")
    if grade == params.get("fail_grade", "不合格") and params.get("rectification_remark"):
        remarks.append(str(params["rectification_remark"]))
    failed = tuple(_failed_items(subtables))
    return Evaluation(verdict=grade, score=score, grade=grade, failed=failed, remarks=tuple(remarks),
                      details=details)


def _failed_items(subtables: Mapping[str, _Subtable]) -> list[FailedItem]:
    out = []
    for sub in subtables.values():
        split = sub.section.attrs.get("guarantee_split", True)
        for s in sub.items:
            if not s.checked or not s.deduction:
                continue
            severity = SEVERITY_PLAIN if not split else SEVERITY_GUARANTEE if s.guarantee else SEVERITY_GENERAL
            reason = f"扣{_num(s.deduction)}分（应得{_num(s.points)}分）：" + "；".join(s.reasons)
            out.append(FailedItem(item_id=s.item.id, title=s.item.label(), severity=severity,
                                  clause=s.item.clause, reason=reason))
    return out


def _details(
    subtables: Mapping[str, _Subtable],
    cat_scores: list[tuple[str, Fraction, Fraction | None, list[str]]],
    total: Fraction | None,
    checked_weight: Fraction,
    decimals: int,
) -> dict[str, Any]:
    """Per-sub-table and per-category figures as strings, for reports and `inspections show`."""

    def r(v: Fraction | None) -> str | None:
        return None if v is None else str(_round(v, decimals))

    subs: dict[str, Any] = {}
    for sid, sub in subtables.items():
        checked = [s for s in sub.items if s.checked]
        entry: dict[str, Any] = {
            "title": sub.section.title.get("zh", sid),
            "category": sub.section.attrs.get("category"),
            "used": sub.used,
            "score": r(sub.score),
            "actual": _num(sum((s.score for s in checked), Fraction(0))),
            "full_checked": _num(sum((s.points for s in checked), Fraction(0))),
            "missing": [s.item.id for s in sub.items if s.state == "missing"],
            "unanswered": list(sub.unanswered) if sub.touched else [],
            "zero_reason": sub.zero_reason,
        }
        if sub.guarantee:
            entry["guarantee"] = {k: r(v) if k == "rescaled" else _num(v) for k, v in sub.guarantee.items()}
        subs[sid] = entry
    cats = {
        name: {"weight": _num(w), "score": r(m), "weighted": r(None if m is None else w * m / 100),
               "subtables": used}
        for name, w, m, used in cat_scores
    }
    return {"total": r(total), "weights_checked": _num(checked_weight), "categories": cats, "subtables": subs}
