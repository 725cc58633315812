"""``qcity stats [--from DATE] [--to DATE] [--kind KIND] [--target PCT] [--csv FILE] [--pdf FILE] [--json]``: pass rates."""

from __future__ import annotations

import argparse
from datetime import date
from decimal import Decimal, InvalidOperation

from qcity_desktop.cli.context import day_arg, open_from_args, output_file, wants_json
from qcity_desktop.cli.output import print_json, print_table
from qcity_desktop.errors import InputError
from qcity_desktop.reports.statistics import write_pdf
from qcity_desktop.store.stats import KIND_ZH, Rate, statistics, write_csv


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser(
        "stats", parents=[common], help="pass rates against the target, repeat offenders, overdue rectifications",
        description="Pass rates of signed first inspections (re-inspections counted apart) by kind, month and "
                    "district, against the bureau's target (resources/reports/bureau.json, default 95 %%); "
                    "subjects that failed twice or more in the period; open and overdue rectifications. "
                    "The period is by inspection date; default: this year up to today.")
    p.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="first day (default: 1 January)")
    p.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="last day (default: today)")
    p.add_argument("--kind", choices=sorted(KIND_ZH), help="only this kind of subject")
    p.add_argument("--target", metavar="PERCENT", help="pass-rate target for this run, e.g. 95")
    p.add_argument("--csv", metavar="FILE", help="also write the figures as a spreadsheet (UTF-8 CSV)")
    p.add_argument("--pdf", metavar="FILE", help="also write the statistics sheet (检验合格率统计表) as a PDF")
    p.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of the PDF (default zh)")
    p.set_defaults(handler=cmd_stats)


def cmd_stats(args: argparse.Namespace) -> int:
    today = date.today()
    date_to = day_arg(args.date_to, "--to", today)
    date_from = day_arg(args.date_from, "--from", date(date_to.year, 1, 1))
    target = None
    if args.target is not None:
        try:
            target = Decimal(args.target.rstrip("%"))
        except InvalidOperation:
            raise InputError(f"--target {args.target!r} is not a percentage (e.g. 95)") from None
        if not target.is_finite():
            raise InputError(f"--target {args.target!r} is not a percentage (e.g. 95)")
    csv_path = output_file(args.csv, "stats.csv", "--csv") if args.csv else None
    pdf_path = output_file(args.pdf, "stats.pdf", "--pdf") if args.pdf else None
    store = open_from_args(args, create=False)
    try:
        st = statistics(store.conn, date_from, date_to, args.kind, target, today)
    finally:
        store.close()
    if csv_path is not None:
        write_csv(st, str(csv_path))
    if pdf_path is not None:
        write_pdf(st, pdf_path, args.lang, today)
    files = {k: str(v) for k, v in (("csv", csv_path), ("pdf", pdf_path)) if v is not None}
    if wants_json(args):
        print_json({**st.as_dict(), **files})
        return 0
    scope = KIND_ZH.get(args.kind, "全部类型") if args.kind else "全部类型"
    print(f"{st.date_from} 至 {st.date_to} · {scope}")
    rate = st.overall.rate
    if rate is None:
        print("期间内没有已签署的检验")
    else:
        verdict = "达到" if st.meets_target else "低于"
        print(f"已签署的检验 {st.overall.inspected} 次，合格 {st.overall.passed} 次，合格率 {rate}%（{verdict}目标 {st.target}%）")
    print(f"复检 {st.reinspections.inspected} 次（合格 {st.reinspections.passed} 次，不计入合格率）；"
          f"已完成未签署 {st.unsigned} 次（不计入）")
    print(f"整改：未关闭 {st.findings['open']} 项，其中逾期 {st.findings['overdue']} 项；待审核 {st.to_review} 项")
    for title, name, rates in (("按类型", "类型", st.by_kind), ("按月", "月份", st.by_month),
                               ("按区县", "区县", st.by_district)):
        if rates:
            print(f"\n{title}")
            print_table([_row(name, KIND_ZH.get(r.key, r.key) if name == "类型" else r.key or "（未填）", r)
                         for r in rates], [name, "检验数", "合格", "不合格", "合格率"])
    if st.repeat_offenders:
        print("\n重复不合格（期间内不合格 2 次及以上）")
        print_table([{"对象": o["name"], "类型": KIND_ZH.get(o["kind"], o["kind"]), "区县": o["district"],
                      "不合格次数": str(o["failures"]), "最近不合格": o["last_failed"], "未整改": str(o["open_findings"])}
                     for o in st.repeat_offenders], ["对象", "类型", "区县", "不合格次数", "最近不合格", "未整改"])
    for path in files.values():
        print(f"\nwrote {path}")
    return 0



def _row(name: str, key: str, r: Rate) -> dict[str, object]:
    return {name: key, "检验数": str(r.inspected), "合格": str(r.passed), "不合格": str(r.failed),   # 0 printed, not blank
            "合格率": "—" if r.rate is None else f"{r.rate}%"}
