"""The hop from the scale's port thread to the GUI thread.

``ScaleConnection`` calls back on its own port-owner thread; widgets may only be touched on the
GUI thread. ``ScaleLink`` lives in the GUI thread and re-emits every callback as a Qt signal with
an explicit queued connection, so the slot always runs in the GUI thread's event loop, whatever
thread emitted. Nothing else in the wizard sees the connection's threads.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Qt, Signal, Slot

from qcity_desktop.devices.reading import Reading

log = logging.getLogger(__name__)


class _Relay(QObject):
    """Emitted from the port thread; connected queued to ``ScaleLink`` in the GUI thread."""

    reading = Signal(object)
    error = Signal(object)
    status = Signal(str)


class ScaleLink(QObject):
    """Owns at most one ``ScaleConnection``; its readings, errors and status arrive as signals."""

    reading = Signal(object)      # devices.reading.Reading, on the GUI thread
    error = Signal(object)        # a QCityError (PortError, NoSignal, …)
    status = Signal(str)          # connecting, detecting, connected, no-signal, stale, disconnected, stopped
    connectedChanged = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._relay = _Relay()
        queued = Qt.ConnectionType.QueuedConnection
        self._relay.reading.connect(self._on_reading, queued)
        self._relay.error.connect(self._on_error, queued)
        self._relay.status.connect(self._on_status, queued)
        self.connection = None
        self.last: Reading | None = None
        self.state = "idle"
        self._generation = 0

    # -- control (GUI thread) -------------------------------------------------------------------
    def open(self, port: str, protocol: str = "auto", baud: int | None = None) -> None:
        """Connect to ``port``; raises UnknownProtocol (before any thread starts) or StateError."""
        from qcity_desktop.devices.connection import ScaleConnection

        self.close()
        self._generation += 1
        generation = self._generation
        relay = self._relay

        # the callbacks run on the port thread: they only emit (thread-safe), tagged with the
        # generation so a late frame of a closed connection never shows up on a new one
        def on_reading(reading: Reading) -> None:
            relay.reading.emit((generation, reading))

        def on_error(err: Exception) -> None:
            relay.error.emit((generation, err))

        def on_status(status: str) -> None:
            relay.status.emit(f"{generation}:{status}")

        self.connection = ScaleConnection(port, protocol, baud, on_reading=on_reading, on_error=on_error,
                                          on_status=on_status, reconnect=True)
        self.connection.start()
        self.connectedChanged.emit(True)

    def close(self) -> None:
        conn, self.connection = self.connection, None
        if conn is None:
            return
        self._generation += 1
        conn.stop()
        self.last = None
        self.state = "idle"
        self.status.emit("stopped")
        self.connectedChanged.emit(False)

    @property
    def is_open(self) -> bool:
        return self.connection is not None

    def latest(self) -> Reading | None:
        """The newest reading if still fresh (the connection decides what stale means)."""
        conn = self.connection
        return conn.latest() if conn is not None else None

    def send(self, action: str) -> None:
        if self.connection is not None:
            self.connection.send(action)

    def describe(self) -> str:
        """``toledo 9600 7E1 on /dev/ttyUSB0`` once known."""
        conn = self.connection
        if conn is None:
            return ""
        settings = conn.settings
        return " ".join(p for p in (conn.protocol or "", settings.label() if settings else "", conn.port) if p)

    # -- slots (GUI thread) ---------------------------------------------------------------------
    @Slot(object)
    def _on_reading(self, item: tuple[int, Reading]) -> None:
        generation, reading = item
        if generation != self._generation:
            return
        self.last = reading
        self.reading.emit(reading)

    @Slot(object)
    def _on_error(self, item: tuple[int, Exception]) -> None:
        generation, err = item
        if generation == self._generation:
            self.error.emit(err)

    @Slot(str)
    def _on_status(self, tagged: str) -> None:
        generation, _, status = tagged.partition(":")
        if int(generation) == self._generation:
            self.state = status
            self.status.emit(status)
