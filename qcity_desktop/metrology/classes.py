"""Accuracy classes and the validation of a scale's nameplate data (class, Max, e, Min, d).

Nothing can be judged about a scale whose nameplate is inconsistent: the MPE depends on class and
e, and the test loads on Max and Min. JJG 539 checks the general requirements (nameplate) before any
test for the same reason, so ``validate_scale`` refuses with a message that says which rule of the
class table is broken and by how much, instead of computing a meaningless MPE.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from qcity_desktop.errors import InputError
from qcity_desktop.metrology.data import dec, load_table
from qcity_desktop.metrology.units import format_mass, in_e, plain

CLASSES = ("I", "II", "III", "IIII")

_CLASS_ALIASES = {
    "I": "I", "1": "I", "Ⅰ": "I", "特种": "I",
    "II": "II", "2": "II", "Ⅱ": "II", "高": "II",
    "III": "III", "3": "III", "Ⅲ": "III", "中": "III",
    "IIII": "IIII", "4": "IIII", "Ⅳ": "IIII", "普通": "IIII",
}


@dataclass(frozen=True)
class ClassRow:
    """One row of the class table: limits that apply for e within [e_min, e_max]."""

    accuracy_class: str
    e_min: Decimal
    e_max: Decimal | None
    min_e: int
    n_min: int
    n_max: int | None


@dataclass(frozen=True)
class ScaleSpec:
    """A validated scale: everything the MPE and the test plan need. Masses in grams."""

    accuracy_class: str
    max: Decimal
    e: Decimal
    d: Decimal
    min: Decimal
    n: Decimal

    def to_dict(self) -> dict[str, Any]:
        return {
            "class": self.accuracy_class,
            "max_g": plain(self.max),
            "e_g": plain(self.e),
            "d_g": plain(self.d),
            "min_g": plain(self.min),
            "n": plain(self.n),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScaleSpec:
        return validate_scale(
            data["class"], Decimal(data["max_g"]), Decimal(data["e_g"]),
            min_=Decimal(data["min_g"]), d=Decimal(data["d_g"]),
        )


def normalize_class(name: str) -> str:
    """"III", "3", "Ⅲ" → "III"; anything else is refused with the list of valid classes."""
    key = str(name).strip().upper() if str(name).strip().isascii() else str(name).strip()
    if key in _CLASS_ALIASES:
        return _CLASS_ALIASES[key]
    raise InputError(f"未知准确度等级 {name!r} / unknown accuracy class (use I, II, III or IIII)")


def class_rows(accuracy_class: str) -> list[ClassRow]:
    """The table rows of one class, from resources/metrology/accuracy_classes.json."""
    accuracy_class = normalize_class(accuracy_class)
    table = load_table("accuracy_classes")
    rows = []
    for i, row in enumerate(table["classes"][accuracy_class]["rows"]):
        where = f"accuracy_classes.json classes.{accuracy_class}.rows[{i}]"
        rows.append(ClassRow(
            accuracy_class=accuracy_class,
            e_min=dec(row["e_min"], where),
            e_max=None if row["e_max"] is None else dec(row["e_max"], where),
            min_e=int(row["min_e"]),
            n_min=int(row["n_min"]),
            n_max=None if row["n_max"] is None else int(row["n_max"]),
        ))
    return rows


def class_name(accuracy_class: str) -> dict[str, str]:
    """{"zh": "中准确度级", "en": "medium accuracy"} for display."""
    table = load_table("accuracy_classes")
    return dict(table["classes"][normalize_class(accuracy_class)]["name"])


def is_125_form(value: Decimal) -> bool:
    """True for 1, 2 or 5 × 10^k — the only forms e and d may take."""
    if value <= 0:
        return False
    digits = value.normalize().as_tuple().digits
    forms = {int(f) for f in load_table("accuracy_classes")["e_forms"]}
    return len(digits) == 1 and digits[0] in forms


def row_for(accuracy_class: str, e: Decimal) -> ClassRow:
    """The class-table row whose e range contains ``e``; a gap (e.g. class III, e = 3 g) is an error."""
    rows = class_rows(accuracy_class)
    for row in rows:
        if e >= row.e_min and (row.e_max is None or e <= row.e_max):
            return row
    ranges = "; ".join(
        f"{format_mass(r.e_min)} ≤ e" + (f" ≤ {format_mass(r.e_max)}" if r.e_max is not None else "") for r in rows
    )
    raise InputError(
        f"{accuracy_class} 级秤的 e = {format_mass(e)} 不在允许范围 ({ranges}) / "
        f"e = {format_mass(e)} is outside the range allowed for class {accuracy_class}"
    )


def validate_scale(
    accuracy_class: str,
    max_: Decimal,
    e: Decimal,
    *,
    min_: Decimal | None = None,
    d: Decimal | None = None,
) -> ScaleSpec:
    """Check (class, Max, e[, Min, d]) against the class table and return the validated scale.

    Min defaults to the class's lower limit (e.g. 20 e for class III) when the nameplate gives
    none; a declared Min below that limit is refused. d defaults to e (no auxiliary indicating
    device) and must not exceed it.
    """
    accuracy_class = normalize_class(accuracy_class)
    if e <= 0:
        raise InputError("检定分度值 e 必须大于 0 / e must be greater than 0")
    if max_ <= 0:
        raise InputError("最大秤量 Max 必须大于 0 / Max must be greater than 0")
    if not is_125_form(e):
        raise InputError(f"e = {format_mass(e)} 不是 1、2 或 5 × 10^k 的形式 / e must be 1, 2 or 5 × 10^k")
    d = e if d is None else d
    if d <= 0 or not is_125_form(d):
        raise InputError(f"实际分度值 d = {format_mass(d)} 不是 1、2 或 5 × 10^k 的形式 / d must be 1, 2 or 5 × 10^k")
    if d > e:
        raise InputError(f"d = {format_mass(d)} 大于 e = {format_mass(e)} / d must not exceed e")
    row = row_for(accuracy_class, e)
    n = in_e(max_, e)
    if n != n.to_integral_value():
        raise InputError(f"Max = {format_mass(max_)} 不是 e = {format_mass(e)} 的整数倍 / Max must be a whole number of e")
    if n < row.n_min or (row.n_max is not None and n > row.n_max):
        upper = "∞" if row.n_max is None else str(row.n_max)
        raise InputError(
            f"{accuracy_class} 级秤 (e = {format_mass(e)}) 的检定分度数 n = Max/e = {plain(n)} 超出 {row.n_min}–{upper} / "
            f"n = Max/e = {plain(n)} is outside {row.n_min}–{upper} for class {accuracy_class} with this e"
        )
    lower_min = e * row.min_e
    if min_ is None:
        min_ = lower_min
    elif min_ < lower_min:
        raise InputError(
            f"最小秤量 Min = {format_mass(min_)} 小于 {accuracy_class} 级的下限 {row.min_e} e = {format_mass(lower_min)} / "
            f"Min is below the class lower limit of {row.min_e} e"
        )
    elif min_ >= max_:
        raise InputError(f"最小秤量 Min = {format_mass(min_)} 不小于 Max / Min must be below Max")
    return ScaleSpec(accuracy_class=accuracy_class, max=max_, e=e, d=d, min=min_, n=n)
