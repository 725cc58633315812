"""The one-page inspection certificate with its signed QR code in the top-right corner.

Drawn straight on the canvas (no flowing layout) because it is always one page and is printed in
batches of hundreds: a certificate costs a few milliseconds. Values that may be long (address,
owner) are wrapped by measured width, so nothing ever runs off the page; a value too long even
for its lines is shortened with an ellipsis rather than overflowing.
"""

from __future__ import annotations

import io
from typing import Any

from qcity_desktop.reports import labels as L
from qcity_desktop.reports.fonts import register_cjk_font
from qcity_desktop.reports.layout import Options, format_day, geometry
from qcity_desktop.reports.signing import SigningKey, certificate_payload, load_signing_key, payload_fields


def wrap(text: str, font: str, size: float, width: float, max_lines: int = 3) -> list[str]:
    """Break ``text`` into lines no wider than ``width``: between any two CJK characters, or at spaces."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines: list[str] = []
    for paragraph in str(text).splitlines() or [""]:
        line = ""
        for ch in paragraph:
            if stringWidth(line + ch, font, size) <= width:
                line += ch
                continue
            cut = line.rfind(" ")
            if cut > len(line) // 2 and ord(ch) < 0x2E80 and ch != " ":  # keep a Latin word whole
                lines.append(line[:cut])
                line = line[cut + 1:] + ch
            else:
                lines.append(line)
                line = ch.lstrip()
        lines.append(line)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and stringWidth(last + "…", font, size) > width:
            last = last[:-1]
        lines[-1] = last + "…"
    return lines


def _fields(doc: dict[str, Any], lang: str) -> list[tuple[str, str]]:
    subject = doc.get("subject") or {}
    template = doc.get("template") or {}
    return [
        (L.t("subject", lang), subject.get("name") or "—"),
        (L.t("subject_kind", lang), L.kind_text(subject.get("kind"), lang)),
        (L.t("codes", lang), subject.get("codes") or "—"),
        (L.t("owner", lang), subject.get("owner") or "—"),
        (L.t("address", lang), subject.get("address") or "—"),
        (L.t("standard", lang), template.get("standard") or L.pick(template.get("title"), lang) or "—"),
        (L.t("inspection_date", lang), format_day(doc.get("ended_at") or doc.get("started_at"), lang)),
        (L.t("signed_at", lang), format_day(doc.get("signed_at"), lang)),
        (L.t("related_report", lang), doc.get("report_no") or "—"),
    ]


def _remarks(doc: dict[str, Any], opts: Options) -> str:
    """Evaluation remarks, the inspector's remark, and where the failed items are listed."""
    lang = opts.lang
    parts = [str(r) for r in ((doc.get("evaluation") or {}).get("remarks") or []) if r]
    if doc.get("remark"):
        parts.append(str(doc["remark"]))
    findings = doc.get("findings") or []
    if findings:
        notice = opts.numbers.get("notice")
        parts.append(L.t("see_notice", lang, count=len(findings), notice=notice) if notice
                     else L.t("see_report", lang, count=len(findings)))
    return ("；" if lang == "zh" else "; ").join(p.rstrip("。.;；") for p in parts)


