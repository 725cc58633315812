"""Which checklist items apply to this subject, and what a typed measurement means.

TSG T7001-2023 checks many items only on some lifts (older than 15 years, supervised after
2017-10-01 or under the 2023 rule, made after 2004, …). The conditions are data in the template
(an item's ``attrs.applies``), evaluated here against the subject's record, the inspection date and
the answers so far, so the inspector sees each item as applicable or as 无此项 *with the reason* —
and can overrule it on site, because registry data is often incomplete or wrong. Missing data never
hides an item: when a condition cannot be decided the item stays applicable and says why.

Everything here is pure: (template, subject record, inspection date, answers, overrides) in, plain
values out. The rule (rules/t7001_2023.py) and the UI call the same functions.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from qcity_desktop.checklists.model import Answer, Item, Template
from qcity_desktop.errors import InputError
from qcity_desktop.schedule import add_years, braking_125_due, elevator_base_date, parse_date

# Values the registry may hold for the fields the conditions read, mapped to one canonical value.
FIELD_VALUES: dict[str, dict[str, tuple[str, ...]]] = {
    "elevator_type": {"passenger": ("passenger", "乘客电梯", "客梯", "乘客"), "goods": ("goods", "载货电梯", "货梯", "载货")},
    "door_type": {"side": ("side", "旁开", "旁开门", "侧开", "side-opening"),
                  "centre": ("centre", "center", "中分", "中分门", "centre-opening")},
    "drive": {"traction": ("traction", "曳引", "曳引驱动"), "positive": ("positive", "强制驱动", "强制")},
    "suspension": {"rope": ("rope", "钢丝绳"), "belt": ("belt", "包覆带", "钢带")},
}
VALUE_LABELS = {
    "passenger": "乘客电梯", "goods": "载货电梯", "side": "旁开门", "centre": "中分门",
    "traction": "曳引驱动", "positive": "强制驱动", "rope": "钢丝绳", "belt": "包覆带",
}
FIELD_LABELS = {
    "elevator_type": "电梯类型", "door_type": "门的型式", "drive": "驱动方式", "suspension": "悬挂方式",
    "supervised_date": "安装监督检验日期", "manufacture_date": "制造日期", "rated_speed": "额定速度",
    "base_date": "基准日期",
}
FLAG_LABELS = {"firefighter": "消防员电梯", "explosion_proof": "防爆电梯", "inclined": "斜行电梯"}

OVERRIDE_NOTE = re.compile(r"^【改判(不适用|适用)】\s*([^\n]*)")


@dataclass(frozen=True)
class ItemApplicability:
    """Whether one item applies; ``reason`` is Chinese and shown next to the item (and on 无此项)."""

    item_id: str
    applies: bool
    reason: str = ""
    computed: bool = True
    overridden: bool = False


# --------------------------------------------------------------------------- the subject's fields


def subject_fields(subject: Mapping[str, Any] | None) -> dict[str, Any]:
    """One flat dict from a subjects row (``data`` may be JSON text) or from the data fields alone."""
    if not subject:
        return {}
    fields = {k: v for k, v in subject.items() if k != "data"}
    data = subject.get("data")
    if isinstance(data, str):
        try:
            data = json.loads(data or "{}")
        except json.JSONDecodeError:
            data = {}
    if isinstance(data, Mapping):
        fields.update(data)
    return fields


def canonical(field: str, value: Any) -> str | None:
    """The canonical value of a choice field (``乘客电梯`` → ``passenger``); None when absent or unknown."""
    if value is None or value == "":
        return None
    text = str(value).strip().lower()
    for canon, aliases in FIELD_VALUES.get(field, {}).items():
        if text in (a.lower() for a in aliases):
            return canon
    return text


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "y", "是", "有")
    return bool(value)


# --------------------------------------------------------------------------- conditions


@dataclass(frozen=True)
class _Ctx:
    template: Template
    fields: dict[str, Any]
    on: date | None
    params: Mapping[str, Any]
    results: Mapping[str, str | None]


Verdict = tuple[bool, str]  # (applies, reason)


def _unknown(what: str) -> Verdict:
    return True, f"未登记{what}，无法判断是否适用，按适用处理（检验员可改判）"


def _supervised(ctx: _Ctx) -> date | None:
    return parse_date(ctx.fields.get("supervised_date")) or parse_date(ctx.fields.get("base_date"))


def _c_supervised_after(value: Any, ctx: _Ctx) -> Verdict:
    limit = parse_date(value)
    d = _supervised(ctx)
    if d is None:
        return _unknown("安装监督检验日期")
    if limit is not None and d < limit:
        return False, f"监督检验日期{d.isoformat()}早于{limit.isoformat()}，本项不适用"
    return True, ""


def _c_age_over_years(value: Any, ctx: _Ctx) -> Verdict:
    years = int(value)
    d = _supervised(ctx)
    if d is None:
        return _unknown("安装监督检验日期")
    on = ctx.on or date.today()
    if on <= add_years(d, years):
        return False, f"自安装监督检验（{d.isoformat()}）起未超过{years}年，本项不适用"
    return True, ""


def _c_regime(value: Any, ctx: _Ctx) -> Verdict:
    wanted = str(value)
    explicit = ctx.fields.get("supervision_regime")
    if not explicit and str(ctx.fields.get("regime") or "") == "2009" and wanted != "2009":
        explicit = "2009"  # still inspected under the 2009 rule, so certainly not supervised under a later one
    if explicit:
        if str(explicit) != wanted:
            return False, f"按TSG T7001-{explicit}监督检验的电梯，本项仅适用于按TSG T7001-{wanted}监督检验的电梯"
        return True, ""
    d = _supervised(ctx)
    if d is None:
        return _unknown("安装监督检验日期")
    cut = parse_date(ctx.params.get(f"supervised_{wanted}_from"))
    if cut is None:
        raise InputError(f"{ctx.template.path or ctx.template.id}: params.supervised_{wanted}_from is missing")
    if d < cut:
        return False, f"监督检验日期{d.isoformat()}早于{cut.isoformat()}，非按TSG T7001-{wanted}监督检验，本项不适用"
    return True, ""


def _c_made_after(value: Any, ctx: _Ctx) -> Verdict:
    limit = parse_date(value)
    d = parse_date(ctx.fields.get("manufacture_date"))
    if d is None:
        return _unknown("制造日期")
    if limit is not None and d < limit:
        return False, f"制造日期{d.isoformat()}早于{limit.isoformat()}，本项不适用"
    return True, ""


def _c_max_speed(value: Any, ctx: _Ctx) -> Verdict:
    limit = Decimal(str(value))
    speed = _decimal(ctx.fields.get("rated_speed"))
    if speed is None:
        return _unknown("额定速度")
    if speed > limit:
        return False, f"额定速度{speed} m/s大于{limit} m/s，本项不适用"
    return True, ""


def _c_after_passing(value: Any, ctx: _Ctx) -> Verdict:
    ref = str(value)
    if ref not in ctx.template.items:
        raise InputError(f"{ctx.template.path or ctx.template.id}: applies.after_passing names unknown item {ref}")
    if ctx.results.get(ref) in ("fail", "not_tested"):
        label = ctx.template.items[ref].label()
        return False, f"{ref} {label}不符合，后续试验不进行，本项不适用"
    return True, ""


def _c_due_year(value: Any, ctx: _Ctx) -> Verdict:
    if str(value) != "braking_125":
        raise InputError(f"{ctx.template.path or ctx.template.id}: unknown applies.due_year {value!r}")
    base = elevator_base_date(ctx.fields)
    on = ctx.on or date.today()
    due = braking_125_due(base, on)
    if due is None:
        return _unknown("基准日期")
    if not due:
        return False, f"{on.year}年不是125%额定载重量制动试验年度（基准日期{base.isoformat() if base else ''}），本项不适用"
    return True, ""


def _c_subject_flag(value: Any, ctx: _Ctx) -> Verdict:
    name = str(value)
    if _truthy(ctx.fields.get(name)):
        return True, ""
    return False, f"非{FLAG_LABELS.get(name, name)}，本项不适用"


def _c_subject(value: Any, ctx: _Ctx) -> Verdict:
    if not isinstance(value, Mapping):
        raise InputError(f"{ctx.template.path or ctx.template.id}: applies.subject must be an object")
    if_unknown = value.get("if_unknown", True)
    for name, wanted in value.items():
        if name == "if_unknown":
            continue
        have = canonical(name, ctx.fields.get(name))
        if have is None:
            what = FIELD_LABELS.get(name, name)
            if if_unknown:
                return _unknown(what)
            return False, f"未登记{what}，按非{VALUE_LABELS.get(str(wanted), wanted)}处理，本项不适用（检验员可改判）"
        if have != canonical(name, wanted):
            return False, f"{FIELD_LABELS.get(name, name)}为{VALUE_LABELS.get(have, have)}，本项不适用"
    return True, ""


CONDITIONS: dict[str, Callable[[Any, _Ctx], Verdict]] = {
    "supervised_after": _c_supervised_after,
    "age_over_years": _c_age_over_years,
    "regime": _c_regime,
    "made_after": _c_made_after,
    "max_speed": _c_max_speed,
    "after_passing": _c_after_passing,
    "due_year": _c_due_year,
    "subject_flag": _c_subject_flag,
    "subject": _c_subject,
}


def check_conditions(template: Template) -> None:
    """Refuse a template whose items use a condition this module does not know."""
    for item in template.items.values():
        conds = item.attrs.get("applies") or {}
        if not isinstance(conds, Mapping):
            raise InputError(f"{template.path or template.id}: item {item.id}: applies must be an object")
        for name in conds:
            if name not in CONDITIONS:
                raise InputError(f"{template.path or template.id}: item {item.id}: unknown applicability "
                                 f"condition {name!r}; known: {', '.join(sorted(CONDITIONS))}")


# --------------------------------------------------------------------------- overrides


def override_note(applies: bool, reason: str, note: str = "") -> str:
    """An answer note carrying the inspector's override, readable as it is on a printed record."""
    head = f"【改判{'适用' if applies else '不适用'}】{reason.strip()}"
    rest = OVERRIDE_NOTE.sub("", note or "", count=1).lstrip("\n")
    return head + ("\n" + rest if rest else "")


