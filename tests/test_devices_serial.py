"""The serial path end to end: a virtual scale on a real pseudo-terminal, read by a real
``serial.Serial`` through the port-owner thread — loads, tare, overload, cheating, unplugging the
cable and plugging it back, stale data, auto-detection and garbage that must never be detected."""

from __future__ import annotations

import os
import random
import threading
import time
import tty
from decimal import Decimal

import pytest
import serial

from qcity_desktop.devices.autodetect import detect
from qcity_desktop.devices.connection import ScaleConnection
from qcity_desktop.devices.errors import NoSignal, PortError, ProtocolNotRecognised, ScaleOverload
from qcity_desktop.devices.protocols import decoders
from qcity_desktop.devices.scenarios import ScaleModel
from qcity_desktop.devices.simulator import VirtualScale

pytestmark = pytest.mark.timeout(60)
PROTOCOLS = sorted(decoders())


def _wait_for(predicate, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_placed_load_is_read_through_a_real_serial_port(protocol):
    with VirtualScale(protocol) as scale, ScaleConnection(scale.path, protocol) as conn:
        scale.command("load 2000g")
        reading = conn.wait_stable(5, consecutive=3)
        assert (reading.value, reading.unit) == (Decimal("2.000"), "kg")
        assert reading.raw in b"".join(data for _, data in scale.sent_log)  # evidence: the bytes as sent
        assert reading.protocol == protocol and reading.port == scale.path
        assert reading.settings == decoders()[protocol].default_settings
        assert reading.age() < 1.0
        scale.command("remove")
        assert conn.wait_stable(5, consecutive=3).value == Decimal("0.000")


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_autodetect_finds_the_protocol_the_scale_speaks(protocol):
    model = ScaleModel()
    model.place(Decimal(1234), now=model.start - 5)
    with VirtualScale(protocol, model) as scale:
        decoder = detect(scale.path)
        assert decoder.name == protocol
        assert [str(r.value) for r in decoder.detected_readings] == ["1.235"] * 3  # rounded to e = 5 g


def _pty_with_writer(produce):
    """A pty whose master side is fed by ``produce(master_fd, stop)`` in a thread."""
    master, slave = os.openpty()
    tty.setraw(slave)
    stop = threading.Event()
    thread = threading.Thread(target=produce, args=(master, stop), daemon=True)
    thread.start()
    return os.ttyname(slave), master, slave, stop, thread


def _close(master, slave, stop, thread):
    stop.set()
    thread.join(2)
    os.close(master)
    os.close(slave)


def test_garbage_and_echo_devices_are_never_autodetected():
    rng = random.Random(11)

    def garbage(fd, stop):
        while not stop.is_set():
            os.write(fd, rng.randbytes(96))
            stop.wait(0.01)

    def echo(fd, stop):  # a loop-back plug: answers every probe with the probe itself
        while not stop.is_set():
            try:
                data = os.read(fd, 1024)
            except BlockingIOError:
                data = b""
            if data:
                os.write(fd, data)
            stop.wait(0.005)

    for produce in (garbage, echo):
        path, *rest = _pty_with_writer(produce)
        if produce is echo:
            os.set_blocking(rest[0], False)
        try:
            with pytest.raises(ProtocolNotRecognised) as err:
                detect(path, listen=0.6, probe=0.6)
            assert "\n" not in str(err.value) and path in str(err.value)
        finally:
            _close(*rest)


def test_wrong_baud_rate_reads_as_garbage_and_is_not_detected():
    with VirtualScale("toledo", baud=19200) as scale:
        with pytest.raises(ProtocolNotRecognised, match="wrong baud rate"):
            detect(scale.path, listen=0.6, probe=0.4)
        assert scale.garbled
        assert detect(scale.path, baud=19200).name == "toledo"


def test_unplugging_the_cable_is_reported_and_reading_resumes_when_plugged_back():
    errors, statuses = [], []
    with VirtualScale("toledo") as scale, ScaleConnection(
            scale.path, "toledo", on_error=errors.append, on_status=statuses.append, stale_after=0.5) as conn:
        scale.command("load 2000g")
        assert conn.wait_stable(5, consecutive=2).value == Decimal("2.000")
        scale.unplug()
        assert _wait_for(lambda: any(isinstance(e, PortError) for e in errors), 3)
        assert "\n" not in str(errors[-1]) and scale.path in str(errors[-1])
        assert _wait_for(lambda: conn.latest() is None, 2)  # the old value is not shown as live
        scale.command("load 3000g")  # changed while unplugged
        scale.plug()
        assert conn.wait_stable(5, consecutive=2).value == Decimal("3.000")
        assert conn.status == "connected"
    assert "disconnected" in statuses and statuses.count("connected") >= 2


def test_disconnect_scenario_keeps_coming_back():
    statuses = []
    model = ScaleModel(scenario="disconnect")
    model.place(Decimal(750), now=model.start - 5)
    with VirtualScale("ad", model, disconnect_every=0.8, disconnect_for=0.4) as scale, \
            ScaleConnection(scale.path, "ad", on_status=statuses.append) as conn:
        assert _wait_for(lambda: statuses.count("disconnected") >= 2, 6)
        assert conn.wait_stable(5).value == Decimal("0.750")


def test_port_vanishing_mid_read_ends_a_non_reconnecting_read_with_one_line():
    with VirtualScale("aclas") as scale, ScaleConnection(scale.path, "aclas", reconnect=False) as conn:
        conn.wait_reading(3)
        scale.unplug()
        with pytest.raises(PortError) as err:
            for _ in conn.readings(5):
                pass
        assert "\n" not in str(err.value) and "lost" in str(err.value)


def test_a_scale_that_goes_quiet_turns_stale():
    from qcity_desktop.devices.protocols.toledo import checksum

    body = bytes([0x02, 0x2D, 0x30, 0x20]) + b"  1235     0\r"
    frame = body + bytes([checksum(body)])

    def three_frames(fd, stop):
        for _ in range(3):
            os.write(fd, frame)
            time.sleep(0.05)
        stop.wait()

    path, *rest = _pty_with_writer(three_frames)
    errors = []
    try:
        with ScaleConnection(path, "toledo", stale_after=0.4, on_error=errors.append) as conn:
            first = conn.wait_reading(3)
            assert first.value == Decimal("1.235")
            assert _wait_for(lambda: conn.status == "stale", 3)
            assert conn.latest() is None
            assert isinstance(errors[-1], NoSignal) and "stale" in str(errors[-1])
            with pytest.raises(NoSignal):
                conn.wait_stable(0.5)
    finally:
        _close(*rest)


def test_tare_gives_net_readings_and_negative_weights_stay_negative():
    with VirtualScale("toledo") as scale, ScaleConnection(scale.path, "toledo") as conn:
        scale.command("load 500g")
        assert conn.wait_stable(5, consecutive=2).net is False
        conn.send("tare")  # the T command over the wire
        assert _wait_for(lambda: (r := conn.latest()) is not None and r.net and r.value == 0, 3)
        scale.command("remove")
        reading = conn.wait_stable(5, consecutive=2)
        assert (reading.value, reading.net, reading.tare) == (Decimal("-0.500"), True, Decimal("0.500"))


def test_mt_sics_tare_command_makes_readings_net():
    with VirtualScale("mt-sics", ScaleModel(unit="g", e_g=Decimal("0.1"))) as scale, \
            ScaleConnection(scale.path, "mt-sics") as conn:
        scale.command("load 120g")
        assert conn.wait_stable(5, consecutive=2).value == Decimal("120.0")
        conn.send("tare")
        assert _wait_for(lambda: (r := conn.latest()) is not None and r.net and r.value == 0, 3)


def test_overload_is_an_error_not_a_weight():
    with VirtualScale("ad", ScaleModel(scenario="overload")) as scale, ScaleConnection(scale.path, "ad") as conn:
        with pytest.raises(ScaleOverload) as err:
            conn.wait_stable(5)
        assert "overload" in str(err.value) and "\n" not in str(err.value)
        scale.command("remove")
        assert conn.wait_stable(5, consecutive=2).value == Decimal("0.000")


def test_cheat_scenario_adds_ten_percent_above_the_threshold():
    with VirtualScale("cas", ScaleModel(scenario="cheat")) as scale, ScaleConnection(scale.path, "cas") as conn:
        scale.command("load 500g")
        assert conn.wait_stable(5, consecutive=2).value == Decimal("0.500")
        scale.command("load 2000g")
        assert conn.wait_stable(5, consecutive=2).value == Decimal("2.200")


def test_simulator_paces_bytes_at_the_baud_rate():
    # 18-byte Toledo frames at 1200 baud, 7E1 (10 bits a byte): 150 ms on the wire each.
    with VirtualScale("toledo", baud=1200, rate=2) as scale:
        ser = serial.Serial(scale.path, 1200, timeout=0.01)
        try:
            arrivals = []
            deadline = time.monotonic() + 2.5
            while time.monotonic() < deadline and len(arrivals) < 40:
                data = ser.read(64)
                now = time.monotonic()
                arrivals += [(now, b) for b in data]
        finally:
            ser.close()
    starts = [i for i, (_, b) in enumerate(arrivals) if b == 0x02]
    assert len(starts) >= 2
    first, second = starts[0], starts[1]
    span = arrivals[second - 1][0] - arrivals[first][0]
    assert span > 0.1, f"a frame arrived in {span * 1000:.0f} ms; at 1200 baud it takes 150 ms"
