"""Scale and port problems, each a one-line message the CLI and the wizard show as they are.

They subclass the house error types so ``qcity`` maps them to exit codes without knowing about
scales: port and signal problems are the environment (exit 3), overload is the scale's state.
"""

from __future__ import annotations

from qcity_desktop.errors import EnvironmentProblem, InputError, StateError


class PortError(EnvironmentProblem):
    """The serial port cannot be opened or vanished (cable pulled, adapter unplugged)."""


class NoSignal(EnvironmentProblem):
    """The port is open but no valid frame arrives (scale off, wrong baud rate, wrong protocol)."""


class ProtocolNotRecognised(NoSignal):
    """Auto-detection found no decoder with a positive signature."""


class ScaleOverload(StateError):
    """The scale reports overload or under-range, so it shows no usable weight."""


class UnknownProtocol(InputError):
    """A protocol name that no decoder module declares."""
