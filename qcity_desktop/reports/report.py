"""The inspection report: everything the inspection found, laid out as TSG-style report pages.

Order follows the elevator periodic report (../shared/reference/checklists.md §1.8): identity and
basis, the conclusion in large type, the item table (序号 | 类别 | 检验项目 | 检验结果 | 结论),
measurements, the non-conformities, photos, the 检验/审核/批准 and site-representative signatures,
and the end mark. Each page carries the report number and "page x of y" (§4.1).
"""

from __future__ import annotations

from typing import Any

from qcity_desktop.reports import labels as L
from qcity_desktop.reports.layout import (
    Geometry,
    Options,
    PageDecor,
    build,
    format_day,
    geometry,
    grid_style,
    para,
    styles,
)
from qcity_desktop.reports.photos import image_flowable, photo_grid

SIGN_ROLES = ("inspector", "reviewer", "approver", "representative")
COLUMN_FIELDS = {"name", "address", "district"}
CODE_FIELDS = {"registration_code", "equipment_code", "serial_no", "permit_no", "cert_no"}


class QrFlowable:
    """Factory for a flowable that draws a signed QR code (kept lazy so reportlab loads only when rendering)."""

    @staticmethod
    def make(text: str, size: float) -> Any:
        from reportlab.platypus import Flowable

        from qcity_desktop.reports.qr import draw_qr

        class _Qr(Flowable):
            def __init__(self) -> None:
                super().__init__()
                self.width = self.height = size

            def draw(self) -> None:
                draw_qr(self.canv, text, 0, 0, size)

        return _Qr()


def field_label(kind: str, key: str, lang: str) -> str:
    """Label (with unit) of a subject data field, from the domain's field list; the key if unknown."""
    from qcity_desktop.errors import QCityError

    try:
        from qcity_desktop.domain.subject_fields import fields_for

        for f in fields_for(kind):
            if f.name == key:
                label = f.en if lang == "en" else f.zh
                return f"{label} ({f.unit})" if f.unit else label
    except (ImportError, AttributeError, QCityError):
        pass
    return key


def _kv_table(pairs: list[tuple[str, Any]], geo: Geometry, st: dict[str, Any]) -> Any:
    """Label/value pairs, two pairs per row, as a ruled table."""
    from reportlab.platypus import Table

    w = geo.frame_width
    col = [w * 0.16, w * 0.34, w * 0.16, w * 0.34]
    rows = []
    for i in range(0, len(pairs), 2):
        chunk = pairs[i:i + 2]
        row = []
        for label, value in chunk:
            row += [para(label, st["cell"]), para(value if value not in (None, "") else "—", st["cell"])]
        if len(chunk) == 1:
            row += ["", ""]
        rows.append(row)
    from reportlab.lib import colors

    shade = [("BACKGROUND", (c, 0), (c, -1), colors.Color(0.94, 0.94, 0.94)) for c in (0, 2)]
    return Table(rows, colWidths=col, style=grid_style(0, shade), hAlign="LEFT")


def header_block(doc: dict[str, Any], opts: Options, geo: Geometry, st: dict[str, Any], title: str,
                 number_label: str, number: str | None, qr_text: str | None) -> Any:
    """Title, template title and number on the left; the signed QR code at the top right."""
    from reportlab.platypus import Table

    lang = opts.lang
    left = [para(L.pick(opts.bureau.get("name"), lang), st["subtitle"]), para(title, st["title"]),
            para(L.pick((doc.get("template") or {}).get("title"), lang), st["subtitle"]),
            para(f"{number_label}：{number or '—'}" if lang == "zh" else f"{number_label} {number or '—'}", st["center"])]
    qr_size = geo.frame_width * (0.2 if opts.paper == "a4" else 0.26)
    right: Any = [QrFlowable.make(qr_text, qr_size), para(L.t("scan_to_verify", lang), st["small"])] if qr_text else ""
    w = geo.frame_width
    if not qr_text:  # no code: the title block takes the full width, so it is centred on the page
        table = Table([[left]], colWidths=[w], hAlign="LEFT")
        table.setStyle([("FONTNAME", (0, 0), (-1, -1), st["body"].fontName), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                        ("RIGHTPADDING", (0, 0), (-1, -1), 0)])
        return table
    table = Table([[left, right]], colWidths=[w - qr_size - 6, qr_size + 6], hAlign="LEFT")
    table.setStyle([("FONTNAME", (0, 0), (-1, -1), st["body"].fontName), ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("ALIGN", (1, 0), (1, 0), "RIGHT")])
    return table