def parse_override_note(note: str | None) -> tuple[bool, str] | None:
    """(applies, reason) when the note starts with an override marker."""
    m = OVERRIDE_NOTE.match(note or "")
    if not m:
        return None
    return m.group(1) == "适用", m.group(2).strip()


def collect_overrides(answers: Mapping[str, Answer] | None, overrides: Mapping[str, Any] | None) -> dict[str, tuple[bool, str]]:
    """Overrides from ``RuleContext.overrides["applicability"]`` (``{item: {applies, reason}}``) or answer notes.

    The explicit structure wins over a note, so a UI that keeps its own state is never surprised
    by an old note.
    """
    found: dict[str, tuple[bool, str]] = {}
    for item_id, answer in (answers or {}).items():
        parsed = parse_override_note(answer.note)
        if parsed is not None:
            found[item_id] = parsed
    for item_id, value in ((overrides or {}).get("applicability") or {}).items():
        if isinstance(value, Mapping):
            found[item_id] = (bool(value.get("applies")), str(value.get("reason", "")))
        else:
            found[item_id] = (bool(value), "")
    return found


# --------------------------------------------------------------------------- measured values


@dataclass(frozen=True)
class Limits:
    min: Decimal | None
    max: Decimal | None
    basis: str = ""  # e.g. "载货电梯" or "未登记电梯类型，按乘客电梯限值判定"


