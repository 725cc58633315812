"""Mass quantities as exact Decimal grams.

Everything in the metrology engine is computed in grams with ``Decimal`` so that a result such as
E = +1.0 g at e = 5 g is exact and reproducible in a report; floats would turn 2.6 kg into
2599.9999… g and make band edges (500 e, 2000 e) undecidable. Inspectors type loads as they read
them off weights and nameplates ("5g", "2.6kg", "1.5 t", "300mg", "5 克"), so parsing is lenient
about spacing and Chinese unit names but strict about everything else: a bare number is refused,
because "2000" could be grams or kilograms and a wrong guess silently corrupts a verdict.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from qcity_desktop.errors import InputError

# Grams per unit. 斤 (500 g) is deliberately absent: it is not a legal unit of measurement in China
# and a verification record must not be expressed in it.
UNIT_GRAMS: dict[str, Decimal] = {
    "mg": Decimal("0.001"),
    "g": Decimal("1"),
    "kg": Decimal("1000"),
    "t": Decimal("1000000"),
}

_ALIASES: dict[str, str] = {
    "mg": "mg", "毫克": "mg",
    "g": "g", "gram": "g", "grams": "g", "克": "g",
    "kg": "kg", "千克": "kg", "公斤": "kg",
    "t": "t", "吨": "t",
}

_PATTERN = re.compile(r"^\s*([+-]?)\s*(\d+(?:\.\d*)?|\.\d+)\s*([^\W\d_]+)?\s*$")


def parse_mass(text: str | Decimal, *, what: str = "value", allow_negative: bool = False) -> Decimal:
    """Parse "2.6kg" / "300 mg" / "5 克" into Decimal grams; a Decimal is taken as grams already.

    ``what`` names the quantity in the error message ("--load", "e", …) so the user knows which
    of several inputs is wrong. Negative values are refused unless ``allow_negative`` (errors and
    zero offsets can be negative; loads and intervals cannot). Floats and ints are refused: a float
    is already inexact and an int has no unit.
    """
    if isinstance(text, Decimal):
        if not text.is_finite():
            raise InputError(f"{what}: 不是有限数值 / not a finite number: {text}")
        if text < 0 and not allow_negative:
            raise InputError(f"{what}: 不能为负 / must not be negative: {plain(text)} g")
        return _clean(text)
    if not isinstance(text, str):
        raise InputError(f"{what}: 不是质量值 / not a mass: {text!r}")
    match = _PATTERN.match(text)
    if not match:
        raise InputError(f"{what}: 无法识别的质量 / cannot read mass {text!r} (write e.g. 5g, 2.6kg, 1.5t, 300mg)")
    sign, number, unit = match.groups()
    if not unit:
        raise InputError(f"{what}: 缺少单位 / missing unit in {text!r} (write e.g. 5g, 2.6kg, 1.5t, 300mg)")
    key = _ALIASES.get(unit.strip().lower()) or _ALIASES.get(unit.strip())
    if key is None:
        raise InputError(f"{what}: 未知单位 {unit.strip()!r} / unknown unit (use mg, g, kg or t)")
    try:
        value = Decimal(number) * UNIT_GRAMS[key]
    except InvalidOperation as err:  # pragma: no cover - the regex only lets digits through
        raise InputError(f"{what}: 无法识别的数值 / bad number in {text!r}") from err
    if sign == "-":
        value = -value
    if value < 0 and not allow_negative:
        raise InputError(f"{what}: 不能为负 / must not be negative: {text!r}")
    return _clean(value)


def to_unit(grams: Decimal, unit: str) -> Decimal:
    """The same mass expressed in ``unit`` (exact)."""
    if unit not in UNIT_GRAMS:
        raise InputError(f"未知单位 {unit!r} / unknown unit (use mg, g, kg or t)")
    return _clean(grams / UNIT_GRAMS[unit])


def best_unit(grams: Decimal) -> str:
    """The unit a person would write this mass in: 300 mg, 5 g, 2.6 kg, 1.5 t."""
    size = abs(grams)
    if size == 0:
        return "g"
    if size < 1:
        return "mg"
    if size < 1000:
        return "g"
    if size < 1000000:
        return "kg"
    return "t"


def format_mass(grams: Decimal, unit: str | None = None, *, signed: bool = False) -> str:
    """"2.6 kg", "+1 g", "300 mg": no float noise, no exponent, trailing zeros dropped.

    ``signed`` forces a "+" on positive values, which is how errors are written in records.
    """
    unit = unit or best_unit(grams)
    text = plain(to_unit(grams, unit))
    if signed and not text.startswith("-") and Decimal(text) != 0:
        text = "+" + text
    return f"{text} {unit}"


def plain(value: Decimal) -> str:
    """Decimal as fixed-point text without exponent or trailing zeros ("2600", "0.075", "-4")."""
    value = _clean(value)
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def in_e(grams: Decimal, e: Decimal) -> Decimal:
    """A mass as a multiple of the verification interval e (exact where it divides)."""
    if e <= 0:
        raise InputError("e 必须大于 0 / e must be greater than 0")
    return _clean(grams / e)


def _clean(value: Decimal) -> Decimal:
    # normalize() would turn 2600 into 2.6E+3; quantizing integral values keeps the text plain.
    value = value.normalize()
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value
