"""Mettler Toledo continuous output ("8530" format), also spoken by many indicators.

Frame: STX, status words SWA SWB SWC, 6 weight digits, 6 tare digits (absent in the short
format), CR, optional checksum (two's complement of the 7-bit sum of everything before it). The
decimal point, sign, unit, motion, net and range flags are status bits, so a frame without them
is meaningless — which is also why the status bits are decoded rather than guessed.
Source: ../shared/reference/metrology.md §3.3 (Rockwell 57C428, KERN FTC, Mettler IND445,
Ohaus Defender 5000/Wildcat) [S]; SWA/SWC details differ between vendors [T].
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from qcity_desktop.devices.protocols.base import CR, STX, Decoder, Emulator, ScaleControls, ScaleState
from qcity_desktop.devices.reading import PortSettings

# Bytes read at 8 data bits from a 7E1 line carry the parity in bit 7; masking it makes the decoder
# indifferent to whether the port was opened 7E1 or 8N1.
_MASK7 = bytes(i & 0x7F for i in range(256))
_DIGITS = b"0123456789 "
_UNIT_CODES = {1: "g", 2: "t", 3: "oz"}


def checksum(frame: bytes | bytearray) -> int:
    """Two's complement of the 7-bit sum of STX..CR."""
    return -sum(frame) & 0x7F


class ToledoDecoder(Decoder):
    COMMANDS = {"zero": b"Z", "tare": b"T", "clear-tare": b"C", "print": b"P"}
    name = "toledo"
    title = "Mettler Toledo continuous (STX SWA SWB SWC weight tare CR chk)"
    default_settings = PortSettings(9600, 7, "E", 1)
    candidate_settings = (PortSettings(9600, 8, "N", 1), PortSettings(4800, 7, "E", 1), PortSettings(2400, 7, "E", 1))
    source = ("metrology.md §3.3 frame layout [S]; 9600 7E1 default is the Toledo POS convention (§3.1), "
              "continuous-mode settings vary by indicator [T] — configurable with --baud / candidate settings")
    max_frame = 18

    def reset(self) -> None:
        super().reset()
        self._checksum: bool | None = None  # learned from the stream: True, False or not yet known
        self._misses = 0

    def feed(self, data: bytes, now: float | None = None) -> list:
        return super().feed(data.translate(_MASK7), now)

    def _parse(self, out: list) -> None:
        buf = self._buf
        n = len(buf)
        pos = 0
        stats = self.stats
        while True:
            i = buf.find(STX, pos)
            if i < 0:
                stats.skipped_bytes += n - pos
                pos = n
                break
            stats.skipped_bytes += i - pos
            pos = i
            if n < i + 11:
                break
            if buf[i + 10] == CR:
                c = i + 10
            else:
                if n < i + 17:
                    break
                if buf[i + 16] != CR:
                    stats.bad_frames += 1
                    pos = i + 1
                    continue
                c = i + 16
            if buf[i + 4:c].translate(None, _DIGITS):
                stats.bad_frames += 1
                pos = i + 1
                continue
            mode = self._checksum
            if mode is False:
                end = c + 1
            else:
                if n < c + 2:
                    break
                got = buf[c + 1]
                want = checksum(buf[i:c + 1])
                if got == want:
                    if mode is None and got != STX:
                        self._checksum = True
                    end = c + 2 if (self._checksum or got != STX) else c + 1
                    self._misses = 0
                elif mode is None and got == STX:
                    self._checksum = False
                    end = c + 1
                else:
                    stats.bad_frames += 1
                    if mode and got == STX:
                        self._misses += 1
                        if self._misses >= 3:  # the stream has no checksums after all
                            self._checksum = None
                    pos = i + 1
                    continue
            self._decode(bytes(buf[i:end]), c - i, out)
            pos = end
        del buf[:pos]

    def _decode(self, raw: bytes, cr: int, out: list) -> None:
        swa, swb, swc = raw[1], raw[2], raw[3]
        try:
            digits = int(raw[4:10].strip() or b"0")
            tare_digits = int(raw[10:16].strip() or b"0") if cr == 16 else None
        except ValueError:  # a space between digits
            self.stats.bad_frames += 1
            return
        self.stats.frames += 1
        code = swc & 0x07
        unit = ("kg" if swb & 0x10 else "lb") if code == 0 else _UNIT_CODES.get(code)
        if unit is None:  # counting, "no units": not a weight
            return
        exponent = 2 - (swa & 0x07)
        negative = bool(swb & 0x02)
        out_of_range = bool(swb & 0x04)
        value: Decimal | None = _scaled(digits, exponent)
        if negative and value is not None:
            value = -value
        tare = _scaled(tare_digits, exponent) if tare_digits is not None else None
        extra: dict[str, Any] | None = None
        if swb & 0x40 or swc & 0x10 or swc & 0x08:
            extra = {}
            if swb & 0x40:
                extra["zero_not_captured"] = True
            if swc & 0x10:
                extra["expanded_x10"] = True
            if swc & 0x08:
                extra["print_request"] = True
        out.append(self._reading(
            None if out_of_range else value, unit, not swb & 0x08, bool(swb & 0x01), raw,
            overload=out_of_range and not negative, underload=out_of_range and negative, tare=tare, extra=extra,
        ))


def _scaled(digits: int, exponent: int) -> Decimal:
    if exponent >= 0:
        return Decimal(digits * 10**exponent)
    return Decimal(digits).scaleb(exponent)


class ToledoEmulator(Emulator):
    """Continuous output with tare and checksum by default; ``checksum=False``/``tare=False`` for variants."""

    units = ("g", "kg", "t", "lb")

    def frame(self, state: ScaleState) -> bytes:
        d = state.decimals
        if d > 5:
            raise ValueError("Toledo continuous carries at most 5 decimals")
        step = int((state.interval * 10**d).to_integral_value()) % 10
        increment = {2: 0x10, 5: 0x18}.get(step, 0x08)
        swa = 0x20 | increment | (2 + d)
        value = state.value
        negative = value < 0
        digits = int(abs(value).scaleb(d))
        out_of_range = state.overload or state.underload or digits > 999999
        if out_of_range:
            digits = 999999
            negative = state.underload
        swb = (0x20 | (0x01 if state.net else 0) | (0x02 if negative else 0) | (0x04 if out_of_range else 0)
               | (0x08 if not state.stable else 0) | (0x10 if state.unit != "lb" else 0))
        swc = 0x20 | {"g": 1, "t": 2}.get(state.unit, 0)
        body = bytes([STX, swa, swb, swc]) + f"{digits:6d}".encode()
        if self.options.get("tare", True):
            body += f"{min(int(abs(state.tare).scaleb(d)), 999999):6d}".encode()
        body += b"\r"
        if self.options.get("checksum", True):
            body += bytes([checksum(body)])
        return body

    def on_host_bytes(self, data: bytes, controls: ScaleControls) -> bytes:
        for ch in data.translate(_MASK7):
            if ch == ord("Z"):
                controls.zero()
            elif ch == ord("T"):
                controls.tare()
            elif ch == ord("C"):
                controls.clear_tare()
        return b""


ToledoDecoder.emulator = ToledoEmulator
