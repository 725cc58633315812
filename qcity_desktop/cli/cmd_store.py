"""``qcity init``, ``qcity audit verify`` and ``qcity export``."""

from __future__ import annotations

import argparse
import csv
import json
import os

from qcity_desktop.cli.context import open_from_args, output_file, wants_json
from qcity_desktop.cli.output import print_json, to_json
from qcity_desktop.errors import EnvironmentProblem


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser("init", parents=[common], help="create (or upgrade) the database")
    p.add_argument("--demo", action="store_true", help="fill it with demo data from Xianning")
    p.set_defaults(handler=cmd_init)

    audit = subparsers.add_parser("audit", parents=[common], help="the audit log")
    audit_sub = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    v = audit_sub.add_parser("verify", parents=[common], help="walk the hash chain and name the first broken link")
    v.set_defaults(handler=cmd_audit_verify)

    e = subparsers.add_parser("export", parents=[common], help="export inspections as CSV (one row per answer) or JSONL")
    e.add_argument("--format", choices=["csv", "jsonl"], required=True)
    e.add_argument("--out", required=True, help="output file ('-' for standard output)")
    e.set_defaults(handler=cmd_export)


def cmd_init(args: argparse.Namespace) -> int:
    store = open_from_args(args)
    created = None
    if args.demo:
        from qcity_desktop.demo import seed_demo

        created = seed_demo(store)
    info = {"database": store.path, "device_id": store.device_id, "demo": created}
    if wants_json(args):
        print_json(info)
    else:
        print(f"database ready: {store.path}")
        if created:
            print("demo data: " + ", ".join(f"{k} {v}" for k, v in created.items()))
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    store = open_from_args(args, create=False)
    result = store.audit.verify()
    if wants_json(args):
        print_json(result.as_dict())
    elif result.ok:
        print(f"audit log intact: {result.entries} entries")
    else:
        print(f"audit log BROKEN at entry {result.broken_at}: {result.reason}")
    return 0 if result.ok else 1


def cmd_export(args: argparse.Namespace) -> int:
    store = open_from_args(args, create=False)
    ids = [r[0] for r in store.conn.execute("SELECT id FROM inspections ORDER BY started_at, id")]
    out_path = args.out
    if out_path != "-":
        output_file(out_path, f"inspections.{args.format}", "--out")
    tmp = None if out_path == "-" else f"{out_path}.part"
    try:
        handle = os.fdopen(os.dup(1), "w", encoding="utf-8", newline="") if tmp is None else open(tmp, "w", encoding="utf-8", newline="")
    except OSError as err:
        raise EnvironmentProblem(f"cannot write {out_path}: {err.strerror}") from None
    rows = 0
    try:
        with handle:
            if args.format == "jsonl":
                for iid in ids:
                    handle.write(to_json(store.inspections.document(iid), indent=None) + "\n")
                    rows += 1
            else:
                writer = csv.writer(handle)
                writer.writerow(["inspection_id", "kind", "subject_id", "subject_name", "template_id", "template_version",
                                 "status", "verdict", "score", "grade", "started_at", "signed_at", "certificate_no",
                                 "item_id", "item_title", "result", "value", "unit", "deduction", "note"])
                for iid in ids:
                    doc = store.inspections.document(iid)
                    for section in doc["sections"]:
                        for it in section["items"]:
                            if it["result"] is None and it["value"] is None:
                                continue
                            writer.writerow([doc["id"], doc["kind"], doc["subject"]["id"], doc["subject"]["name"],
                                             doc["template"]["id"], doc["template"]["version"], doc["status"],
                                             doc["verdict"] or "", doc["score"] or "", doc["grade"] or "",
                                             doc["started_at"], doc["signed_at"] or "", doc["certificate_no"] or "",
                                             it["id"], it["title"]["zh"], it["result"] or "", it["value"] or "",
                                             it["unit"], it["deduction"] or "", it["note"]])
                            rows += 1
        if tmp is not None:
            os.replace(tmp, out_path)
    except OSError as err:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
        raise EnvironmentProblem(f"cannot write {out_path}: {err.strerror}") from None
    summary = {"inspections": len(ids), "rows": rows, "format": args.format, "out": out_path}
    if out_path != "-":
        if wants_json(args):
            print(json.dumps(summary, ensure_ascii=False))
        else:
            print(f"exported {len(ids)} inspections ({rows} rows) to {out_path}")
    return 0