def basic_info(doc: dict[str, Any], opts: Options, geo: Geometry, st: dict[str, Any]) -> Any:
    lang = opts.lang
    subject = doc.get("subject") or {}
    template = doc.get("template") or {}
    pairs: list[tuple[str, Any]] = [
        (L.t("subject", lang), subject.get("name")),
        (L.t("subject_kind", lang), L.kind_text(subject.get("kind"), lang)),
        (L.t("owner", lang), subject.get("owner")),
        (L.t("codes", lang), subject.get("codes")),
        (L.t("address", lang), subject.get("address")),
        (L.t("district", lang), subject.get("district")),
    ]
    shown = {str(v) for v in (subject.get("name"), subject.get("address"), subject.get("district"), subject.get("owner"))}
    for key, value in (subject.get("data") or {}).items():
        if key in COLUMN_FIELDS or (key not in CODE_FIELDS and str(value) in shown):
            continue  # already printed from the subject's own columns
        if value not in (None, "", [], {}):
            from qcity_desktop.domain.subject_fields import display_value

            pairs.append((field_label(subject.get("kind", ""), key, lang),
                          display_value(subject.get("kind", ""), key, value, lang) if not isinstance(value, (dict, list))
                          else str(value)))
    if doc.get("certificate_no"):
        pairs.append((L.t("certificate_no", lang), doc["certificate_no"]))
    pairs += [
        (L.t("standard", lang), template.get("standard")),
        (L.t("template", lang), f"{L.pick(template.get('title'), lang)} (v{template.get('version', '?')})"),
        (L.t("inspectors", lang), "、".join(doc.get("inspectors") or []) if lang == "zh"
         else ", ".join(doc.get("inspectors") or [])),
        (L.t("inspection_date", lang), format_day(doc.get("ended_at") or doc.get("started_at"), lang)),
        (L.t("signed_at", lang), format_day(doc.get("signed_at"), lang)),
        (L.t("next_due", lang), format_day(doc.get("next_due"), lang)),
    ]
    return _kv_table(pairs, geo, st)


def conclusion_block(doc: dict[str, Any], opts: Options, geo: Geometry, st: dict[str, Any]) -> list[Any]:
    from reportlab.platypus import Table

    lang = opts.lang
    evaluation = doc.get("evaluation") or {}
    verdict = doc.get("verdict") or evaluation.get("verdict")
    out: list[Any] = []
    rows = [[para(L.t("verdict", lang), st["cell_c"]), para(L.verdict_text(verdict, lang), st["verdict"])]]
    score = doc.get("score") or evaluation.get("score")
    grade = doc.get("grade") or evaluation.get("grade")
    if score not in (None, ""):
        rows.append([para(L.t("score", lang), st["cell_c"]), para(score, st["center"])])
    if grade not in (None, ""):
        rows.append([para(L.t("grade", lang), st["cell_c"]), para(L.verdict_text(grade, lang), st["center"])])
    remarks = [r for r in (evaluation.get("remarks") or []) if r]
    if doc.get("remark"):
        remarks.append(doc["remark"])
    rows.append([para(L.t("remark", lang), st["cell_c"]), para("\n".join(remarks) or "—", st["cell"])])
    w = geo.frame_width
    out.append(Table(rows, colWidths=[w * 0.2, w * 0.8], style=grid_style(0), hAlign="LEFT"))
    return out


def _item_result(item: dict[str, Any], lang: str) -> tuple[str, str]:
    symbol, word = L.result_text(item.get("result"), lang)
    parts = []
    if item.get("value") not in (None, ""):
        parts.append(f"{item['value']} {item.get('unit') or ''}".strip())
    elif symbol:
        parts.append(symbol)
    if item.get("deduction") not in (None, "", "0"):
        parts.append(L.t("deduct", lang, points=item["deduction"]))
    if item.get("note"):
        parts.append(str(item["note"]))
    return "\n".join(parts), word