def effective_limits(item: Item, subject: Mapping[str, Any] | None) -> Limits:
    """An item's tolerance for this subject: ``attrs.limits_by`` picks limits by a record field."""
    by = item.attrs.get("limits_by")
    if not by:
        return Limits(item.min, item.max)
    fields = subject_fields(subject)
    field = by["field"]
    values = by["values"]
    have = canonical(field, fields.get(field))
    if have in values:
        chosen, basis = values[have], VALUE_LABELS.get(have, have)
    else:
        default = by.get("default")
        chosen = values[default]
        what = FIELD_LABELS.get(field, field)
        basis = f"未登记{what}，按{VALUE_LABELS.get(default, default)}限值判定" if have is None else \
            f"{what}“{fields.get(field)}”无法识别，按{VALUE_LABELS.get(default, default)}限值判定"
    lo = chosen.get("min", item.min)
    hi = chosen.get("max", item.max)
    return Limits(None if lo is None else Decimal(str(lo)), None if hi is None else Decimal(str(hi)), basis)


@dataclass(frozen=True)
class ValueCheck:
    """What a typed value means: ``refused`` for a non-number or an implausible typo."""

    result: str | None  # pass / fail / None (refused or no tolerance)
    message: str
    refused: bool = False
    value: Decimal | None = None


def _fmt(d: Decimal | None, unit: str) -> str:
    return "" if d is None else f"{d}{(' ' + unit) if unit and unit != '%' else unit}"


def check_value(item: Item, value: Any, subject: Mapping[str, Any] | None = None) -> ValueCheck:
    """Check a measured value as it is typed: a typo is refused, a value outside the tolerance fails."""
    v = _decimal(value)
    if v is None or not v.is_finite():
        return ValueCheck(None, f"“{value}”不是数字", refused=True)
    label = item.label()
    if item.range and not (item.range[0] <= v <= item.range[1]):
        return ValueCheck(None, f"{label} {_fmt(v, item.unit)} 超出合理范围 {_fmt(item.range[0], item.unit)}～"
                                f"{_fmt(item.range[1], item.unit)}，请检查是否输入错误", refused=True, value=v)
    lim = effective_limits(item, subject)
    basis = f"（{lim.basis}）" if lim.basis else ""
    if lim.min is not None and v < lim.min:
        return ValueCheck("fail", f"{label} {_fmt(v, item.unit)} 小于 {_fmt(lim.min, item.unit)}，不符合{basis}", value=v)
    if lim.max is not None and v > lim.max:
        return ValueCheck("fail", f"{label} {_fmt(v, item.unit)} 大于 {_fmt(lim.max, item.unit)}，不符合{basis}", value=v)
    if lim.min is None and lim.max is None:
        return ValueCheck(None, f"{label} {_fmt(v, item.unit)}", value=v)
    bounds = "～".join(x for x in (_fmt(lim.min, item.unit), _fmt(lim.max, item.unit)) if x)
    if lim.min is None:
        bounds = f"≤ {_fmt(lim.max, item.unit)}"
    elif lim.max is None:
        bounds = f"≥ {_fmt(lim.min, item.unit)}"
    return ValueCheck("pass", f"{label} {_fmt(v, item.unit)}，符合（{bounds}{('，' + lim.basis) if lim.basis else ''}）",
                      value=v)


