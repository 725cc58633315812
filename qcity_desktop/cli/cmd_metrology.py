"""``qcity metrology mpe|error|plan|price|reweigh|evaluate`` — the metrology engine headless.

The same calculations the scale wizard shows, for scripts, for checking a figure by hand on site and
for tests. Every mass takes a unit (5g, 2.6kg, 1.5t, 300mg); bad input is one line on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from decimal import Decimal
from typing import Any

from qcity_desktop.cli.output import print_json, print_table


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser("metrology", parents=[common], help="scale metrology: MPE, errors, test plans, price checks")
    sub = p.add_subparsers(dest="metrology_command", metavar="ACTION", required=True)

    m = sub.add_parser("mpe", parents=[common], help="maximum permissible error at a load")
    m.add_argument("--class", dest="accuracy_class", required=True, metavar="CLASS", help="I, II, III or IIII")
    m.add_argument("--e", required=True, help="verification scale interval, e.g. 5g")
    m.add_argument("--load", required=True, help="test load, e.g. 2.6kg")
    _stage_args(m)
    m.add_argument("--max", help="Max of the scale: also validates class, e and Max")
    m.set_defaults(handler=cmd_mpe)

    e = sub.add_parser("error", parents=[common], help="error before rounding by the change-point method: E and Ec")
    e.add_argument("--e", required=True, help="verification scale interval, e.g. 5g")
    e.add_argument("--d", help="display interval if different from e")
    e.add_argument("--load", required=True, help="test load L")
    e.add_argument("--indication", required=True, help="indication I (write --indication=-5g for a negative value)")
    e.add_argument("--added", help="small weights added until the indication stepped up (ΔL); omit for I − L")
    e.add_argument("--zero-error", help="error at zero E0 (gives Ec = E − E0; --zero-error=-0.5g when negative)")
    e.add_argument("--class", dest="accuracy_class", metavar="CLASS", help="also judge E against the MPE")
    _stage_args(e)
    e.set_defaults(handler=cmd_error)

    pl = sub.add_parser("plan", parents=[common], help="the guided test plan for a scale")
    pl.add_argument("--class", dest="accuracy_class", required=True, metavar="CLASS")
    pl.add_argument("--max", required=True)
    pl.add_argument("--e", required=True)
    pl.add_argument("--min", help="Min from the nameplate (default: the class lower limit)")
    pl.add_argument("--d", help="display interval if different from e")
    pl.add_argument("--sections", help="comma-separated subset of the test sections")
    _stage_args(pl)
    pl.set_defaults(handler=cmd_plan)

    pr = sub.add_parser("price", parents=[common], help="check amount = round(weight × unit price) to 0.01 CNY")
    pr.add_argument("--weight", required=True, help="displayed weight, e.g. 0.74kg")
    pr.add_argument("--unit-price", required=True, help="unit price in CNY per --per")
    pr.add_argument("--per", default="kg", help="price basis: kg (default), 500g or 100g")
    pr.add_argument("--amount", help="amount shown by the scale (CNY)")
    pr.set_defaults(handler=cmd_price)

    rw = sub.add_parser("reweigh", parents=[common], help="retail re-weigh check against the negative deviation table")
    rw.add_argument("--settled", required=True, help="weight the sale was settled at")
    rw.add_argument("--actual", required=True, help="re-checked actual weight")
    rw.add_argument("--category", help="goods category (grain_veg_fruit, meat_etc, dried_delicacies, premium_food, gold, silver)")
    rw.add_argument("--unit-price", help="unit price in CNY/kg (chooses the food category when --category is absent)")
    rw.add_argument("--method", default="original", help="original (default), higher_accuracy or equal_accuracy")
    rw.set_defaults(handler=cmd_reweigh)

    ev = sub.add_parser("evaluate", parents=[common], help="evaluate a saved scale test session (JSON file or -)")
    ev.add_argument("file", help="session JSON as written by ScaleTestSession.to_dict(), or - for stdin")
    ev.set_defaults(handler=cmd_evaluate)

    refs = sub.add_parser("refs", parents=[common], help="reference weight sets and scales with their certificates")
    rsub = refs.add_subparsers(dest="refs_command", metavar="ACTION", required=True)
    ra = rsub.add_parser("add", parents=[common], help="record a weight set or reference scale; prints its id")
    ra.add_argument("--kind", required=True, help="weight_set or reference_scale")
    ra.add_argument("--name", required=True)
    ra.add_argument("--class", dest="accuracy_class", required=True, metavar="CLASS", help="E2…M3 or I…IIII")
    ra.add_argument("--certificate", required=True, help="certificate number")
    ra.add_argument("--expires", required=True, help="last valid day, YYYY-MM-DD")
    ra.add_argument("--issued-by", default="")
    ra.add_argument("--serial", default="")
    ra.set_defaults(handler=cmd_refs_add)
    rl = rsub.add_parser("list", parents=[common], help="list references (optionally only those valid on a day)")
    rl.add_argument("--kind")
    rl.add_argument("--valid-on", help="YYYY-MM-DD; 'today' for today")
    rl.set_defaults(handler=cmd_refs_list)
    rr = rsub.add_parser("renew", parents=[common], help="record a new certificate for a reference")
    rr.add_argument("ref_id")
    rr.add_argument("--certificate", required=True)
    rr.add_argument("--expires", required=True)
    rr.set_defaults(handler=cmd_refs_renew)


def _stage_args(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--in-service", action="store_true", help="in-service MPE (2 × verification)")
    group.add_argument("--stage", help="initial, subsequent or in_service (default initial)")


def _stage(args: argparse.Namespace, default: str = "initial") -> str:
    from qcity_desktop.metrology.mpe import normalize_stage

    if getattr(args, "in_service", False):
        return "in_service"
    return normalize_stage(args.stage or default)


def _mass(text: str | None, what: str, *, negative: bool = False) -> Decimal | None:
    from qcity_desktop.metrology.units import parse_mass

    return None if text is None else parse_mass(text, what=what, allow_negative=negative)


def _json(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "json", False))


def cmd_mpe(args: argparse.Namespace) -> int:
    from qcity_desktop.metrology.classes import validate_scale
    from qcity_desktop.metrology.mpe import mpe

    e = _mass(args.e, "--e")
    load = _mass(args.load, "--load")
    assert e is not None and load is not None
    if args.max is not None:
        max_ = _mass(args.max, "--max")
        assert max_ is not None
        validate_scale(args.accuracy_class, max_, e)
        if load > max_:
            from qcity_desktop.errors import InputError

            raise InputError(f"--load {args.load} 超过 Max {args.max} / load exceeds Max")
    result = mpe(args.accuracy_class, e, load, _stage(args))
    if _json(args):
        print_json(result.to_dict())
    else:
        print(result.describe())
    return 0


def cmd_error(args: argparse.Namespace) -> int:
    from qcity_desktop.metrology.changepoint import error_before_rounding
    from qcity_desktop.metrology.mpe import mpe
    from qcity_desktop.metrology.units import format_mass, in_e, plain

    e = _mass(args.e, "--e")
    assert e is not None
    d = _mass(args.d, "--d") or e
    if e <= 0 or d <= 0:
        from qcity_desktop.errors import InputError

        raise InputError("--e/--d 必须大于 0 / --e and --d must be greater than 0")
    load = _mass(args.load, "--load")
    indication = _mass(args.indication, "--indication", negative=True)
    assert load is not None and indication is not None
    result = error_before_rounding(load, indication, _mass(args.added, "--added"), d,
                                   _mass(args.zero_error, "--zero-error", negative=True))
    data: dict[str, Any] = result.to_dict(e)
    data["e_g"] = plain(e)
    judged = None
    if args.accuracy_class:
        judged = mpe(args.accuracy_class, e, load, _stage(args))
        data["mpe"] = judged.to_dict()
        data["passed"] = judged.contains(result.final_error)
    if _json(args):
        print_json(data)
        return 0
    unit = "kg" if d >= 1000 else "g"  # write a weighbridge in kg, a market scale in g
    if result.method == "change_point":
        print(f"P = I + ½d − ΔL = {format_mass(indication, unit)} + {format_mass(d / 2, unit)} − "
              f"{format_mass(result.added or Decimal(0), unit)} = {format_mass(result.p, unit)}")
    else:
        print(f"P = I = {format_mass(indication, unit)} (no change-point weights: includes up to ±½ d rounding error)")
    print(f"E = P − L = {format_mass(result.error, unit, signed=True)} ({plain(in_e(result.error, e))} e)")
    if result.corrected is not None:
        print(f"Ec = E − E0 = {format_mass(result.corrected, unit, signed=True)} ({plain(in_e(result.corrected, e))} e)")
    if judged is not None:
        verdict = "合格 pass" if data["passed"] else "超差 FAIL"
        print(f"MPE = ±{format_mass(judged.mpe, unit)} at {format_mass(load)} → {verdict}")
    return 0


def cmd_plan(args: argparse.Namespace) -> int:
    from qcity_desktop.metrology.procedures import SECTIONS, ScaleTestPlan

    max_, e = _mass(args.max, "--max"), _mass(args.e, "--e")
    assert max_ is not None and e is not None
    sections = tuple(s.strip() for s in args.sections.split(",")) if args.sections else SECTIONS
    plan = ScaleTestPlan.for_scale(args.accuracy_class, max_, e, _mass(args.min, "--min"), d=_mass(args.d, "--d"),
                                   stage=_stage(args, "in_service"), sections=sections)
    if _json(args):
        print_json(plan.to_dict())
        return 0
    s = plan.to_dict()["scale"]
    print(f"class {s['class']}  Max {s['max_g']} g  e {s['e_g']} g  Min {s['min_g']} g  n {s['n']}  stage {plan.stage}")
    rows = [{"#": st.seq, "id": st.id, "step": st.zh, "load": st.to_dict()["load_text"] or "",
             "load_e": st.to_dict()["load_e"] or "", "limit ±g": st.to_dict()["limit_g"] or ""} for st in plan.steps]
    print_table(rows, ["#", "id", "step", "load", "load_e", "limit ±g"])
    return 0


def cmd_price(args: argparse.Namespace) -> int:
    from qcity_desktop.metrology.price import check_price, parse_money

    weight = _mass(args.weight, "--weight", negative=True)
    assert weight is not None
    shown = None if args.amount is None else parse_money(args.amount, what="--amount")
    result = check_price(weight, parse_money(args.unit_price, what="--unit-price"), shown, args.per)
    if _json(args):
        print_json(result.to_dict())
    else:
        print(f"expected amount {result.expected} CNY (unrounded {result.unrounded.normalize():f})"
              + ("" if shown is None else f", shown {shown} CNY"))
        for f in result.findings:
            print(f"[{f.severity}] {f.description}")
        if result.passed:
            print("合格 pass")
    return 0 if result.passed else 1


def cmd_reweigh(args: argparse.Namespace) -> int:
    from qcity_desktop.metrology.price import parse_money
    from qcity_desktop.metrology.retail import reweigh_check
    from qcity_desktop.metrology.units import format_mass

    settled, actual = _mass(args.settled, "--settled"), _mass(args.actual, "--actual")
    assert settled is not None and actual is not None
    unit_price = None if args.unit_price is None else parse_money(args.unit_price, what="--unit-price")
    result = reweigh_check(settled, actual, category=args.category, unit_price_per_kg=unit_price, method=args.method)
    if _json(args):
        print_json(result.to_dict())
    else:
        print(f"{result.deviation.zh}: shortfall {format_mass(result.shortfall)}, allowed {format_mass(result.allowed)} "
              f"→ {'合格 pass' if result.passed else '短缺 SHORT'}")
    return 0 if result.passed else 1


def cmd_evaluate(args: argparse.Namespace) -> int:
    from qcity_desktop.errors import InputError
    from qcity_desktop.metrology.session import ScaleTestSession

    try:
        text = sys.stdin.read() if args.file == "-" else open(args.file, encoding="utf-8").read()
    except OSError as err:
        raise InputError(f"{args.file}: 无法读取 / cannot read: {err.strerror}") from err
    try:
        data = json.loads(text)
        session = ScaleTestSession.from_dict(data)
    except (json.JSONDecodeError, KeyError, TypeError, ArithmeticError) as err:
        raise InputError(f"{args.file}: 不是有效的测试会话 / not a valid test session: {err}") from err
    summary = session.summary()
    if _json(args):
        print_json(summary)
    else:
        v = summary["verdict"]
        print(f"verdict: {v['zh']} ({v['result']})" if v else f"verdict refused: {summary['verdict_blocked']}")
        for f in summary["findings"]:
            print(f"[{f['severity']}] {f['description']}")
    return 0


def _day(text: str, what: str) -> Any:
    from datetime import date

    from qcity_desktop.errors import InputError

    if text == "today":
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{what}: 日期格式应为 YYYY-MM-DD / date must be YYYY-MM-DD, got {text!r}") from None


def _refs(args: argparse.Namespace, create: bool = True) -> Any:
    from qcity_desktop.cli.context import open_from_args
    from qcity_desktop.store.references import References

    return References(open_from_args(args, create=create))


def cmd_refs_add(args: argparse.Namespace) -> int:
    from qcity_desktop.metrology.traceability import ReferenceInstrument

    ref = ReferenceInstrument(kind=args.kind, name=args.name, accuracy_class=args.accuracy_class,
                              certificate_no=args.certificate, expires=_day(args.expires, "--expires"),
                              issued_by=args.issued_by, serial_no=args.serial)
    ref_id = _refs(args).add(ref)
    if _json(args):
        print_json({"id": ref_id})
    else:
        print(ref_id)
    return 0


def cmd_refs_list(args: argparse.Namespace) -> int:
    valid_on = None if args.valid_on is None else _day(args.valid_on, "--valid-on")
    rows = [r.to_dict() for r in _refs(args, create=False).list(args.kind, valid_on=valid_on)]
    if _json(args):
        print_json(rows)
    else:
        print_table(rows, ["id", "kind", "name", "class", "certificate_no", "expires"])
    return 0


def cmd_refs_renew(args: argparse.Namespace) -> int:
    ref = _refs(args, create=False).renew(args.ref_id, args.certificate, _day(args.expires, "--expires"))
    if _json(args):
        print_json(ref.to_dict())
    else:
        print(f"renewed {ref.id}: {ref.certificate_no} valid until {ref.expires.isoformat()}")
    return 0
