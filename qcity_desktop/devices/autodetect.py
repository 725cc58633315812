"""Find which protocol and port settings a scale speaks — only on a positive signature.

"Whatever bytes arrive" is not evidence: a loop-back cable, a barcode reader or a scale at the
wrong baud rate all send bytes. A decoder is accepted only when it has decoded several frames that
pass its checks (checksum/BCC where the format has one, exact header and layout otherwise), few
frames failed, and the unit stayed the same. Continuous protocols are listened to first, without
sending anything; request/response protocols are then probed with their own harmless requests.
"""

from __future__ import annotations

import threading
import time

import serial

from qcity_desktop.devices.errors import ProtocolNotRecognised
from qcity_desktop.devices.protocols import decoders, get_decoder
from qcity_desktop.devices.protocols.base import Decoder
from qcity_desktop.devices.reading import PortSettings, Reading
from qcity_desktop.devices.transport import configure, open_port

Plan = list[tuple[PortSettings, list[type[Decoder]]]]


def plan(names: list[str] | None = None, baud: int | None = None, thorough: bool = False) -> Plan:
    """Settings to try, each with the decoders that use them; every decoder's default first."""
    classes = [get_decoder(n) for n in names] if names else list(decoders().values())
    groups: dict[PortSettings, list[type[Decoder]]] = {}
    for rank in (0, 1):
        for cls in classes:
            options = [cls.default_settings] if rank == 0 else list(cls.candidate_settings) if thorough else []
            for settings in options:
                settings = settings.with_baud(baud)
                members = groups.setdefault(settings, [])
                if cls not in members:
                    members.append(cls)
    return list(groups.items())


def _read(ser: serial.Serial) -> bytes:
    data = ser.read(1)
    if data:
        waiting = ser.in_waiting
        if waiting:
            data += ser.read(waiting)
    return data


def detect_on(ser: serial.Serial, port: str, *, names: list[str] | None = None, baud: int | None = None,
              thorough: bool = False, listen: float = 1.0, quiet: float = 0.4, probe: float = 1.0,
              min_frames: int = 3, stop: threading.Event | None = None) -> Decoder | None:
    """Try the plan on an open port; returns the matching decoder (port left at its settings).

    The decoder carries the readings that proved it in ``detected_readings``. Returns None if
    ``stop`` was set; raises ``ProtocolNotRecognised`` when nothing matched.
    """
    stop = stop or threading.Event()
    steps = plan(names, baud, thorough)
    received: dict[str, int] = {}

    def apply(settings: PortSettings) -> None:
        configure(ser, settings)
        ser.reset_input_buffer()

    def found(decoder: Decoder, readings: list[Reading]) -> Decoder:
        decoder.detected_readings = readings[-min_frames:]  # type: ignore[attr-defined]
        return decoder

    # 1. listen: continuous scales talk without being asked (and a balance left streaming by an
    #    earlier session is recognised here too, so every decoder listens).
    for settings, classes in steps:
        passive = [cls(settings, port) for cls in classes]
        apply(settings)
        seen: dict[int, list[Reading]] = {id(d): [] for d in passive}
        start = time.monotonic()
        total = 0
        while not stop.is_set():
            now = time.monotonic()
            if now - start > listen or (total == 0 and now - start > quiet):
                break
            data = _read(ser)
            total += len(data)
            for decoder in passive:
                seen[id(decoder)] += decoder.feed(data)
                if decoder.signature(min_frames):
                    return found(decoder, seen[id(decoder)])
        received[settings.label()] = received.get(settings.label(), 0) + total
    # 2. probe: request/response scales answer their own protocol's request.
    for settings, classes in steps:
        for cls in classes:
            if not cls.polled or stop.is_set():
                continue
            apply(settings)
            decoder = cls(settings, port)
            readings: list[Reading] = []
            ser.write(decoder.start_bytes())
            start = time.monotonic()
            total = 0
            while not stop.is_set() and time.monotonic() - start < probe:
                data = _read(ser)
                total += len(data)
                if data:
                    readings += decoder.feed(data)
                    if decoder.signature(min_frames):
                        return found(decoder, readings)
                reply = decoder.take_output() + decoder.poll(time.monotonic())
                if reply:
                    ser.write(reply)
            received[settings.label()] = received.get(settings.label(), 0) + total
    if stop.is_set():
        return None
    names_tried = ", ".join(dict.fromkeys(cls.name for _, group in steps for cls in group))
    heard = "; ".join(f"{n} bytes at {label}" for label, n in received.items())
    hint = "wrong baud rate or an unsupported device" if any(received.values()) else "is the scale on and connected?"
    raise ProtocolNotRecognised(
        f"无法识别秤协议 no scale protocol recognised on {port} ({heard}; tried {names_tried}): {hint}"
    )


def detect(port: str, **options: object) -> Decoder:
    """Open ``port``, detect, close; see ``detect_on`` for the options."""
    ser = open_port(port, PortSettings())
    try:
        decoder = detect_on(ser, port, **options)  # type: ignore[arg-type]
    finally:
        ser.close()
    assert decoder is not None
    return decoder