def items_table(doc: dict[str, Any], opts: Options, geo: Geometry, st: dict[str, Any]) -> Any:
    from reportlab.lib import colors
    from reportlab.platypus import Table

    lang = opts.lang
    w = geo.frame_width
    widths = [w * 0.1, w * 0.08, w * 0.47, w * 0.22, w * 0.13]
    head = [para(L.t(k, lang), st["cell_c"]) for k in ("col_no", "col_class", "col_item", "col_result", "col_conclusion")]
    rows: list[list[Any]] = [head]
    extra: list[tuple] = []
    for section in doc.get("sections") or []:
        rows.append([para(f"{section.get('id', '')}  {L.pick(section.get('title'), lang)}", st["cell"]), "", "", "", ""])
        r = len(rows) - 1
        extra += [("SPAN", (0, r), (-1, r)), ("BACKGROUND", (0, r), (-1, r), colors.Color(0.96, 0.96, 0.96))]
        for item in section.get("items") or []:
            attrs = item.get("attrs") or {}
            klass = attrs.get("class") or (L.ITEM_CLASS["key"][0 if lang == "zh" else 1] if attrs.get("key") else "") \
                or (L.ITEM_CLASS["guarantee"][0 if lang == "zh" else 1] if attrs.get("guarantee") else "")
            title = L.pick(item.get("title"), lang)
            if item.get("parent"):
                title = "　" + title
            if item.get("clause"):
                title += f"\n{L.t('clause', lang)}: {item['clause']}"
            result, word = _item_result(item, lang)
            rows.append([para(item.get("id"), st["cell_c"]), para(klass, st["cell_c"]), para(title, st["cell"]),
                         para(result, st["cell_c"]), para(word, st["cell_c"])])
            if item.get("result") == "fail":
                extra.append(("TEXTCOLOR", (4, len(rows) - 1), (4, len(rows) - 1), colors.red))
    if len(rows) == 1:
        rows.append([para(L.t("no_items", lang), st["cell_c"]), "", "", "", ""])
        extra.append(("SPAN", (0, 1), (-1, 1)))
    return Table(rows, colWidths=widths, repeatRows=1, style=grid_style(1, extra), hAlign="LEFT")


def measurement_label(kind: str, lang: str) -> str:
    key = f"m_{kind}"
    return L.t(key, lang) if key in L.TEXT else kind


def measurements_table(rows_in: list[dict[str, Any]], opts: Options, geo: Geometry, st: dict[str, Any]) -> Any:
    from reportlab.platypus import Table

    lang = opts.lang
    w = geo.frame_width
    keys = ("col_kind", "col_seq", "col_load", "col_indication", "col_error", "col_mpe", "col_unit", "col_conclusion")
    widths = [w * f for f in (0.17, 0.07, 0.13, 0.14, 0.13, 0.12, 0.1, 0.14)]
    rows: list[list[Any]] = [[para(L.t(k, lang), st["cell_c"]) for k in keys]]
    for m in rows_in:
        passed = m.get("passed")
        word = "" if passed is None else L.t("ok" if passed else "not_ok", lang)
        if ((m.get("data") or {}).get("reading") or {}).get("discarded"):
            word = L.t("discarded", lang)  # kept as evidence, but not part of the result
        rows.append([para(measurement_label(m.get("kind", ""), lang), st["cell_c"]), para(m.get("seq"), st["cell_c"]),
                     para(m.get("load") or "—", st["cell_c"]), para(m.get("indication") or "—", st["cell_c"]),
                     para(m.get("error") or "—", st["cell_c"]), para(m.get("mpe") or "—", st["cell_c"]),
                     para(m.get("unit") or "", st["cell_c"]), para(word, st["cell_c"])])
    return Table(rows, colWidths=widths, repeatRows=1, style=grid_style(1), hAlign="LEFT")


def item_titles(doc: dict[str, Any], lang: str) -> dict[str, str]:
    return {item.get("id"): L.pick(item.get("title"), lang) for s in doc.get("sections") or [] for item in s.get("items") or []}


def findings_table(doc: dict[str, Any], opts: Options, geo: Geometry, st: dict[str, Any]) -> Any:
    from reportlab.platypus import Table

    lang = opts.lang
    titles = item_titles(doc, lang)
    w = geo.frame_width
    widths = [w * f for f in (0.07, 0.2, 0.3, 0.18, 0.09, 0.16)]
    keys = ("col_no", "col_item", "col_description", "col_rule", "col_severity", "col_deadline")
    rows: list[list[Any]] = [[para(L.t(k, lang), st["cell_c"]) for k in keys]]
    for n, f in enumerate(doc.get("findings") or [], 1):
        item = f"{f.get('item_id', '')} {titles.get(f.get('item_id'), '')}".strip()
        rows.append([para(n, st["cell_c"]), para(item, st["cell"]), para(f.get("description"), st["cell"]),
                     para(f.get("rule") or "—", st["cell"]), para(f.get("severity") or "—", st["cell_c"]),
                     para(format_day(f.get("deadline"), lang), st["cell_c"])])
    return Table(rows, colWidths=widths, repeatRows=1, style=grid_style(1), hAlign="LEFT")


