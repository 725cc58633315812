"""``qcity scale ports|read|simulate`` — scales over serial, headless.

``read`` prints one line per reading (a JSON object per line with ``--json``: value as a decimal
string, unit, stable, net, raw bytes in hex, time, protocol, port settings) and ends with a
one-line message and a non-zero exit code on overload, a vanished port, garbage or silence.
``simulate`` starts a virtual scale on a pseudo-terminal, prints the port path on the first line of
stdout and takes load commands on stdin, so tests, demos and training need no hardware.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from typing import Any

from qcity_desktop.cli.output import print_json, print_table, to_json
from qcity_desktop.errors import InputError


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser("scale", parents=[common], help="scales over serial: list ports, read, simulate")
    sub = p.add_subparsers(dest="scale_command", metavar="ACTION", required=True)

    ports = sub.add_parser("ports", parents=[common], help="serial ports present, with USB VID:PID and description")
    ports.set_defaults(handler=cmd_ports)

    r = sub.add_parser("read", parents=[common], help="read weights from a scale",
                       description="Reads COUNT readings from the scale on PORT. Protocols: auto (detect on a "
                                   "positive signature), mt-sics, toledo, ad, cas, aclas.")
    r.add_argument("--port", required=True, help="serial port, e.g. /dev/ttyUSB0 or COM3")
    r.add_argument("--protocol", default="auto", help="auto (default) or a protocol name")
    r.add_argument("--baud", type=int, help="baud rate (default: the protocol's own)")
    r.add_argument("--count", type=int, default=1, help="number of readings to print (default 1)")
    r.add_argument("--stable", action="store_true", help="only stable, in-range readings")
    r.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for each reading (default 10)")
    r.add_argument("--thorough", action="store_true", help="auto: also try the protocols' other port settings")
    r.set_defaults(handler=cmd_read)

    s = sub.add_parser("simulate", parents=[common], help="a virtual scale on a pseudo-terminal",
                       description="Prints the port path, then reads commands on stdin: load 2000g, add 500g, "
                                   "remove, zero, tare, cleartare, unplug, plug, scenario NAME, status, quit.")
    s.add_argument("--protocol", required=True, help="mt-sics, toledo, ad, cas or aclas")
    s.add_argument("--scenario", default="accurate",
                   help="accurate (default), offset, cheat, noise, drift, overload or disconnect")
    s.add_argument("--baud", type=int, help="baud rate the scale paces its bytes at (default: the protocol's)")
    s.add_argument("--unit", default="kg", help="display unit: g, kg, t or mg (default kg)")
    s.add_argument("--max", default="15kg", help="capacity Max (default 15kg)")
    s.add_argument("--e", default="5g", help="scale interval e = d (default 5g)")
    s.add_argument("--load", help="load on the pan at start, e.g. 2000g")
    s.add_argument("--offset", help="offset scenario: the constant error (default 2 e)")
    s.add_argument("--cheat-percent", default="10", help="cheat scenario: added percentage (default 10)")
    s.add_argument("--cheat-threshold", default="1kg", help="cheat scenario: from this load on (default 1kg)")
    s.add_argument("--price", default="0.00", help="unit price in CNY/kg sent by price-computing protocols")
    s.add_argument("--rate", type=float, default=10.0, help="frames per second (default 10)")
    s.add_argument("--link", help="path of the port symlink to create (default: a temp folder)")
    s.add_argument("--disconnect-every", type=float, default=3.0, help="disconnect scenario: seconds plugged")
    s.add_argument("--disconnect-for", type=float, default=1.5, help="disconnect scenario: seconds unplugged")
    s.set_defaults(handler=cmd_simulate)


def cmd_ports(args: argparse.Namespace) -> int:
    from qcity_desktop.devices.transport import list_ports

    ports = list_ports()
    if getattr(args, "json", False):
        print_json([p.to_dict() for p in ports])
        return 0
    if not ports:
        print("没有串口 no serial ports found: plug in the USB-serial cable, or start a virtual scale with "
              "`qcity scale simulate --protocol toledo`")
        return 0
    rows: list[dict[str, Any]] = [
        {"device": p.device, "description": p.description, "vid:pid": f"{p.vid}:{p.pid}" if p.vid else "",
         "chip": p.chip or "", "serial": p.serial_number or ""} for p in ports
    ]
    print_table(rows, ["device", "description", "vid:pid", "chip", "serial"])
    return 0


def cmd_read(args: argparse.Namespace) -> int:
    from qcity_desktop.devices.connection import ScaleConnection

    if args.count < 1:
        raise InputError(f"--count must be 1 or more, not {args.count}")
    if args.baud is not None and args.baud <= 0:
        raise InputError(f"--baud must be a positive baud rate, not {args.baud}")
    if args.timeout <= 0:
        raise InputError(f"--timeout must be positive, not {args.timeout:g}")
    as_json = getattr(args, "json", False)
    conn = ScaleConnection(args.port, args.protocol, args.baud, reconnect=False,
                           first_frame_timeout=min(3.0, args.timeout * 0.75), thorough_detect=args.thorough)
    with conn:
        stream = conn.readings(args.timeout, stable=args.stable)
        for _ in range(args.count):
            reading = next(stream)
            if as_json:
                sys.stdout.write(to_json(reading.to_dict(), indent=None) + "\n")
            else:
                when = reading.time.isoformat(timespec="milliseconds").replace("+00:00", "Z")
                settings = reading.settings.label() if reading.settings else ""
                print(f"{reading.describe()}  [{reading.protocol} {settings}  {when}  raw {reading.raw.hex()}]")
            sys.stdout.flush()
    return 0


def cmd_simulate(args: argparse.Namespace) -> int:
    from qcity_desktop.devices.protocols import get_decoder
    from qcity_desktop.devices.simulator import HELP, VirtualScale, parse_model_options
    from qcity_desktop.devices.units import parse_grams
    from qcity_desktop.errors import QCityError

    get_decoder(args.protocol)  # unknown protocol: one line before anything is created
    if args.baud is not None and args.baud <= 0:
        raise InputError(f"--baud must be a positive baud rate, not {args.baud}")
    model = parse_model_options(args.scenario, args.max, args.e, args.unit, args.offset, args.cheat_percent,
                                args.cheat_threshold, args.price)
    if args.load:
        model.place(parse_grams(args.load), now=model.start - 10)
    scale = VirtualScale(args.protocol, model, baud=args.baud, rate=args.rate, link=args.link,
                         disconnect_every=args.disconnect_every, disconnect_for=args.disconnect_for)
    done = threading.Event()

    def _terminate(signum: int, frame: object) -> None:
        raise SystemExit(0)

    previous = signal.signal(signal.SIGTERM, _terminate)
    path = scale.start()
    try:
        if getattr(args, "json", False):
            print_json({"port": path, "pty": scale.pty_name, "protocol": scale.protocol,
                        "settings": scale.settings.label(), "scenario": model.scenario}, indent=None)
        else:
            print(path)
        sys.stdout.flush()
        print(f"虚拟秤 virtual scale: {scale.protocol} at {scale.settings.label()}, scenario {model.scenario}, "
              f"Max {args.max}, e {args.e}, unit {model.unit}, on {path} -> {scale.pty_name}\n{HELP}",
              file=sys.stderr, flush=True)
        for line in sys.stdin:
            verb = line.strip().lower()
            if verb in ("quit", "exit", "q"):
                print("ok bye", flush=True)
                return 0
            try:
                reply = scale.command(line)
            except QCityError as err:
                reply = f"error: {err}"
            if reply:
                print(reply, flush=True)
        done.wait()  # stdin closed: keep the scale running until SIGTERM / Ctrl-C
        return 0
    finally:
        scale.stop()
        signal.signal(signal.SIGTERM, previous)
