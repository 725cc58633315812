"""The ``qcity`` command line.

Each area of the core contributes its sub-commands in its own ``cmd_<area>.py`` module with a
``register(subparsers, common)`` function; modules are discovered here, so adding an area never
edits a shared file. Handlers return an exit code and raise ``QCityError`` for anything the user
can act on: ``main`` turns that into one line on stderr and a non-zero exit code.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sqlite3
import sys
import traceback

from qcity_desktop.errors import EnvironmentProblem, QCityError


def common_options() -> argparse.ArgumentParser:
    """Options every sub-command accepts wherever they are placed on the line."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--db", default=argparse.SUPPRESS, help="SQLite database file (default: $QCITY_DB or the user data folder)")
    parent.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="machine-readable JSON output")
    return parent


def build_parser() -> argparse.ArgumentParser:
    common = common_options()
    parser = argparse.ArgumentParser(
        prog="qcity", description="QCity Inspector — offline inspections of elevators, scales and construction sites."
    )
    parser.add_argument("--db", default=None, help="SQLite database file (default: $QCITY_DB or the user data folder)")
    parser.add_argument("--json", action="store_true", default=False, help="machine-readable JSON output")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("cmd_"):
            module = importlib.import_module(f"{__name__}.{info.name}")
            module.register(subparsers, common)
    return parser




def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``qcity`` console script; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        code = handler(args)
        return int(code or 0)
    except QCityError as err:
        print(f"qcity: error: {err}", file=sys.stderr)
        return err.exit_code
    except sqlite3.OperationalError as err:
        problem = EnvironmentProblem(f"database error: {err}")
        print(f"qcity: error: {problem}", file=sys.stderr)
        return problem.exit_code
    except KeyboardInterrupt:
        print("qcity: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as err:  # a bug: one line, the traceback only on request
        if os.environ.get("QCITY_DEBUG"):
            traceback.print_exc()
        print(f"qcity: internal error: {type(err).__name__}: {err} (set QCITY_DEBUG=1 for details)", file=sys.stderr)
        return 70
