"""Loading the metrology tables from resources/metrology/*.json.

The tables (class limits, MPE bands, negative deviations, thresholds) are data with their sources,
not code, because the regulations change (JJG 539-2016 → JJG 1204-2025) and several values are
only third-party facts that a bureau must be able to correct without a release. A bureau can
point ``QCITY_METROLOGY_DIR`` at a folder holding its own copy of any of these files; a file found
there replaces the packaged one of the same name.
"""

from __future__ import annotations

import json
import os
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any

from qcity_desktop.errors import EnvironmentProblem

PACKAGED_DIR = Path(__file__).resolve().parents[2] / "resources" / "metrology"
TABLES = ("accuracy_classes", "mpe_bands", "negative_deviations", "thresholds", "checklist_map")


def table_path(name: str) -> Path:
    """Where table ``name`` is read from: the override folder if it has the file, else the package."""
    override = os.environ.get("QCITY_METROLOGY_DIR")
    if override:
        candidate = Path(override) / f"{name}.json"
        if candidate.is_file():
            return candidate
    return PACKAGED_DIR / f"{name}.json"


def load_table(name: str) -> dict[str, Any]:
    """The parsed JSON of one table; a missing or broken file is an environment problem, named."""
    return _load(str(table_path(name)))


@lru_cache(maxsize=16)
def _load(path: str) -> dict[str, Any]:
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except FileNotFoundError as err:
        raise EnvironmentProblem(f"计量数据文件缺失 / metrology table missing: {path}") from err
    except (OSError, json.JSONDecodeError) as err:
        raise EnvironmentProblem(f"计量数据文件无法读取 / metrology table unreadable: {path}: {err}") from err
    if not isinstance(data, dict) or "sources" not in data or "configurable" not in data:
        raise EnvironmentProblem(f"计量数据文件缺少 sources/configurable / metrology table lacks sources: {path}")
    return data


def clear_cache() -> None:
    """Forget loaded tables (tests and a settings change that switches the override folder)."""
    _load.cache_clear()


def dec(value: Any, where: str) -> Decimal:
    """A table value as Decimal; a bad value names the file field so the data can be fixed."""
    try:
        result = Decimal(str(value))
    except InvalidOperation as err:
        raise EnvironmentProblem(f"计量数据值无效 / bad number {value!r} at {where}") from err
    if not result.is_finite():
        raise EnvironmentProblem(f"计量数据值无效 / bad number {value!r} at {where}")
    return result


def frac(value: Any, where: str) -> Fraction:
    """A table fraction ("1/3", "0.5", 2) as an exact Fraction, so ⅓ MPE is compared exactly."""
    try:
        return Fraction(str(value))
    except (ValueError, ZeroDivisionError) as err:
        raise EnvironmentProblem(f"计量数据值无效 / bad fraction {value!r} at {where}") from err


def thresholds() -> dict[str, Any]:
    """The thresholds table (procedure parameters, anti-cheat and price settings)."""
    return load_table("thresholds")
