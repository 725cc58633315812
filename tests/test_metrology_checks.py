"""Change-point errors, the anti-cheat fit, price computation and the retail re-weigh check."""

from __future__ import annotations

import random
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qcity_desktop.errors import InputError, StateError
from qcity_desktop.metrology import anticheat
from qcity_desktop.metrology.changepoint import error_before_rounding
from qcity_desktop.metrology.classes import validate_scale
from qcity_desktop.metrology.price import amount, check_price
from qcity_desktop.metrology.retail import negative_deviation, reweigh_check, scale_suitability


# -- change-point method (hand-computed) ------------------------------------------------------
def test_change_point_example_of_the_reference() -> None:
    # e = 5 g, L = 2000 g, I = 2000 g, change after 1.5 g: P = 2000 + 2.5 − 1.5 = 2001, E = +1 g
    r = error_before_rounding(D(2000), D(2000), D("1.5"), D(5))
    assert (r.p, r.error, r.corrected, r.method) == (D(2001), D(1), None, "change_point")


def test_weighbridge_exam_example() -> None:
    # 30 t, e = d = 10 kg, at 20 t, display steps to 20 010 kg after 9 kg: E = 20000 + 5 − 9 − 20000 = −4 kg
    r = error_before_rounding(D(20_000_000), D(20_000_000), D(9000), D(10_000))
    assert r.error == D(-4000)


def test_zero_error_is_subtracted() -> None:
    # E0 found at 10 e: L = 50 g, I = 50 g, change after 3.5 g → E0 = −1 g; at 2.5 kg, I = 2505, ΔL = 0.5
    e0 = error_before_rounding(D(50), D(50), D("3.5"), D(5)).error
    assert e0 == D(-1)
    r = error_before_rounding(D(2500), D(2505), D("0.5"), D(5), zero_error=e0)
    assert (r.p, r.error, r.corrected, r.final_error) == (D(2507), D(7), D(8), D(8))


def test_without_small_weights_the_plain_indication_error_is_kept() -> None:
    r = error_before_rounding(D(1000), D(995), None, D(5))
    assert (r.error, r.method) == (D(-5), "indication")


@pytest.mark.parametrize("added", [D("-0.5"), D("5.5")])
def test_small_weights_outside_0_to_d_are_refused(added: D) -> None:
    with pytest.raises(InputError, match="ΔL"):
        error_before_rounding(D(1000), D(1000), added, D(5))


# -- anti-cheat fit --------------------------------------------------------------------------
def _shown(load: D, factor: D, e: D = D(5)) -> D:
    """What a scale rounding to e shows for a true load scaled by a cheat factor."""
    return (load * factor / e).quantize(D(1)) * e


def test_a_plus_5_percent_cheat_above_1kg_is_fitted_within_tolerance() -> None:
    loads = [D(g) for g in (100, 500, 1000, 1500, 2500, 5000, 7500, 10000, 15000)]
    points = [(L, _shown(L, D("1.05") if L > 1000 else D(1)) - L) for L in loads]
    fit = anticheat.fit_load_error(points)
    assert abs(fit.percent - 5) <= D("0.05")
    assert (fit.below_load, fit.threshold_load) == (D(1000), D(1500))
    finding = anticheat.proportional_finding(fit, D(15000), D(15))
    assert finding is not None and finding.severity == "cheat"
    assert "+5.00 %" in finding.zh and "1 kg" in finding.zh and "1.5 kg" in finding.zh


def test_a_whole_range_10_percent_cheat_has_no_threshold() -> None:
    loads = [D(g) for g in (100, 1500, 5000, 10000, 15000)]
    fit = anticheat.fit_load_error([(L, _shown(L, D("1.10")) - L) for L in loads])
    assert fit.threshold_load is None and abs(fit.percent - 10) <= D("0.05")


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(min_value=-3, max_value=3), min_size=5, max_size=5), st.integers(0, 2**32))
def test_honest_errors_within_the_mpe_never_look_like_a_cheat_chip(halves: list[int], seed: int) -> None:
    # a 15 kg / 5 g scale with errors of at most ±1.5 e at each point, in any pattern
    loads = [D(100), D(2500), D(7500), D(10000), D(15000)]
    random.Random(seed).shuffle(loads)
    points = [(L, D(h) * D("2.5")) for L, h in zip(loads, halves, strict=True)]
    fit = anticheat.fit_load_error(points)
    assert anticheat.proportional_finding(fit, D(15000), D(15)) is None


def test_fit_needs_three_distinct_loads() -> None:
    with pytest.raises(InputError, match="3"):
        anticheat.fit_load_error([(D(1000), D(50)), (D(1000), D(55)), (D(2000), D(100))])


