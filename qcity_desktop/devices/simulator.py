"""A virtual scale on a pseudo-terminal, for tests, demos and training without hardware.

The simulator opens a pty, points a stable symlink at its slave side (like ``/dev/serial/by-id``
does for a USB adapter, so "unplugging" and "plugging back" keeps the same path) and speaks one
protocol through that protocol module's ``Emulator``. A pty has no baud rate, so the simulator
paces its own bytes: each byte leaves when it would have finished on a real line at the configured
baud rate. It also reads the baud rate the client set on the pty and, when it differs, sends what a
UART at the wrong speed would see: garbage.
"""

from __future__ import annotations

import os
import random
import select
import tempfile
import threading
import time
from collections import deque
from decimal import Decimal
from typing import Any

from qcity_desktop.devices.protocols import get_decoder
from qcity_desktop.devices.protocols.base import ScaleState
from qcity_desktop.devices.scenarios import SCENARIOS, ScaleModel
from qcity_desktop.devices.units import parse_grams
from qcity_desktop.errors import EnvironmentProblem, InputError

try:  # pseudo-terminals are POSIX only
    import termios
    import tty
except ImportError:  # pragma: no cover - Windows
    termios = tty = None  # type: ignore[assignment]

HELP = ("commands: load <mass> | add <mass> | remove | zero | tare | cleartare | unplug | plug | "
        "scenario <name> | status | quit   (mass like 2000g, 2.5kg)")


class _Controls:
    """The simulated keypad, as the emulator sees it (always called with the model lock held)."""

    def __init__(self, scale: VirtualScale) -> None:
        self._scale = scale

    def state(self) -> ScaleState:
        return self._scale.model.state()

    def zero(self) -> bool:
        return self._scale.model.zero()

    def tare(self) -> bool:
        return self._scale.model.tare()

    def clear_tare(self) -> bool:
        return self._scale.model.clear_tare()


