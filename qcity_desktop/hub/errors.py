"""What the hub tells a device when something outside the request went wrong, and with which HTTP status.

A full disk is the one environment problem a device must not retry at once: it is told so
(507 Insufficient Storage, one line) and keeps its changes; anything already stored is intact.
"""

from __future__ import annotations

import errno
import sqlite3

from qcity_desktop.errors import EnvironmentProblem, InputError, QCityError, StateError


class HubDiskFull(EnvironmentProblem):
    """The hub's disk (or the database server's) is full: nothing of this request was stored."""


class HubDbUnavailable(EnvironmentProblem):
    """The PostgreSQL server went away (restarted, stopped, network): 503, and the device tries again later.

    The lost connection is dropped, so the hub reconnects by itself once the server is back. ``kind``
    (sent as ``code``) tells a device's screen why: ``hub_db_unavailable``, or ``hub_db_taken`` when
    another hub took the database over (owner.py) — the network is fine either way, so "offline" would mislead.
    """

    def __init__(self, message: str, kind: str = "hub_db_unavailable") -> None:
        super().__init__(message, kind)


def disk_full(err: BaseException) -> bool:
    """Whether ``err`` says a disk or quota is full: from the file system, SQLite or PostgreSQL."""
    if isinstance(err, OSError) and err.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    if isinstance(err, sqlite3.Error) and getattr(err, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL:
        return True
    return getattr(err, "sqlstate", None) == "53100"   # PostgreSQL's disk_full


def full_disk_error(where: str) -> HubDiskFull:
    return HubDiskFull(f"the hub's disk is full ({where}); nothing of this upload was stored — the bureau must "
                       "free space on the hub, then sync again")


def error_body(err: QCityError) -> dict[str, str]:
    """The JSON of a one-line error: ``detail``, and ``code`` where a device words it in its own language."""
    if isinstance(err, HubDbUnavailable):
        return {"detail": str(err), "code": err.kind}
    return {"detail": str(err)}


def http_status(err: QCityError) -> int:
    """The status of a one-line error: the same on the fast routes and on FastAPI's."""
    if isinstance(err, HubDiskFull):
        return 507
    if isinstance(err, StateError):
        return 409
    return 400 if isinstance(err, InputError) else 503
