"""Mettler Toledo Standard Interface Command Set (MT-SICS), also spoken by some other indicators.

The host asks (``S``, ``SI``, ``SIR``, ``Z``, ``T``…) and the balance answers one CR LF line,
``S S     100.00 g`` for a stable weight, ``S D …`` for a dynamic one, ``S +``/``S -`` for over-
and underload, ``S I`` when busy, ``ES``/``ET``/``EL`` for command errors. We start ``SIR`` so the
balance streams immediate values; a balance that refuses it (``ES``) is polled with ``SI`` instead.
Source: ../shared/reference/metrology.md §3.2 (MT operating instructions [S]; reply taxonomy from
InstrumentKit and dotnet/iot [T]).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from qcity_desktop.devices.protocols.base import UNIT_NAMES, Decoder, Emulator, ScaleControls, ScaleState
from qcity_desktop.devices.reading import PortSettings

_WEIGHT_RE = re.compile(rb"(S|SU) ([SD]) +(-? ?\d+(?:\.\d+)?) ([a-zA-Z]{1,2})$")
_TARE_RE = re.compile(rb"(T|TA) ([SA]) +(-? ?\d+(?:\.\d+)?) ([a-zA-Z]{1,2})$")
_STATUS_RE = re.compile(rb"(S|SI|SU|Z|ZI|T|TI|TA|TAC) ([ISLA+-])$")
_INFO_RE = re.compile(rb'(I[0-9]) A (.*)$')
_ERROR_RE = re.compile(rb"(ES|ET|EL)$")
_MESSAGES = {
    b"I": "busy or not stable (I)", b"L": "logical error (L)", b"+": "overload (+)", b"-": "underload (-)",
    b"ES": "syntax error (ES)", b"ET": "transmission error (ET)", b"EL": "logical error (EL)",
}


class MtSicsDecoder(Decoder):
    COMMANDS = {"zero": b"Z\r\n", "tare": b"T\r\n", "clear-tare": b"TAC\r\n", "reset": b"@\r\n"}
    name = "mt-sics"
    title = "Mettler Toledo MT-SICS (S / SI / SIR replies)"
    default_settings = PortSettings(9600, 8, "N", 1)
    candidate_settings = (PortSettings(19200, 8, "N", 1), PortSettings(4800, 8, "N", 1), PortSettings(2400, 8, "N", 1))
    source = "metrology.md §3.1–3.2: 9600 8N1 CR LF per the MT-SICS device README [T]; reply formats [S]"
    polled = True
    max_frame = 40

    def reset(self) -> None:
        super().reset()
        self._tare: Decimal | None = None
        self._streaming = True   # until the balance refuses SIR
        self.info: dict[str, str] = {}

    def start_bytes(self) -> bytes:
        return b"SIR\r\n"

    def poll(self, now: float) -> bytes:
        if self._streaming:
            return b""
        return super().poll(now)

    def poll_request(self) -> bytes:
        return b"SI\r\n"

    def _parse(self, out: list) -> None:
        for line in self._complete_lines():
            self._line(line, out)

    def _line(self, line: bytes, out: list) -> None:
        stats = self.stats
        match = _WEIGHT_RE.search(line)
        if match:
            stats.skipped_bytes += match.start()
            unit = UNIT_NAMES.get(match.group(4))
            try:
                value = Decimal(match.group(3).replace(b" ", b"").decode())
            except InvalidOperation:  # pragma: no cover - the regex only lets numbers through
                unit = None
            if unit is None:
                stats.bad_frames += 1
                return
            stats.frames += 1
            self._answer()
            net = None if self._tare is None else bool(self._tare)
            out.append(self._reading(value, unit, match.group(2) == b"S", net, match.group(0), tare=self._tare))
            return
        match = _STATUS_RE.fullmatch(line)
        if match:
            stats.frames += 1
            self._answer()
            cmd, status = match.group(1), match.group(2)
            if cmd in (b"S", b"SI", b"SU") and status in (b"+", b"-"):
                over = status == b"+"
                out.append(self._reading(None, "", False, None, line, overload=over, underload=not over))
            elif cmd == b"TAC" and status == b"A":
                self._tare = Decimal(0)
            elif status != b"A":
                stats.note(f"{cmd.decode()}: {_MESSAGES.get(status, status.decode())}")
            return
        match = _TARE_RE.fullmatch(line)
        if match and match.group(4) in UNIT_NAMES:
            stats.frames += 1
            self._answer()
            self._tare = Decimal(match.group(3).replace(b" ", b"").decode())
            return
        if _ERROR_RE.fullmatch(line):
            stats.frames += 1
            self._answer()
            stats.note(_MESSAGES[line])
            if self._streaming:  # the balance does not know SIR: poll with SI instead
                self._streaming = False
            return
        match = _INFO_RE.fullmatch(line)
        if match:
            stats.frames += 1
            self.info[match.group(1).decode()] = match.group(2).decode("ascii", "replace").strip('"')
            return
        if line in (b"SIR", b"SI", b"S", b"Z", b"T", b"@"):  # our own command echoed by a loop-back
            stats.bad_frames += 1
            return
        stats.bad_frames += 1

    def signature(self, min_frames: int = 3) -> bool:
        # Error replies alone (ES to everything) are what any confused device might send; only
        # weight replies count as a positive signature.
        return self.stats.readings >= min_frames and super().signature(min_frames)


class MtSicsEmulator(Emulator):
    """A balance that answers S, SI, SIR, SU, Z, ZI, T, TA, TAC, I4 and @; anything else is ``ES``."""

    continuous = False
    units = ("g", "kg", "t", "mg")

    def __init__(self, **options: object) -> None:
        super().__init__(**options)
        self._pending_stable: int = 0  # frame ticks an ``S`` has been waiting for stability

    def frame(self, state: ScaleState) -> bytes:
        return self._weight(state, immediate=True)

    def _weight(self, state: ScaleState, immediate: bool) -> bytes:
        if state.overload:
            return b"S +\r\n"
        if state.underload:
            return b"S -\r\n"
        flag = "S" if state.stable else "D"
        return f"S {flag} {state.value:>10} {state.unit}\r\n".encode()

    def tick(self, state: ScaleState, controls: ScaleControls) -> bytes:
        out = b""
        if self._pending_stable:
            if state.stable or state.overload or state.underload:
                out += self._weight(state, immediate=False)
                self._pending_stable = 0
            else:
                self._pending_stable += 1
                if self._pending_stable > 30:  # about 3 s at 10 ticks/s: timeout, as the manual says
                    out += b"S I\r\n"
                    self._pending_stable = 0
        if self.streaming:
            out += self.frame(state)
        return out

    def on_host_bytes(self, data: bytes, controls: ScaleControls) -> bytes:
        reply = b""
        for line in self._lines(data):
            state = controls.state()
            cmd = line.upper()
            if cmd in (b"SI", b"SIU"):
                reply += self._weight(state, immediate=True)
            elif cmd in (b"S", b"SU"):
                if state.stable or state.overload or state.underload:
                    reply += self._weight(state, immediate=False)
                else:
                    self._pending_stable = 1
            elif cmd == b"SIR":
                self.streaming = True
            elif cmd in (b"Z", b"ZI"):
                reply += b"Z A\r\n" if controls.zero() else b"Z I\r\n"
            elif cmd in (b"T", b"TI"):
                if controls.tare():
                    tare = controls.state().tare
                    reply += f"T S {tare:>10} {state.unit}\r\n".encode()
                else:
                    reply += b"T I\r\n"
            elif cmd == b"TA":
                reply += f"TA A {state.tare:>10} {state.unit}\r\n".encode()
            elif cmd == b"TAC":
                controls.clear_tare()
                reply += b"TAC A\r\n"
            elif cmd == b"@":
                self.streaming = False
                self._pending_stable = 0
                reply += b'I4 A "QCITY-SIM-0001"\r\n'
            elif cmd == b"I4":
                reply += b'I4 A "QCITY-SIM-0001"\r\n'
            else:
                reply += b"ES\r\n"
        return reply


MtSicsDecoder.emulator = MtSicsEmulator
