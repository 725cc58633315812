"""The rectification notice (整改通知书) handed to the inspected party for its failed items.

Fields follow the notices collected in ../shared/reference/checklists.md §2.5 (number, party,
subject and place, each non-conformity with the rule it breaks, deadline, the party's and the
issuer's signatures) and the 15-day objection period of §1.5.
"""

from __future__ import annotations

from typing import Any

from qcity_desktop.errors import StateError
from qcity_desktop.reports import labels as L
from qcity_desktop.reports.layout import Options, PageDecor, build, format_day, geometry, para, styles
from qcity_desktop.reports.report import findings_table, header_block


def _sign_lines(doc: dict[str, Any], opts: Options, geo: Any, st: dict[str, Any]) -> Any:
    """Two signature boxes: the inspector (issuer) and the inspected party's representative."""
    from reportlab.platypus import Table

    from qcity_desktop.reports.layout import grid_style

    lang = opts.lang
    sigs = {s.get("role"): s for s in doc.get("signatures") or []}
    cells = []
    for role, label in (("inspector", "inspector_sign"), ("representative", "representative_ack")):
        sig = sigs.get(role)
        name = sig.get("signer") if sig else ""
        when = format_day(sig.get("signed_at"), lang) if sig else ""
        cells.append([para(L.t(label, lang), st["cell"]), para(name or " ", st["body"]),
                      para(f"{L.t('sign_date', lang)}：{when}" if lang == "zh" else f"{L.t('sign_date', lang)}: {when}",
                           st["cell"])])
    w = geo.frame_width
    return Table([cells], colWidths=[w / 2, w / 2], rowHeights=[geo.body * 7], style=grid_style(0, [
        ("VALIGN", (0, 0), (-1, -1), "TOP")]), hAlign="LEFT")


def render_notice(doc: dict[str, Any], opts: Options) -> bytes:
    """PDF bytes of the notice; StateError when the inspection has no finding to rectify."""
    from reportlab.platypus import KeepTogether, Spacer

    findings = doc.get("findings") or []
    if not findings:
        raise StateError(f"inspection {doc.get('id')} has no findings: there is nothing to rectify, so no notice")
    lang = opts.lang
    geo = geometry(opts.paper)
    st = styles(geo)
    subject = doc.get("subject") or {}
    number = opts.numbers.get("notice") or ""
    title = L.t("notice_title", lang)
    story: list[Any] = [header_block(doc, opts, geo, st, title, L.t("notice_no", lang), number, None),
                        Spacer(1, geo.body)]
    signed = doc.get("status") == "signed"
    if not signed:
        story.append(para(L.t("draft_note", lang), st["center"]))
    story += [
        para(L.t("notice_to", lang, owner=subject.get("owner") or subject.get("name") or "—"), st["h2"]),
        para(L.t("notice_body", lang, subject=subject.get("name") or "—", address=subject.get("address") or "—"), st["body"]),
        Spacer(1, geo.body * 0.6),
        para(f"{L.t('related_report', lang)}：{doc.get('report_no') or '—'}　{L.t('inspection_date', lang)}："
             f"{format_day(doc.get('ended_at') or doc.get('started_at'), lang)}" if lang == "zh" else
             f"{L.t('related_report', lang)} {doc.get('report_no') or '—'}; {L.t('inspection_date', lang)} "
             f"{format_day(doc.get('ended_at') or doc.get('started_at'), lang)}", st["small"]),
        Spacer(1, geo.body * 0.6),
        findings_table(doc, opts, geo, st),
        Spacer(1, geo.body * 0.8),
        para(L.t("notice_objection", lang), st["small"]),
        Spacer(1, geo.body),
        KeepTogether([_sign_lines(doc, opts, geo, st),
                      para(f"{L.pick((opts.bureau or {}).get('name'), lang)}　{L.t('seal', lang)}", st["right"]),
                      para(L.t("end_of_notice", lang), st["end"])]),
    ]
    decor = PageDecor(geo, lang, opts.bureau or {}, L.t("notice_no", lang), number, title,
                      watermark="" if signed else L.t("draft", lang))
    return build(story, decor, title=f"{title} {number}".strip(), subject=subject.get("name", ""),
                 author=L.pick((opts.bureau or {}).get("name"), lang))
