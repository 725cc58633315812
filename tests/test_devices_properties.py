"""Property tests for the decoders: however the OS splits a byte stream, the readings are the same;
and whatever a scale shows, the frame it sends decodes back to exactly that."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qcity_desktop.devices.protocols import decoders
from qcity_desktop.devices.protocols.base import ScaleState

PROTOCOLS = sorted(decoders())


@st.composite
def scale_states(draw, protocol: str):
    emulator = decoders()[protocol].emulator
    decimals = draw(st.integers(1, 3))
    unit = draw(st.sampled_from([u for u in emulator.units if u in ("g", "kg", "t", "mg")]))
    count = draw(st.integers(-9999, 99999))
    value = Decimal(count).scaleb(-decimals)
    tare = Decimal(draw(st.integers(0, 9999))).scaleb(-decimals)
    condition = draw(st.sampled_from(["normal"] * 4 + ["overload"] + (["underload"] if protocol != "cas" else [])))
    return ScaleState(value=value, unit=unit, decimals=decimals, interval=Decimal(1).scaleb(-decimals),
                      stable=draw(st.booleans()), net=draw(st.booleans()), tare=tare,
                      overload=condition == "overload", underload=condition == "underload",
                      unit_price=Decimal("12.50"))


def _frame(protocol: str, state: ScaleState) -> bytes:
    emulator = decoders()[protocol].emulator()
    return emulator.frame(state)


def _key(reading):
    return (reading.value, reading.unit, reading.stable, reading.net, reading.overload, reading.underload,
            reading.tare, reading.raw)


@st.composite
def streams(draw, protocol: str):
    parts = []
    for _ in range(draw(st.integers(1, 12))):
        kind = draw(st.sampled_from(["frame", "frame", "frame", "garbage", "corrupt", "truncated"]))
        frame = _frame(protocol, draw(scale_states(protocol)))
        if kind == "frame":
            parts.append(frame)
        elif kind == "garbage":
            parts.append(draw(st.binary(min_size=1, max_size=40)))
        elif kind == "corrupt":
            at = draw(st.integers(0, len(frame) - 1))
            parts.append(frame[:at] + bytes([frame[at] ^ draw(st.integers(1, 255))]) + frame[at + 1:])
        else:
            parts.append(frame[:draw(st.integers(1, len(frame) - 1))])
    return b"".join(parts)


def _check_splits(protocol, data, cuts):
    whole = decoders()[protocol]()
    expected = [_key(r) for r in whole.feed(data)]
    split = decoders()[protocol]()
    got = []
    points = sorted({c % (len(data) + 1) for c in cuts})
    start = 0
    for point in [*points, len(data)]:
        got += [_key(r) for r in split.feed(data[start:point])]
        start = point
    assert got == expected


FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _split_property(protocol):
    @FAST
    @given(data=streams(protocol), cuts=st.lists(st.integers(0, 10_000), max_size=30))
    def prop(data, cuts):
        _check_splits(protocol, data, cuts)
    return prop


def _roundtrip_property(protocol):
    @FAST
    @given(state=scale_states(protocol))
    def prop(state):
        frame = _frame(protocol, state)
        readings = decoders()[protocol]().feed(frame + frame)
        assert readings, frame
        reading = readings[0]
        assert reading.raw in frame + frame
        if state.overload or state.underload:
            assert reading.value is None
            assert (reading.overload, reading.underload) == (state.overload, state.underload)
            return
        assert reading.value == state.value and str(reading.value) == str(abs(state.value) if not state.value else state.value)
        assert reading.unit == state.unit
        assert reading.stable == state.stable
        assert not reading.overload and not reading.underload
        if protocol in ("toledo", "ad", "aclas"):
            assert reading.net == state.net
    return prop


for _name in PROTOCOLS:
    _slug = _name.replace("-", "_")
    globals()[f"test_random_splits_decode_the_same_{_slug}"] = _split_property(_name)
    globals()[f"test_frame_roundtrip_{_slug}"] = _roundtrip_property(_name)
