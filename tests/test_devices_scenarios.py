"""The virtual scale's behaviours, which the anti-cheat analysis and the wizard are tested against:
each scenario must show what a real scale of that kind would show."""

from __future__ import annotations

from decimal import Decimal

import pytest

from qcity_desktop.devices.scenarios import SCENARIOS, ScaleModel
from qcity_desktop.errors import InputError

D = Decimal


def settled(model: ScaleModel, grams: str, at: float = 10.0):
    model.place(D(grams), now=at)
    return model.state(at + 5)


def test_accurate_rounds_to_e_and_settles():
    model = ScaleModel(start=0)
    model.place(D("1233"), now=1.0)
    moving = model.state(1.1)
    assert not moving.stable and moving.value < D("1.235")
    still = model.state(2.0)
    assert (still.value, still.stable, still.unit) == (D("1.235"), True, "kg")


def test_offset_is_constant():
    model = ScaleModel("offset", start=0)
    assert settled(model, "0").value == D("0.010")
    assert settled(model, "5000", 20).value == D("5.010")


def test_cheat_is_proportional_above_the_threshold_only():
    model = ScaleModel("cheat", cheat_percent=D(10), cheat_threshold_g=D(1000), start=0)
    assert settled(model, "995").value == D("0.995")
    assert settled(model, "1000", 20).value == D("1.100")
    assert settled(model, "5000", 30).value == D("5.500")


def test_noise_flickers_one_d_and_is_only_stable_when_still():
    model = ScaleModel("noise", start=0)
    model.place(D(2000), now=0)
    assert not model.state(1.0).stable  # 1.2 s settling
    states = [model.state(2.0 + i / 10) for i in range(200)]
    values = {s.value for s in states}
    assert values == {D("1.995"), D("2.000"), D("2.005")}
    assert all(s.value == D("2.000") for s in states if s.stable)
    assert 0 < sum(s.stable for s in states) < len(states)


def test_drift_grows_with_time_and_zeroing_takes_it_out():
    model = ScaleModel("drift", start=0)
    assert model.state(0).value == D("0.000")
    assert model.state(60).value == D("0.060")  # 12 e a minute
    assert model.zero(now=60)
    assert model.state(60).value == D("0.000")


def test_overload_scenario_starts_overloaded_and_recovers_when_emptied():
    model = ScaleModel("overload", start=0)
    assert model.state(1).overload
    model.remove(now=1)
    assert not model.state(5).overload and model.state(5).value == D("0.000")


def test_tare_net_and_negative():
    model = ScaleModel(start=0)
    model.place(D(300), now=0)
    assert not model.tare(now=0.1)  # refused while moving
    assert model.tare(now=1)
    assert (model.state(1).value, model.state(1).net) == (D("0.000"), True)
    model.remove(now=2)
    assert model.state(3).value == D("-0.300")


def test_underload_when_far_below_zero():
    model = ScaleModel("offset", offset_g=D(-200), start=0)
    assert model.state(1).underload


def test_grams_display_and_unknown_scenario():
    model = ScaleModel(unit="g", e_g=D("0.1"), start=0)
    assert settled(model, "12.34").value == D("12.3")
    assert "disconnect" in SCENARIOS
    with pytest.raises(InputError, match="unknown scenario"):
        ScaleModel("tilted")
