"""``qcity due [--within DAYS] [--today DATE] [--kind KIND]``: what is due or overdue."""

from __future__ import annotations

import argparse
from datetime import date

from qcity_desktop.cli.context import day_arg, open_from_args, wants_json
from qcity_desktop.cli.output import print_json, print_table
from qcity_desktop.errors import InputError
from qcity_desktop.store.stats import KIND_ZH


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser(
        "due", parents=[common], help="periodic inspections, self-tests, verifications and re-inspections due",
        description="Lists what is overdue or due within DAYS: elevator periodic inspections (TSG T7001-2023 "
                    "schedule) and self-tests (TSG T7008), scale verification expiries and re-inspections of "
                    "open findings. Overdue items come first.")
    p.add_argument("--within", type=int, default=30, metavar="DAYS", help="look ahead this many days (default 30)")
    p.add_argument("--today", metavar="YYYY-MM-DD", help="count from this date instead of today")
    p.add_argument("--kind", choices=sorted(KIND_ZH), help="only this kind of subject")
    p.set_defaults(handler=cmd_due)


def cmd_due(args: argparse.Namespace) -> int:
    from qcity_desktop.store.due import due_items

    if args.within < 0:
        raise InputError(f"--within must be 0 or more days, not {args.within}")
    today = day_arg(args.today, "--today", date.today())
    store = open_from_args(args, create=False)
    try:
        items = due_items(store, today, args.within)
    finally:
        store.close()
    if args.kind:
        items = [i for i in items if i.subject_kind == args.kind]
    if wants_json(args):
        print_json({"today": today.isoformat(), "within_days": args.within, "items": [i.as_dict() for i in items]})
        return 0
    rows = [{
        "到期日": i.due_date.isoformat(),
        "剩余": i.days_text,
        "类型": KIND_ZH.get(i.subject_kind, i.subject_kind),
        "对象": i.subject_name,
        "事项": i.what_zh,
        "地址": i.address,
        "说明": i.detail,
    } for i in items]
    print_table(rows, ["到期日", "剩余", "类型", "对象", "事项", "地址", "说明"])
    overdue = sum(1 for i in items if i.days_left < 0)
    print(f"\n共{len(items)}项，其中逾期{overdue}项（截至{today.isoformat()}，向后{args.within}天）")
    return 0