def leaf_result(item: Item, answer: Answer | None, subject: Mapping[str, Any] | None) -> str | None:
    """A directly answered item's result; a measured value decides by this subject's limits (√ or ×)."""
    if answer is None:
        return None
    if item.type == "number" and answer.value not in (None, ""):
        if answer.result in ("na", "rectified"):
            return answer.result
        check = check_value(item, answer.value, subject)
        if check.refused:
            return None
        # the value decides: a stored √/× may have been derived without this lift's limits
        return check.result or answer.result or "pass"
    return answer.result


# --------------------------------------------------------------------------- the whole template


@dataclass(frozen=True)
class ItemStates:
    """Applicability and the effective result of every item, as the rule and the UI see them."""

    applicability: dict[str, ItemApplicability]
    results: dict[str, str | None]


def evaluate_items(template: Template, subject: Mapping[str, Any] | None, inspection_date: date | None,
                   answers: Mapping[str, Answer] | None = None,
                   overrides: Mapping[str, Any] | None = None) -> ItemStates:
    """Applicability and results, in template order (a test's condition may read an earlier result).

    Informational items (``attrs.info``, e.g. a design value) never count; a parent's result is
    derived from its applicable sub-items: any × makes it ×, unanswered required ones leave it open,
    all 无此项 make it 无此项, any △ makes it △.
    """
    check_conditions(template)
    answers = answers or {}
    fields = subject_fields(subject)
    forced = collect_overrides(answers, overrides)
    results: dict[str, str | None] = {}
    ctx = _Ctx(template, fields, inspection_date, template.params, results)
    app: dict[str, ItemApplicability] = {}
    order = [iid for s in template.sections for iid in s.item_ids]
    for iid in order:
        item = template.items[iid]
        applies, reason = True, ""
        parent = app.get(item.parent) if item.parent else None
        if parent is not None and not parent.applies:
            applies, reason = False, parent.reason or "所属项目不适用"
        else:
            cautions = []
            for name, value in (item.attrs.get("applies") or {}).items():
                ok, why = CONDITIONS[name](value, ctx)
                if not ok:
                    applies, reason = False, why
                    break
                if why:
                    cautions.append(why)
            if applies and cautions:
                reason = "；".join(cautions)
        computed = applies
        overridden = False
        if iid in forced:
            applies, why = forced[iid]
            overridden = applies != computed
            reason = f"检验员改判为{'适用' if applies else '不适用'}" + (f"：{why}" if why else "")
        app[iid] = ItemApplicability(iid, applies, reason, computed, overridden)
        # results of earlier items are needed by later conditions; a parent comes before its children,
        # so it is (re)derived once all of its sub-items have been seen
        results[iid] = leaf_result(item, answers.get(iid), fields) if applies else "na"
        if item.parent:
            _derive_up(template, item.parent, app, results)
    return ItemStates(app, results)


def _derive_up(template: Template, parent_id: str, app: Mapping[str, ItemApplicability],
               results: dict[str, str | None]) -> None:
    parent = template.items[parent_id]
    if not app[parent_id].applies:
        results[parent_id] = "na"
    else:
        children = [c for c in template.children(parent_id) if not c.attrs.get("info")]
        derived: list[str | None] = []
        for child in children:
            if child.id not in results:  # not seen yet: counts as unanswered if required
                derived.append(None if child.required else "skip")
                continue
            r = results[child.id]
            derived.append("skip" if (r is None and not child.required) else r)
        derived = [r for r in derived if r != "skip"]
        if any(r in ("fail", "not_tested") for r in derived):
            results[parent_id] = "fail"
        elif any(r is None for r in derived):
            results[parent_id] = None
        elif not derived or all(r == "na" for r in derived):
            results[parent_id] = "na"
        elif "rectified" in derived:
            results[parent_id] = "rectified"
        else:
            results[parent_id] = "pass"
    if parent.parent:
        _derive_up(template, parent.parent, app, results)
