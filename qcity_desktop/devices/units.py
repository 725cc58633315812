"""Mass units for scale readings and load commands.

Scales report in the unit on their display, metrology works in grams; conversions are exact
``Decimal`` factors so a reading of ``2.005 kg`` is ``2005 g`` and never ``2004.9999``.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from qcity_desktop.errors import InputError

#: grams per unit; lb and oz are exact by the 1959 international definition.
GRAMS_PER_UNIT: dict[str, Decimal] = {
    "mg": Decimal("0.001"),
    "g": Decimal(1),
    "kg": Decimal(1000),
    "t": Decimal(1000000),
    "lb": Decimal("453.59237"),
    "oz": Decimal("28.349523125"),
}

#: the units an inspector may type; lb and oz only appear when a scale reports them.
INPUT_UNITS = ("mg", "g", "kg", "t")

_MASS_RE = re.compile(r"^\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*(mg|g|kg|t)\s*$", re.IGNORECASE)


def parse_mass(text: str) -> tuple[Decimal, str]:
    """``"2.6kg"`` -> ``(Decimal("2.6"), "kg")``; a bare number is refused because the unit matters."""
    match = _MASS_RE.match(text or "")
    if not match:
        raise InputError(
            f"无法识别的重量 invalid mass {text!r}: write a number and a unit g, kg, t or mg, e.g. 2000g or 2.5kg"
        )
    try:
        value = Decimal(match.group(1))
    except InvalidOperation as err:  # pragma: no cover - the regex only lets numbers through
        raise InputError(f"无法识别的重量 invalid mass {text!r}") from err
    return value, match.group(2).lower()


def to_grams(value: Decimal, unit: str) -> Decimal:
    """Exact conversion; an unknown unit is an input error, not a silent gram."""
    try:
        factor = GRAMS_PER_UNIT[unit]
    except KeyError:
        raise InputError(f"未知单位 unknown mass unit {unit!r} (known: {', '.join(GRAMS_PER_UNIT)})") from None
    return value * factor


def parse_grams(text: str) -> Decimal:
    """A typed mass (``"2.6kg"``) in grams."""
    value, unit = parse_mass(text)
    return to_grams(value, unit)


def from_grams(grams: Decimal, unit: str, decimals: int) -> Decimal:
    """Grams shown in ``unit`` with ``decimals`` places, as a display would (half-up rounding)."""
    factor = GRAMS_PER_UNIT.get(unit)
    if factor is None:
        raise InputError(f"未知单位 unknown mass unit {unit!r}")
    quantum = Decimal(1).scaleb(-decimals)
    return (grams / factor).quantize(quantum, rounding="ROUND_HALF_UP")
