"""MPE bands, class limits and mass units: the numbers every verdict rests on."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qcity_desktop.errors import InputError
from qcity_desktop.metrology.classes import validate_scale
from qcity_desktop.metrology.mpe import mpe
from qcity_desktop.metrology.units import format_mass, parse_mass

# R76-1 Table 6 written out here by hand, independent of resources/metrology/mpe_bands.json:
# (upper edge of the band in e, MPE in e on verification); None = no upper edge.
TABLE = {
    "I": [(50000, "0.5"), (200000, "1.0"), (None, "1.5")],
    "II": [(5000, "0.5"), (20000, "1.0"), (100000, "1.5")],
    "III": [(500, "0.5"), (2000, "1.0"), (10000, "1.5")],
    "IIII": [(50, "0.5"), (200, "1.0"), (1000, "1.5")],
}
TOP = {"I": 10**6, "II": 100000, "III": 10000, "IIII": 1000}

es = st.sampled_from([D(m) * D(10) ** k for m in (1, 2, 5) for k in range(-3, 4)])
classes = st.sampled_from(sorted(TABLE))
stages = st.sampled_from(["initial", "subsequent", "in_service"])


def load_in_e(draw_class: str) -> st.SearchStrategy[D]:
    return st.decimals(min_value=0, max_value=TOP[draw_class], places=2, allow_nan=False, allow_infinity=False)


@st.composite
def class_e_loads(draw: st.DrawFn, n: int = 1) -> tuple[str, D, list[D]]:
    cls = draw(classes)
    e = draw(es)
    return cls, e, [draw(load_in_e(cls)) * e for _ in range(n)]


@settings(max_examples=300, deadline=None)
@given(class_e_loads(n=2), stages)
def test_mpe_never_decreases_as_the_load_grows(case: tuple[str, D, list[D]], stage: str) -> None:
    cls, e, (a, b) = case
    lo, hi = sorted((a, b))
    assert mpe(cls, e, lo, stage).mpe <= mpe(cls, e, hi, stage).mpe


@settings(max_examples=300, deadline=None)
@given(class_e_loads(), st.decimals(min_value=-100, max_value=100, places=3, allow_nan=False, allow_infinity=False))
def test_mpe_band_is_symmetric_about_zero(case: tuple[str, D, list[D]], error_e: D) -> None:
    cls, e, (load,) = case
    band = mpe(cls, e, load)
    assert band.lower == -band.upper and band.upper > 0
    error = error_e * e
    assert band.contains(error) == band.contains(-error)


@settings(max_examples=300, deadline=None)
@given(class_e_loads())
def test_in_service_mpe_is_twice_the_verification_mpe(case: tuple[str, D, list[D]]) -> None:
    cls, e, (load,) = case
    initial = mpe(cls, e, load, "initial").mpe
    assert mpe(cls, e, load, "subsequent").mpe == initial
    assert mpe(cls, e, load, "in_service").mpe == 2 * initial


@settings(max_examples=200, deadline=None)
@given(classes, es, st.data())
def test_band_edges_are_exactly_as_in_the_table(cls: str, e: D, data: st.DataObject) -> None:
    lower = D(0)
    for upper, mpe_e in TABLE[cls]:
        # inside the band, at its upper edge (which belongs to it), and just above its lower edge
        inside = data.draw(st.decimals(min_value=lower + D("0.1") if lower else 0,
                                       max_value=upper if upper else lower + 10**6, places=1,
                                       allow_nan=False, allow_infinity=False))
        points = [inside] + ([D(upper)] if upper else []) + ([lower + D("0.001")] if lower else [D(0)])
        for m in points:
            assert mpe(cls, e, m * e).mpe == D(mpe_e) * e, (cls, e, m)
        if upper is None:
            break
        lower = D(upper)


def test_worked_examples_from_the_reference() -> None:
    # metrology.md §1.2: 15 kg / 5 g: 0–2.5 kg ±2.5 g; 2.5–10 kg ±5 g; 10–15 kg ±7.5 g; in service doubled
    assert [mpe("III", D(5), D(g)).mpe for g in (100, 2500, 2505, 10000, 10005, 15000)] == [
        D("2.5"), D("2.5"), D(5), D(5), D("7.5"), D("7.5")]
    assert [mpe("III", D(10), D(g), "in_service").mpe for g in (5000, 20000, 30000)] == [D(10), D(20), D(30)]
    assert mpe("III", D(5), D(2600)).mpe == D(5)


def test_loads_beyond_the_class_table_and_negative_loads_are_refused() -> None:
    with pytest.raises(InputError, match="10000 e"):
        mpe("III", D(5), D(50005))
    with pytest.raises(InputError, match="负|negative"):
        mpe("III", D(5), D(-1))


@pytest.mark.parametrize(("cls", "max_", "e", "message"), [
    ("III", "6kg", "3g", "1、2 或 5"),                 # e not of 1/2/5 form
    ("III", "100kg", "5g", "n = Max/e = 20000"),     # n above 10 000
    ("III", "1kg", "5g", "n = Max/e = 200"),         # e ≥ 5 g needs n ≥ 500
    ("IIII", "30kg", "1g", "e = 1 g"),               # class IIII needs e ≥ 5 g
    ("II", "200g", "0.1g", "n = Max/e = 2000"),      # e ≥ 0.1 g needs n ≥ 5000
    ("III", "15.002kg", "5g", "整数倍"),             # Max not a whole number of e
])
def test_inconsistent_nameplates_are_refused_with_the_broken_rule(cls: str, max_: str, e: str, message: str) -> None:
    with pytest.raises(InputError) as err:
        validate_scale(cls, parse_mass(max_), parse_mass(e))
    text = str(err.value)
    assert "\n" not in text and message in text


def test_valid_scale_gets_n_and_the_class_minimum() -> None:
    scale = validate_scale("III", D(15000), D(5))
    assert (scale.n, scale.min, scale.d) == (D(3000), D(100), D(5))
    assert validate_scale("IIII", D(50000), D(50)).min == D(500)  # 10 e
    with pytest.raises(InputError, match="Min"):
        validate_scale("III", D(15000), D(5), min_=D(50))


@pytest.mark.parametrize(("text", "grams"), [
    ("5g", "5"), ("2.6kg", "2600"), ("1.5 t", "1500000"), ("300mg", "0.3"), ("5 克", "5"), ("2 公斤", "2000"),
    (" 0.5 千克 ", "500"), ("-0.5g", "-0.5"), (".5kg", "500"),
])
def test_masses_parse_to_exact_grams(text: str, grams: str) -> None:
    assert parse_mass(text, allow_negative=True) == D(grams)


@pytest.mark.parametrize("text", ["2000", "5 lb", "2,6kg", "1e3g", "kg", "", "5 kg kg"])
def test_unreadable_masses_give_one_line_errors_naming_the_input(text: str) -> None:
    with pytest.raises(InputError) as err:
        parse_mass(text, what="--load")
    assert str(err.value).startswith("--load:") and "\n" not in str(err.value)


def test_negative_masses_only_where_allowed() -> None:
    with pytest.raises(InputError, match="负"):
        parse_mass("-5g", what="--load")


def test_masses_format_without_float_noise() -> None:
    assert format_mass(D(2600)) == "2.6 kg"
    assert format_mass(D("0.3")) == "300 mg"
    assert format_mass(D(1), signed=True) == "+1 g"
    assert format_mass(D("-4000"), "kg") == "-4 kg"
    assert format_mass(D("1500000")) == "1.5 t"