class VirtualScale:
    """A scale speaking ``protocol`` on a pty; ``start()`` returns the path clients open."""

    def __init__(self, protocol: str, model: ScaleModel | None = None, *, baud: int | None = None,
                 rate: float = 10.0, link: str | os.PathLike[str] | None = None,
                 disconnect_every: float = 3.0, disconnect_for: float = 1.5, seed: int = 7,
                 emulator_options: dict[str, Any] | None = None) -> None:
        if not hasattr(os, "openpty") or termios is None:
            raise EnvironmentProblem("虚拟秤需要 POSIX 伪终端 the virtual scale needs a POSIX pseudo-terminal")
        decoder = get_decoder(protocol)
        if decoder.emulator is None:
            raise InputError(f"协议 {decoder.name} 没有模拟器 protocol {decoder.name} has no simulator")
        self.protocol = decoder.name
        self.settings = decoder.default_settings.with_baud(baud)
        self.model = model or ScaleModel()
        self.emulator = decoder.emulator(**(emulator_options or {}))
        if self.model.unit not in self.emulator.units:
            raise InputError(f"协议 {self.protocol} 不能显示单位 {self.model.unit} "
                             f"(protocol {self.protocol} carries {', '.join(self.emulator.units)})")
        if rate <= 0:
            raise InputError("frame rate must be positive")
        self.rate = rate
        self.disconnect_every = disconnect_every
        self.disconnect_for = disconnect_for
        self._own_dir: str | None = None
        if link is None:
            self._own_dir = tempfile.mkdtemp(prefix="qcity-scale-")
            link = os.path.join(self._own_dir, f"tty-{self.protocol}")
        self.path = str(link)
        self.pty_name: str | None = None
        self.lock = threading.RLock()
        self._controls = _Controls(self)
        self._rng = random.Random(seed)
        self._master = self._slave = -1
        self._plugged = False
        self._want_plugged = True
        self._plug_done = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._line_free = 0.0
        self._plugged_at = 0.0
        self._unplugged_at = 0.0
        self._baud_const = getattr(termios, f"B{self.settings.baudrate}", None)
        self.frames_sent = 0
        self.bytes_dropped = 0
        self.garbled = False
        #: (monotonic time the last byte was handed to the pty, bytes) of recent writes, for latency figures.
        self.sent_log: deque[tuple[float, bytes]] = deque(maxlen=1000)

    # -- life cycle -------------------------------------------------------------------------------
    def start(self) -> str:
        self._plug()
        self._thread = threading.Thread(target=self._run, name=f"virtual-scale {self.protocol}", daemon=True)
        self._thread.start()
        return self.path

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(2.0)
        self._unplug()
        if self._own_dir:
            try:
                os.rmdir(self._own_dir)
            except OSError:
                pass

    def __enter__(self) -> VirtualScale:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- the cable --------------------------------------------------------------------------------
    def unplug(self, wait: bool = True) -> None:
        """Pull the cable: the port path disappears and open clients get an I/O error."""
        self._request(False, wait)

    def plug(self, wait: bool = True) -> None:
        """Plug the cable back: a new pty behind the same path."""
        self._request(True, wait)

    @property
    def plugged(self) -> bool:
        return self._plugged

    def _request(self, plugged: bool, wait: bool) -> None:
        self._plug_done.clear()
        self._want_plugged = plugged
        if wait and self._thread is not None and self._thread.is_alive():
            self._plug_done.wait(2.0)
        elif self._thread is None:
            (self._plug if plugged else self._unplug)()

    def _plug(self) -> None:
        master, slave = os.openpty()
        tty.setraw(slave)
        if self._baud_const is not None:
            attrs = termios.tcgetattr(slave)
            attrs[4] = attrs[5] = self._baud_const
            termios.tcsetattr(slave, termios.TCSANOW, attrs)
        os.set_blocking(master, False)
        self.pty_name = os.ttyname(slave)
        tmp = f"{self.path}.new"
        if os.path.lexists(tmp):
            os.unlink(tmp)
        os.symlink(self.pty_name, tmp)
        os.replace(tmp, self.path)
        self._master, self._slave = master, slave
        self._plugged = True
        self._plugged_at = time.monotonic()

    def _unplug(self) -> None:
        self._plugged = False
        for fd in (self._master, self._slave):
            if fd >= 0:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self._master = self._slave = -1
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass

    # -- the line ---------------------------------------------------------------------------------
    def _client_mismatch(self) -> bool:
        """True when the client set another baud rate on the pty than the scale uses."""
        if self._baud_const is None:
            return False
        try:
            attrs = termios.tcgetattr(self._slave)
        except termios.error:
            return False
        return attrs[5] != self._baud_const

    def _send(self, data: bytes) -> None:
        if self._client_mismatch():
            self.garbled = True
            data = self._rng.randbytes(len(data))
        per_byte = self.settings.seconds_per_byte()
        t0 = max(time.monotonic(), self._line_free)
        sent, n = 0, len(data)
        while sent < n and not self._stop.is_set():
            now = time.monotonic()
            due = min(n, int((now - t0) / per_byte))
            if due > sent:
                if due == n:  # logged before the write so a fast reader never sees a frame not yet logged
                    self.sent_log.append((time.monotonic(), data))
                try:
                    os.write(self._master, data[sent:due])
                except BlockingIOError:  # nobody reads the port: a UART just keeps sending
                    self.bytes_dropped += due - sent
                except OSError:
                    return
                sent = due
            else:
                time.sleep(max(t0 + (sent + 1) * per_byte - now, 0.0005))
        self._line_free = t0 + n * per_byte

    def _run(self) -> None:
        period = 1.0 / self.rate
        next_tick = time.monotonic()
        while not self._stop.is_set():
            if self._want_plugged != self._plugged:
                with self.lock:
                    (self._plug if self._want_plugged else self._unplug)()
                self._plug_done.set()
            now = time.monotonic()
            if self.model.scenario == "disconnect":
                self._scripted_disconnect(now)
            if not self._plugged:
                self._stop.wait(0.02)
                continue
            try:
                ready, _, _ = select.select([self._master], [], [], max(0.0, min(next_tick - now, 0.05)))
            except (OSError, ValueError):
                continue
            if ready:
                try:
                    data = os.read(self._master, 4096)
                except OSError:
                    data = b""
                if data and not self._client_mismatch():
                    with self.lock:
                        reply = self.emulator.on_host_bytes(data, self._controls)
                    if reply:
                        self._send(reply)
            now = time.monotonic()
            if now >= next_tick:
                with self.lock:
                    out = self.emulator.tick(self.model.state(now), self._controls)
                if out:
                    self._send(out)
                    self.frames_sent += 1
                next_tick += period
                if next_tick < now:
                    next_tick = now + period

    def _scripted_disconnect(self, now: float) -> None:
        if self._plugged and self._want_plugged and now - self._plugged_at >= self.disconnect_every:
            self._want_plugged = False
            self._unplugged_at = now
        elif not self._plugged and not self._want_plugged and now - self._unplugged_at >= self.disconnect_for:
            self._want_plugged = True

    # -- commands (stdin of ``qcity scale simulate``) ---------------------------------------------
    def command(self, line: str) -> str:
        """Run one text command; returns the reply line. Raises ``QCityError`` for bad input."""
        words = line.strip().split()
        if not words:
            return ""
        verb, args = words[0].lower(), words[1:]
        with self.lock:
            if verb in ("load", "place", "put") and args:
                self.model.place(parse_grams("".join(args)))
            elif verb == "add" and args:
                self.model.add(parse_grams("".join(args)))
            elif verb in ("remove", "unload", "empty"):
                self.model.remove()
            elif verb == "zero":
                if not self.model.zero():
                    return "refused zero (moving, or outside ±4 % of Max)"
            elif verb == "tare":
                if not self.model.tare():
                    return "refused tare (moving or out of range)"
            elif verb in ("cleartare", "clear-tare"):
                self.model.clear_tare()
            elif verb == "scenario" and args:
                if args[0] not in SCENARIOS:
                    raise InputError(f"unknown scenario {args[0]!r} (known: {', '.join(SCENARIOS)})")
                self.model.scenario = args[0]
            elif verb in ("unplug", "disconnect"):
                pass
            elif verb in ("plug", "reconnect"):
                pass
            elif verb == "status":
                pass
            elif verb == "help":
                return HELP
            else:
                raise InputError(f"unknown command {line.strip()!r} — {HELP}")
        if verb in ("unplug", "disconnect"):
            self.unplug()
            return f"ok unplugged ({self.path} removed)"
        if verb in ("plug", "reconnect"):
            self.plug()
            return f"ok plugged ({self.path} -> {self.pty_name})"
        return "ok " + self.status()

    def status(self) -> str:
        with self.lock:
            st = self.model.state()
            load = self.model.load_g
        shown = "overload" if st.overload else "underload" if st.underload else f"{st.value} {st.unit}"
        flags = ["stable" if st.stable else "moving"] + (["net"] if st.net else [])
        cable = "" if self._plugged else " [unplugged]"
        return f"load {load.normalize():f} g, shows {shown} ({', '.join(flags)}){cable}"


def parse_model_options(scenario: str, max_text: str, e_text: str, unit: str, offset: str | None,
                        cheat_percent: str, cheat_threshold: str, unit_price: str) -> ScaleModel:
    """Build a ``ScaleModel`` from command-line text, with one-line errors."""
    try:
        percent = Decimal(cheat_percent)
        price = Decimal(unit_price)
    except Exception:  # noqa: BLE001 - any parse failure is an input error
        raise InputError(f"invalid number in --cheat-percent {cheat_percent!r} or --price {unit_price!r}") from None
    return ScaleModel(
        scenario=scenario, max_g=parse_grams(max_text), e_g=parse_grams(e_text), unit=unit,
        offset_g=parse_grams(offset) if offset else None, cheat_percent=percent,
        cheat_threshold_g=parse_grams(cheat_threshold), unit_price=price,
    )

