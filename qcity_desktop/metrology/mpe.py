"""Maximum permissible errors (MPE) by accuracy class, load band and verification stage.

The MPE is a step function of the load expressed in e (R76-1 Table 6): ±0.5 e, ±1.0 e, ±1.5 e over
class-specific bands, doubled in service. A load exactly on a band edge (e.g. 500 e for class III)
belongs to the lower band ("0 ≤ m ≤ 500 e"), which is the case the wizard hits most often, because
the test loads are chosen at the edges.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from qcity_desktop.errors import InputError
from qcity_desktop.metrology.classes import normalize_class
from qcity_desktop.metrology.data import dec, load_table
from qcity_desktop.metrology.units import format_mass, in_e, plain

STAGES = ("initial", "subsequent", "in_service")

_STAGE_ALIASES = {
    "initial": "initial", "首次": "initial", "首次检定": "initial",
    "subsequent": "subsequent", "后续": "subsequent", "后续检定": "subsequent", "随后检定": "subsequent",
    "in_service": "in_service", "in-service": "in_service", "inservice": "in_service",
    "使用中": "in_service", "使用中检查": "in_service", "使用中检验": "in_service",
}


@dataclass(frozen=True)
class Band:
    """Loads with lower_e < m ≤ upper_e (the first band includes 0) have MPE ±mpe_e (verification)."""

    lower_e: Decimal
    upper_e: Decimal | None
    mpe_e: Decimal


@dataclass(frozen=True)
class MpeResult:
    """The MPE at one load, with what it was derived from (shown next to every test point)."""

    accuracy_class: str
    stage: str
    e: Decimal
    load: Decimal
    load_e: Decimal
    band: Band
    factor: Decimal
    mpe_e: Decimal
    mpe: Decimal

    @property
    def lower(self) -> Decimal:
        return -self.mpe

    @property
    def upper(self) -> Decimal:
        return self.mpe

    def contains(self, error: Decimal) -> bool:
        """True when the error is inside the symmetric band (edges included)."""
        return -self.mpe <= error <= self.mpe

    def to_dict(self) -> dict[str, Any]:
        return {
            "class": self.accuracy_class,
            "stage": self.stage,
            "stage_zh": stage_name(self.stage)["zh"],
            "e_g": plain(self.e),
            "load_g": plain(self.load),
            "load_e": plain(self.load_e),
            "band_e": [plain(self.band.lower_e), None if self.band.upper_e is None else plain(self.band.upper_e)],
            "factor": plain(self.factor),
            "mpe_e": plain(self.mpe_e),
            "mpe_g": plain(self.mpe),
        }

    def describe(self) -> str:
        return (
            f"MPE = ±{format_mass(self.mpe)} (±{plain(self.mpe_e)} e, {stage_name(self.stage)['zh']} "
            f"{stage_name(self.stage)['en']}) at {format_mass(self.load)} = {plain(self.load_e)} e, "
            f"class {self.accuracy_class}, e = {format_mass(self.e)}"
        )


def normalize_stage(stage: str) -> str:
    key = str(stage).strip().lower()
    if key in _STAGE_ALIASES:
        return _STAGE_ALIASES[key]
    raise InputError(f"未知检定类别 {stage!r} / unknown stage (use initial, subsequent or in_service)")


def stage_name(stage: str) -> dict[str, str]:
    info = load_table("mpe_bands")["stages"][normalize_stage(stage)]
    return {"zh": info["zh"], "en": info["en"]}


def stage_factor(stage: str) -> Decimal:
    """1 for verification, 2 in service (per the data file, where it is configurable)."""
    stage = normalize_stage(stage)
    return dec(load_table("mpe_bands")["stages"][stage]["factor"], f"mpe_bands.json stages.{stage}.factor")


def bands(accuracy_class: str) -> list[Band]:
    """The verification MPE bands of a class, lowest first."""
    accuracy_class = normalize_class(accuracy_class)
    rows = load_table("mpe_bands")["bands"][accuracy_class]
    result: list[Band] = []
    lower = Decimal(0)
    for i, row in enumerate(rows):
        where = f"mpe_bands.json bands.{accuracy_class}[{i}]"
        upper = None if row["upper_e"] is None else dec(row["upper_e"], where)
        result.append(Band(lower_e=lower, upper_e=upper, mpe_e=dec(row["mpe_e"], where)))
        if upper is None:
            break
        lower = upper
    return result


def band_edges_e(accuracy_class: str) -> list[Decimal]:
    """Inner band change-over points in e (class III: 500, 2000) — natural test loads."""
    return [b.upper_e for b in bands(accuracy_class)[:-1] if b.upper_e is not None]


def mpe(accuracy_class: str, e: Decimal, load: Decimal, stage: str = "initial") -> MpeResult:
    """The MPE at ``load`` (grams) for a scale of this class and e, at this verification stage."""
    accuracy_class = normalize_class(accuracy_class)
    stage = normalize_stage(stage)
    if e <= 0:
        raise InputError("e 必须大于 0 / e must be greater than 0")
    if load < 0:
        raise InputError(f"载荷不能为负 / load must not be negative: {format_mass(load)}")
    m = in_e(load, e)
    for band in bands(accuracy_class):
        if band.upper_e is None or m <= band.upper_e:
            factor = stage_factor(stage)
            mpe_e = band.mpe_e * factor
            return MpeResult(
                accuracy_class=accuracy_class, stage=stage, e=e, load=load, load_e=m, band=band,
                factor=factor, mpe_e=mpe_e, mpe=mpe_e * e,
            )
    top = bands(accuracy_class)[-1].upper_e
    raise InputError(
        f"载荷 {format_mass(load)} = {plain(m)} e 超出 {accuracy_class} 级的 MPE 表 (≤ {plain(top or 0)} e) / "
        f"load is beyond the class {accuracy_class} MPE table"
    )
