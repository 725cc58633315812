"""The serial port owner: one thread per port that reads, decodes, polls and reconnects.

Only this thread touches the ``serial.Serial`` object (pyserial objects are not thread-safe and a
port has one owner in this app). Everything else talks to it through callbacks (readings, errors,
status changes) and a command queue. When the cable is pulled the thread reports it once, keeps
retrying the same path, and carries on with a fresh decoder when the port comes back.
"""

from __future__ import annotations

import errno
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import serial
from serial.tools import list_ports as _list_ports

from qcity_desktop.devices.errors import NoSignal, PortError, ProtocolNotRecognised
from qcity_desktop.devices.protocols.base import Decoder
from qcity_desktop.devices.reading import PortSettings, Reading
from qcity_desktop.errors import EnvironmentProblem

try:  # POSIX only; Windows ports never raise termios errors
    import termios

    _TERMIOS_ERRORS: tuple[type[BaseException], ...] = (termios.error,)
except ImportError:  # pragma: no cover - Windows
    _TERMIOS_ERRORS = ()

log = logging.getLogger(__name__)

ReadingCallback = Callable[[Reading], None]
ErrorCallback = Callable[[Exception], None]
StatusCallback = Callable[[str], None]

#: USB-serial bridge chips seen on market scales and inspector cables (VID:PID -> chip).
KNOWN_BRIDGES = {
    "1a86:7523": "WCH CH340", "1a86:5523": "WCH CH341", "1a86:55d4": "WCH CH9102",
    "067b:2303": "Prolific PL2303", "0403:6001": "FTDI FT232R", "0403:6015": "FTDI FT-X",
    "10c4:ea60": "Silicon Labs CP210x",
}


@dataclass(frozen=True)
class PortInfo:
    """A serial port as the OS describes it; VID/PID tell a USB adapter apart from a built-in port."""

    device: str
    description: str
    hwid: str
    vid: str | None
    pid: str | None
    serial_number: str | None
    manufacturer: str | None
    product: str | None
    location: str | None
    chip: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def list_ports() -> list[PortInfo]:
    """Serial ports present now, USB ones with VID/PID and a chip name when we know it."""
    found = []
    for p in sorted(_list_ports.comports(), key=lambda p: p.device):
        vid = f"{p.vid:04x}" if p.vid is not None else None
        pid = f"{p.pid:04x}" if p.pid is not None else None
        description = p.description if p.description and p.description != "n/a" else ""
        found.append(PortInfo(
            device=p.device, description=description, hwid=p.hwid or "", vid=vid, pid=pid,
            serial_number=p.serial_number, manufacturer=p.manufacturer, product=p.product,
            location=p.location, chip=KNOWN_BRIDGES.get(f"{vid}:{pid}") if vid else None,
        ))
    return found


def open_port(port: str, settings: PortSettings, timeout: float = 0.05) -> serial.Serial:
    """Open ``port`` or raise a one-line ``PortError`` saying why (missing, busy, no permission)."""
    ser = serial.Serial(None, timeout=timeout, write_timeout=1.0)
    ser.port = port
    try:
        configure(ser, settings)
    except (serial.SerialException, OSError, ValueError, *_TERMIOS_ERRORS) as err:
        raise PortError(f"无法打开串口 cannot open serial port {port}: {_reason(err)}") from None
    return ser


def configure(ser: serial.Serial, settings: PortSettings) -> None:
    """Apply ``settings`` to ``ser`` (opening it if closed).

    Pseudo-terminals cannot do 7-bit or parity framing and refuse a change that asks only for that
    (EINVAL); such a port is opened at 8 data bits, no parity instead. Decoders of 7-bit protocols
    mask bit 7, so they read the same bytes either way. A real UART never takes this path.
    """
    wanted = settings.serial_kwargs()
    try:
        if ser.is_open:
            ser.apply_settings(wanted)
        else:
            ser.apply_settings(wanted)
            ser.open()
        return
    except _TERMIOS_ERRORS as err:
        if err.args[0] != errno.EINVAL or (settings.bytesize == 8 and settings.parity == "N"):
            raise
    ser.close()
    ser.apply_settings({**wanted, "bytesize": 8, "parity": "N"})
    ser.open()
    log.info("%s refused %s framing; opened 8N1 (a pseudo-terminal?)", ser.port, settings.label())


def _reason(err: BaseException) -> str:
    code = getattr(err, "errno", None)
    text = str(err)
    if code == errno.ENOENT or "No such file" in text:
        return "no such port (unplugged? see `qcity scale ports`)"
    if code == errno.EACCES or "Permission denied" in text:
        return "permission denied (add the user to the dialout group)"
    if code == errno.EBUSY or "busy" in text.lower():
        return "port busy (another program has it open)"
    if "readiness to read" in text or "Input/output error" in text or code == errno.EIO:
        return "device disconnected"
    return text.splitlines()[0] if text else type(err).__name__


