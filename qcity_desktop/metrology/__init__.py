"""The metrology engine: MPE, change-point errors, guided test plans, anti-cheat analysis, price and
re-weigh checks for market scales (JJG 539 / OIML R76). Qt-free; the wizard in ui/ drives it.

Import the pieces from their modules; the most used names are re-exported here for the wizard.
"""

from qcity_desktop.metrology.changepoint import ChangePointResult, error_before_rounding
from qcity_desktop.metrology.classes import ScaleSpec, validate_scale
from qcity_desktop.metrology.findings import Finding
from qcity_desktop.metrology.mpe import MpeResult, mpe
from qcity_desktop.metrology.procedures import ScaleTestPlan, Step
from qcity_desktop.metrology.session import ScaleTestSession, Verdict
from qcity_desktop.metrology.traceability import ReferenceInstrument
from qcity_desktop.metrology.units import format_mass, parse_mass

__all__ = [
    "ChangePointResult", "Finding", "MpeResult", "ReferenceInstrument", "ScaleSpec", "ScaleTestPlan",
    "ScaleTestSession", "Step", "Verdict", "error_before_rounding", "format_mass", "mpe", "parse_mass",
    "validate_scale",
]
