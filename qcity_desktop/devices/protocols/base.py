"""The contract every scale protocol module fulfils.

A protocol module holds both sides of one wire format: the ``Decoder`` the app uses to read a
scale, and the ``Emulator`` the virtual scale uses to speak it. Keeping them together means
adding a protocol is one new module, and the simulator learns it for free.

Decoders are byte-stream parsers, not line readers: they keep their own buffer, never decide on a
frame until all of its bytes are there, skip garbage up to the next plausible header and count
what they skipped. That makes the result independent of how the OS chunks the bytes, which the
property tests check.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, ClassVar, Protocol

from qcity_desktop.devices.reading import PortSettings, Reading
from qcity_desktop.errors import InputError

STX, ETX, EOT, ENQ, ACK, CR, LF, NAK = 0x02, 0x03, 0x04, 0x05, 0x06, 0x0D, 0x0A, 0x15
SOH, DC1, DC2 = 0x01, 0x11, 0x12

#: unit spellings found in frames -> canonical unit names.
UNIT_NAMES: dict[bytes, str] = {
    b"g": "g", b"kg": "kg", b"mg": "mg", b"t": "t", b"lb": "lb", b"oz": "oz",
    b"G": "g", b"KG": "kg", b"Kg": "kg", b"MG": "mg", b"T": "t", b"LB": "lb", b"OZ": "oz",
}


@dataclass(slots=True)
class DecoderStats:
    """Counters that tell a wrong protocol or baud rate apart from a quiet scale."""

    frames: int = 0          # frames whose structure and checksum were valid
    readings: int = 0        # of those, frames that carried a weight
    bad_frames: int = 0      # frames that started plausibly but failed a check
    skipped_bytes: int = 0   # bytes that belonged to no frame (noise, garbage, partial frames)
    overruns: int = 0        # times the buffer overflowed without a frame
    bytes_in: int = 0
    device_messages: list[str] = field(default_factory=list)

    def note(self, message: str) -> None:
        """Remember a message from the device (error reply, busy); only the last few are kept."""
        self.device_messages.append(message)
        del self.device_messages[:-10]

    def to_dict(self) -> dict[str, Any]:
        return {"frames": self.frames, "readings": self.readings, "bad_frames": self.bad_frames,
                "skipped_bytes": self.skipped_bytes, "overruns": self.overruns, "bytes_in": self.bytes_in,
                "device_messages": list(self.device_messages)}


class Decoder:
    """Base class: subclasses set the class attributes and implement ``_parse``."""

    COMMANDS: dict[str, bytes] = {}  # action (zero / tare / clear-tare …) → bytes to send

    name: ClassVar[str] = ""
    title: ClassVar[str] = ""
    #: settings the scales of this protocol ship with (first tried by auto-detection).
    default_settings: ClassVar[PortSettings] = PortSettings()
    #: further settings auto-detection tries, most likely first.
    candidate_settings: ClassVar[tuple[PortSettings, ...]] = ()
    #: where the settings and layout come from, and how sure we are ([S], [T], [?]).
    source: ClassVar[str] = ""
    #: True when the scale only answers requests (the transport must poll).
    polled: ClassVar[bool] = False
    #: longest frame in bytes; bounds the buffer so garbage cannot grow it forever.
    max_frame: ClassVar[int] = 64
    #: seconds between polls for polled protocols.
    poll_interval: ClassVar[float] = 0.1
    #: seconds to wait for an answer before polling again.
    reply_timeout: ClassVar[float] = 0.5
    emulator: ClassVar[type[Emulator] | None] = None

    def __init__(self, settings: PortSettings | None = None, port: str | None = None) -> None:
        self.settings = settings or self.default_settings
        self.port = port
        self.stats = DecoderStats()
        self._buf = bytearray()
        self._out = bytearray()
        self._last_poll = -1e9
        self._answered = True
        self._recent_units: set[str] = set()
        self._now = 0.0
        self._wall: datetime | None = None
        self.reset()

    # -- the stream -------------------------------------------------------------------------------
    def reset(self) -> None:
        """Forget partial frames and protocol state (after a reconnect)."""
        self._buf.clear()
        self._out.clear()
        self._last_poll = -1e9
        self._answered = True

    def feed(self, data: bytes, now: float | None = None) -> list[Reading]:
        """Add received bytes; return the readings of every frame they complete."""
        self._buf += data
        self.stats.bytes_in += len(data)
        if now is None:
            now = time.monotonic()
        self._now = now
        self._wall = None
        out: list[Reading] = []
        self._parse(out)
        limit = max(4 * self.max_frame, 256)
        if len(self._buf) > limit:
            # Only garbage can be this long without completing a frame; keep the tail, which
            # may hold the start of the next frame.
            drop = len(self._buf) - (self.max_frame - 1)
            del self._buf[:drop]
            self.stats.skipped_bytes += drop
            self.stats.overruns += 1
        return out

    def _parse(self, out: list[Reading]) -> None:
        raise NotImplementedError

    # -- talking to the scale ---------------------------------------------------------------------
    def start_bytes(self) -> bytes:
        """Sent once after the port opens (e.g. MT-SICS ``SIR``: start streaming)."""
        return b""

    def poll_request(self) -> bytes:
        """The request a polled protocol sends for each frame."""
        return b""

    def poll(self, now: float) -> bytes:
        """Bytes to send now to keep frames coming; empty for protocols that stream on their own."""
        if not self.polled:
            return b""
        since = now - self._last_poll
        if since >= self.poll_interval and (self._answered or since >= self.reply_timeout):
            self._last_poll = now
            self._answered = False
            return self.poll_request()
        return b""

    def take_output(self) -> bytes:
        """Replies the decoder needs sent (e.g. CAS: ``DC1`` after the scale's ``ACK``)."""
        if not self._out:
            return b""
        data = bytes(self._out)
        self._out.clear()
        return data

    def command(self, action: str) -> bytes:
        """Bytes for ``zero``, ``tare`` or ``clear-tare`` on this protocol (from ``COMMANDS``)."""
        code = self.COMMANDS.get(action)
        if code is None:
            raise InputError(f"协议 {self.name} 不支持命令 protocol {self.name} cannot send {action!r} to the scale")
        return code

    def _complete_lines(self, strip: bytes = b" \x00") -> list[bytes]:
        """Take every complete CR- or LF-terminated line off the buffer; a partial line stays for later."""
        buf = self._buf
        end = max(buf.rfind(b"\n"), buf.rfind(b"\r"))
        if end < 0:
            return []
        chunk = bytes(buf[:end + 1])
        del buf[:end + 1]
        return [line.strip(strip) for line in chunk.replace(b"\r", b"\n").split(b"\n") if line]

    # -- auto-detection ---------------------------------------------------------------------------
    def signature(self, min_frames: int = 3) -> bool:
        """A positive signature: enough valid frames, few bad ones, consistent units."""
        s = self.stats
        if s.frames < min_frames or s.bad_frames * 2 > s.frames:
            return False
        return len(self._recent_units) <= 1

    # -- helpers for subclasses -------------------------------------------------------------------
    def _reading(self, value: Decimal | None, unit: str, stable: bool, net: bool | None, raw: bytes, *,
                 overload: bool = False, underload: bool = False, tare: Decimal | None = None,
                 extra: dict[str, Any] | None = None) -> Reading:
        if self._wall is None:
            self._wall = datetime.now(UTC)
        if value is not None and not value:
            value = abs(value)  # "-0.000" is zero, not a negative weight
        self.stats.readings += 1
        if len(self._recent_units) < 4:
            self._recent_units.add(unit)
        return Reading(value, unit, stable, net, overload, underload, raw, self._wall, self._now,
                       self.name, self.settings, self.port, tare, extra)

    def _answer(self) -> None:
        """A reply arrived: the next poll may go out."""
        self._answered = True


def xor(data: bytes | bytearray) -> int:
    """XOR of all bytes (the BCC/LRC used by CAS and Aclas frames)."""
    value = 0
    for byte in data:
        value ^= byte
    return value


def parse_number(text: bytes) -> Decimal | None:
    """ASCII digits with an optional point and leading spaces/zeros -> Decimal; None if not a number."""
    text = text.strip()
    if not text or text.count(b".") > 1:
        return None
    digits = text.replace(b".", b"")
    if not digits.isdigit():
        return None
    return Decimal(text.decode("ascii"))


# -- the scale's side -----------------------------------------------------------------------------


@dataclass(slots=True)
class ScaleState:
    """What the virtual scale shows right now, already in its display unit and resolution."""

    value: Decimal            # shown value (net when a tare is active), rounded to the interval
    unit: str
    decimals: int
    interval: Decimal         # display interval d in ``unit`` (e.g. 0.005 kg)
    stable: bool
    net: bool
    tare: Decimal             # in ``unit``
    overload: bool = False
    underload: bool = False
    unit_price: Decimal = Decimal("0.00")   # CNY per kg, for price-computing protocols

    @property
    def zero(self) -> bool:
        return not self.value and not self.overload and not self.underload


class ScaleControls(Protocol):
    """What an emulator may ask of the simulated scale when the host sends a command."""

    def state(self) -> ScaleState: ...

    def zero(self) -> bool: ...

    def tare(self) -> bool: ...

    def clear_tare(self) -> bool: ...


class Emulator:
    """The scale's side of a protocol; subclasses format frames and answer host commands."""

    #: the scale sends frames on its own (continuous/active mode) from power-up.
    continuous: ClassVar[bool] = True
    #: units this format can carry.
    units: ClassVar[tuple[str, ...]] = ("g", "kg", "t", "mg")

    def __init__(self, **options: Any) -> None:
        self.options = options
        self.streaming = self.continuous
        self._inbuf = bytearray()

    def frame(self, state: ScaleState) -> bytes:
        raise NotImplementedError

    def tick(self, state: ScaleState, controls: ScaleControls) -> bytes:
        """Called at the frame rate; returns what the scale sends unprompted."""
        return self.frame(state) if self.streaming else b""

    def on_host_bytes(self, data: bytes, controls: ScaleControls) -> bytes:
        """Bytes from the host; returns the reply. Default: continuous scales ignore input."""
        return b""

    def _lines(self, data: bytes) -> list[bytes]:
        """Split host input into CR/LF-terminated commands, keeping a partial one for later."""
        self._inbuf += data
        out = []
        while True:
            cut = [i for i in (self._inbuf.find(b"\r"), self._inbuf.find(b"\n")) if i >= 0]
            if not cut:
                break
            i = min(cut)
            line = bytes(self._inbuf[:i]).strip()
            del self._inbuf[: i + 1]
            if line:
                out.append(line)
        del self._inbuf[:-64]
        return out