def draw_certificate(canvas: Any, doc: dict[str, Any], opts: Options, key: SigningKey, payload: str | None = None) -> str:
    """Draw one certificate on the current page (the caller shows the page); returns the QR payload."""
    payload = payload or certificate_payload(doc, key)
    lang = opts.lang
    geo = geometry(opts.paper)
    font = register_cjk_font()
    w, h, m = geo.width, geo.height, geo.margin
    scale = 1.0 if opts.paper == "a4" else 0.72
    canvas.setFont(font, geo.body)
    # frame: a thick and a thin line, as on printed certificates
    canvas.setStrokeColorRGB(0.55, 0.1, 0.1)
    canvas.setLineWidth(2.2 * scale)
    canvas.rect(m * 0.6, m * 0.6, w - 1.2 * m, h - 1.2 * m)
    canvas.setLineWidth(0.6)
    canvas.rect(m * 0.6 + 4, m * 0.6 + 4, w - 1.2 * m - 8, h - 1.2 * m - 8)
    canvas.setStrokeColorRGB(0, 0, 0)
    inner_left, inner_right, inner_top = m * 1.2, w - m * 1.2, h - m * 1.2
    # QR code top right, caption below it
    qr = 92 * scale
    draw_qr_at = (inner_right - qr, inner_top - qr)
    from qcity_desktop.reports.qr import draw_qr

    draw_qr(canvas, payload, draw_qr_at[0], draw_qr_at[1], qr)
    canvas.setFont(font, geo.small)
    canvas.drawCentredString(inner_right - qr / 2, inner_top - qr - geo.small, L.t("scan_to_verify", lang))
    # bureau and title
    canvas.setFont(font, geo.body + 1)
    bureau = L.pick((opts.bureau or {}).get("name"), lang)
    canvas.drawString(inner_left, inner_top - geo.body - 2, bureau)
    title_y = inner_top - qr - geo.small * 4
    canvas.setFont(font, geo.title * 1.5)
    canvas.drawCentredString(w / 2, title_y, L.t("certificate_title", lang))
    canvas.setFont(font, geo.body + 1.5)
    subtitle = L.pick((doc.get("template") or {}).get("title"), lang)
    canvas.drawCentredString(w / 2, title_y - geo.title * 1.3, subtitle)
    number = f"{L.t('certificate_no', lang)}：{doc.get('certificate_no')}" if lang == "zh" else \
        f"{L.t('certificate_no', lang)} {doc.get('certificate_no')}"
    canvas.setFont(font, geo.body + 0.5)
    canvas.drawCentredString(w / 2, title_y - geo.title * 1.3 - geo.body * 2, number)
    # field list: label column and wrapped values
    y = title_y - geo.title * 1.3 - geo.body * 5
    label_w = (inner_right - inner_left) * (0.24 if lang == "zh" else 0.3)
    value_x = inner_left + label_w
    value_w = inner_right - value_x
    size = geo.body + 1.5
    leading = size * 1.45
    for label, value in _fields(doc, lang):
        canvas.setFont(font, size)
        canvas.setFillColorRGB(0.35, 0.35, 0.35)
        canvas.drawString(inner_left, y, label)
        canvas.setFillColorRGB(0, 0, 0)
        for line in wrap(value, font, size, value_w, max_lines=2):
            canvas.drawString(value_x, y, line)
            y -= leading
        y -= leading * 0.35
    # verdict and due date, large
    y -= leading * 0.6
    passed = L.is_pass(doc.get("verdict"))
    canvas.setFont(font, size)
    canvas.setFillColorRGB(0.35, 0.35, 0.35)
    canvas.drawString(inner_left, y, L.t("verdict", lang))
    canvas.setFont(font, geo.title * 1.2)
    canvas.setFillColorRGB(*((0.7, 0, 0) if passed is False else (0, 0, 0)))
    canvas.drawString(value_x, y - geo.title * 0.15, L.verdict_text(doc.get("verdict"), lang))
    canvas.setFillColorRGB(0, 0, 0)
    y -= geo.title * 1.6
    due_label = L.t("valid_until" if passed else "next_due", lang)
    canvas.setFont(font, size)
    canvas.setFillColorRGB(0.35, 0.35, 0.35)
    canvas.drawString(inner_left, y, due_label)
    canvas.setFillColorRGB(0, 0, 0)
    canvas.setFont(font, size + 3)
    canvas.drawString(value_x, y, format_day(doc.get("next_due"), lang))
    remarks = _remarks(doc, opts)
    if remarks:
        y -= leading * 1.8
        canvas.setFont(font, size)
        canvas.setFillColorRGB(0.35, 0.35, 0.35)
        canvas.drawString(inner_left, y, L.t("remark", lang))
        canvas.setFillColorRGB(0, 0, 0)
        canvas.setFont(font, geo.body)
        for line in wrap(remarks, font, geo.body, value_w, max_lines=4):
            canvas.drawString(value_x, y, line)
            y -= geo.body * 1.45
    # issuer, seal circle and date at the bottom right
    bottom = m * 1.2 + geo.small * 3
    seal_r = 36 * scale
    seal_x, seal_y = inner_right - seal_r - 10, bottom + geo.body * 2.5 + seal_r * 0.3
    canvas.setStrokeColorRGB(0.8, 0.2, 0.2)
    canvas.setDash(2, 2)
    canvas.circle(seal_x, seal_y, seal_r)
    canvas.setDash()
    canvas.setStrokeColorRGB(0, 0, 0)
    canvas.setFont(font, geo.small)
    canvas.setFillColorRGB(0.8, 0.2, 0.2)
    canvas.drawCentredString(seal_x, seal_y - geo.small / 2, L.t("seal", lang))
    canvas.setFillColorRGB(0, 0, 0)
    canvas.setFont(font, geo.body + 0.5)
    canvas.drawRightString(seal_x - seal_r - 6, bottom + geo.body * 2.6, f"{L.t('issuer', lang)}：{bureau}"
                           if lang == "zh" else f"{L.t('issuer', lang)}: {bureau}")
    canvas.drawRightString(seal_x - seal_r - 6, bottom + geo.body * 1.1, format_day(doc.get("signed_at"), lang))
    # digest line and demo warning
    fields = payload_fields(doc)
    canvas.setFont(font, geo.small * 0.9)
    canvas.setFillColorRGB(0.4, 0.4, 0.4)
    digest = str(doc.get("content_hash") or "")
    canvas.drawString(inner_left, m * 1.2, f"{L.t('content_hash', lang)}: {digest[:32]}… · key {key.kid} · "
                      f"{fields['certificate_no']}")
    if key.demo:
        canvas.setFillColorRGB(0.8, 0, 0)
        canvas.setFont(font, geo.body)
        canvas.drawCentredString(w / 2, m * 1.2 + geo.small * 1.6, L.t("demo_key", lang))
    canvas.setFillColorRGB(0, 0, 0)
    return payload


