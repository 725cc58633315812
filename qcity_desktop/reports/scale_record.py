"""The scale test record: weighing, eccentricity and repeatability points with E, MPE and verdict.

Why a separate document: a market scale check is judged on its numbers, and the vendor and the
inspector sign the numbers (§3.3 of ../shared/reference/checklists.md). The repeatability range
(largest minus smallest indication at one load) is worked out here in Decimal and set beside its
limit, because that is the figure a vendor disputes.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from qcity_desktop.errors import StateError
from qcity_desktop.reports import labels as L
from qcity_desktop.reports.layout import Options, PageDecor, build, geometry, para, styles
from qcity_desktop.reports.report import (
    basic_info,
    conclusion_block,
    header_block,
    measurements_table,
    signature_table,
)

ORDER = ("as_found", "power_cycle", "after_keys", "zero", "weighing", "eccentricity", "repeatability",
         "discrimination", "tare", "tare_zero", "price")


def _dec(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except InvalidOperation:
        return None


def repeatability_summary(rows: list[dict[str, Any]], lang: str) -> str | None:
    """'range r (limit |MPE|)' for the repeatability series, or None when it cannot be worked out."""
    if len(rows) < 2:
        return None
    values = [_dec(r.get("error")) for r in rows]
    if any(v is None for v in values) or len(values) < 2:
        values = [_dec(r.get("indication")) for r in rows]
    if any(v is None for v in values) or len(values) < 2:
        return None
    spread = max(values) - min(values)  # type: ignore[type-var]
    mpes = [abs(m) for m in (_dec(r.get("mpe")) for r in rows) if m is not None]
    unit = rows[0].get("unit") or ""
    return L.t("repeatability_range", lang, range=spread, limit=min(mpes) if mpes else "—", unit=unit)


def render_scale_record(doc: dict[str, Any], opts: Options) -> bytes:
    """PDF bytes of the record; StateError when the inspection has no measurements."""
    from reportlab.platypus import KeepTogether, Spacer

    measurements = doc.get("measurements") or []
    if not measurements:
        raise StateError(f"inspection {doc.get('id')} has no measurements: no scale test record to print")
    lang = opts.lang
    geo = geometry(opts.paper)
    st = styles(geo)
    title = L.t("scale_title", lang)
    number = doc.get("report_no") or ""
    signed = doc.get("status") == "signed"
    story: list[Any] = [header_block(doc, opts, geo, st, title, L.t("report_no", lang), number, None),
                        Spacer(1, geo.body * 0.6)]
    if not signed:
        story.append(para(L.t("draft_note", lang), st["center"]))
    n = 0

    def heading(key: str) -> Any:
        nonlocal n
        n += 1
        return para(L.heading(n, key, lang), st["h2"])

    story += [heading("sec_instrument"), basic_info(doc, opts, geo, st), heading("sec_tests")]
    def order(m: dict[str, Any]) -> tuple:
        kind = m.get("kind", "")
        return (ORDER.index(kind) if kind in ORDER else 99, kind, m.get("seq") or 0)

    rows = sorted(measurements, key=order)
    story.append(measurements_table(rows, opts, geo, st))  # one table: the 项目 column names each series
    summary = repeatability_summary([m for m in rows if m.get("kind") == "repeatability"], lang)
    if summary:
        story.append(para(summary, st["small"]))
    story += [KeepTogether([heading("sec_scale_conclusion"), *conclusion_block(doc, opts, geo, st)])]
    story.append(KeepTogether([Spacer(1, geo.body), signature_table(doc, opts, geo, st, ("inspector", "representative")),
                               para(L.t("end_of_record", lang), st["end"])]))
    decor = PageDecor(geo, lang, opts.bureau or {}, L.t("report_no", lang), number, title,
                      watermark="" if signed else L.t("draft", lang))
    return build(story, decor, title=f"{title} {number}".strip(), subject=(doc.get("subject") or {}).get("name", ""),
                 author=L.pick((opts.bureau or {}).get("name"), lang))
