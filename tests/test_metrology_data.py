"""The metrology tables are data with their sources, and a bureau can replace them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal as D
from pathlib import Path

import pytest

from qcity_desktop.errors import EnvironmentProblem
from qcity_desktop.metrology import anticheat, data
from qcity_desktop.metrology.mpe import mpe


@pytest.fixture(autouse=True)
def _fresh_tables() -> Iterator[None]:
    data.clear_cache()
    yield
    data.clear_cache()


@pytest.mark.parametrize("name", data.TABLES)
def test_every_table_cites_sources_and_lists_its_unverified_values(name: str) -> None:
    table = data.load_table(name)
    assert table["sources"] and table["title"]["zh"] and table["confidence"] in ("S", "T", "?")
    for entry in table["configurable"]:
        assert {"path", "value", "confidence", "source", "note"} <= set(entry), entry
        assert entry["confidence"] in ("S", "T", "?")
    if table["confidence"] != "S":
        assert table["configurable"], f"{name}: a T/? table must say which values are configurable"


def test_a_bureau_override_folder_replaces_a_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    points = [(D(g), D(g) * D("0.03")) for g in (1000, 5000, 10000)]
    fit = anticheat.fit_load_error(points)
    assert anticheat.proportional_finding(fit, D(10000), D(10)) is not None     # 3 % ≥ 1 % default
    thresholds = json.loads((data.PACKAGED_DIR / "thresholds.json").read_text(encoding="utf-8"))
    thresholds["anticheat"]["proportional_threshold_percent"] = "5"
    (tmp_path / "thresholds.json").write_text(json.dumps(thresholds), encoding="utf-8")
    monkeypatch.setenv("QCITY_METROLOGY_DIR", str(tmp_path))
    data.clear_cache()
    assert anticheat.proportional_finding(fit, D(10000), D(10)) is None
    assert mpe("III", D(5), D(2600)).mpe == D(5)                                # other tables still packaged


def test_a_broken_table_is_an_environment_problem_naming_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "mpe_bands.json").write_text("{broken", encoding="utf-8")
    monkeypatch.setenv("QCITY_METROLOGY_DIR", str(tmp_path))
    data.clear_cache()
    with pytest.raises(EnvironmentProblem, match="mpe_bands.json"):
        mpe("III", D(5), D(2600))
