"""``ScaleConnection``: the one object the scale wizard and the CLI use to talk to a scale.

It wraps the port-owner thread, keeps the latest reading with its arrival time so a stale value is
never shown as live, and offers blocking waits (``wait_stable``) that only accept readings that
arrived *after* the wait began — a value captured before the weight was placed is never used.
Callbacks run on the port thread; a GUI must hop to its own thread (the ui layer does this with
signals).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterator

from qcity_desktop.devices.autodetect import detect_on
from qcity_desktop.devices.errors import NoSignal, PortError, ScaleOverload
from qcity_desktop.devices.protocols import get_decoder
from qcity_desktop.devices.reading import PortSettings, Reading
from qcity_desktop.devices.transport import ErrorCallback, PortWorker, ReadingCallback, StatusCallback
from qcity_desktop.errors import StateError


class NotStable(StateError):
    """Readings arrive but none is stable within the time allowed."""


class ScaleConnection:
    """Connect to a scale on ``port`` speaking ``protocol`` (or ``"auto"``).

    ``baud`` overrides the protocol's default baud rate; ``settings`` overrides all line settings.
    ``reconnect=True`` (the wizard) keeps retrying after the cable is pulled; the CLI passes False
    so a vanished port ends the command with a clear message.
    """

    def __init__(self, port: str, protocol: str = "auto", baud: int | None = None,
                 on_reading: ReadingCallback | None = None, on_error: ErrorCallback | None = None,
                 on_status: StatusCallback | None = None, *, settings: PortSettings | None = None,
                 reconnect: bool = True, stale_after: float = 2.0, first_frame_timeout: float = 3.0,
                 thorough_detect: bool = False) -> None:
        self.port = port
        self.requested_protocol = protocol
        self._on_reading = on_reading
        self._on_error = on_error
        self._on_status = on_status
        self.stale_after = stale_after
        self.status = "idle"
        self.last_error: Exception | None = None
        self._cond = threading.Condition()
        self._recent: deque[tuple[int, Reading]] = deque(maxlen=64)
        self._seq = 0
        self._errors = 0
        decoder = None
        detect: Callable | None = None
        if protocol.strip().lower() == "auto":
            def detect(ser, stop):  # noqa: ANN001, ANN202 - called by the worker only
                return detect_on(ser, port, baud=baud, thorough=thorough_detect, stop=stop)
        else:
            cls = get_decoder(protocol)  # raises UnknownProtocol before any thread starts
            decoder = cls(settings or cls.default_settings.with_baud(baud), port)
        self._worker = PortWorker(port, decoder, on_reading=self._got_reading, on_error=self._got_error,
                                  on_status=self._got_status, reconnect=reconnect, stale_after=stale_after,
                                  first_frame_timeout=first_frame_timeout, detect=detect)

    # -- life cycle -------------------------------------------------------------------------------
    def start(self) -> ScaleConnection:
        self._worker.start()
        return self

    def stop(self) -> None:
        self._worker.stop()

    def __enter__(self) -> ScaleConnection:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._worker.is_alive()

    @property
    def protocol(self) -> str | None:
        """The protocol in use (after auto-detection), else None."""
        decoder = self._worker.decoder
        return decoder.name if decoder else None

    @property
    def settings(self) -> PortSettings | None:
        decoder = self._worker.decoder
        return decoder.settings if decoder else None

    def stats(self) -> dict:
        decoder = self._worker.decoder
        return decoder.stats.to_dict() if decoder else {}

    # -- commands ---------------------------------------------------------------------------------
    def send(self, action: str) -> None:
        """Ask the scale to ``zero``, ``tare`` or ``clear-tare`` (protocols that support it)."""
        decoder = self._worker.decoder
        if decoder is None:
            raise StateError(f"秤尚未连接 scale on {self.port} not connected yet; cannot {action}")
        self._worker.send(decoder.command(action))

    # -- readings ---------------------------------------------------------------------------------
    def latest(self, max_age: float | None = None) -> Reading | None:
        """The newest reading if it is fresh (younger than ``max_age``, default ``stale_after``)."""
        limit = self.stale_after if max_age is None else max_age
        with self._cond:
            if not self._recent:
                return None
            reading = self._recent[-1][1]
        return reading if reading.age() <= limit else None

    def wait_reading(self, timeout: float, *, stable: bool = False) -> Reading:
        """The first reading that arrives after this call (stable and usable if ``stable``).

        Raises ``ScaleOverload`` as soon as the scale reports overload/underload, ``NotStable`` when
        readings come but none is stable in time, and the port/signal error when nothing comes.
        """
        with self._cond:
            cursor = self._seq
        return self._next(cursor, timeout, stable)[1]

    def readings(self, timeout: float, *, stable: bool = False) -> Iterator[Reading]:
        """Every reading from now on, in order; ``timeout`` applies to each one."""
        with self._cond:
            cursor = self._seq
        while True:
            cursor, reading = self._next(cursor, timeout, stable)
            yield reading

    def _next(self, cursor: int, timeout: float, stable: bool) -> tuple[int, Reading]:
        deadline = time.monotonic() + timeout
        with self._cond:
            start_errors = self._errors
            while True:
                for seq, reading in self._recent:
                    if seq <= cursor:
                        continue
                    cursor = seq
                    if reading.overload or (reading.underload and reading.value is None):
                        raise ScaleOverload(_overload_message(self.port, reading))
                    if not stable or (reading.stable and reading.usable):
                        return seq, reading
                left = deadline - time.monotonic()
                if left <= 0 or self.status in ("stopped", "no-signal"):
                    break
                self._cond.wait(left)
            last = self._recent[-1][1] if self._recent else None
            live = self.status == "connected"
            error = self.last_error if (self._errors > start_errors or not live) else None
        if live and last is not None and last.age() <= self.stale_after:
            raise NotStable(f"秤不稳定 no stable reading from {self.port} within {timeout:g} s "
                            f"(last: {last.describe()})")
        if isinstance(error, (PortError, NoSignal)):
            raise type(error)(str(error))
        raise NoSignal(f"没有读数 no reading from {self.port} within {timeout:g} s (status: {self.status})")

    def wait_stable(self, timeout: float, consecutive: int = 1) -> Reading:
        """A stable, in-range reading that arrived after this call.

        ``consecutive`` > 1 asks for that many stable frames in a row with the same value, which
        also rules out a frame that was already on the wire before the load was placed (the wizard
        uses 3 for automatic capture).
        """
        deadline = time.monotonic() + timeout
        with self._cond:
            cursor = self._seq
        run: list[Reading] = []
        while True:
            cursor, reading = self._next(cursor, max(deadline - time.monotonic(), 0.0), False)
            if reading.stable and reading.usable and (not run or run[-1].value == reading.value):
                run.append(reading)
            else:
                run = [reading] if reading.stable and reading.usable else []
            if len(run) >= consecutive:
                return reading
            if time.monotonic() >= deadline:
                raise NotStable(f"秤不稳定 no stable reading from {self.port} within {timeout:g} s "
                                f"(last: {reading.describe()})")

    # -- callbacks from the port thread -----------------------------------------------------------
    def _got_reading(self, reading: Reading) -> None:
        with self._cond:
            self._seq += 1
            self._recent.append((self._seq, reading))
            self._cond.notify_all()
        if self._on_reading:
            self._on_reading(reading)

    def _got_error(self, error: Exception) -> None:
        with self._cond:
            self.last_error = error
            self._errors += 1
            self._cond.notify_all()
        if self._on_error:
            self._on_error(error)

    def _got_status(self, status: str) -> None:
        with self._cond:
            self.status = status
            self._cond.notify_all()
        if self._on_status:
            self._on_status(status)


def _overload_message(port: str, reading: Reading) -> str:
    what = "超载 overload (load above Max)" if reading.overload else "欠载 underload (below zero range)"
    return f"秤{what} on {port} ({reading.protocol}, raw {reading.raw.hex()}): remove the load or re-zero"
