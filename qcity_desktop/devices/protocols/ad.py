"""A&D standard format and the Chinese "ST,GS," family of indicators.

Lines like ``ST,+001234.5  g`` (A&D balances) or ``ST,GS,+0001.235 kg`` / ``US,NT,-0000.010 kg``
(indicators): header 1 ST stable / US unstable / OL or LO out of range / QT count, optional header 2
GS gross / NT net / TR tare, optionally a CAS-style ``<id><lamp>`` field, then sign, digits and
unit, CR LF. Source: ../shared/reference/metrology.md §3.5 (A&D GH/FX/GC and AD-4404 manuals [S];
the Chinese family from a Shanghai article and several indicator manuals [T]).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from qcity_desktop.devices.protocols.base import UNIT_NAMES, Decoder, Emulator, ScaleControls, ScaleState
from qcity_desktop.devices.reading import PortSettings

_LINE_RE = re.compile(
    rb"(ST|US|OL|LO|QT),(?:(GS|NT|TR),)?(?:[^\r\n]{2},)?"
    rb" *([+-]?) *(\d[\d.]*(?:E[+-]?\d+)?)? *([a-zA-Z%]{0,3})$"
)


class AdDecoder(Decoder):
    COMMANDS = {"zero": b"MZ\r\n", "tare": b"MT\r\n", "clear-tare": b"CT\r\n"}
    name = "ad"
    title = "A&D / \"ST,GS,\" indicator family (ST/US/OL, GS/NT/TR)"
    default_settings = PortSettings(9600, 8, "N", 1)
    candidate_settings = (PortSettings(2400, 7, "E", 1), PortSettings(4800, 8, "N", 1), PortSettings(19200, 8, "N", 1))
    source = ("metrology.md §3.5 layout [S] (A&D manuals) and [T] (Chinese indicators); port settings are "
              "selectable on these indicators and not documented in the sources [?] — 9600 8N1 assumed, 2400 7E1 "
              "is the A&D balance factory setting [?]")
    max_frame = 40

    def reset(self) -> None:
        super().reset()
        self._tare: Decimal | None = None

    def _parse(self, out: list) -> None:
        for line in self._complete_lines():
            self._line(line, out)

    def _line(self, line: bytes, out: list) -> None:
        stats = self.stats
        match = _LINE_RE.search(line)
        if not match:
            stats.bad_frames += 1
            return
        stats.skipped_bytes += match.start()
        head, kind, sign, number, unit_text = match.groups()
        if head == b"QT" or unit_text in (b"PC", b"pc", b"%"):
            stats.frames += 1  # a count or percentage, not a weight
            return
        unit = UNIT_NAMES.get(unit_text) if unit_text else None
        out_of_range = head in (b"OL", b"LO")
        value: Decimal | None = None
        if not out_of_range:
            if number is None or unit is None or b"E" in number:
                stats.bad_frames += 1
                return
            try:
                value = Decimal(number.decode())
            except InvalidOperation:
                stats.bad_frames += 1
                return
            if sign == b"-":
                value = -value
        stats.frames += 1
        if kind == b"TR":  # the tare on display, not a weight
            self._tare = value
            return
        net = None if kind is None else kind == b"NT"
        out.append(self._reading(
            value, unit or "", head == b"ST", net, match.group(0),
            overload=out_of_range and sign != b"-", underload=out_of_range and sign == b"-",
            tare=self._tare if net else None,
        ))


class AdEmulator(Emulator):
    """Streams ``ST,GS,+0001.235 kg`` lines; answers MZ/MT/CT (zero, tare, clear tare)."""

    def frame(self, state: ScaleState) -> bytes:
        kind = "NT" if state.net else "GS"
        unit = f"{state.unit:>3}"
        if state.overload or state.underload:
            sign = "-" if state.underload else "+"
            return f"OL,{kind},{sign}        {unit}\r\n".encode()
        head = "ST" if state.stable else "US"
        sign = "-" if state.value < 0 else "+"
        digits = f"{abs(state.value):0{8}.{state.decimals}f}"
        return f"{head},{kind},{sign}{digits}{unit}\r\n".encode()

    def on_host_bytes(self, data: bytes, controls: ScaleControls) -> bytes:
        for line in self._lines(data):
            cmd = line.upper().lstrip(b"%#")
            if cmd == b"MZ":
                controls.zero()
            elif cmd == b"MT":
                controls.tare()
            elif cmd == b"CT":
                controls.clear_tare()
        return b""


AdDecoder.emulator = AdEmulator