def test_jumps_only_count_at_an_unchanged_load() -> None:
    readings = [("重启后", D(5000), D(5000)), ("M1", D(5000), D(5000)), ("M2", D(5000), D(5500)),
                ("other", D(7500), D(7500))]
    jumps = anticheat.find_jumps(readings, D(5))
    assert [(j.before_label, j.after_label, j.delta) for j in jumps] == [("M1", "M2", D(500))]


def test_display_mismatch_is_a_finding() -> None:
    assert anticheat.display_finding("x", D(2000), D(2000)) is None
    f = anticheat.display_finding("原状读数", D(2000), D(2200))
    assert f is not None and "2.2 kg" in f.zh and "2 kg" in f.zh


# -- price computation -------------------------------------------------------------------------
@pytest.mark.parametrize(("weight_g", "unit_price", "per", "expected"), [
    ("2500", "0.03", "kg", "0.08"),     # reference: 0.075 → 0.08 (四舍五入)
    ("1250", "0.10", "kg", "0.13"),     # 0.125 → 0.13
    ("740", "18", "kg", "13.32"),
    ("500", "0.01", "kg", "0.01"),      # 0.005 rounds half up
    ("499", "0.01", "kg", "0.00"),
    ("1000", "6.5", "500g", "13.00"),   # priced per 斤
    ("250", "12.8", "100g", "32.00"),
])
def test_amount_is_weight_times_unit_price_rounded_to_the_cent(weight_g: str, unit_price: str, per: str,
                                                               expected: str) -> None:
    assert str(amount(D(weight_g), D(unit_price), per)) == expected


def test_the_x001_unit_price_trick_is_flagged() -> None:
    # ginger 18 CNY/kg keyed as 0.18: 0.74 kg → 0.1332; the scale showed 0.14, read as 14 yuan
    check = check_price(D(740), D("0.18"), D("0.14"))
    codes = {f.code for f in check.findings}
    assert codes == {"unit_price_x001", "price_mismatch"} and not check.passed
    x001 = next(f for f in check.findings if f.code == "unit_price_x001")
    assert "14.00" in x001.zh and "13.32" in x001.zh


def test_a_correct_price_passes_and_a_price_at_no_weight_fails() -> None:
    assert check_price(D(740), D(18), D("13.32")).passed
    check = check_price(D(-20), D(18), D("0.36"))
    assert [f.code for f in check.findings] == ["price_at_no_weight"]


# -- retail re-weigh ---------------------------------------------------------------------------
def test_negative_deviation_bands_edges_and_categories() -> None:
    assert negative_deviation(D(1000), "grain_veg_fruit").deviation == D(20)
    assert negative_deviation(D(1001), "grain_veg_fruit").deviation == D(40)
    assert negative_deviation(D(2500), unit_price_per_kg=D(28)).deviation == D(5)     # meat band by price
    assert negative_deviation(D(2500), unit_price_per_kg=D(6)).category == "grain_veg_fruit"
    assert negative_deviation(D(2500), unit_price_per_kg=D("6.01")).category == "meat_etc"
    assert negative_deviation(D(5000), unit_price_per_kg=D(300)).deviation == D(3)
    assert negative_deviation(D(50), "gold").deviation == D("0.01")


def test_weighings_outside_the_tables_are_not_judged() -> None:
    with pytest.raises(InputError, match="不适用第五条"):
        negative_deviation(D(16000), "meat_etc")
    with pytest.raises(InputError, match="gold|金"):
        negative_deviation(D(120), "gold")


def test_reweigh_verdicts_per_method() -> None:
    assert reweigh_check(D(1000), D(985), unit_price_per_kg=D(4)).passed        # short 15 g ≤ 20 g
    short = reweigh_check(D(1000), D(990), category="meat_etc")                  # short 10 g > 5 g
    assert not short.passed and short.findings[0].code == "short_weight"
    # equal-accuracy re-check allows twice the deviation (configurable, T)
    assert reweigh_check(D(1000), D(992), category="meat_etc", method="equal_accuracy").passed
    with pytest.raises(StateError, match="参考秤"):
        reweigh_check(D(1000), D(995), category="meat_etc", method="higher_accuracy")
    with pytest.raises(StateError, match="1/3"):
        reweigh_check(D(1000), D(999), category="meat_etc", weights_error=D(2))


def test_a_scale_too_coarse_for_the_goods_is_reported() -> None:
    scale = validate_scale("III", D(15000), D(5))
    assert scale_suitability(scale, D(2000), category="meat_etc") is None          # MPE 2.5 g ≤ 5 g
    f = scale_suitability(scale, D(400), category="premium_food")                  # MPE 2.5 g > 1 g
    assert f is not None and f.code == "scale_not_suitable"
