"""``qcity inspections attach|signature|remark`` and ``qcity findings``: the evidence the desktop
adds by hand (photos, handwritten signatures, remarks, rectification deadlines), for scripts too."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from qcity_desktop.cli.context import open_from_args, wants_json
from qcity_desktop.cli.output import print_json, print_table
from qcity_desktop.errors import EnvironmentProblem, InputError
from qcity_desktop.store.files import SIGNATURE_ROLES


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    insp = subparsers.choices["inspections"]  # registered by cmd_inspections, which sorts before this module
    actions = next(a for a in insp._actions if isinstance(a, argparse._SubParsersAction))

    att = actions.add_parser("attach", parents=[common], help="add a photo (EXIF-oriented, downsized, stored once)")
    att.add_argument("inspection_id")
    att.add_argument("file")
    att.add_argument("--item", help="the checklist item the photo belongs to")
    att.add_argument("--caption", default="")
    att.add_argument("--max-side", type=int, default=None, help="downsize originals longer than this (pixels)")
    att.set_defaults(handler=cmd_attach)

    sig = actions.add_parser("signature", parents=[common], help="record a signature (optionally its PNG image)")
    sig.add_argument("inspection_id")
    sig.add_argument("--role", required=True, choices=SIGNATURE_ROLES)
    sig.add_argument("--signer", required=True)
    sig.add_argument("--image", help="PNG of the handwritten signature")
    sig.set_defaults(handler=cmd_signature)

    rem = actions.add_parser("remark", parents=[common], help="set the inspector's remark")
    rem.add_argument("inspection_id")
    rem.add_argument("text")
    rem.set_defaults(handler=cmd_remark)

    fnd = subparsers.add_parser("findings", parents=[common], help="findings and rectification deadlines")
    fsub = fnd.add_subparsers(dest="findings_command", metavar="ACTION", required=True)
    ls = fsub.add_parser("list", parents=[common], help="open findings, soonest deadline first")
    ls.add_argument("--inspection")
    ls.set_defaults(handler=cmd_findings_list)
    dl = fsub.add_parser("deadline", parents=[common], help="set a finding's rectification deadline")
    dl.add_argument("finding_id")
    dl.add_argument("date", help="YYYY-MM-DD")
    dl.set_defaults(handler=cmd_findings_deadline)
    cl = fsub.add_parser("close", parents=[common], help="close a finding by the re-inspection that found it fixed")
    cl.add_argument("finding_id")
    cl.add_argument("--by", required=True, metavar="REINSPECTION_ID")
    cl.set_defaults(handler=cmd_findings_close)


def cmd_attach(args: argparse.Namespace) -> int:
    from qcity_desktop.photos import DEFAULT_MAX_SIDE, read_photo_file

    photo = read_photo_file(args.file, args.max_side or DEFAULT_MAX_SIDE)
    store = open_from_args(args, create=False)
    row = store.inspections.row(args.inspection_id)
    if args.item and args.item not in store.inspections.template_of(row).items:
        raise InputError(f"template {row['template_id']} has no item {args.item!r}")
    aid = store.attachments.add(args.inspection_id, photo.data, photo.mime, item_id=args.item,
                                filename=Path(args.file).name, caption=args.caption)
    info = {"id": aid, "width": photo.width, "height": photo.height, "rotated": photo.rotated,
            "downsized": photo.downsized}
    print_json(info) if wants_json(args) else print(aid)
    return 0


def cmd_signature(args: argparse.Namespace) -> int:
    png = None
    if args.image:
        try:
            png = Path(args.image).read_bytes()
        except OSError as err:
            raise EnvironmentProblem(f"{args.image}: cannot read ({err.strerror})") from None
        if not png.startswith(b"\x89PNG\r\n\x1a\n"):
            raise InputError(f"{args.image}: not a PNG image")
    store = open_from_args(args, create=False)
    sid = store.signatures.add(args.inspection_id, args.role, args.signer, png)
    print_json({"id": sid}) if wants_json(args) else print(sid)
    return 0


def cmd_remark(args: argparse.Namespace) -> int:
    store = open_from_args(args, create=False)
    store.inspections.set_remark(args.inspection_id, args.text)
    print_json({"id": args.inspection_id, "remark": args.text}) if wants_json(args) else print("remark saved")
    return 0


def cmd_findings_list(args: argparse.Namespace) -> int:
    store = open_from_args(args, create=False)
    rows = (store.findings.for_inspection(args.inspection) if args.inspection else store.findings.open_findings())
    if wants_json(args):
        print_json(rows)
    else:
        print_table(rows, ["id", "item_id", "severity", "deadline", "status", "description"])
    return 0


def cmd_findings_deadline(args: argparse.Namespace) -> int:
    try:
        day = date.fromisoformat(args.date)
    except ValueError:
        raise InputError(f"{args.date!r} is not a date (YYYY-MM-DD)") from None
    store = open_from_args(args, create=False)
    store.findings.set_deadline(args.finding_id, day.isoformat())
    print_json({"id": args.finding_id, "deadline": day.isoformat()}) if wants_json(args) else print("deadline set")
    return 0


def cmd_findings_close(args: argparse.Namespace) -> int:
    store = open_from_args(args, create=False)
    store.inspections.row(args.by)  # the re-inspection must exist
    store.findings.close(args.finding_id, args.by)
    print_json({"id": args.finding_id, "closed_by": args.by}) if wants_json(args) else print("finding closed")
    return 0
