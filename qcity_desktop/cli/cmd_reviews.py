"""``qcity inspections review ID --approve|--return`` and ``qcity inspections reviews``: the office's 审核."""

from __future__ import annotations

import argparse

from qcity_desktop.cli.context import open_from_args, wants_json
from qcity_desktop.cli.output import print_json, print_table
from qcity_desktop.store.reviews import DECISION_ZH


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    insp = subparsers.choices["inspections"]  # registered by cmd_inspections, which sorts before this module
    actions = next(a for a in insp._actions if isinstance(a, argparse._SubParsersAction))

    rev = actions.add_parser("review", parents=[common], help="review a signed inspection: approve, or return it",
                             description="Records a supervisor's review (审核) of a signed inspection. The hub "
                                         "accepts reviews from supervisors only; returning needs a reason.")
    rev.add_argument("inspection_id")
    what = rev.add_mutually_exclusive_group(required=True)
    what.add_argument("--approve", dest="decision", action="store_const", const="approved")
    what.add_argument("--return", dest="decision", action="store_const", const="returned",
                      help="send it back to the inspector, with --comment saying why")
    rev.add_argument("--comment", default="")
    rev.add_argument("--reviewer", required=True, help="the reviewing supervisor's name")
    rev.set_defaults(handler=cmd_review)

    lst = actions.add_parser("reviews", parents=[common], help="signed inspections still to review, or one's reviews")
    lst.add_argument("inspection_id", nargs="?", help="this inspection's reviews, oldest first")
    lst.set_defaults(handler=cmd_reviews)


def cmd_review(args: argparse.Namespace) -> int:
    store = open_from_args(args, create=False)
    row = store.reviews.add(args.inspection_id, args.decision, args.reviewer, args.comment)
    if wants_json(args):
        print_json(row)
    else:
        print(f"{DECISION_ZH[row['decision']]}: {args.inspection_id} ({row['reviewer']}) {row['comment']}".rstrip())
    return 0


def cmd_reviews(args: argparse.Namespace) -> int:
    store = open_from_args(args, create=False)
    if args.inspection_id:
        store.inspections.row(args.inspection_id)      # an unknown id is one line, not an empty list
        rows = store.reviews.for_inspection(args.inspection_id)
        if wants_json(args):
            print_json(rows)
            return 0
        print_table([{"时间": r["reviewed_at"][:16].replace("T", " "), "审核人": r["reviewer"],
                      "结论": DECISION_ZH[r["decision"]], "意见": r["comment"]} for r in rows],
                    ["时间", "审核人", "结论", "意见"])
        return 0
    pending = store.reviews.pending()
    if wants_json(args):
        print_json(pending)
        return 0
    print_table([{"签署时间": (r["signed_at"] or "")[:16].replace("T", " "), "检验对象": r["subject_name"],
                  "结论": r["verdict"] or "", "检验员": r["signed_by"] or "", "报告编号": r["report_no"] or "",
                  "编号": r["id"]} for r in pending], ["签署时间", "检验对象", "结论", "检验员", "报告编号", "编号"])
    print(f"\n待审核 {len(pending)} 项")
    return 0
