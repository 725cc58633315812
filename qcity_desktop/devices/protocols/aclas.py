"""Aclas (顶尖) OS2 active mode, documented under the English name "Pinnacle" OS2.

After power-up the scale sends ten frames a second:
``01 02 Flag1 Sign W×6 Unit×2 CheckSum 03 04 Flag2`` — Flag1 ``S`` stable / ``U`` unstable / ``F``
out of range or not zeroed, Sign ``-`` or space, CheckSum the XOR of the 12 bytes before it, Flag2
bit 4 weight is zero, bit 5 tare mode (net), bit 6 out of range. Source:
../shared/reference/metrology.md §3.9 (OS2CX manual p. 18–23 [S]; Aclas = Pinnacle is an inference
[T]; 9600 8N1 only from a weak integration guide [?], hence configurable).
"""

from __future__ import annotations

from decimal import Decimal

from qcity_desktop.devices.protocols.base import (
    UNIT_NAMES,
    Decoder,
    Emulator,
    ScaleControls,
    ScaleState,
    parse_number,
    xor,
)
from qcity_desktop.devices.reading import PortSettings

_HEADER = b"\x01\x02"
_FRAME_LEN = 16


class AclasDecoder(Decoder):
    COMMANDS = {"zero": b"<ZK>\t", "tare": b"<TK>\t"}
    name = "aclas"
    title = "Aclas / Pinnacle OS2 active mode (01 02 … XOR 03 04 flags)"
    default_settings = PortSettings(9600, 8, "N", 1)
    candidate_settings = (PortSettings(4800, 8, "N", 1), PortSettings(2400, 8, "N", 1))
    source = "metrology.md §3.9: frame [S] (OS2CX manual); 9600 8N1 [?] (weak guide) — configurable"
    max_frame = _FRAME_LEN

    def _parse(self, out: list) -> None:
        buf = self._buf
        n = len(buf)
        pos = 0
        stats = self.stats
        while True:
            i = buf.find(_HEADER, pos)
            if i < 0:
                keep = 1 if n > pos and buf[n - 1] == 0x01 else 0  # maybe the first header byte
                stats.skipped_bytes += n - keep - pos
                pos = n - keep
                break
            stats.skipped_bytes += i - pos
            pos = i
            if n < i + _FRAME_LEN:
                break
            raw = bytes(buf[i:i + _FRAME_LEN])
            if raw[13:15] != b"\x03\x04" or xor(raw[:12]) != raw[12] or not self._decode(raw, out):
                stats.bad_frames += 1
                stats.skipped_bytes += 1
                pos = i + 1
                continue
            pos = i + _FRAME_LEN
        del buf[:pos]

    def _decode(self, raw: bytes, out: list) -> bool:
        flag1, sign, unit_text, flag2 = raw[2:3], raw[3:4], raw[10:12].strip(), raw[15]
        unit = UNIT_NAMES.get(unit_text)
        if flag1 not in (b"S", b"U", b"F") or sign not in (b" ", b"-", b"+") or unit is None:
            return False
        value: Decimal | None = parse_number(raw[4:10])
        out_of_range = flag1 == b"F" or bool(flag2 & 0x40)
        if value is None and not out_of_range:
            return False
        if value is not None and sign == b"-":
            value = -value
        self.stats.frames += 1
        under = out_of_range and sign == b"-"
        extra = {"zero": True} if flag2 & 0x10 else None
        out.append(self._reading(None if out_of_range else value, unit, flag1 == b"S", bool(flag2 & 0x20), raw,
                                 overload=out_of_range and not under, underload=under, extra=extra))
        return True


class AclasEmulator(Emulator):
    """Active mode at the simulator's frame rate; ``<TK>\\t`` tares, ``<ZK>\\t`` zeroes."""

    units = ("kg", "lb", "g")

    def frame(self, state: ScaleState) -> bytes:
        out_of_range = state.overload or state.underload
        digits = f"{abs(state.value):6.{state.decimals}f}"
        if len(digits) > 6:
            digits, out_of_range = "999999", True
        flag1 = b"F" if out_of_range else (b"S" if state.stable else b"U")
        sign = b"-" if (state.underload or (state.value < 0 and not state.overload)) else b" "
        body = b"\x01\x02" + flag1 + sign + digits.encode() + f"{state.unit:>2}".encode()
        flag2 = 0x10 * state.zero + 0x20 * state.net + 0x40 * out_of_range
        return body + bytes([xor(body)]) + b"\x03\x04" + bytes([flag2])

    def on_host_bytes(self, data: bytes, controls: ScaleControls) -> bytes:
        self._inbuf += data
        while True:
            i = self._inbuf.find(b"\t")
            if i < 0:
                break
            cmd = bytes(self._inbuf[:i])
            del self._inbuf[:i + 1]
            if cmd.endswith(b"<TK>"):
                controls.tare()
            elif cmd.endswith(b"<ZK>"):
                controls.zero()
        del self._inbuf[:-32]
        return b""


AclasDecoder.emulator = AclasEmulator
