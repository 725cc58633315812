"""``qcity inspections import|answer|complete|sign|show|list``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from qcity_desktop.cli.context import open_from_args, wants_json
from qcity_desktop.cli.output import print_json, print_table
from qcity_desktop.errors import InputError


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser("inspections", parents=[common], help="inspections: import, answer, complete, sign, show")
    sub = p.add_subparsers(dest="inspections_command", metavar="ACTION", required=True)

    imp = sub.add_parser("import", parents=[common], help="create inspections from JSON (docs/import-format.md); prints ids")
    imp.add_argument("file", help="JSON file, or - for standard input")
    imp.add_argument("--complete", action="store_true", help="also complete them (compute the verdict)")
    imp.set_defaults(handler=cmd_import)

    new = sub.add_parser("new", parents=[common], help="start an inspection of a subject; prints its id")
    new.add_argument("--subject", required=True)
    new.add_argument("--template", required=True)
    new.add_argument("--inspector", action="append", default=[])
    new.set_defaults(handler=cmd_new)

    ans = sub.add_parser("answer", parents=[common], help="answer one item")
    ans.add_argument("inspection_id")
    ans.add_argument("item_id")
    ans.add_argument("--result", choices=["pass", "fail", "na", "not_tested", "doc_pass", "rectified"])
    ans.add_argument("--value")
    ans.add_argument("--deduction")
    ans.add_argument("--clause", action="append", default=[], metavar="ID[xN]",
                     help="tick a deduction clause (JGJ 59), e.g. --clause a --clause bx2")
    ans.add_argument("--note")
    ans.set_defaults(handler=cmd_answer)

    comp = sub.add_parser("complete", parents=[common], help="compute verdict, score and findings")
    comp.add_argument("inspection_id")
    comp.add_argument("--supervised-use", choices=["yes", "no"],
                      help="elevators with a few failed items: has the using unit committed to supervised use "
                           "(监护使用)? Asked only when the conclusion depends on it")
    comp.set_defaults(handler=cmd_complete)

    sign = sub.add_parser("sign", parents=[common], help="sign and lock a completed inspection")
    sign.add_argument("inspection_id")
    sign.add_argument("--inspector", required=True)
    sign.set_defaults(handler=cmd_sign)

    show = sub.add_parser("show", parents=[common], help="status, verdict, score, grade, per-item results, findings")
    show.add_argument("inspection_id")
    show.set_defaults(handler=cmd_show)

    ls = sub.add_parser("list", parents=[common], help="list inspections, newest first")
    ls.add_argument("--kind", choices=["elevator", "scale", "site"])
    ls.add_argument("--status", choices=["draft", "completed", "signed"])
    ls.add_argument("--verdict")
    ls.add_argument("--inspector")
    ls.add_argument("--limit", type=int, default=100)
    ls.set_defaults(handler=cmd_list)


def _read_json(source: str) -> object:
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{source}: no such file") from None
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"{source}: cannot read ({err})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        name = "stdin" if source == "-" else source
        raise InputError(f"{name}: malformed JSON at line {err.lineno}, column {err.colno}: {err.msg}") from None


def cmd_import(args: argparse.Namespace) -> int:
    data = _read_json(args.file)
    store = open_from_args(args)
    records = data if isinstance(data, list) else [data]
    name = "stdin" if args.file == "-" else args.file
    ids = []
    with store.transaction():  # all or nothing: a bad record leaves no half import behind
        for n, record in enumerate(records, 1):
            where = name if len(records) == 1 else f"{name} record {n}"
            ids.append(store.inspections.import_one(record, where, complete=args.complete))
    if wants_json(args):
        print_json(ids if isinstance(data, list) else {"id": ids[0]})
    else:
        print("\n".join(ids))
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    store = open_from_args(args)
    iid = store.inspections.create(args.subject, args.template, inspectors=args.inspector)
    print_json({"id": iid}) if wants_json(args) else print(iid)
    return 0


def _clauses(specs: list[str]) -> dict[str, int] | None:
    if not specs:
        return None
    out: dict[str, int] = {}
    for spec in specs:
        cid, _, times = spec.partition("x")
        if times and not times.isdigit():
            raise InputError(f"--clause {spec!r}: expected ID or IDxN")
        out[cid] = out.get(cid, 0) + (int(times) if times else 1)
    return out


def cmd_answer(args: argparse.Namespace) -> int:
    store = open_from_args(args, create=False)
    if args.result is None and args.value is None and args.deduction is None and not args.clause and args.note is None:
        raise InputError("nothing to record: give --result, --value, --deduction, --clause or --note")
    row = store.inspections.answer(args.inspection_id, args.item_id, result=args.result, value=args.value,
                                   deduction=args.deduction, clauses=_clauses(args.clause), note=args.note)
    if wants_json(args):
        print_json(row)
    else:
        print(f"{args.item_id}: {row.get('result') or ''} {row.get('value') or ''}".rstrip())
    return 0


def cmd_complete(args: argparse.Namespace) -> int:
    store = open_from_args(args, create=False)
    committed = None if args.supervised_use is None else args.supervised_use == "yes"
    result = store.inspections.complete(args.inspection_id, supervised_use=committed)
    if wants_json(args):
        print_json(result.as_dict())
    else:
        score = f" score {result.score}" if result.score is not None else ""
        print(f"completed: {result.verdict}{score} ({len(result.failed)} failed items)")
    return 0


def cmd_sign(args: argparse.Namespace) -> int:
    store = open_from_args(args, create=False)
    info = store.inspections.sign(args.inspection_id, args.inspector)
    if wants_json(args):
        print_json(info)
    else:
        print(f"signed: report {info.get('report_no')}, certificate {info.get('certificate_no')}")
        if info.get("closed_findings") or info.get("carried_findings"):
            print(f"re-inspection: findings rectified and closed: {', '.join(info['closed_findings']) or '-'}; "
                  f"still failing, carried on by this inspection's own: {', '.join(info['carried_findings']) or '-'}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    store = open_from_args(args, create=False)
    doc = store.inspections.document(args.inspection_id)
    if wants_json(args):
        print_json(doc)
        return 0
    print(f"{doc['subject']['name']} — {doc['template']['title']['zh']}")
    print(f"status {doc['status']}  verdict {doc['verdict'] or '-'}  score {doc['score'] or '-'}  grade {doc['grade'] or '-'}")
    for s in doc["sections"]:
        for it in s["items"]:
            if it["result"] or it["value"]:
                print(f"  {it['id']:10} {it['result'] or '':10} {it['value'] or ''} {it['title']['zh']}")
    for f in doc["findings"]:
        print(f"  finding {f['item_id']}: {f['description']} (deadline {f['deadline']})")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    store = open_from_args(args, create=False)
    rows = store.inspections.list(kind=args.kind, status=args.status, verdict=args.verdict, inspector=args.inspector,
                                  limit=args.limit)
    if wants_json(args):
        print_json(rows)
    else:
        print_table(rows, ["id", "kind", "subject_name", "status", "verdict", "score", "started_at"])
    return 0
