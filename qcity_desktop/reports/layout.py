"""What every document shares: paper, styles, the page frame with header and "page x of y".

Why a page-count form: "第 x 页 共 y 页" needs the total before it is known. Instead of building the
document twice, each page draws its own part and places a PDF form (XObject) for the total; the
form is written once, at save time, when the count is known. One pass, and the text stays real
text that search and copy-paste find.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

from qcity_desktop.errors import InputError
from qcity_desktop.reports.fonts import register_cjk_font
from qcity_desktop.reports.labels import LANGS, pick, t

PAPERS = ("a4", "a5")
TOTAL_FORM = "qcityPageTotal"


@dataclass
class Options:
    """How to render: language, paper, and where the renderer gets what the document dict lacks."""

    lang: str = "zh"
    paper: str = "a4"
    bureau: dict[str, Any] | None = None
    numbers: dict[str, str] = field(default_factory=dict)  # e.g. {"notice": "XNDTT2026-..."}
    blob: Callable[[str], bytes | None] | None = None  # sha256 -> bytes (photos, signature images)
    signing_key: Any = None  # a signing.SigningKey; loaded on demand when None

    def __post_init__(self) -> None:
        if self.lang not in LANGS:
            raise InputError(f"unknown language {self.lang!r} (use zh or en)")
        if self.paper not in PAPERS:
            raise InputError(f"unknown paper {self.paper!r} (use a4 or a5)")
        if self.bureau is None:
            from qcity_desktop.store.numbering import bureau_settings

            self.bureau = bureau_settings()


@dataclass
class Geometry:
    """Page size, margins and type sizes: A5 is for portable printers, so everything shrinks."""

    width: float
    height: float
    margin: float
    header: float
    footer: float
    body: float
    small: float
    title: float

    @property
    def frame_width(self) -> float:
        return self.width - 2 * self.margin


def geometry(paper: str) -> Geometry:
    from reportlab.lib.pagesizes import A4, A5
    from reportlab.lib.units import mm

    if paper == "a5":
        return Geometry(A5[0], A5[1], 10 * mm, 11 * mm, 10 * mm, 7.5, 6.5, 14)
    return Geometry(A4[0], A4[1], 18 * mm, 14 * mm, 13 * mm, 9.5, 8, 20)


def styles(geo: Geometry) -> dict[str, Any]:
    """Paragraph styles, all in the CJK font; wordWrap='CJK' breaks lines between any two Han characters."""
    from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    font = register_cjk_font()
    base = ParagraphStyle("qc-body", fontName=font, fontSize=geo.body, leading=geo.body * 1.35, wordWrap="CJK",
                          alignment=TA_LEFT)
    return {
        "body": base,
        "small": ParagraphStyle("qc-small", parent=base, fontSize=geo.small, leading=geo.small * 1.3),
        "cell": ParagraphStyle("qc-cell", parent=base, fontSize=geo.small + 0.5, leading=(geo.small + 0.5) * 1.25),
        "cell_c": ParagraphStyle("qc-cellc", parent=base, fontSize=geo.small + 0.5, leading=(geo.small + 0.5) * 1.25,
                                 alignment=TA_CENTER),
        "title": ParagraphStyle("qc-title", parent=base, fontSize=geo.title, leading=geo.title * 1.3,
                                alignment=TA_CENTER, spaceAfter=geo.body * 0.4),
        "subtitle": ParagraphStyle("qc-sub", parent=base, fontSize=geo.body + 1.5, leading=(geo.body + 1.5) * 1.3,
                                   alignment=TA_CENTER),
        "h2": ParagraphStyle("qc-h2", parent=base, fontSize=geo.body + 2, leading=(geo.body + 2) * 1.4,
                             spaceBefore=geo.body * 0.9, spaceAfter=geo.body * 0.35),
        "verdict": ParagraphStyle("qc-verdict", parent=base, fontSize=geo.title * 0.9, leading=geo.title * 1.2,
                                  alignment=TA_CENTER),
        "center": ParagraphStyle("qc-center", parent=base, alignment=TA_CENTER),
        "right": ParagraphStyle("qc-right", parent=base, alignment=TA_RIGHT),
        "end": ParagraphStyle("qc-end", parent=base, alignment=TA_CENTER, spaceBefore=geo.body * 1.2),
    }


def para(text: Any, style: Any) -> Any:
    """A Paragraph of plain text: user data is escaped so '<' in a remark never breaks the layout."""
    from reportlab.platypus import Paragraph

    return Paragraph(escape("" if text is None else str(text)).replace("\n", "<br/>"), style)


def grid_style(header_rows: int = 1, extra: Iterable[tuple] = ()) -> Any:
    from reportlab.lib import colors
    from reportlab.platypus import TableStyle

    commands = [
        ("FONTNAME", (0, 0), (-1, -1), register_cjk_font()),  # else empty cells pull in Helvetica
        ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if header_rows:
        commands.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.Color(0.9, 0.9, 0.9)))
    commands.extend(extra)
    return TableStyle(commands)


def make_canvas_class() -> type:
    """A Canvas that writes the page-total form when the document is saved."""
    from reportlab.pdfgen.canvas import Canvas

    class TotalPagesCanvas(Canvas):
        total_style: tuple[str, float, float, float, str] | None = None  # (font, size, x, y, suffix) from the painter
        pages_done = 0

        def showPage(self) -> None:  # noqa: N802 (reportlab's name)
            self.pages_done += 1
            super().showPage()

        def save(self) -> None:
            if self._code:  # content not yet shown counts as a page
                self.showPage()
            if self.total_style is not None:
                font, size, x, y, suffix = self.total_style
                self.beginForm(TOTAL_FORM)
                self.setFont(font, size)
                self.drawString(x, y, f"{self.pages_done}{suffix}")
                self.endForm()
            super().save()

    return TotalPagesCanvas


@dataclass
class PageDecor:
    """The header/footer painter: bureau left, document number right, page x of y centred."""

    geo: Geometry
    lang: str
    bureau: dict[str, Any]
    number_label: str
    number: str
    title: str
    watermark: str = ""

    def __call__(self, canvas: Any, doc: Any) -> None:
        geo = self.geo
        font = register_cjk_font()
        canvas.saveState()
        top = geo.height - geo.margin * 0.6
        canvas.setFont(font, geo.small)
        canvas.drawString(geo.margin, top - geo.small, pick(self.bureau.get("name"), self.lang))
        canvas.drawRightString(geo.width - geo.margin, top - geo.small, f"{self.number_label}：{self.number or '—'}"
                               if self.lang == "zh" else f"{self.number_label} {self.number or '—'}")
        canvas.setLineWidth(0.5)
        canvas.line(geo.margin, top - geo.small - 3, geo.width - geo.margin, top - geo.small - 3)
        # footer: "第 x 页 共 " drawn here, "y 页" from the form written at save time
        text = t("page_of", self.lang, page="\x00", total="\x01")
        before_page, rest = text.split("\x00")
        middle, suffix = rest.split("\x01")
        prefix = f"{before_page}{doc.page}{middle}"
        y = geo.margin * 0.55
        anchor = geo.width / 2 + geo.small * 2
        canvas.line(geo.margin, y + geo.small + 3, geo.width - geo.margin, y + geo.small + 3)
        canvas.drawRightString(anchor, y, prefix)
        canvas.drawString(geo.margin, y, self.title)
        canvas.total_style = (font, geo.small, anchor, y, suffix)
        canvas.doForm(TOTAL_FORM)
        if self.watermark:
            canvas.setFillColorRGB(0.85, 0.85, 0.85)
            canvas.setFont(font, geo.title * 2.2)
            canvas.translate(geo.width / 2, geo.height / 2)
            canvas.rotate(35)
            canvas.drawCentredString(0, 0, self.watermark)
        canvas.restoreState()


def build(story: list[Any], decor: PageDecor, *, title: str, subject: str = "", author: str = "",
          keywords: str = "") -> bytes:
    """Lay out ``story`` on pages with the header/footer and return the PDF bytes."""
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

    geo = decor.geo
    buf = io.BytesIO()
    doc = BaseDocTemplate(
        buf, pagesize=(geo.width, geo.height), leftMargin=geo.margin, rightMargin=geo.margin,
        topMargin=geo.margin + geo.header * 0.4, bottomMargin=geo.margin + geo.footer * 0.1, title=title,
        author=author, subject=subject, keywords=keywords, creator="QCity Inspector", initialFontName=register_cjk_font(),
        invariant=1,
    )
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body", leftPadding=0, rightPadding=0,
                  topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=decor)])
    doc.build(story, canvasmaker=make_canvas_class())
    return buf.getvalue()


def format_day(value: Any, lang: str) -> str:
    """ISO date/time → a date as printed (2026年03月01日 / 2026-03-01) in China local time."""
    from datetime import UTC, date, datetime

    from qcity_desktop.reports.signing import CHINA_TZ

    if not value:
        return "—"
    text = str(value)
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
        else:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
            day = moment.astimezone(CHINA_TZ).date()
    except ValueError:
        return text
    return f"{day.year}年{day.month:02d}月{day.day:02d}日" if lang == "zh" else day.isoformat()
