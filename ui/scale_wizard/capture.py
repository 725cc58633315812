"""When a live reading may be captured automatically for the step on screen.

Capturing "the first stable frame" would record the wrong thing in three common situations: the
previous load is still on the pan when the next step appears, the inspector builds a load from
several weights (the first weight settles before the second is placed), and the pan is emptied
between steps (a stable zero). So the rule is:

* **armed** only after the display has changed since the last capture (motion, or another value);
  a new step starts armed unless the scale still shows what was just captured;
* a **run** of ``consecutive`` stable, in-range frames with the same value (the first frame after
  a placement can be on the wire already, see ``ScaleConnection.wait_stable``);
* **near the planned load**: within ``min(max(25 % of L, 20 e), 50 % of L)`` — wide enough for a
  cheat chip of +5…+20 % (which is what the test must record, not refuse), narrow enough to reject
  an empty pan, half a stack of weights and the previous step's load.

A reading outside the window is never recorded silently: the wizard shows how far off it is and
the inspector records it by hand (Space) if the weights are right. Plain Python, no Qt, so the
rule is tested on its own and the GUI only forwards readings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from qcity_desktop.devices.reading import Reading

WINDOW_FRACTION = Decimal("0.25")
WINDOW_E = Decimal(20)
WINDOW_CAP_FRACTION = Decimal("0.5")


def window(load: Decimal, e: Decimal) -> Decimal:
    """± grams around the planned load inside which a stable value is captured automatically."""
    return min(max(load * WINDOW_FRACTION, WINDOW_E * e), load * WINDOW_CAP_FRACTION)


@dataclass(frozen=True)
class Decision:
    """What one reading means for the step on screen.

    ``state``: ``capture`` (record ``reading``; ``frames`` are the run that proved it stable),
    ``motion``, ``overload``, ``negative``, ``settling``, ``waiting_change`` (the captured load is
    still on), ``off_target`` (stable but too far from the planned load; ``deviation`` in g),
    ``manual`` (this step is recorded by hand), ``no_value``.
    """

    state: str
    reading: Reading | None = None
    frames: tuple[Reading, ...] = ()
    deviation: Decimal | None = None


@dataclass
class AutoCapture:
    """Feed it every reading; it says when the step's load is on the pan and steady."""

    consecutive: int = 3
    expected: Decimal | None = None
    e: Decimal = Decimal(1)
    enabled: bool = True
    armed: bool = True
    last_captured: Decimal | None = None
    _run: list[Reading] = field(default_factory=list)
    _shown: Decimal | None = None

    def start_step(self, expected: Decimal | None, e: Decimal, *, enabled: bool = True) -> None:
        """A new step (or phase) is on screen: armed unless the scale still shows the last capture."""
        self.expected = expected
        self.e = e
        self.enabled = enabled and expected is not None
        self._run = []
        self.armed = self.last_captured is None or self._shown != self.last_captured

    def captured(self, grams: Decimal) -> None:
        """A value was recorded (automatically or by hand): wait for the display to change."""
        self.last_captured = grams
        self.armed = False
        self._run = []

    def feed(self, reading: Reading) -> Decision:
        if reading.overload or (reading.underload and reading.value is None):
            self._run = []
            self.armed = True
            self._shown = None
            return Decision("overload", reading)
        grams = reading.grams()
        if grams is None:
            self._run = []
            return Decision("no_value", reading)
        self._shown = grams
        if not reading.stable:
            self._run = []
            self.armed = True
            return Decision("motion", reading)
        if not self.armed:
            if grams == self.last_captured:
                return Decision("waiting_change", reading)
            self.armed = True
        if self._run and self._run[-1].grams() != grams:
            self._run = []
        self._run.append(reading)
        del self._run[:-self.consecutive]
        if grams < 0 and (self.expected is None or self.expected > 0):
            return Decision("negative", reading)
        if not self.enabled or self.expected is None:
            return Decision("manual", reading)
        if len(self._run) < self.consecutive:
            return Decision("settling", reading)
        deviation = grams - self.expected
        if abs(deviation) > window(self.expected, self.e):
            return Decision("off_target", reading, deviation=deviation)
        return Decision("capture", reading, frames=tuple(self._run), deviation=deviation)
