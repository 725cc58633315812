"""Retail re-weigh check (商品量核称) against the permitted negative deviations.

《零售商品称重计量监督管理办法》 art. 5: within the weight ranges of its annex tables, the re-checked
actual weight may fall short of the settled weight by at most the negative deviation for the goods.
Art. 6 names three re-check methods; re-weighing on an instrument of equal accuracy allows twice the
deviation. Outside the table ranges the rule does not apply, so such a weighing is refused rather
than judged against a guessed band. The table is a data file (negative_deviations.json) because the
official annex was not retrieved and its rows are third-party copies.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from qcity_desktop.errors import InputError, StateError
from qcity_desktop.metrology.classes import ScaleSpec
from qcity_desktop.metrology.data import dec, frac, load_table
from qcity_desktop.metrology.findings import Finding
from qcity_desktop.metrology.mpe import mpe
from qcity_desktop.metrology.traceability import ReferenceInstrument
from qcity_desktop.metrology.units import format_mass, plain

RULE = "零售商品称重计量监督管理办法 第五条、第六条及附表"


@dataclass(frozen=True)
class Deviation:
    """The permitted negative deviation for a weighing of one category of goods."""

    category: str
    zh: str
    en: str
    lower: Decimal
    upper: Decimal
    deviation: Decimal
    sources: str

    def to_dict(self) -> dict[str, Any]:
        return {"category": self.category, "zh": self.zh, "en": self.en, "band_g": [plain(self.lower), plain(self.upper)],
                "deviation_g": plain(self.deviation), "sources": self.sources,
                "confidence": load_table("negative_deviations")["confidence"]}


def categories() -> dict[str, dict[str, str]]:
    """{category: {"zh", "en"}} for pick lists."""
    return {k: {"zh": v["zh"], "en": v["en"]} for k, v in load_table("negative_deviations")["categories"].items()}


def category_for_price(unit_price_per_kg: Decimal) -> str:
    """The food category a unit price (CNY/kg) falls in when the goods are not a named category."""
    if unit_price_per_kg < 0:
        raise InputError(f"单价不能为负 / unit price must not be negative: {unit_price_per_kg}")
    for i, band in enumerate(load_table("negative_deviations")["price_bands"]):
        upper = band["upper_cny_per_kg"]
        if upper is None or unit_price_per_kg <= dec(upper, f"negative_deviations.json price_bands[{i}]"):
            return str(band["category"])
    raise InputError("单价档次表不完整 / price band table has no open top band")  # pragma: no cover


def negative_deviation(weight: Decimal, category: str | None = None, unit_price_per_kg: Decimal | None = None) -> Deviation:
    """The deviation band for ``weight`` (grams); the category wins over the unit price."""
    table = load_table("negative_deviations")["categories"]
    if category is None:
        if unit_price_per_kg is None:
            raise InputError("需给出商品类别或单价 / give the goods category or the unit price")
        category = category_for_price(unit_price_per_kg)
    if category not in table:
        raise InputError(f"未知商品类别 {category!r} / unknown goods category (use {', '.join(table)})")
    if weight <= 0:
        raise InputError(f"结算重量必须大于 0 / settled weight must be greater than 0: {format_mass(weight)}")
    info = table[category]
    lower = Decimal(0)
    for i, band in enumerate(info["bands"]):
        upper = dec(band["upper_g"], f"negative_deviations.json categories.{category}.bands[{i}]")
        if weight <= upper:
            return Deviation(category=category, zh=info["zh"], en=info["en"], lower=lower, upper=upper,
                             deviation=dec(band["deviation_g"], f"negative_deviations.json categories.{category}.bands[{i}]"),
                             sources=str(band.get("sources", "")))
        lower = upper
    raise InputError(
        f"{format_mass(weight)} 超出“{info['zh']}”负偏差表范围 (≤ {format_mass(lower)})，不适用第五条 / "
        f"weight is outside the negative-deviation table for this category (≤ {format_mass(lower)}); art. 5 does not apply"
    )


@dataclass(frozen=True)
class ReweighResult:
    settled: Decimal
    actual: Decimal
    method: str
    deviation: Deviation
    factor: Decimal
    findings: list[Finding] = field(default_factory=list)

    @property
    def shortfall(self) -> Decimal:
        return self.settled - self.actual

    @property
    def allowed(self) -> Decimal:
        return self.deviation.deviation * self.factor

    @property
    def passed(self) -> bool:
        return self.shortfall <= self.allowed

    def to_dict(self) -> dict[str, Any]:
        return {"settled_g": plain(self.settled), "actual_g": plain(self.actual), "shortfall_g": plain(self.shortfall),
                "allowed_g": plain(self.allowed), "method": self.method, "factor": plain(self.factor),
                "deviation": self.deviation.to_dict(), "passed": self.passed,
                "findings": [f.to_dict() for f in self.findings]}


def reweigh_check(
    settled: Decimal,
    actual: Decimal,
    *,
    category: str | None = None,
    unit_price_per_kg: Decimal | None = None,
    method: str = "original",
    references: Sequence[ReferenceInstrument] = (),
    day: date | None = None,
    weights_error: Decimal | None = None,
) -> ReweighResult:
    """Judge one re-weighing: shortfall = settled − actual must not exceed the allowed deviation.

    Method "higher_accuracy" re-weighs on a reference scale, which must be recorded and valid on
    ``day``; any recorded reference past its expiry refuses the verdict (StateError). When standard
    weights are used, their error (``weights_error``) must not exceed ⅓ of the deviation.
    """
    methods = load_table("negative_deviations")["recheck_methods"]
    if method not in methods:
        raise InputError(f"未知核称方法 {method!r} / unknown re-check method (use {', '.join(methods)})")
    if actual < 0:
        raise InputError(f"核称重量不能为负 / re-weighed weight must not be negative: {format_mass(actual)}")
    deviation = negative_deviation(settled, category, unit_price_per_kg)
    factor = dec(methods[method]["factor"], f"negative_deviations.json recheck_methods.{method}.factor")
    day = day or date.today()
    for ref in references:
        ref.require_valid(day)
    if method == "higher_accuracy" and not any(r.kind == "reference_scale" for r in references):
        raise StateError("高准确度核称法需登记所用参考秤 / the higher-accuracy method needs the reference scale recorded")
    findings: list[Finding] = []
    if weights_error is not None:
        f: Fraction = frac(load_table("negative_deviations")["weights_fraction"], "negative_deviations.json weights_fraction")
        if weights_error * f.denominator > deviation.deviation * f.numerator:
            raise StateError(
                f"所用砝码误差 {format_mass(weights_error)} 超过负偏差 {format_mass(deviation.deviation)} 的 {f}，不能出具结论 / "
                f"the weights' error exceeds {f} of the negative deviation: no verdict possible"
            )
    result = ReweighResult(settled=settled, actual=actual, method=method, deviation=deviation, factor=factor)
    if not result.passed:
        findings.append(Finding(
            code="short_weight", severity="fail",
            zh=f"商品量短缺：结算 {format_mass(settled)}，核称 {format_mass(actual)}，短少 {format_mass(result.shortfall)}，"
               f"超过允许负偏差 {format_mass(result.allowed)}（{deviation.zh}，{methods[method]['zh']}）",
            en=f"short weight: settled {format_mass(settled)}, re-weighed {format_mass(actual)}, short by "
               f"{format_mass(result.shortfall)}, more than the permitted {format_mass(result.allowed)} ({methods[method]['en']})",
            rule=RULE, data=result.to_dict(),
        ))
    return ReweighResult(settled=settled, actual=actual, method=method, deviation=deviation, factor=factor,
                         findings=findings)


def scale_suitability(scale: ScaleSpec, weight: Decimal, *, category: str | None = None,
                      unit_price_per_kg: Decimal | None = None, stage: str = "initial") -> Finding | None:
    """Art. 3: the scale's MPE at this weight must not exceed the goods' negative deviation."""
    deviation = negative_deviation(weight, category, unit_price_per_kg)
    limit = mpe(scale.accuracy_class, scale.e, weight, stage).mpe
    if limit <= deviation.deviation:
        return None
    return Finding(
        code="scale_not_suitable", severity="fail",
        zh=f"该秤在 {format_mass(weight)} 处 MPE ±{format_mass(limit)} 大于“{deviation.zh}”的允许负偏差 "
           f"{format_mass(deviation.deviation)}，不适合称量该商品（第三条）",
        en=f"MPE ±{format_mass(limit)} at {format_mass(weight)} exceeds the permitted negative deviation "
           f"{format_mass(deviation.deviation)} for these goods (art. 3)",
        rule="零售商品称重计量监督管理办法 第三条",
        data={"weight_g": plain(weight), "mpe_g": plain(limit), "deviation": deviation.to_dict()},
    )
