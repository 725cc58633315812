"""What the virtual scale shows for the load on its pan: the behaviours inspectors meet in markets.

Scenarios (``SCENARIOS``): an ``accurate`` scale; a constant ``offset``; a proportional ``cheat``
(+x % above a threshold load, the signature of cheat chips and key-sequence back doors); ``noise``
(long settling, flicker of ±1 d, stable flag only now and then); ``drift`` of the zero over time;
``overload`` (a sack above Max is already on the pan at power-up); and ``disconnect`` (accurate, but
the simulator pulls the cable periodically). All arithmetic is ``Decimal``; time is passed in so the
model is deterministic under test.
"""

from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from qcity_desktop.devices.protocols.base import ScaleState
from qcity_desktop.devices.units import GRAMS_PER_UNIT
from qcity_desktop.errors import InputError

SCENARIOS = ("accurate", "offset", "cheat", "noise", "drift", "overload", "disconnect")


@dataclass
class ScaleModel:
    """A price-computing scale: Max, e, display unit, and the scenario's error behaviour."""

    scenario: str = "accurate"
    max_g: Decimal = Decimal(15000)
    e_g: Decimal = Decimal(5)
    unit: str = "kg"
    offset_g: Decimal | None = None            # default 2 e
    cheat_percent: Decimal = Decimal(10)
    cheat_threshold_g: Decimal = Decimal(1000)
    drift_g_per_min: Decimal | None = None      # default 12 e per minute (1 e every 5 s)
    settle_s: float | None = None               # default 0.4 s, 1.2 s with noise
    unit_price: Decimal = Decimal("0.00")       # CNY per kg, sent by price-computing protocols
    seed: int = 1
    start: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        if self.scenario not in SCENARIOS:
            raise InputError(f"未知场景 unknown scenario {self.scenario!r} (known: {', '.join(SCENARIOS)})")
        if self.unit not in GRAMS_PER_UNIT:
            raise InputError(f"未知单位 unknown display unit {self.unit!r}")
        if self.e_g <= 0 or self.max_g <= 0:
            raise InputError("Max and e must be positive")
        self._factor = GRAMS_PER_UNIT[self.unit]
        interval = (self.e_g / self._factor).normalize()
        self.decimals = max(0, -interval.as_tuple().exponent)  # type: ignore[operator]
        self.interval = interval
        self._rng = random.Random(self.seed)
        self.load_g = Decimal(0)
        self._from_g = Decimal(0)     # what was shown when the load last changed (motion start)
        self._changed_at = -1e9
        self._zero_g = Decimal(0)     # set by zeroing
        self._tare_g = Decimal(0)
        if self.scenario == "overload":
            self.load_g = (self.max_g * Decimal("1.2")).quantize(self.e_g)
            self._from_g = self.load_g

    # -- the pan --------------------------------------------------------------------------------
    def place(self, grams: Decimal, now: float | None = None) -> None:
        """Put ``grams`` on the pan (replacing what was there); the display moves, then settles."""
        now = time.monotonic() if now is None else now
        self._from_g = self._gross_g(now)
        self._changed_at = now
        self.load_g = grams

    def add(self, grams: Decimal, now: float | None = None) -> None:
        self.place(self.load_g + grams, now)

    def remove(self, now: float | None = None) -> None:
        self.place(Decimal(0), now)

    def zero(self, now: float | None = None) -> bool:
        """Zero-setting works only when stable and within ±4 % of Max, as on a real scale."""
        now = time.monotonic() if now is None else now
        st = self.state(now)
        gross = self._gross_g(now)
        if not st.stable or abs(gross) > self.max_g * Decimal("0.04"):
            return False
        self._zero_g += gross
        return True

    def tare(self, now: float | None = None) -> bool:
        """Tare the current gross load (refused while moving or overloaded)."""
        now = time.monotonic() if now is None else now
        st = self.state(now)
        if not st.stable or st.overload or st.underload:
            return False
        self._tare_g = self._round_e(self._gross_g(now))
        return True

    def clear_tare(self) -> bool:
        self._tare_g = Decimal(0)
        return True

    # -- the display ----------------------------------------------------------------------------
    def error_g(self, load_g: Decimal, now: float) -> Decimal:
        """The scenario's systematic error at ``load_g`` (before rounding to e)."""
        if self.scenario == "offset":
            return self.offset_g if self.offset_g is not None else 2 * self.e_g
        if self.scenario == "cheat" and load_g >= self.cheat_threshold_g:
            return load_g * self.cheat_percent / 100
        if self.scenario == "drift":
            rate = self.drift_g_per_min if self.drift_g_per_min is not None else 12 * self.e_g
            return rate * Decimal(str(round((now - self.start) / 60, 4)))
        return Decimal(0)

    def _target_g(self, now: float) -> Decimal:
        return self.load_g + self.error_g(self.load_g, now) - self._zero_g

    def _settle(self) -> float:
        if self.settle_s is not None:
            return self.settle_s
        return 1.2 if self.scenario == "noise" else 0.4

    def _gross_g(self, now: float) -> Decimal:
        target = self._target_g(now)
        elapsed = now - self._changed_at
        settle = self._settle()
        if elapsed >= settle:
            return target
        f = elapsed / settle
        swing = 1 - (1 - f) ** 2 + 0.08 * math.sin(f * 9) * (1 - f)
        return self._from_g + (target - self._from_g) * Decimal(str(round(swing, 4)))

    def _round_e(self, grams: Decimal) -> Decimal:
        return (grams / self.e_g).to_integral_value(ROUND_HALF_UP) * self.e_g

    def state(self, now: float | None = None) -> ScaleState:
        now = time.monotonic() if now is None else now
        gross = self._gross_g(now)
        stable = now - self._changed_at >= self._settle()
        if self.scenario == "noise" and stable:
            jitter = self._rng.choice((-1, 0, 0, 1))
            gross += jitter * self.e_g
            stable = jitter == 0
        overload = gross > self.max_g + 9 * self.e_g
        underload = gross < -20 * self.e_g
        shown_g = self._round_e(gross - self._tare_g)
        value = (shown_g / self._factor).quantize(self.interval if self.decimals else Decimal(1))
        return ScaleState(
            value=value, unit=self.unit, decimals=self.decimals, interval=self.interval, stable=stable,
            net=bool(self._tare_g), tare=(self._tare_g / self._factor).quantize(value), overload=overload,
            underload=underload, unit_price=self.unit_price,
        )
