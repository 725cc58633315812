"""Price computation check: amount = round(weight × unit price) to 0.01 CNY.

Price fraud on a price-computing scale is arithmetic, so it is checked arithmetically: the amount
shown must equal the displayed weight times the unit price, rounded to the cent by the rule in
thresholds.json (四舍五入, as metrology-institute staff describe it; the JJG 1204-2025 6.9 wording
was not retrieved, so the rounding is configurable). The commonest manipulation is the "×0.01"
unit price: 18 CNY/kg keyed as "18" fen (0.18 CNY/kg), so a 0.74 kg sale shows 0.13 and the vendor
reads it as 13 yuan — an implausibly low unit price (below 0.50 CNY/kg, configurable) is flagged.
"""

from __future__ import annotations

import decimal
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from qcity_desktop.errors import EnvironmentProblem, InputError
from qcity_desktop.metrology.data import dec, thresholds
from qcity_desktop.metrology.findings import Finding
from qcity_desktop.metrology.units import format_mass, plain

RULE = "JJG 539-2016 / JJG 1204-2025 6.9 计价功能; 集贸市场计量监督管理办法 (2025)"

# Unit price bases in grams: per kg, per 斤 (500 g, still printed on many market labels), per 100 g.
PRICE_BASES: dict[str, Decimal] = {"kg": Decimal(1000), "500g": Decimal(500), "100g": Decimal(100)}
_MONEY = re.compile(r"^\s*[¥￥]?\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*(?:元|cny|CNY|rmb|RMB)?\s*$")


def parse_money(text: str | Decimal, *, what: str = "amount") -> Decimal:
    """"13.32", "¥13.32", "13.32元" → Decimal CNY; anything else is a one-line input error."""
    if isinstance(text, Decimal):
        return text
    match = _MONEY.match(str(text))
    if not match:
        raise InputError(f"{what}: 无法识别的金额 / cannot read amount {text!r} (write e.g. 13.32)")
    try:
        return Decimal(match.group(1))
    except InvalidOperation as err:  # pragma: no cover - the regex only lets digits through
        raise InputError(f"{what}: 无法识别的金额 / cannot read amount {text!r}") from err


def _rounding() -> str:
    name = str(thresholds()["price"]["rounding"])
    if not name.startswith("ROUND_") or not hasattr(decimal, name):
        raise EnvironmentProblem(f"thresholds.json price.rounding: 未知舍入规则 / unknown rounding {name!r}")
    return name


def amount(weight: Decimal, unit_price: Decimal, per: str = "kg") -> Decimal:
    """round(weight × unit price) to the price quantum (0.01 CNY) by the configured rule."""
    if per not in PRICE_BASES:
        raise InputError(f"未知计价单位 {per!r} / unknown price basis (use kg, 500g or 100g)")
    quantum = dec(thresholds()["price"]["quantum_cny"], "thresholds.json price.quantum_cny")
    raw = weight / PRICE_BASES[per] * unit_price
    return raw.quantize(quantum, rounding=_rounding())


@dataclass(frozen=True)
class PriceCheck:
    """One price observation with the amount it should show and what is wrong with it."""

    weight: Decimal
    unit_price: Decimal
    per: str
    shown: Decimal | None
    expected: Decimal
    unrounded: Decimal
    findings: list[Finding] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.findings

    @property
    def unit_price_per_kg(self) -> Decimal:
        return self.unit_price * Decimal(1000) / PRICE_BASES[self.per]

    def to_dict(self) -> dict[str, Any]:
        return {
            "weight_g": plain(self.weight),
            "unit_price_cny": plain(self.unit_price),
            "per": self.per,
            "unit_price_cny_per_kg": plain(self.unit_price_per_kg),
            "unrounded_cny": plain(self.unrounded),
            "expected_cny": format(self.expected, "f"),
            "shown_cny": None if self.shown is None else format(self.shown, "f"),
            "passed": self.passed,
            "findings": [f.to_dict() for f in self.findings],
        }


def check_price(weight: Decimal, unit_price: Decimal, shown: Decimal | None, per: str = "kg") -> PriceCheck:
    """Compare the amount shown with round(weight × unit price); flag ×0.01 unit prices.

    ``weight`` is the displayed weight in grams (the legal indication the customer pays for).
    """
    if unit_price < 0:
        raise InputError(f"单价不能为负 / unit price must not be negative: {unit_price}")
    expected = amount(weight, unit_price, per) if weight > 0 else Decimal("0.00")
    unrounded = weight / PRICE_BASES[per] * unit_price
    findings: list[Finding] = []
    data = {"weight_g": plain(weight), "unit_price_cny": plain(unit_price), "per": per,
            "expected_cny": format(expected, "f"), "shown_cny": None if shown is None else format(shown, "f")}
    if weight <= 0 and shown is not None and shown != 0:
        findings.append(Finding(
            code="price_at_no_weight", severity="fail",
            zh=f"重量为 {format_mass(weight)} 时仍显示金额 {shown} 元", en=f"an amount of {shown} CNY is shown at a weight of {format_mass(weight)}",
            rule=RULE, data=data,
        ))
    elif shown is not None and shown != expected:
        diff = shown - expected
        findings.append(Finding(
            code="price_mismatch", severity="cheat" if diff > 0 else "fail",
            zh=f"金额显示 {shown} 元，应为 {format_mass(weight)} × {plain(unit_price)} 元/{per} = {expected} 元（差 {diff:+} 元）",
            en=f"amount shown {shown} CNY, expected {expected} CNY for {format_mass(weight)} at {plain(unit_price)} CNY/{per} "
               f"(difference {diff:+} CNY)",
            rule=RULE, data=data,
        ))
    per_kg = unit_price * Decimal(1000) / PRICE_BASES[per]
    limit = dec(thresholds()["price"]["suspicious_unit_price_below_cny_per_kg"],
                "thresholds.json price.suspicious_unit_price_below_cny_per_kg")
    if 0 < per_kg < limit:
        read_as = (shown if shown is not None else expected) * 100
        findings.append(Finding(
            code="unit_price_x001", severity="cheat",
            zh=f"单价 {plain(per_kg)} 元/kg 过低，疑似“×0.01 单价”作弊：金额 {shown if shown is not None else expected} 元"
               f"可能被读作 {read_as:.2f} 元（按实际单价应为 {amount(weight, unit_price * 100, per)} 元）",
            en=f"unit price {plain(per_kg)} CNY/kg is implausibly low (×0.01 trick suspected): the amount may be read as "
               f"{read_as:.2f} CNY instead of {amount(weight, unit_price * 100, per)} CNY",
            rule=RULE, data={**data, "unit_price_cny_per_kg": plain(per_kg), "limit_cny_per_kg": plain(limit)},
        ))
    return PriceCheck(weight=weight, unit_price=unit_price, per=per, shown=shown, expected=expected,
                      unrounded=unrounded, findings=findings)
