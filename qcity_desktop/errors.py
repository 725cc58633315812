"""Error types that carry a one-line, user-facing message.

Environment and input problems (bad file, locked database, unknown item) are raised as
``QCityError`` so the CLI and the GUI can show the message as it is; anything else is a bug
and gets a crash report instead.
"""

from __future__ import annotations


class QCityError(Exception):
    """A problem the user can act on; ``str(err)`` is the one-line message."""

    exit_code = 2


class InputError(QCityError):
    """The user's input (a file, a value, an id) is wrong."""


class NotFoundError(InputError):
    """A named thing (subject, inspection, template, item) does not exist."""


class SupervisedUseNeeded(InputError):
    """Completing needs an answer only the inspector can give: has the using unit committed to 监护使用?

    With a few failed elevator items the conclusion is 合格 only with that written commitment, and the
    report states it was given; a screen catches this to ask, the CLI says which option to add.
    """

    def __init__(self, message: str, items: list[str]) -> None:
        super().__init__(message)
        self.items = items


class StateError(QCityError):
    """The operation is not allowed in the current state (e.g. editing a signed inspection)."""


class EnvironmentProblem(QCityError):
    """Something outside the program: locked or corrupt database, disk full, missing file, port gone.

    ``kind`` names the common ones (``disk_full``, ``locked``, ``read_only``) so a screen can word them
    in the user's language without reading the English line.
    """

    exit_code = 3

    def __init__(self, message: str = "", kind: str = "") -> None:
        super().__init__(message)
        self.kind = kind
