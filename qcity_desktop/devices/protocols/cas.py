"""CAS / ECR "ENQ–ACK–DC1/DC2" protocol of price-computing scales talking to cash registers.

The host sends ENQ, the scale answers ACK, the host sends DC1 (weight) or DC2 (weight, unit price
and total price) and the scale replies ``SOH STX <STA SIGN weight unit> BCC ETX EOT``; DC2 adds a
total-price block before and a unit-price block after the weight block. STA is ``S`` stable or ``U``
unstable, SIGN a space, ``-``, or ``F`` for overload, BCC the XOR of the block's data bytes.
Source: ../shared/reference/metrology.md §3.8 (CAS AP-1 document, Ohaus Aviator 7000 service manual,
CAS SW-II manual [S]; the 0x81 start byte from r_keeper driver notes [T]).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from qcity_desktop.devices.protocols.base import (
    ACK,
    DC1,
    DC2,
    ENQ,
    EOT,
    ETX,
    NAK,
    STX,
    UNIT_NAMES,
    Decoder,
    Emulator,
    ScaleControls,
    ScaleState,
    parse_number,
    xor,
)
from qcity_desktop.devices.reading import PortSettings

_INTERESTING = re.compile(rb"[\x01\x81\x06\x15]")
_BLOCK_LENGTHS = (8, 10, 11)  # price block, weight block with 6 or 7 weight characters


class CasDecoder(Decoder):
    name = "cas"
    title = "CAS / ECR ENQ-ACK-DC1/DC2 (price-computing scales)"
    default_settings = PortSettings(9600, 8, "N", 1)
    candidate_settings = (PortSettings(4800, 8, "N", 1), PortSettings(2400, 8, "N", 1))
    source = "metrology.md §3.1 (CAS AP protocol: 9600 8N1 ASCII [S]) and §3.8 frame layout [S]"
    polled = True
    max_frame = 48

    def poll_request(self) -> bytes:
        return bytes([ENQ])

    def _parse(self, out: list) -> None:
        buf = self._buf
        n = len(buf)
        pos = 0
        stats = self.stats
        while pos < n:
            match = _INTERESTING.search(buf, pos)
            if match is None:
                stats.skipped_bytes += n - pos
                pos = n
                break
            i = match.start()
            stats.skipped_bytes += i - pos
            pos = i
            byte = buf[i]
            if byte == ACK:
                self._out.append(DC1)
                pos = i + 1
                continue
            if byte == NAK:
                stats.note("NAK: the scale refused the request")
                self._answer()
                pos = i + 1
                continue
            end = self._frame(i, out)
            if end is None:
                break  # incomplete: wait for more bytes
            if end < 0:
                stats.bad_frames += 1
                stats.skipped_bytes += 1
                pos = i + 1
            else:
                pos = end
        del buf[:pos]

    def _frame(self, start: int, out: list) -> int | None:
        """End index of a complete valid frame at ``start``, -1 if invalid, None if incomplete."""
        buf = self._buf
        n = len(buf)
        p = start + 1
        blocks: list[bytes] = []
        while True:
            if n <= p:
                return None
            if buf[p] != STX:
                return -1
            length = 0
            for size in _BLOCK_LENGTHS:
                k = p + size + 2
                if n <= k:
                    return None
                if buf[k] == ETX and xor(buf[p + 1:p + 1 + size]) == buf[p + 1 + size]:
                    length = size
                    break
            if not length:
                return -1
            blocks.append(bytes(buf[p + 1:p + 1 + length]))
            p += length + 3
            if n <= p:
                return None
            if buf[p] == EOT:
                break
            if buf[p] != STX or len(blocks) >= 3:
                return -1
        if not self._decode(bytes(buf[start:p + 1]), blocks, out):
            return -1
        return p + 1

    def _decode(self, raw: bytes, blocks: list[bytes], out: list) -> bool:
        weight_at = next((i for i, b in enumerate(blocks) if len(b) >= 10 and b[0:1] in (b"S", b"U")), None)
        if weight_at is None:
            return False
        block = blocks[weight_at]
        sta, sign, digits, unit_text = block[0:1], block[1:2], block[2:-2], block[-2:].strip()
        unit = UNIT_NAMES.get(unit_text)
        overload = sign == b"F"
        value = None if overload else parse_number(digits)
        if unit is None or sign not in (b" ", b"-", b"+", b"F") or (value is None and not overload):
            return False
        if value is not None and sign == b"-":
            value = -value
        extra = {}
        for i, block in enumerate(blocks):
            if i != weight_at:
                price = parse_number(block)
                if price is None:
                    return False
                extra["total_price" if i < weight_at else "unit_price"] = price
        self.stats.frames += 1
        self._answer()
        out.append(self._reading(value, unit, sta == b"S", None, raw, overload=overload, extra=extra or None))
        return True


def _block(data: bytes) -> bytes:
    return bytes([STX]) + data + bytes([xor(data), ETX])


class CasEmulator(Emulator):
    """A price-computing scale: ENQ -> ACK, DC1 -> weight frame, DC2 -> total, weight and unit price."""

    continuous = False
    units = ("kg", "lb")

    def weight_block(self, state: ScaleState) -> bytes:
        sta = b"S" if state.stable else b"U"
        digits = f"{abs(state.value):6.{state.decimals}f}"
        if state.overload or len(digits) > 6:
            return _block(sta + b"F" + b"999999" + state.unit.encode())
        sign = b"-" if state.value < 0 or state.underload else b" "
        return _block(sta + sign + digits.encode() + state.unit.encode())

    def frame(self, state: ScaleState) -> bytes:
        return bytes([0x01]) + self.weight_block(state) + bytes([EOT])

    def _price_frame(self, state: ScaleState) -> bytes:
        kg = state.value if state.unit == "kg" else state.value * Decimal("0.45359237")
        total = (kg * state.unit_price).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        if state.overload or not state.stable:
            total = Decimal("0.00")
        return (bytes([0x01]) + _block(f"{total:8.2f}".encode()) + self.weight_block(state)
                + _block(f"{state.unit_price:8.2f}".encode()) + bytes([EOT]))

    def on_host_bytes(self, data: bytes, controls: ScaleControls) -> bytes:
        reply = b""
        for byte in data:
            if byte == ENQ:
                reply += bytes([ACK])
            elif byte == DC1:
                reply += self.frame(controls.state())
            elif byte == DC2:
                reply += self._price_frame(controls.state())
        return reply


CasDecoder.emulator = CasEmulator
