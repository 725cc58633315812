"""The statistics sheet (检验合格率统计表) a supervisor hands upwards: the figures of ``qcity stats`` on paper.

Same numbers as the 统计 page and the CSV (qcity_desktop/store/stats.py), laid out like the bureau's
other documents: bureau and period in the header, the rate against the target first, then the
monthly bars, the tables by kind, month and district, and the repeat offenders.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from qcity_desktop.errors import EnvironmentProblem
from qcity_desktop.reports.labels import pick
from qcity_desktop.reports.layout import Options, PageDecor, build, geometry, grid_style, para, styles
from qcity_desktop.store.stats import KIND_ZH, Rate, Statistics

TEXT = {
    "title": ("检验合格率统计表", "Inspection pass-rate statistics"),
    "number": ("统计期间", "Period"),
    "all": ("全部类型", "all kinds"),
    "meets": ("达到目标", "meets the target"),
    "below": ("未达到目标", "below the target"),
    "none": ("期间内没有已签署的检验", "No signed inspections in this period"),
    "summary": ("已签署检验 {n} 次，合格 {p} 次，不合格 {f} 次；复检 {r} 次（不计入合格率）；已完成未签署 {u} 次（不计入）；"
                "整改未关闭 {o} 项，其中逾期 {d} 项。",
                "{n} signed inspections, {p} passed, {f} failed; {r} re-inspections (not counted); {u} completed but "
                "unsigned (not counted); {o} open findings, {d} overdue."),
    "rule": ("统计口径：仅计已签署的首次检验（复检另计），按检验日期；合格率 = 合格数 ÷ 检验数，四舍五入到 0.1%。",
             "Counted: signed first inspections (re-inspections apart), by inspection date; rate = passed ÷ "
             "inspected, rounded half-up to 0.1 %."),
    "by_month": ("按月", "By month"), "by_kind": ("按类型", "By kind"), "by_district": ("按区县", "By district"),
    "offenders": ("重复不合格（期间内不合格 2 次及以上）", "Repeat offenders (failed twice or more in the period)"),
    "cols": (("检验数", "合格", "不合格", "合格率"), ("Inspected", "Passed", "Failed", "Rate")),
    "off_cols": (("检验对象", "类型", "区县", "不合格次数", "最近不合格", "未整改"),
                 ("Subject", "Kind", "District", "Failures", "Last failed", "Open findings")),
    "month": ("月份", "Month"), "kind": ("类型", "Kind"), "district": ("区县", "District"),
    "unfilled": ("（未填）", "(none)"),
    "made": ("制表：{bureau}    制表日期：{day}", "Prepared by {bureau} on {day}"),
}


def _t(key: str, lang: str) -> Any:
    pair = TEXT[key]
    return pair[1] if lang == "en" else pair[0]


def _rate_table(title: str, first: str, rows: list[tuple[str, Rate]], target: Decimal, opts: Options, geo: Any,
                st: dict[str, Any]) -> list[Any]:
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import KeepTogether, Table

    below = ParagraphStyle("qc-cell-below", parent=st["cell_c"], textColor=colors.Color(0.7, 0.15, 0.12))
    head = [first, *_t("cols", opts.lang)]
    data = [[para(h, st["cell_c"]) for h in head]]
    for name, r in rows:
        rate = "—" if r.rate is None else f"{r.rate}%"
        data.append([para(name, st["cell"]), *(para(str(v), st["cell_c"]) for v in (r.inspected, r.passed, r.failed)),
                     para(rate, below if r.rate is not None and r.rate < target else st["cell_c"])])
    w = geo.frame_width
    table = Table(data, colWidths=[w * 0.36, w * 0.16, w * 0.16, w * 0.16, w * 0.16], style=grid_style(1),
                  repeatRows=1, hAlign="LEFT")
    return [KeepTogether([para(title, st["h2"]), table])]


def _chart(months: list[Rate], target: Decimal, geo: Any) -> Any:
    """Monthly pass rates as bars, the target as a dashed line (reportlab graphics, so it stays vector)."""
    from reportlab.graphics.shapes import Drawing, Line, Rect, String
    from reportlab.lib import colors

    from qcity_desktop.reports.fonts import register_cjk_font

    font = register_cjk_font()
    width, height = geo.frame_width, geo.body * 14
    left, bottom, top = geo.small * 4, geo.small * 2.2, geo.small * 1.5
    plot_w, plot_h = width - left - 4, height - bottom - top
    d = Drawing(width, height)
    for pct in (0, 50, 100):
        y = bottom + plot_h * pct / 100
        d.add(Line(left, y, left + plot_w, y, strokeColor=colors.Color(0.75, 0.75, 0.75), strokeWidth=0.4))
        d.add(String(left - 3, y - geo.small / 3, f"{pct}%", fontName=font, fontSize=geo.small, textAnchor="end"))
    slot = plot_w / max(1, len(months))
    bar = max(3.0, min(36.0, slot * 0.6))
    for n, m in enumerate(months):
        x = left + slot * n + (slot - bar) / 2
        if m.rate is not None:
            good = m.rate >= target
            colour = colors.Color(0.11, 0.5, 0.23) if good else colors.Color(0.7, 0.15, 0.12)
            h = max(1.0, plot_h * float(m.rate) / 100)
            d.add(Rect(x, bottom, bar, h, fillColor=colour, strokeColor=None))
            d.add(String(x + bar / 2, bottom + h + 2, f"{m.rate}%", fontName=font, fontSize=geo.small * 0.9,
                         textAnchor="middle", fillColor=colour))
        d.add(String(left + slot * n + slot / 2, bottom - geo.small * 1.3, m.key, fontName=font,
                     fontSize=geo.small * 0.9, textAnchor="middle"))
    y = bottom + plot_h * float(target) / 100
    d.add(Line(left, y, left + plot_w, y, strokeColor=colors.Color(0.11, 0.3, 0.85), strokeWidth=0.8,
               strokeDashArray=[3, 2]))
    return d


def render_statistics(stats: Statistics, opts: Options | None = None, made_on: str = "") -> bytes:
    """PDF bytes of the statistics sheet."""
    from reportlab.platypus import Spacer

    opts = opts or Options()
    lang = opts.lang
    geo = geometry(opts.paper)
    st = styles(geo)
    kind = KIND_ZH.get(stats.kind or "", _t("all", lang)) if lang == "zh" else (stats.kind or _t("all", lang))
    period = f"{stats.date_from.isoformat()} — {stats.date_to.isoformat()}"
    bureau_name = pick((opts.bureau or {}).get("name"), lang)
    story: list[Any] = [para(bureau_name, st["subtitle"]), para(_t("title", lang), st["title"]),
                        para(f"{period}　{kind}", st["subtitle"]), Spacer(1, geo.body)]
    rate = stats.overall.rate
    if rate is None:
        story.append(para(_t("none", lang), st["verdict"]))
    else:
        word = _t("meets" if stats.meets_target else "below", lang)
        story.append(para(f"{rate}%　{word} {stats.target}%", st["verdict"]))
    story += [Spacer(1, geo.body * 0.5), para(_t("summary", lang).format(
        n=stats.overall.inspected, p=stats.overall.passed, f=stats.overall.failed, r=stats.reinspections.inspected,
        u=stats.unsigned, o=stats.findings.get("open", 0), d=stats.findings.get("overdue", 0)), st["body"]),
        para(_t("rule", lang), st["small"])]
    if stats.by_month:
        story += [para(_t("by_month", lang), st["h2"]), _chart(stats.by_month, stats.target, geo)]
    kind_name = (lambda k: KIND_ZH.get(k, k)) if lang == "zh" else (lambda k: k)
    for key, first, rows in (
            ("by_kind", _t("kind", lang), [(kind_name(r.key), r) for r in stats.by_kind]),
            ("by_month", _t("month", lang), [(r.key, r) for r in stats.by_month]),
            ("by_district", _t("district", lang), [(r.key or _t("unfilled", lang), r) for r in stats.by_district])):
        if rows:
            story += _rate_table(_t(key, lang), first, rows, stats.target, opts, geo, st)
    if stats.repeat_offenders:
        from reportlab.platypus import Table

        head = [para(h, st["cell_c"]) for h in _t("off_cols", lang)]
        body = [[para(o["name"], st["cell"]), para(kind_name(o["kind"]), st["cell_c"]),
                 para(o["district"] or "—", st["cell_c"]), para(str(o["failures"]), st["cell_c"]),
                 para(o["last_failed"], st["cell_c"]), para(str(o.get("open_findings", 0)), st["cell_c"])]
                for o in stats.repeat_offenders]
        w = geo.frame_width
        story += [para(_t("offenders", lang), st["h2"]),
                  Table([head, *body], colWidths=[w * 0.32, w * 0.1, w * 0.12, w * 0.12, w * 0.17, w * 0.17],
                        style=grid_style(1), repeatRows=1, hAlign="LEFT")]
    story += [Spacer(1, geo.body), para(_t("made", lang).format(bureau=bureau_name, day=made_on or "—"), st["right"])]
    decor = PageDecor(geo, lang, opts.bureau or {}, _t("number", lang), period, _t("title", lang))
    return build(story, decor, title=_t("title", lang), subject=period, author=bureau_name,
                 keywords="qcity statistics")


def write_pdf(stats: Statistics, path: Path, lang: str, today: date) -> Path:
    """Render and save the sheet; a file that cannot be written is one line, not a traceback."""
    from qcity_desktop.reports.layout import format_day

    data = render_statistics(stats, Options(lang=lang), made_on=format_day(today.isoformat(), lang))
    try:
        path.write_bytes(data)
    except OSError as err:
        raise EnvironmentProblem(f"cannot write {path}: {err.strerror or err}") from None
    return path
