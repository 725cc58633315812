"""``qcity templates list|show``."""

from __future__ import annotations

import argparse

from qcity_desktop.checklists.templates import all_templates, get_template, template_items_json
from qcity_desktop.cli.context import wants_json
from qcity_desktop.cli.output import print_json, print_table


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser("templates", parents=[common], help="checklist templates")
    sub = p.add_subparsers(dest="templates_command", metavar="ACTION", required=True)
    ls = sub.add_parser("list", parents=[common], help="list the templates")
    ls.set_defaults(handler=cmd_list)
    show = sub.add_parser("show", parents=[common], help="every item of a template with its rule attributes")
    show.add_argument("template_id")
    show.add_argument("--version", type=int)
    show.set_defaults(handler=cmd_show)


def _summary(t) -> dict:
    return {"id": t.id, "version": t.version, "kind": t.kind, "title": t.title, "standard": t.standard,
            "rule": t.rule, "items": len(t.items), "confidence": t.confidence}


def cmd_list(args: argparse.Namespace) -> int:
    rows = [_summary(t) for t in all_templates()]
    if wants_json(args):
        print_json(rows)
    else:
        print_table([{**r, "title": r["title"]["zh"]} for r in rows], ["id", "version", "kind", "items", "rule", "title"])
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    t = get_template(args.template_id, args.version)
    data = {**_summary(t), "params": t.params, "sources": list(t.sources), "configurable": list(t.configurable),
            "sections": [{"id": s.id, "title": s.title, "attrs": s.attrs} for s in t.sections],
            "items": template_items_json(t)}
    if wants_json(args):
        print_json(data)
    else:
        print(f"{t.id} v{t.version} — {t.title['zh']} ({t.standard})")
        for s in t.sections:
            print(f"\n[{s.id}] {s.title['zh']}")
            for item_id in s.item_ids:
                it = t.items[item_id]
                tags = " ".join(f"{k}={v}" for k, v in it.attrs.items() if k in ("class", "key", "guarantee", "points"))
                indent = "    " if it.parent else "  "
                print(f"{indent}{it.id:10} {it.label()} [{it.type}] {tags}")
    return 0
