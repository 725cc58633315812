"""Error of indication before rounding: the change-point (闪变点) method.

A digital scale rounds to d, so the indication alone hides up to ±½ d — as much as the whole MPE of
the first band. The legal error is therefore judged before rounding (EU Annex I 4.1, R76-1 A.4.4.3):
place load L, read I, add 0.1 d weights until the indication goes up by one interval (ΔL in total);
then P = I + ½ d − ΔL is the indication before rounding and E = P − L its error. The same done near
zero gives E0, and Ec = E − E0 removes the zero offset from every later point.

The formula is usually written with e because most market scales have d = e; it is the display
interval that rounds, so ``d`` is used (defaulting to e).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from qcity_desktop.errors import InputError
from qcity_desktop.metrology.units import format_mass, in_e, plain


@dataclass(frozen=True)
class ChangePointResult:
    """P, E and (with a zero error) Ec, plus the raw inputs kept as evidence. Grams."""

    load: Decimal
    indication: Decimal
    added: Decimal | None
    d: Decimal
    p: Decimal
    error: Decimal
    zero_error: Decimal | None
    corrected: Decimal | None
    method: str  # "change_point" or "indication" (no small weights used: rounding error included)

    @property
    def final_error(self) -> Decimal:
        """The error judged against the MPE: Ec when a zero error is known, else E."""
        return self.corrected if self.corrected is not None else self.error

    def to_dict(self, e: Decimal | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {
            "method": self.method,
            "load_g": plain(self.load),
            "indication_g": plain(self.indication),
            "added_g": None if self.added is None else plain(self.added),
            "d_g": plain(self.d),
            "p_g": plain(self.p),
            "error_g": plain(self.error),
            "zero_error_g": None if self.zero_error is None else plain(self.zero_error),
            "corrected_g": None if self.corrected is None else plain(self.corrected),
        }
        if e is not None:
            data["error_e"] = plain(in_e(self.error, e))
            if self.corrected is not None:
                data["corrected_e"] = plain(in_e(self.corrected, e))
        return data


def error_before_rounding(
    load: Decimal,
    indication: Decimal,
    added: Decimal | None,
    d: Decimal,
    zero_error: Decimal | None = None,
) -> ChangePointResult:
    """P = I + ½ d − ΔL, E = P − L, Ec = E − E0.

    ``added`` (ΔL) is the total of small weights added until the indication changed; it must lie in
    [0, d] — more than d means the change was missed. ``added=None`` records the plain indication
    error I − L (method "indication"), which still contains the rounding error of up to ½ d.
    """
    if d <= 0:
        raise InputError("分度值必须大于 0 / the scale interval must be greater than 0")
    if load < 0:
        raise InputError(f"载荷不能为负 / load must not be negative: {format_mass(load)}")
    if added is None:
        p = indication
        method = "indication"
    else:
        if added < 0 or added > d:
            raise InputError(
                f"附加小砝码 ΔL = {format_mass(added)} 应在 0 到 d = {format_mass(d)} 之间 / "
                f"added weights ΔL must be between 0 and d (the indication should change before d is added)"
            )
        p = indication + d / 2 - added
        method = "change_point"
    error = p - load
    corrected = None if zero_error is None else error - zero_error
    return ChangePointResult(
        load=load, indication=indication, added=added, d=d, p=p, error=error,
        zero_error=zero_error, corrected=corrected, method=method,
    )
