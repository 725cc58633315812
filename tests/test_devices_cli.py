"""``qcity scale`` as a user runs it: ``simulate`` and ``read`` as real subprocesses on a real pty."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.timeout(60)


def qcity(*args: str, timeout: float = 30) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qcity_desktop", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)


class Simulator:
    """``qcity scale simulate`` in the background, driven through its stdin like a person would."""

    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "qcity_desktop", "scale", "simulate", "--json", *args],
                                     cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, bufsize=1)
        first = self.proc.stdout.readline()
        assert first, self.proc.stderr.read()
        self.info = json.loads(first)
        self.port = self.info["port"]

    def say(self, command: str) -> str:
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        return self.proc.stdout.readline().strip()

    def close(self) -> str:
        if self.proc.poll() is None:
            self.say("quit")
        self.proc.wait(10)
        return self.proc.stderr.read()


@pytest.fixture
def simulator():
    started = []

    def start(*args: str) -> Simulator:
        sim = Simulator(*args)
        started.append(sim)
        return sim

    yield start
    for sim in started:
        if sim.proc.poll() is None:
            sim.proc.terminate()
        sim.proc.wait(10)


def _one_line_error(result: subprocess.CompletedProcess) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_read_prints_one_json_object_per_stable_reading(simulator):
    sim = simulator("--protocol", "toledo", "--scenario", "accurate")
    assert sim.info["settings"] == "9600 7E1" and Path(sim.port).exists()
    assert sim.say("load 2000g").startswith("ok load 2000 g")
    time.sleep(0.5)
    result = qcity("scale", "read", "--port", sim.port, "--protocol", "toledo", "--count", "3", "--stable", "--json")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 3
    for row in rows:
        assert row["value"] == "2.000" and row["unit"] == "kg" and row["stable"] is True and row["net"] is False
        assert row["protocol"] == "toledo" and row["settings"] == "9600 7E1"
        raw = bytes.fromhex(row["raw"])
        assert raw[0] == 0x02 and raw[-2] == 0x0D  # STX … CR checksum, exactly as sent
        assert row["time"].endswith("Z")
    sim.close()
    assert sim.proc.returncode == 0


def test_read_auto_detects_the_protocol(simulator):
    sim = simulator("--protocol", "ad", "--load", "1500g")
    result = qcity("scale", "read", "--port", sim.port, "--json")
    assert result.returncode == 0, result.stderr
    row = json.loads(result.stdout)
    assert row["protocol"] == "ad" and row["value"] == "1.500"


def test_human_output_without_json(simulator):
    sim = simulator("--protocol", "mt-sics", "--unit", "g", "--e", "0.1g", "--load", "250g")
    result = qcity("scale", "read", "--port", sim.port, "--protocol", "mt-sics", "--stable")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("250.0 g 稳定 stable")


def test_overload_is_a_one_line_error(simulator):
    sim = simulator("--protocol", "aclas", "--scenario", "overload")
    line = _one_line_error(qcity("scale", "read", "--port", sim.port, "--protocol", "aclas", "--stable"))
    assert "overload" in line


def test_wrong_baud_is_a_one_line_error(simulator):
    sim = simulator("--protocol", "toledo", "--load", "1kg")
    result = qcity("scale", "read", "--port", sim.port, "--protocol", "toledo", "--baud", "4800")
    assert result.returncode == 3
    assert "wrong baud rate" in _one_line_error(result)


def test_port_vanishing_mid_read(simulator):
    sim = simulator("--protocol", "cas", "--load", "800g")
    reader = subprocess.Popen([sys.executable, "-m", "qcity_desktop", "scale", "read", "--port", sim.port,
                               "--protocol", "cas", "--count", "1000", "--json"],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first = reader.stdout.readline()
    assert json.loads(first)["value"] == "0.800"
    assert sim.say("unplug").startswith("ok unplugged")
    out, err = reader.communicate(timeout=15)
    assert reader.returncode == 3
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1 and "lost" in err


def test_unknown_protocol_and_missing_port_are_one_line_errors(tmp_path):
    line = _one_line_error(qcity("scale", "read", "--port", str(tmp_path / "ttyNONE"), "--protocol", "dahua"))
    assert "dahua" in line and "toledo" in line
    line = _one_line_error(qcity("scale", "simulate", "--protocol", "nope"))
    assert "nope" in line
    line = _one_line_error(qcity("scale", "read", "--port", str(tmp_path / "ttyNONE"), "--protocol", "toledo"))
    assert "ttyNONE" in line and "no such port" in line


def test_simulator_rejects_bad_commands_but_keeps_running(simulator):
    sim = simulator("--protocol", "ad")
    assert sim.say("load lots").startswith("error:")
    assert sim.say("status").startswith("ok load 0 g, shows 0.000 kg")
    assert sim.say("load 16kg").startswith("ok")
    time.sleep(0.6)
    assert "overload" in sim.say("status")
    sim.close()
    assert sim.proc.returncode == 0


def test_ports_lists_json():
    result = qcity("scale", "ports", "--json")
    assert result.returncode == 0
    ports = json.loads(result.stdout)
    assert isinstance(ports, list)
    for port in ports:
        assert {"device", "description", "vid", "pid", "chip"} <= set(port)
