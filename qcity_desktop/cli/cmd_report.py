"""``qcity report`` (print an inspection as PDF) and ``qcity verify`` (check a certificate offline)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from qcity_desktop.cli.context import output_file
from qcity_desktop.errors import EnvironmentProblem, InputError, NotFoundError


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser(
        "report", parents=[common], help="print an inspection as PDF: report, certificate, notice or scale record",
        description="Write one document of an inspection as PDF. ID is the inspection id or its report / "
                    "certificate / notice number. A certificate needs a signed inspection.")
    p.add_argument("inspection_id", metavar="ID", help="inspection id, or a report / certificate / notice number")
    p.add_argument("--kind", default="report", choices=["report", "certificate", "notice", "scale-record"],
                   help="which document (default: report)")
    p.add_argument("--out", required=True, metavar="FILE.pdf", help="where to write the PDF")
    p.add_argument("--lang", default="zh", choices=["zh", "en"], help="language (default: zh)")
    p.add_argument("--paper", default="a4", choices=["a4", "a5"], help="paper size; a5 for portable printers")
    p.set_defaults(handler=cmd_report)

    v = subparsers.add_parser(
        "verify", parents=[common], help="check a certificate's signed QR code offline (exit 1 if invalid)",
        description="Check a certificate PDF (its QR code as printed, the embedded copy, and the printed text) or a "
                    "pasted QR payload against the bureau's public keys. Prints valid/invalid and why; exit code 0 "
                    "only when valid.")
    v.add_argument("file", nargs="?", metavar="FILE.pdf", help="the certificate or report PDF")
    v.add_argument("--payload", metavar="TEXT", help="the text a QR scanner shows (QC1|...) instead of a file; "
                                                     "'-' reads it from standard input")
    v.add_argument("--strict", action="store_true", help="treat the shipped DEMO key as invalid (production use)")
    v.set_defaults(handler=cmd_verify)


def _resolve(store: object, ident: str) -> str:
    from qcity_desktop.store.numbering import inspection_for_number

    row = store.conn.execute("SELECT id FROM inspections WHERE id = ?", (ident,)).fetchone()  # type: ignore[attr-defined]
    if row:
        return row[0]
    found = inspection_for_number(store.conn, ident)  # type: ignore[attr-defined]
    if found:
        return found
    raise NotFoundError(f"no inspection {ident!r} (neither an inspection id nor an issued report/certificate number)")


def _write(out: Path, data: bytes) -> None:
    """Write via a temp file and rename, so a failure never leaves half a PDF under the real name."""
    output_file(out, "report.pdf", "--out")
    tmp = out.with_name(out.name + ".part")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        os.replace(tmp, out)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        raise EnvironmentProblem(f"cannot write {out}: {err.strerror}") from err


def cmd_report(args: argparse.Namespace) -> int:
    from qcity_desktop.cli.context import open_from_args, wants_json
    from qcity_desktop.cli.output import print_json
    from qcity_desktop.reports import render_for_store

    store = open_from_args(args, create=False)
    inspection_id = _resolve(store, args.inspection_id)
    data = render_for_store(store, inspection_id, args.kind, lang=args.lang, paper=args.paper)
    out = Path(args.out)
    _write(out, data)
    pages = data.count(b"/Type /Page\n") or data.count(b"/Type /Page ")
    info = {"inspection_id": inspection_id, "kind": args.kind, "file": str(out), "bytes": len(data), "pages": pages,
            "lang": args.lang, "paper": args.paper}
    if wants_json(args):
        print_json(info)
    else:
        print(f"wrote {out} ({args.kind}, {pages} page(s), {len(data) // 1024} kB)")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from qcity_desktop.cli.context import wants_json
    from qcity_desktop.cli.output import print_json

    if bool(args.file) == bool(args.payload):
        raise InputError("give either a PDF file or --payload TEXT (not both, not neither)")
    if args.payload is not None:
        from qcity_desktop.reports.signing import verify_payload

        text = sys.stdin.read().rstrip("\r\n") if args.payload == "-" else args.payload
        result = verify_payload(text, allow_demo=not args.strict)
        out = result.as_dict()
        checks: list[dict] = []
    else:
        from qcity_desktop.reports.verify import verify_pdf

        if not Path(args.file).is_file():
            raise InputError(f"no such file: {args.file}")
        pdf_result = verify_pdf(args.file, allow_demo=not args.strict)
        out = pdf_result.as_dict()
        checks = pdf_result.checks
    if wants_json(args):
        print_json(out)
    else:
        print(("有效 VALID: " if out["valid"] else "无效 INVALID: ") + out["reason"])
        fields = out.get("fields") or {}
        if fields:
            print(f"  证书编号 certificate  {fields.get('certificate_no', '')}")
            print(f"  受检对象 subject id   {fields.get('subject_id', '')}")
            print(f"  结论 verdict          {fields.get('verdict_text') or fields.get('verdict', '')}")
            print(f"  检验/签发/下次 dates   {fields.get('inspected')} / {fields.get('issued')} / {fields.get('next_due')}")
            print(f"  记录摘要 record hash  {fields.get('hash_hex', '')}")
            print(f"  签发密钥 key          {out.get('kid', '')} {out.get('key_owner', '')}")
        for check in checks:
            mark = {True: "ok", False: "FAILED", None: "skipped"}[check["ok"]]
            print(f"  [{mark}] {check['check']}" + (f": {check['detail']}" if check.get("detail") else ""))
    return 0 if out["valid"] else 1
