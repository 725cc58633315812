"""``qcity subjects add|list|show|update``."""

from __future__ import annotations

import argparse
import sys

from qcity_desktop.cli.context import open_from_args, parse_sets, wants_json
from qcity_desktop.cli.output import print_json, print_table
from qcity_desktop.domain.subject_fields import FIELDS


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser("subjects", parents=[common], help="the registry of elevators, scales and sites")
    sub = p.add_subparsers(dest="subjects_command", metavar="ACTION", required=True)
    fields_help = "; ".join(f"{k}: {', '.join(f.name for f in v)}" for k, v in FIELDS.items())
    add = sub.add_parser("add", parents=[common], help="register a subject; prints its id",
                         epilog=f"fields — {fields_help}")
    add.add_argument("--kind", required=True, choices=sorted(FIELDS))
    add.add_argument("--set", action="append", metavar="FIELD=VALUE", default=[])
    add.set_defaults(handler=cmd_add)
    upd = sub.add_parser("update", parents=[common], help="change fields of a subject")
    upd.add_argument("subject_id")
    upd.add_argument("--set", action="append", metavar="FIELD=VALUE", default=[])
    upd.set_defaults(handler=cmd_update)
    ls = sub.add_parser("list", parents=[common], help="list or search subjects")
    ls.add_argument("--kind", choices=sorted(FIELDS))
    ls.add_argument("--search", help="full-text search over name, address, codes and owner")
    ls.add_argument("--district")
    ls.add_argument("--limit", type=int, default=200)
    ls.set_defaults(handler=cmd_list)
    show = sub.add_parser("show", parents=[common], help="one subject with its inspection history")
    show.add_argument("subject_id")
    show.set_defaults(handler=cmd_show)


def _warn(warnings: list[str]) -> None:
    for w in warnings:
        print(f"qcity: warning: {w}", file=sys.stderr)


def cmd_add(args: argparse.Namespace) -> int:
    store = open_from_args(args)
    sid, warnings = store.subjects.add(args.kind, parse_sets(args.set))
    _warn(warnings)
    if wants_json(args):
        print_json({"id": sid, "warnings": warnings})
    else:
        print(sid)
    return 0


def cmd_update(args: argparse.Namespace) -> int:
    store = open_from_args(args, create=False)
    warnings = store.subjects.update(args.subject_id, parse_sets(args.set))
    _warn(warnings)
    if wants_json(args):
        print_json(store.subjects.get(args.subject_id))
    else:
        print(f"updated {args.subject_id}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    store = open_from_args(args, create=False)
    rows = store.subjects.list(kind=args.kind, search=args.search, district=args.district, limit=args.limit)
    if wants_json(args):
        print_json(rows)
    else:
        print_table(rows, ["id", "kind", "name", "district", "codes", "next_due"])
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    store = open_from_args(args, create=False)
    subject = store.subjects.get(args.subject_id)
    subject["history"] = store.subjects.history(args.subject_id)
    if wants_json(args):
        print_json(subject)
    else:
        print(f"{subject['name']} ({subject['kind']}) {subject['id']}")
        for k, v in subject["data"].items():
            print(f"  {k}: {v}")
        print_table(subject["history"], ["id", "template_id", "status", "verdict", "started_at"])
    return 0
