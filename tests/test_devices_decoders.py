"""Scale decoders against recorded frames (tests/data/frames) and the rules an inspector relies on:
negative is negative, overload is never a weight, units and net/gross come from the frame."""

from __future__ import annotations

import json
import sys
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from qcity_desktop.devices import protocols
from qcity_desktop.devices.errors import UnknownProtocol
from qcity_desktop.devices.protocols import decoders, get_decoder
from qcity_desktop.devices.protocols.base import ACK, DC1, ENQ
from qcity_desktop.devices.reading import PortSettings
from qcity_desktop.devices.units import parse_grams, parse_mass, to_grams
from qcity_desktop.errors import InputError

FRAMES = Path(__file__).parent / "data" / "frames"


def _cases():
    for path in sorted(FRAMES.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for case in data["cases"]:
            yield pytest.param(data["protocol"], case, id=f"{data['protocol']}: {case['name']}")


def _summary(reading, keys):
    out = {"value": None if reading.value is None else str(reading.value), "unit": reading.unit,
           "stable": reading.stable, "net": reading.net, "overload": reading.overload, "underload": reading.underload}
    if "tare" in keys:
        out["tare"] = None if reading.tare is None else str(reading.tare)
    if "extra" in keys:
        out["extra"] = {k: str(v) if isinstance(v, Decimal) else v for k, v in (reading.extra or {}).items()}
    return out


def test_every_protocol_has_recorded_frames():
    assert {p.stem for p in FRAMES.glob("*.json")} == set(decoders())


@pytest.mark.parametrize("protocol, case", list(_cases()))
def test_recorded_frames_decode_as_the_manual_says(protocol, case):
    decoder = get_decoder(protocol)(port="/dev/ttyTEST")
    got = []
    for chunk in case["chunks"]:
        got += decoder.feed(bytes.fromhex(chunk))
    assert [_summary(r, e) for r, e in zip(got, case["expect"], strict=False)] == case["expect"]
    assert len(got) == len(case["expect"])
    assert decoder.stats.bad_frames >= case["bad_frames_at_least"]
    for reading in got:  # evidence: the frame's own bytes, when, who decoded it, at which settings
        assert reading.raw and bytes.fromhex("".join(case["chunks"])).translate(bytes(range(128)) * 2).find(
            reading.raw.translate(bytes(range(128)) * 2)) >= 0
        assert reading.protocol == protocol and reading.port == "/dev/ttyTEST"
        assert reading.settings == decoder.default_settings
        assert reading.time.tzinfo is not None


def test_every_decoder_declares_port_settings_and_a_source():
    for name, cls in decoders().items():
        assert isinstance(cls.default_settings, PortSettings)
        assert cls.source and "metrology.md" in cls.source, name
        assert cls.emulator is not None, f"{name} has no simulator side"


def test_unknown_protocol_is_one_line_naming_the_known_ones():
    with pytest.raises(UnknownProtocol) as err:
        get_decoder("dahua")
    message = str(err.value)
    assert "\n" not in message and "dahua" in message and "toledo" in message and "mt-sics" in message


def test_adding_a_decoder_is_one_new_module(tmp_path, monkeypatch):
    (tmp_path / "demo_proto.py").write_text(textwrap.dedent('''
        from decimal import Decimal
        from qcity_desktop.devices.protocols.base import Decoder
        class DemoDecoder(Decoder):
            name = "demo"
            source = "metrology.md (test)"
            def _parse(self, out):
                while b"\\n" in self._buf:
                    line, _, rest = bytes(self._buf).partition(b"\\n")
                    self._buf[:] = rest
                    self.stats.frames += 1
                    out.append(self._reading(Decimal(line.decode()), "g", True, None, line))
    '''))
    monkeypatch.setattr(protocols, "__path__", [*protocols.__path__, str(tmp_path)])
    monkeypatch.setattr(protocols, "_REGISTRY", None)
    try:
        assert get_decoder("demo")().feed(b"12.5\n")[0].value == Decimal("12.5")
        assert "demo" in protocols.protocol_names()
    finally:
        sys.modules.pop("qcity_desktop.devices.protocols.demo_proto", None)
        protocols._REGISTRY = None


def test_garbage_is_bounded_and_yields_nothing():
    import random

    junk = random.Random(5).randbytes(200_000).replace(b"\n", b"x").replace(b"\r", b"x")
    for name, cls in decoders().items():
        decoder = cls()
        readings = []
        for i in range(0, len(junk), 4096):
            readings += decoder.feed(junk[i:i + 4096])
        assert readings == [], name
        assert len(decoder._buf) <= max(4 * cls.max_frame, 256), name
        assert not decoder.signature(), name


def test_cas_answers_ack_with_dc1_and_polls_with_enq():
    decoder = get_decoder("cas")()
    assert decoder.poll(100.0) == bytes([ENQ])
    assert decoder.poll(100.05) == b""  # no second request while one is outstanding
    decoder.feed(bytes([ACK]))
    assert decoder.take_output() == bytes([DC1])


def test_mt_sics_falls_back_to_polling_si_when_sir_is_refused():
    decoder = get_decoder("mt-sics")()
    assert decoder.start_bytes() == b"SIR\r\n"
    assert decoder.poll(10.0) == b""
    decoder.feed(b"ES\r\n")
    assert decoder.poll(11.0) == b"SI\r\n"
    assert "syntax error (ES)" in decoder.stats.device_messages


def test_toledo_all_decimal_point_codes():
    from qcity_desktop.devices.protocols.toledo import checksum

    expected = ["12300", "1230", "123", "12.3", "1.23", "0.123", "0.0123", "0.00123"]
    for code, want in enumerate(expected):
        body = bytes([0x02, 0x28 | code, 0x30, 0x20]) + b"   123" + b"\r"
        reading = get_decoder("toledo")().feed(body + bytes([checksum(body)]) + body + bytes([checksum(body)]))[0]
        assert str(reading.value) == want, code


def test_reading_evidence_serialises_value_as_decimal_string():
    reading = get_decoder("ad")(port="COM3").feed(b"ST,NT,-0001.235 kg\r\n")[0]
    data = reading.to_dict()
    assert data["value"] == "-1.235" and data["net"] is True and data["raw"] == b"ST,NT,-0001.235 kg".hex()
    assert data["settings"] == "9600 8N1" and data["protocol"] == "ad" and data["time"].endswith("Z")
    assert reading.grams() == Decimal("-1235.000")


def test_negative_zero_is_zero():
    reading = get_decoder("ad")().feed(b"ST,GS,-0000.000 kg\r\n")[0]
    assert str(reading.value) == "0.000"


def test_units_g_kg_t_mg_exactly():
    assert parse_mass("2.6kg") == (Decimal("2.6"), "kg")
    assert parse_grams("300mg") == Decimal("0.300")
    assert parse_grams("1.5 t") == Decimal("1500000.0")
    assert to_grams(Decimal("2.005"), "kg") == Decimal("2005")
    with pytest.raises(InputError):
        parse_mass("2000")