class PortWorker(threading.Thread):
    """Owns one port. ``decoder`` may be None: the worker auto-detects the protocol first."""

    def __init__(self, port: str, decoder: Decoder | None, *, on_reading: ReadingCallback,
                 on_error: ErrorCallback, on_status: StatusCallback, reconnect: bool = True,
                 retry_interval: float = 0.5, stale_after: float = 2.0, first_frame_timeout: float = 3.0,
                 detect: Callable[[serial.Serial, threading.Event], Any] | None = None) -> None:
        super().__init__(name=f"scale-port {port}", daemon=True)
        self.port = port
        self.decoder = decoder
        self.on_reading = on_reading
        self.on_error = on_error
        self.on_status = on_status
        self.reconnect = reconnect
        self.retry_interval = retry_interval
        self.stale_after = stale_after
        self.first_frame_timeout = first_frame_timeout
        self._detect = detect
        self._halt = threading.Event()
        self._commands: queue.SimpleQueue[bytes] = queue.SimpleQueue()
        self._ser: serial.Serial | None = None

    # -- control from other threads ---------------------------------------------------------------
    def stop(self, timeout: float = 2.0) -> None:
        self._halt.set()
        ser = self._ser
        if ser is not None:
            try:
                ser.cancel_read()
            except Exception:  # noqa: BLE001 - the port may be half-closed already
                pass
        if self.is_alive() and threading.current_thread() is not self:
            self.join(timeout)

    def send(self, data: bytes) -> None:
        """Queue bytes for the port; the owner thread writes them."""
        self._commands.put(bytes(data))

    # -- the thread -------------------------------------------------------------------------------
    def run(self) -> None:
        try:
            self._run()
        except Exception as err:  # a bug: report it instead of dying silently
            log.exception("port owner thread failed")
            self.on_error(EnvironmentProblem(f"串口线程出错 internal error on {self.port}: {type(err).__name__}: {err}"))
            self.on_status("stopped")

    def _run(self) -> None:
        reported_gone = False
        settings = self.decoder.settings if self.decoder else PortSettings()
        while not self._halt.is_set():
            self.on_status("connecting")
            try:
                ser = open_port(self.port, settings)
            except PortError as err:
                if not reported_gone:
                    self.on_error(err)
                    reported_gone = True
                if not self.reconnect:
                    break
                self._halt.wait(self.retry_interval)
                continue
            self._ser = ser
            reported_gone = False
            try:
                if self.decoder is None:
                    self.on_status("detecting")
                    try:
                        self.decoder = self._detect(ser, self._halt) if self._detect else None
                    except ProtocolNotRecognised as err:
                        self.on_error(err)
                        break
                    if self.decoder is None:  # stopped while detecting
                        break
                    settings = self.decoder.settings
                    for reading in getattr(self.decoder, "detected_readings", []):
                        self._deliver(reading)
                else:
                    self.decoder.reset()
                    ser.reset_input_buffer()  # bytes queued while nobody listened are stale
                self.decoder.port = self.port
                self.on_status("connected")
                self._pump(ser)
            except (serial.SerialException, OSError) as err:
                if self._halt.is_set():
                    break
                self.on_error(PortError(f"串口断开 serial port {self.port} lost: {_reason(err)}"))
                reported_gone = True
                self.on_status("disconnected")
                if not self.reconnect:
                    break
                self._halt.wait(self.retry_interval)
            finally:
                self._ser = None
                try:
                    ser.close()
                except Exception:  # noqa: BLE001 - closing a vanished device may fail
                    pass
        self.on_status("stopped")

    def _pump(self, ser: serial.Serial) -> None:
        decoder = self.decoder
        assert decoder is not None
        start = decoder.start_bytes()
        if start:
            ser.write(start)
        now = time.monotonic()
        connected_at = last_frame = last_start = now
        got_frame = False
        stale = False
        warned_silent = False
        while not self._halt.is_set():
            data = ser.read(1)
            if data:
                waiting = ser.in_waiting
                if waiting:
                    data += ser.read(waiting)
                now = time.monotonic()
                readings = decoder.feed(data, now)
                reply = decoder.take_output()
                if reply:
                    ser.write(reply)
                if readings:
                    last_frame = now
                    got_frame = True
                    if stale or warned_silent:
                        stale = warned_silent = False
                        self.on_status("connected")
                    for reading in readings:
                        self._deliver(reading)
            now = time.monotonic()
            request = decoder.poll(now)
            if request:
                ser.write(request)
            while True:
                try:
                    ser.write(self._commands.get_nowait())
                except queue.Empty:
                    break
            if start and now - last_frame > 1.0 and now - last_start > 1.0:
                ser.write(start)  # e.g. the balance was power-cycled and forgot SIR
                last_start = now
            if not got_frame and not warned_silent and now - connected_at > self.first_frame_timeout:
                warned_silent = True
                self.on_error(self._silence_error(decoder, now - connected_at))
                self.on_status("no-signal")
            elif got_frame and not stale and now - last_frame > self.stale_after:
                stale = True
                self.on_error(NoSignal(
                    f"数据中断 no valid frame from {self.port} for {now - last_frame:.1f} s; "
                    "the last reading is stale"))
                self.on_status("stale")

    def _silence_error(self, decoder: Decoder, waited: float) -> NoSignal:
        s = decoder.stats
        where = f"{self.port} ({decoder.name}, {decoder.settings.label()})"
        if s.bytes_in == 0:
            return NoSignal(f"没有数据 no data from {where} in {waited:.0f} s: is the scale on, "
                            "connected and set to send?")
        return NoSignal(f"数据无法识别 {s.bytes_in} bytes from {where} in {waited:.0f} s but no valid frame "
                        f"({s.bad_frames} bad): wrong baud rate or protocol?")

    def _deliver(self, reading: Reading) -> None:
        try:
            self.on_reading(reading)
        except Exception:  # a bug in a consumer must not kill the port owner
            log.exception("reading callback failed")
