"""What a scale said, kept as evidence.

A reading is worth nothing in a dispute unless it can be traced back to the bytes the scale sent,
when they arrived, which decoder read them and at which port settings; so every ``Reading`` carries
all of that next to the decoded value.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from qcity_desktop.devices.units import to_grams

_PARITY_NAMES = {"N": "none", "E": "even", "O": "odd", "M": "mark", "S": "space"}


@dataclass(frozen=True, slots=True)
class PortSettings:
    """Line settings of a serial port; a decoder declares the ones its scales use."""

    baudrate: int = 9600
    bytesize: int = 8
    parity: str = "N"
    stopbits: int = 1

    def label(self) -> str:
        """``9600 8N1`` — the way scale manuals and inspectors write it."""
        return f"{self.baudrate} {self.bytesize}{self.parity}{self.stopbits}"

    def with_baud(self, baudrate: int | None) -> PortSettings:
        if baudrate is None or baudrate == self.baudrate:
            return self
        return PortSettings(baudrate, self.bytesize, self.parity, self.stopbits)

    def serial_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``serial.Serial``."""
        return {"baudrate": self.baudrate, "bytesize": self.bytesize, "parity": self.parity, "stopbits": self.stopbits}

    @property
    def bits_per_char(self) -> int:
        """Start bit + data + parity + stop bits: how long one byte takes on the wire."""
        return 1 + self.bytesize + (0 if self.parity == "N" else 1) + self.stopbits

    def seconds_per_byte(self) -> float:
        return self.bits_per_char / self.baudrate

    def to_dict(self) -> dict[str, Any]:
        return {"baudrate": self.baudrate, "bytesize": self.bytesize, "parity": self.parity,
                "stopbits": self.stopbits, "label": self.label()}


@dataclass(frozen=True, slots=True)
class Reading:
    """One decoded frame.

    ``value`` is ``None`` only when the scale sends no weight (overload/underload codes). ``net``
    is ``None`` when the protocol does not say whether the value is net or gross. ``time`` is the
    wall clock (UTC) when the frame's last byte was read; ``received`` is the monotonic clock at
    the same moment, used to decide whether the value is still fresh.
    """

    value: Decimal | None
    unit: str
    stable: bool
    net: bool | None
    overload: bool
    underload: bool
    raw: bytes
    time: datetime
    received: float
    protocol: str
    settings: PortSettings | None = None
    port: str | None = None
    tare: Decimal | None = None
    extra: dict[str, Any] | None = field(default=None, compare=False)

    @property
    def usable(self) -> bool:
        """A weight that can be recorded: present and inside the scale's range."""
        return self.value is not None and not self.overload and not self.underload

    def grams(self) -> Decimal | None:
        """The value converted exactly to grams (``None`` when there is no value)."""
        if self.value is None:
            return None
        return to_grams(self.value, self.unit)

    def age(self, now: float | None = None) -> float:
        """Seconds since the frame arrived (monotonic clock)."""
        return (time.monotonic() if now is None else now) - self.received

    def describe(self) -> str:
        """A short human line: ``2.000 kg 稳定 stable 毛重 gross``."""
        if self.overload:
            shown = "超载 overload"
        elif self.underload and self.value is None:
            shown = "欠载 underload"
        else:
            shown = f"{self.value} {self.unit}"
        parts = [shown, "稳定 stable" if self.stable else "不稳定 moving"]
        if self.net is not None:
            parts.append("净重 net" if self.net else "毛重 gross")
        return " ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready evidence: value as a decimal string, raw bytes as hex."""
        data: dict[str, Any] = {
            "value": None if self.value is None else str(self.value),
            "unit": self.unit,
            "stable": self.stable,
            "net": self.net,
            "overload": self.overload,
            "underload": self.underload,
            "tare": None if self.tare is None else str(self.tare),
            "raw": self.raw.hex(),
            "time": self.time.isoformat().replace("+00:00", "Z"),
            "protocol": self.protocol,
            "port": self.port,
            "settings": self.settings.label() if self.settings else None,
        }
        if self.extra:
            data["extra"] = {k: str(v) if isinstance(v, Decimal) else v for k, v in self.extra.items()}
        return data