def _canvas(buf: io.BytesIO, opts: Options, title: str, keywords: str = "") -> Any:
    from reportlab.pdfgen.canvas import Canvas

    geo = geometry(opts.paper)
    c = Canvas(buf, pagesize=(geo.width, geo.height), initialFontName=register_cjk_font(), invariant=1)
    c.setTitle(title)
    c.setCreator("QCity Inspector")
    c.setAuthor(L.pick((opts.bureau or {}).get("name"), opts.lang))
    if keywords:
        c.setKeywords(keywords)
    return c


def render_certificate(doc: dict[str, Any], opts: Options) -> bytes:
    """PDF bytes of one certificate; StateError (one line) if the inspection is not signed."""
    payload_fields(doc)  # refuses unsigned inspections before anything is drawn
    key = opts.signing_key or load_signing_key()
    buf = io.BytesIO()
    title = f"{L.t('certificate_title', opts.lang)} {doc.get('certificate_no')}"
    payload = certificate_payload(doc, key)
    c = _canvas(buf, opts, title, keywords=payload)
    draw_certificate(c, doc, opts, key, payload)
    c.showPage()
    c.save()
    return buf.getvalue()


def render_certificates(docs: list[dict[str, Any]], opts: Options, progress: Any = None) -> bytes:
    """Many certificates in one PDF, one per page (a day's batch for the printer).

    ``progress(done, total)`` is called after each page so a UI can show a progress bar.
    Unsigned inspections are refused before anything is drawn.
    """
    for doc in docs:
        payload_fields(doc)
    key = opts.signing_key or load_signing_key()
    buf = io.BytesIO()
    c = _canvas(buf, opts, L.t("certificate_title", opts.lang))
    for n, doc in enumerate(docs, 1):
        draw_certificate(c, doc, opts, key)
        c.showPage()
        if progress is not None:
            progress(n, len(docs))
    c.save()
    return buf.getvalue()