def signature_table(doc: dict[str, Any], opts: Options, geo: Geometry, st: dict[str, Any],
                    roles: tuple[str, ...] = SIGN_ROLES) -> Any:
    """One column per role: the handwritten image (or the name), and the date; blank lines when unsigned."""
    from reportlab.platypus import Table

    lang = opts.lang
    by_role: dict[str, dict[str, Any]] = {}
    for sig in doc.get("signatures") or []:
        by_role.setdefault(sig.get("role"), sig)
    reviews = doc.get("reviews") or []
    if "reviewer" not in by_role and reviews and reviews[-1].get("decision") == "approved":
        # Reviewed in the office after signing (docs/review.md): the approving supervisor fills 审核, by name.
        by_role["reviewer"] = {"signer": reviews[-1].get("reviewer"), "signed_at": reviews[-1].get("reviewed_at")}
    w = geo.frame_width
    col = w / len(roles)
    head, names, dates = [], [], []
    for role in roles:
        head.append(para(L.t(f"role_{role}", lang), st["cell_c"]))
        sig = by_role.get(role)
        cell: Any = para(" ", st["cell_c"])
        if sig:
            image = None
            if sig.get("sha256") and opts.blob:
                data = opts.blob(sig["sha256"])
                image = image_flowable(data, col - 10, geo.body * 3.2, max_px=400) if data else None
            cell = [image, para(sig.get("signer"), st["cell_c"])] if image is not None else para(sig.get("signer"), st["cell_c"])
        names.append(cell)
        dates.append(para(f"{L.t('sign_date', lang)}：{format_day(sig.get('signed_at'), lang) if sig else ''}"
                          if lang == "zh" else f"{L.t('sign_date', lang)}: {format_day(sig.get('signed_at'), lang) if sig else ''}",
                          st["cell_c"]))
    table = Table([head, names, dates], colWidths=[col] * len(roles), rowHeights=[None, geo.body * 4.2, None],
                  style=grid_style(1), hAlign="LEFT")
    return table


def render_report(doc: dict[str, Any], opts: Options) -> bytes:
    """PDF bytes of the full inspection report (a DRAFT watermark when the inspection is not signed)."""
    from reportlab.platypus import CondPageBreak, KeepTogether, Spacer

    from qcity_desktop.reports.signing import certificate_payload, load_signing_key

    lang = opts.lang
    geo = geometry(opts.paper)
    st = styles(geo)
    signed = doc.get("status") == "signed"
    qr_text = None
    key = None
    if signed and doc.get("certificate_no") and doc.get("content_hash"):
        key = opts.signing_key or load_signing_key()
        qr_text = certificate_payload(doc, key)
    title = L.t("report_title", lang)
    story: list[Any] = [header_block(doc, opts, geo, st, title, L.t("report_no", lang), doc.get("report_no"), qr_text),
                        Spacer(1, geo.body * 0.8)]
    if not signed:
        story.append(para(L.t("draft_note", lang), st["center"]))
    elif key is not None and key.demo:
        story.append(para(L.t("demo_key", lang), st["center"]))
    number = 0

    def heading(key_: str) -> Any:
        nonlocal number
        number += 1
        return para(L.heading(number, key_, lang), st["h2"])

    story += [heading("sec_basic"), basic_info(doc, opts, geo, st)]
    story += [KeepTogether([heading("sec_conclusion"), *conclusion_block(doc, opts, geo, st)])]
    story += [CondPageBreak(geo.body * 8), heading("sec_items"), items_table(doc, opts, geo, st)]
    if doc.get("measurements"):
        story += [CondPageBreak(geo.body * 6), heading("sec_measurements"),
                  measurements_table(doc["measurements"], opts, geo, st)]
    if doc.get("findings"):
        story += [CondPageBreak(geo.body * 6), heading("sec_findings"), findings_table(doc, opts, geo, st)]
    photos = [a for a in doc.get("attachments") or [] if (a.get("kind") or "photo") == "photo"]
    grid = photo_grid(photos, opts.blob, geo.frame_width, 3 if opts.paper == "a4" else 2, st["small"],
                      L.t("photo_missing", lang))
    if grid is not None:
        story += [CondPageBreak(geo.body * 10), heading("sec_photos"), grid]
    story.append(KeepTogether([heading("sec_signatures"), signature_table(doc, opts, geo, st),
                               para(L.t("end_of_report", lang), st["end"])]))
    decor = PageDecor(geo, lang, opts.bureau or {}, L.t("report_no", lang), doc.get("report_no") or "",
                      title, watermark="" if signed else L.t("draft", lang))
    subject = (doc.get("subject") or {}).get("name", "")
    return build(story, decor, title=f"{title} {doc.get('report_no') or ''}".strip(), subject=subject,
                 author=L.pick(opts.bureau.get("name"), lang), keywords=qr_text or "")
